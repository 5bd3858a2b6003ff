"""What every field rule shares: the German error, the form context, the JSON schema."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

FORM = "form"
# The largest amount of one budget line, grant or drawdown: 1 billion euros. Sums of many such
# amounts stay far inside a 64-bit integer on both databases.
MAX_CENTS = 100_000_000_000
MIN_YEAR = 2000
MAX_YEAR = 2100

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_LINE_BREAKS = "\n\r\t"


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("ikz", message)


def _from_form(info: core_schema.ValidationInfo) -> bool:
    context = info.context
    return bool(isinstance(context, Mapping) and context.get(FORM))


def bad_characters(text: str, *, multiline: bool) -> str | None:
    """German reason why ``text`` may not be stored, or None when it may."""
    for char in text:
        if multiline and char in _LINE_BREAKS:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return "Steuerzeichen (wie Nullbytes) sind nicht erlaubt."
        if category == "Cs":
            return "Der Text enthält ungültige Zeichen."
    return None


def shown(text: str, limit: int = 40) -> str:
    """User input quoted back in a message: printable characters only, and not too long."""
    printable = "".join(char for char in text if char.isprintable())
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"


class _Rule:
    """Base of the field rules: a before-validator with the rule's JSON schema."""

    json_type: str = "string"

    def parse(self, value: Any, form: bool) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def json_extra(self) -> dict[str, Any]:
        return {}

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        def validate(value: Any, info: core_schema.ValidationInfo) -> Any:
            return self.parse(value, _from_form(info))

        return core_schema.with_info_plain_validator_function(validate)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result: dict[str, Any] = {"type": self.json_type}
        result.update(self.json_extra())
        if getattr(self, "optional", False):
            return {"anyOf": [result, {"type": "null"}]}
        return result
