"""The arithmetic of an indicator: where the straight path to the target stands on a day, whether
the latest value is behind it, and the plain sentence a KPI card says.

Pure functions over integers (hundredths of the unit) and dates; exact through ``Fraction``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from app.core.formatting import fmt_date, fmt_hundredths

UP = "steigend"
DOWN = "fallend"


@dataclass(frozen=True)
class Path:
    """Baseline and target of an indicator, and which way is better."""

    direction: str
    baseline_value: int
    baseline_on: date
    target_value: int
    target_on: date


@dataclass(frozen=True)
class Reading:
    measured_on: date
    value: int


def planned_value(path: Path, on: date) -> Fraction:
    """The value the straight line from baseline to target gives for ``on``.

    Before the baseline date it is the baseline, from the target date on the target. A target
    date not after the baseline date has no line: the target is due at once.
    """
    if path.target_on <= path.baseline_on or on >= path.target_on:
        return Fraction(path.target_value)
    if on <= path.baseline_on:
        return Fraction(path.baseline_value)
    elapsed = (on - path.baseline_on).days
    span = (path.target_on - path.baseline_on).days
    change = path.target_value - path.baseline_value
    return path.baseline_value + Fraction(change * elapsed, span)


def is_better(direction: str, value: Fraction | int, than: Fraction | int) -> bool:
    """``value`` is better than ``than`` for an indicator of ``direction``."""
    return value < than if direction == DOWN else value > than


def behind_plan(path: Path, latest: Reading | None) -> bool:
    """The latest value is worse than the straight path at its date (no value: not behind).

    The same comparison as with :func:`planned_value`, in integers (both sides times the span
    in days): the dashboard asks it of every indicator in view."""
    if latest is None:
        return False
    on = latest.measured_on
    if path.target_on <= path.baseline_on or on >= path.target_on:
        value, expected = latest.value, path.target_value
    elif on <= path.baseline_on:
        value, expected = latest.value, path.baseline_value
    else:
        span = (path.target_on - path.baseline_on).days
        elapsed = (on - path.baseline_on).days
        value = latest.value * span
        expected = path.baseline_value * span + (path.target_value - path.baseline_value) * elapsed
    return is_better(path.direction, expected, value)


def target_reached(path: Path, latest: Reading | None) -> bool:
    if latest is None:
        return False
    return latest.value == path.target_value or is_better(
        path.direction, latest.value, path.target_value
    )


def _amount(hundredths: int | Fraction, unit: str) -> str:
    text = fmt_hundredths(round(hundredths))
    if not unit:
        return text
    return f"{text} %" if unit == "%" else f"{text} {unit}"


def sentence(path: Path, unit: str, latest: Reading | None) -> str:
    """What the card says in one sentence, e.g. „62 % von 80 % erreicht, Ziel bis 31.12.2027“."""
    due = fmt_date(path.target_on)
    target = _amount(path.target_value, unit)
    if latest is None:
        return (
            f"Noch kein Messwert; Ausgangswert {_amount(path.baseline_value, unit)} am "
            f"{fmt_date(path.baseline_on)}, Ziel {target} bis {due}."
        )
    current = _amount(latest.value, unit)
    if path.direction == DOWN:
        text = f"{current} erreicht, Ziel höchstens {target} bis {due}"
    elif unit == "%" or not unit:
        text = f"{current} von {target} erreicht, Ziel bis {due}"
    else:  # „12 von 20 Online-Dienste erreicht“: the unit once, after the target
        text = f"{fmt_hundredths(latest.value)} von {target} erreicht, Ziel bis {due}"
    if target_reached(path, latest):
        return f"{text} – Ziel erreicht (Stand {fmt_date(latest.measured_on)})."
    if behind_plan(path, latest):
        expected = _amount(planned_value(path, latest.measured_on), unit)
        return (
            f"{text} – hinter dem Plan: zum {fmt_date(latest.measured_on)} "
            f"wären {expected} zu erwarten."
        )
    return f"{text} (Stand {fmt_date(latest.measured_on)})."
