"""Cost sharing and funding arithmetic: properties that must hold for any amount."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationFailed
from app.finance.allocation import (
    GrantTerms,
    MeasureYearCost,
    Party,
    grant_cap,
    key_weights,
    plan_grant_funding,
    split_funding,
    split_largest_remainder,
)

amounts = st.integers(min_value=0, max_value=10**13)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=8).filter(
    lambda ws: sum(ws) > 0
)


@given(amount=amounts, weights=weight_lists)
def test_shares_add_up_and_stay_within_a_cent(amount: int, weights: list[int]) -> None:
    shares = split_largest_remainder(amount, list(enumerate(weights)))
    assert sum(shares.values()) == amount
    total = sum(weights)
    for index, weight in enumerate(weights):
        exact = Fraction(amount * weight, total)
        assert shares[index] >= 0
        assert abs(shares[index] - exact) < 1
        if weight == 0:
            assert shares[index] == 0


@given(amount=amounts, weights=weight_lists)
def test_split_is_deterministic(amount: int, weights: list[int]) -> None:
    pairs = list(enumerate(weights))
    assert split_largest_remainder(amount, pairs) == split_largest_remainder(amount, pairs)


def test_equal_split_of_one_hundred_euros_among_three() -> None:
    shares = split_largest_remainder(10000, [("a", 1), ("b", 1), ("c", 1)])
    assert shares == {"a": 3334, "b": 3333, "c": 3333}


def test_tie_break_prefers_larger_weight_then_order() -> None:
    # Equal weights, equal remainders: the party given first wins the cent.
    assert split_largest_remainder(1, [("x", 1), ("y", 1)]) == {"x": 1, "y": 0}
    # Exact shares 0,5 and 1,5 cents (equal remainders): the larger weight wins.
    assert split_largest_remainder(2, [("small", 1), ("big", 3)]) == {"small": 0, "big": 2}


def test_invalid_splits_are_refused() -> None:
    with pytest.raises(ValueError):
        split_largest_remainder(-1, [("a", 1)])
    with pytest.raises(ValueError):
        split_largest_remainder(5, [("a", 0)])


def _parties(shares: list[int | None]) -> list[Party]:
    return [
        Party(municipality_id=i + 1, slug=f"k{i}", population=1000 * (i + 1), share_bp=bp)
        for i, bp in enumerate(shares)
    ]


def test_custom_key_of_99_99_percent_is_refused_in_german() -> None:
    with pytest.raises(ValidationFailed) as caught:
        key_weights("custom", _parties([5000, 2500, 2499]))
    message = caught.value.errors["shares"]
    assert "99,99" in message
    assert "genau 100,00 %" in message


def test_custom_key_needs_a_share_for_every_participant() -> None:
    with pytest.raises(ValidationFailed) as caught:
        key_weights("custom", _parties([10000, None]))
    assert "share_k1" in caught.value.errors


def test_custom_key_of_exactly_100_percent_is_accepted() -> None:
    assert key_weights("custom", _parties([5000, 2500, 2500])) == [(1, 5000), (2, 2500), (3, 2500)]


def test_key_weights_for_equal_and_population() -> None:
    parties = _parties([None, None])
    assert key_weights("equal", parties) == [(1, 1), (2, 1)]
    assert key_weights("population", parties) == [(1, 1000), (2, 2000)]
    with pytest.raises(ValidationFailed):
        key_weights("equal", [])


costs_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),
        st.integers(min_value=2020, max_value=2030),
        st.integers(min_value=0, max_value=10**9),
    ),
    max_size=20,
    unique_by=lambda item: (item[0], item[1]),
)


@given(
    costs=costs_strategy,
    rate_bp=st.integers(min_value=0, max_value=10000),
    eligible=st.integers(min_value=0, max_value=10**10),
    maximum=st.integers(min_value=0, max_value=10**10),
)
def test_grant_funding_respects_maximum_rate_and_gross(
    costs: list[tuple[int, int, int]], rate_bp: int, eligible: int, maximum: int
) -> None:
    terms = GrantTerms(
        grant_id=1,
        rate_bp=rate_bp,
        eligible_cents=eligible,
        max_cents=maximum,
        first_year=2022,
        last_year=2028,
    )
    items = [MeasureYearCost(m, y, f"M{m}", gross) for m, y, gross in costs]
    funding = plan_grant_funding(terms, items)
    assert sum(funding.values()) <= maximum
    assert sum(funding.values()) * 10000 <= rate_bp * eligible
    gross = {(c.measure_id, c.year): c.gross_cents for c in items}
    for slot, amount in funding.items():
        assert 2022 <= slot[1] <= 2028
        assert 0 < amount <= gross[slot]


def test_starke_heimat_grant_is_capped_at_its_maximum() -> None:
    terms = GrantTerms(1, 9000, 40_500_000, 36_450_000, 2022, 2025)
    items = [
        MeasureYearCost(1, 2022, "HF1-M01", 20_000_000),
        MeasureYearCost(1, 2023, "HF1-M01", 20_000_000),
        MeasureYearCost(2, 2023, "HF1-M02", 10_000_000),
    ]
    funding = plan_grant_funding(terms, items)
    assert funding == {(1, 2022): 18_000_000, (1, 2023): 18_000_000, (2, 2023): 450_000}
    assert sum(funding.values()) == 36_450_000


@given(
    costs=costs_strategy,
    rate_bp=st.integers(min_value=0, max_value=10000),
    eligible=st.integers(min_value=0, max_value=10**10),
    maximum=st.integers(min_value=0, max_value=10**10),
)
def test_grant_funding_total_is_exact_to_the_cent(
    costs: list[tuple[int, int, int]], rate_bp: int, eligible: int, maximum: int
) -> None:
    """The grant gives rate × eligible costs used (rounded once), or its maximum: no cent is
    lost by rounding each measure-year on its own."""
    terms = GrantTerms(1, rate_bp, eligible, maximum, 2022, 2028)
    items = [MeasureYearCost(m, y, f"M{m}", gross) for m, y, gross in costs]
    in_period = sum(c.gross_cents for c in items if 2022 <= c.year <= 2028)
    used = min(in_period, eligible)
    assert sum(plan_grant_funding(terms, items).values()) == min(grant_cap(rate_bp, used), maximum)


def test_fully_used_eligible_costs_give_the_whole_grant_not_a_cent_less() -> None:
    # 405.000 € at 90 % spread over years whose own 90 % end in fractions of a cent: rounding
    # down per year (the old rule) gave 364.499,99 €.
    terms = GrantTerms(1, 9000, 40_500_000, 36_450_000, 2022, 2026)
    items = [
        MeasureYearCost(1, 2022, "HF1-M01", 13_500_001),
        MeasureYearCost(1, 2023, "HF1-M01", 13_499_999),
        MeasureYearCost(2, 2024, "HF6-M01", 13_500_000),
    ]
    funding = plan_grant_funding(terms, items)
    assert sum(funding.values()) == 36_450_000
    floored = sum(c.gross_cents * 9000 // 10000 for c in items)
    assert floored == 36_449_999, "the old rule would have lost a cent here"


@given(
    data=st.data(),
    lines=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=6),
    parties=st.integers(min_value=1, max_value=4),
)
def test_funding_split_never_makes_a_net_share_negative(
    data: st.DataObject, lines: list[int], parties: int
) -> None:
    weights = data.draw(
        st.lists(
            st.integers(min_value=0, max_value=20000), min_size=parties, max_size=parties
        ).filter(lambda ws: sum(ws) > 0)
    )
    shares = {
        index: split_largest_remainder(amount, list(enumerate(weights)))
        for index, amount in enumerate(lines)
    }
    funding = data.draw(st.integers(min_value=0, max_value=sum(lines)))
    result = split_funding(funding, list(enumerate(lines)), shares)
    assert sum(sum(per_line.values()) for per_line in result.values()) == funding
    for index, per_line in result.items():
        assert sum(per_line.values()) <= lines[index]
        for municipality, amount in per_line.items():
            assert 0 <= amount <= shares[index][municipality]


def test_funding_above_gross_is_refused() -> None:
    with pytest.raises(ValueError):
        split_funding(11, [("a", 10)], {"a": {1: 10}})
