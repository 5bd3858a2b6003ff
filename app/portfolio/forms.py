"""Parsing of typed form values with German messages (shared by the editing services)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from app.core.enums import LABELS

Date = date

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class FormReader:
    """Reads fields from a mapping and collects one German message per bad field."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, required: bool = False, max_length: int = 200, label: str) -> str:
        raw = self.values.get(name)
        value = raw.strip() if isinstance(raw, str) else ""
        if raw is not None and not isinstance(raw, str):
            self.errors[name] = f"{label}: bitte Text eingeben."
        elif required and not value:
            self.errors[name] = f"Bitte {label} angeben."
        elif len(value) > max_length:
            self.errors[name] = f"{label} darf höchstens {max_length} Zeichen lang sein."
        return value

    def date(self, name: str, *, required: bool = False, label: str) -> Date | None:
        raw = self.values.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            if required:
                self.errors[name] = f"Bitte {label} angeben."
            return None
        match = _ISO.match(text)
        parts: tuple[int, int, int] | None = None
        if match:
            parts = (int(match[1]), int(match[2]), int(match[3]))
        else:
            german = _GERMAN.match(text)
            if german:
                parts = (int(german[3]), int(german[2]), int(german[1]))
        try:
            if parts is None:
                raise ValueError(text)
            value = date(*parts)
        except ValueError:
            self.errors[name] = f"{label}: bitte ein Datum wie 24.11.2026 eingeben."
            return None
        if not 2000 <= value.year <= 2100:
            self.errors[name] = f"{label}: das Jahr muss zwischen 2000 und 2100 liegen."
            return None
        return value

    def choice(self, name: str, enum: type[StrEnum], *, label: str) -> str:
        raw = self.values.get(name)
        allowed = [member.value for member in enum]
        if raw not in allowed:
            names = ", ".join(LABELS.get(v, v) for v in allowed)
            self.errors[name] = f"Bitte {label} wählen ({names})."
            return ""
        return str(raw)

    def integer(self, name: str, *, label: str) -> int | None:
        raw = self.values.get(name)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw.strip())
        self.errors[name] = f"{label} fehlt oder ist keine ganze Zahl."
        return None

    def check_order(self, start: Date | None, end: Date | None, field: str, message: str) -> None:
        if start is not None and end is not None and end < start and field not in self.errors:
            self.errors[field] = message
