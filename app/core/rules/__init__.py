"""Field rules of the input schemas: each parses a form's text or a JSON value with a German
message for whatever it refuses (see :mod:`app.core.inputs` for how schemas use them).

Text never holds control characters (tab and line breaks only in long texts) or unpaired
surrogates, and never exceeds its column; integers are ``[0-9]+`` in ASCII; amounts lie between 0
and 1 billion euros; dates are German or ISO in forms, ISO in JSON, within 2000–2100.
"""

from __future__ import annotations

from app.core.rules.base import FORM, MAX_CENTS, MAX_YEAR, MIN_YEAR, bad_characters, shown
from app.core.rules.dates import Day, not_before, parse_day
from app.core.rules.numbers import (
    BasisPoints,
    Cents,
    Hundredths,
    QueryNumber,
    Version,
    Whole,
    Year,
    money_text_to_cents,
    parse_int,
)
from app.core.rules.structure import Flag, FormName, Keyed, Many, OneOf
from app.core.rules.text import (
    ACCOUNT_CODE_PATTERN,
    MEASURE_CODE_MESSAGE,
    MEASURE_CODE_PATTERN,
    SLUG_PATTERN,
    AccountCode,
    Code,
    Slug,
    Text,
    is_measure_code,
)

__all__ = [
    "ACCOUNT_CODE_PATTERN",
    "FORM",
    "MAX_CENTS",
    "MAX_YEAR",
    "MEASURE_CODE_MESSAGE",
    "MEASURE_CODE_PATTERN",
    "MIN_YEAR",
    "SLUG_PATTERN",
    "AccountCode",
    "BasisPoints",
    "Cents",
    "Code",
    "Day",
    "Flag",
    "FormName",
    "Hundredths",
    "Keyed",
    "Many",
    "OneOf",
    "QueryNumber",
    "Slug",
    "Text",
    "Version",
    "Whole",
    "Year",
    "bad_characters",
    "is_measure_code",
    "money_text_to_cents",
    "not_before",
    "parse_day",
    "parse_int",
    "shown",
]
