"""Rules for text: free text, measure codes and slugs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.core.rules.base import _fail, _Rule, bad_characters


@dataclass(frozen=True)
class Text(_Rule):
    """Text up to ``max_length`` characters, stripped; ``multiline`` allows line breaks and tabs.

    ``required`` makes empty text an error; ``message`` replaces the standard message for it.
    """

    max_length: int
    required: bool = False
    multiline: bool = False
    message: str = ""
    pattern: str = ""
    pattern_message: str = ""

    def parse(self, value: Any, form: bool) -> str:
        if value is None and not form and not self.required:
            return ""
        if not isinstance(value, str):
            raise _fail("Bitte Text angeben.")
        reason = bad_characters(value, multiline=self.multiline)
        if reason:
            raise _fail(reason)
        text = value.strip()
        if not text:
            if self.required:
                raise _fail(self.message or "Bitte ausfüllen.")
            return ""
        if len(text) > self.max_length:
            raise _fail(f"Höchstens {self.max_length} Zeichen (eingegeben: {len(text)}).")
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise _fail(self.pattern_message or "Das Format stimmt nicht.")
        return text

    def json_extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"maxLength": self.max_length}
        if self.required:
            extra["minLength"] = 1
        if self.pattern:
            extra["pattern"] = f"^{self.pattern}$"
        return extra


# A measure's code: capitals, digits and hyphens, as in ``HF2-M03``; it appears in addresses.
MEASURE_CODE_PATTERN = "[A-Z0-9][A-Z0-9-]{1,29}"
MEASURE_CODE_MESSAGE = (
    "Der Code besteht aus 2 bis 30 Großbuchstaben, Ziffern und Bindestrichen und beginnt mit "
    "einem Buchstaben oder einer Ziffer, z. B. HF2-M03."
)


def is_measure_code(text: str) -> bool:
    return re.fullmatch(MEASURE_CODE_PATTERN, text) is not None


@dataclass(frozen=True)
class Code(Text):
    """A measure code (upper-cased from forms)."""

    max_length: int = 30
    required: bool = True
    pattern: str = MEASURE_CODE_PATTERN
    pattern_message: str = MEASURE_CODE_MESSAGE
    message: str = "Bitte einen Code angeben."

    def parse(self, value: Any, form: bool) -> str:
        if form and isinstance(value, str):
            value = value.upper()
        return super().parse(value, form)


# Produkt, Sachkonto, Investitionsnummer: as each municipality writes them (``011105``,
# ``01.11.05``, ``I-2025-012``), beginning with a letter or digit, so that no spreadsheet ever
# reads one as a formula and exports can write them exactly.
ACCOUNT_CODE_PATTERN = "[0-9A-Za-z][0-9A-Za-z./ _-]{0,39}"


@dataclass(frozen=True)
class AccountCode(Text):
    """A Produkt, Sachkonto or Investitionsnummer (optional; empty is allowed)."""

    max_length: int = 40
    pattern: str = ACCOUNT_CODE_PATTERN
    pattern_message: str = (
        "Bitte nur Ziffern, Buchstaben, Punkte, Bindestriche, Schrägstriche und Leerzeichen "
        "verwenden und mit einer Ziffer oder einem Buchstaben beginnen, z. B. 011105 oder "
        "01.11.05."
    )


SLUG_PATTERN = "[a-z0-9][a-z0-9-]{0,39}"


@dataclass(frozen=True)
class Slug(Text):
    """A municipality's (or another record's) short name in addresses."""

    max_length: int = 40
    required: bool = True
    pattern: str = SLUG_PATTERN
    pattern_message: str = "Unbekannte Kommune."
    message: str = "Bitte eine Kommune wählen."
