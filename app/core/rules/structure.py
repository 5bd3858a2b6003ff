"""Rules for choices, checkboxes, lists and mappings, and form names of fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.core.enums import LABELS
from app.core.rules.base import _fail, _Rule


@dataclass(frozen=True)
class OneOf(_Rule):
    """One value of an enumeration (stored as its plain string)."""

    choices: tuple[str, ...]
    optional: bool = False
    message: str = ""

    @classmethod
    def of(cls, enum: type[StrEnum], *, optional: bool = False, message: str = "") -> OneOf:
        return cls(tuple(member.value for member in enum), optional=optional, message=message)

    def parse(self, value: Any, form: bool) -> str | None:
        if self.optional and (value is None or value == ""):
            return None
        if not isinstance(value, str) or value not in self.choices:
            names = ", ".join(LABELS.get(choice, choice) for choice in self.choices)
            raise _fail(self.message or f"Bitte eine der Angaben wählen: {names}.")
        return value

    def json_extra(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


@dataclass(frozen=True)
class Flag(_Rule):
    """Yes or no: a JSON boolean, or a form checkbox (present and not "0" means yes)."""

    json_type: str = "boolean"

    def parse(self, value: Any, form: bool) -> bool:
        if isinstance(value, bool):
            return value
        if form and isinstance(value, str):
            return value.strip().lower() in {"1", "on", "ja", "true", "yes"}
        raise _fail("Bitte ja oder nein (true/false) angeben.")


@dataclass(frozen=True)
class Many(_Rule):
    """A list of values each checked by ``item`` (a form sends the field once per value)."""

    item: _Rule
    max_items: int = 500
    json_type: str = "array"

    def parse(self, value: Any, form: bool) -> list[Any]:
        if form and isinstance(value, str):
            value = [value] if value else []
        if not isinstance(value, list):
            raise _fail("Bitte eine Liste angeben.")
        if len(value) > self.max_items:
            raise _fail(f"Höchstens {self.max_items} Einträge.")
        return [self.item.parse(entry, form) for entry in value]

    def json_extra(self) -> dict[str, Any]:
        return {"items": {"type": self.item.json_type, **self.item.json_extra()}}


@dataclass(frozen=True)
class FormName:
    """The name of a field in HTML forms where it differs from the JSON name (``planned`` holds
    euros in the form, ``planned_cents`` cents in JSON)."""

    name: str


@dataclass(frozen=True)
class Keyed(_Rule):
    """A mapping whose keys follow ``key`` and whose values follow ``value`` (at most
    ``max_items``); forms build it from fields such as ``share_<slug>``."""

    key: _Rule
    value: _Rule
    max_items: int = 500
    json_type: str = "object"

    def parse(self, value: Any, form: bool) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise _fail("Bitte ein Objekt (Schlüssel → Wert) angeben.")
        if len(value) > self.max_items:
            raise _fail(f"Höchstens {self.max_items} Einträge.")
        result: dict[Any, Any] = {}
        for raw_key, raw_value in value.items():
            result[self.key.parse(raw_key, True)] = self.value.parse(raw_value, form)
        return result

    def json_extra(self) -> dict[str, Any]:
        return {
            "additionalProperties": {"type": self.value.json_type, **self.value.json_extra()},
            "maxProperties": self.max_items,
        }
