"""Depreciation (AfA) of investive lines and the Auflösung of the Sonderposten, in integer cents.

The choices (docs/haushalt.md says why):

* **Linear**, over a useful life per cost category (``USEFUL_LIFE_YEARS``, after the Hessian
  AfA table for IT: hardware 4 years, software and capitalised services 5 years).
* **Full yearly rates from the year after the payment.** The application records the year of
  an investive payment, not the day an asset went into use; a pro-rata start would invent a
  date. An asset paid for in 2026 is depreciated 2027–2031.
* **The Sonderposten is dissolved like the asset it funds** (GemHVO: the Sonderposten for
  investment grants is dissolved in step with the depreciation of the funded asset): the same
  years, the same method, applied to the investive grant share.
* The amount is split over the years by largest remainder, so the rates add up to the amount
  to the cent (the first years carry the extra cents).
"""

from __future__ import annotations

from app.core.enums import CostCategory
from app.finance.allocation import split_largest_remainder

USEFUL_LIFE_YEARS: dict[str, int] = {
    CostCategory.software.value: 5,
    CostCategory.hardware.value: 4,
    CostCategory.dienstleistung.value: 5,
    CostCategory.personal.value: 5,
    CostCategory.schulung.value: 5,
    CostCategory.betrieb.value: 5,
}


def yearly_rates(amount_cents: int, paid_in: int, category: str) -> dict[int, int]:
    """The yearly rates of ``amount_cents`` paid in ``paid_in``: linear over the category's
    useful life, starting the year after; they add up to the amount exactly."""
    if amount_cents <= 0:
        return {}
    years = USEFUL_LIFE_YEARS.get(category, 5)
    weights = [(paid_in + offset, 1) for offset in range(1, years + 1)]
    return {year: cents for year, cents in split_largest_remainder(amount_cents, weights).items()}
