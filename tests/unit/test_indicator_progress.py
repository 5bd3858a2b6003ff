"""The straight path to an indicator's target, the flag „hinter dem Plan“ and the card's
sentence."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from app.indicators.progress import (
    Path,
    Reading,
    behind_plan,
    planned_value,
    sentence,
    target_reached,
)

UP = Path("steigend", 2000, date(2024, 1, 1), 8000, date(2028, 1, 1))
DOWN = Path("fallend", 3000, date(2024, 1, 1), 1000, date(2026, 1, 1))


def test_planned_value_runs_straight_from_baseline_to_target() -> None:
    assert planned_value(UP, date(2024, 1, 1)) == 2000
    assert planned_value(UP, date(2028, 1, 1)) == 8000
    halfway = date(2026, 1, 1)  # 731 of 1461 days
    assert planned_value(UP, halfway) == 2000 + Fraction(6000 * 731, 1461)
    assert planned_value(UP, date(2020, 5, 5)) == 2000  # before the baseline
    assert planned_value(UP, date(2030, 5, 5)) == 8000  # after the target date


def test_no_value_is_not_behind() -> None:
    assert behind_plan(UP, None) is False
    assert "Noch kein Messwert" in sentence(UP, "%", None)


def test_rising_indicator_below_its_path_is_behind() -> None:
    on = date(2026, 1, 1)  # the path expects about 50,02 %
    assert behind_plan(UP, Reading(on, 4000)) is True
    assert behind_plan(UP, Reading(on, 5100)) is False


def test_falling_indicator_above_its_path_is_behind() -> None:
    on = date(2025, 1, 1)  # the path expects 2.000 (366 of 731 days: 1.998,6)
    assert behind_plan(DOWN, Reading(on, 2500)) is True
    assert behind_plan(DOWN, Reading(on, 1500)) is False
    assert target_reached(DOWN, Reading(on, 900)) is True


def test_target_date_before_the_baseline_means_the_target_is_due_at_once() -> None:
    odd = Path("steigend", 1000, date(2026, 1, 1), 5000, date(2025, 1, 1))
    assert planned_value(odd, date(2025, 6, 1)) == 5000
    assert behind_plan(odd, Reading(date(2026, 6, 1), 4999)) is True
    assert behind_plan(odd, Reading(date(2026, 6, 1), 5000)) is False


def test_sentence_reads_german_numbers_and_dates() -> None:
    path = Path("steigend", 2000, date(2024, 1, 1), 8000, date(2027, 12, 31))
    text = sentence(path, "%", Reading(date(2027, 12, 1), 6200))
    assert text.startswith("62 % von 80 % erreicht, Ziel bis 31.12.2027")
    assert "hinter dem Plan" in text
    other = sentence(
        Path("steigend", 0, date(2024, 1, 1), 2000, date(2028, 12, 31)),
        "Online-Dienste",
        Reading(date(2024, 6, 30), 1250),
    )
    assert other.startswith("12,5 von 20 Online-Dienste erreicht")
    down = sentence(DOWN, "Tage", Reading(date(2025, 1, 1), 1500))
    assert down.startswith("15 Tage erreicht, Ziel höchstens 10 Tage bis 01.01.2026")
