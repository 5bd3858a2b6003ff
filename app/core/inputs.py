"""One way to read input: pydantic schemas whose fields parse an HTML form and a JSON body alike.

An edit's schema (in its domain's ``schemas.py``) annotates each field with one of the rules
below. The same schema validates

* a JSON body of the API: values must have their JSON type (a number is a number, ``true`` is
  no number), amounts are integer cents, dates ISO 8601;
* an HTML form (:func:`parse_form`, validation context ``{"form": True}``): every value is text,
  amounts are German (``1.234,56``), dates German or ISO, empty text means "not given".

Every rule answers bad input with a German message. Text never holds control characters (tab and
line breaks only in long texts) or unpaired surrogates, and never exceeds its column; integers are
``[0-9]+`` in ASCII; amounts have an upper bound. So nothing a user types reaches the database in
a form it would refuse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from app.core.enums import LABELS
from app.core.errors import ValidationFailed
from app.core.formatting import MoneyFormatError, parse_money, parse_percent_bp

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


SLUG_PATTERN = "[a-z0-9][a-z0-9-]{0,39}"


@dataclass(frozen=True)
class Slug(Text):
    """A municipality's (or another record's) short name in addresses."""

    max_length: int = 40
    required: bool = True
    pattern: str = SLUG_PATTERN
    pattern_message: str = "Unbekannte Kommune."
    message: str = "Bitte eine Kommune wählen."


def parse_int(text: str) -> int | None:
    """An integer written as ASCII digits ``[0-9]+`` (an optional leading minus), else None.

    ``"²".isdigit()`` is true and ``int("٣")`` is 3: neither is a number a user typed here.
    """
    candidate = text.strip()
    negative = candidate.startswith("-")
    digits = candidate[1:] if negative else candidate
    if not _ASCII_DIGITS.fullmatch(digits) or len(digits) > 18:
        return None
    return -int(digits) if negative else int(digits)


@dataclass(frozen=True)
class Whole(_Rule):
    """An integer from ``ge`` to ``le``; forms give ASCII digits, JSON a number (not a boolean)."""

    ge: int = 0
    le: int = 2**31 - 1
    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte eine ganze Zahl angeben.")
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif form and isinstance(value, str):
            number = parse_int(value)
        if number is None:
            raise _fail(self.message or "Bitte eine ganze Zahl angeben.")
        if not self.ge <= number <= self.le:
            raise _fail(self.message or f"Bitte eine Zahl von {self.ge} bis {self.le} angeben.")
        return number

    def json_extra(self) -> dict[str, Any]:
        return {"minimum": self.ge, "maximum": self.le}


@dataclass(frozen=True)
class QueryNumber(Whole):
    """An integer in a query parameter: always text there, so ASCII digits are read in any
    context (a JSON body's integers use :class:`Whole`)."""

    def parse(self, value: Any, form: bool) -> int | None:
        return super().parse(value, True)


@dataclass(frozen=True)
class Year(Whole):
    """A Haushaltsjahr."""

    ge: int = MIN_YEAR
    le: int = MAX_YEAR
    message: str = f"Bitte ein Jahr zwischen {MIN_YEAR} und {MAX_YEAR} angeben."


@dataclass(frozen=True)
class Version(Whole):
    """The version of a record an edit was based on (optimistic locking); one that never
    existed (0) is simply stale."""

    ge: int = 0
    message: str = "Die Version des Datensatzes fehlt; bitte die Seite neu laden."


def money_text_to_cents(text: str) -> int:
    """German amount text to cents within the bound; raises the rule's German error."""
    try:
        cents = parse_money(text)
    except MoneyFormatError as exc:
        raise _fail(str(exc)) from None
    return cents


@dataclass(frozen=True)
class Cents(_Rule):
    """An amount: integer cents in JSON, German euros (``1.234,56``) in forms; 0 to 1 bn €."""

    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte einen Betrag angeben (0 ist erlaubt).")
        if form and isinstance(value, str):
            cents = money_text_to_cents(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            cents = value
        else:
            raise _fail("Bitte einen Betrag in Cent als ganze Zahl angeben.")
        if cents < 0:
            raise _fail("Der Betrag darf nicht negativ sein.")
        if cents > MAX_CENTS:
            raise _fail("Der Betrag darf höchstens 1.000.000.000,00 € betragen.")
        return cents

    def json_extra(self) -> dict[str, Any]:
        return {"minimum": 0, "maximum": MAX_CENTS, "description": "Betrag in Cent"}


@dataclass(frozen=True)
class BasisPoints(_Rule):
    """A share or rate: basis points of 100 % in JSON (3333), per cent in forms (``33,33``)."""

    optional: bool = False
    message: str = ""
    json_type: str = "integer"

    def parse(self, value: Any, form: bool) -> int | None:
        if value is None or (form and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte einen Prozentsatz angeben.")
        if form and isinstance(value, str):
            try:
                points = parse_percent_bp(value)
            except ValueError as exc:
                raise _fail(str(exc)) from None
        elif isinstance(value, int) and not isinstance(value, bool):
            points = value
        else:
            raise _fail("Bitte einen Anteil in Hundertstel Prozent als ganze Zahl angeben.")
        if points < 0:
            raise _fail("Der Prozentsatz darf nicht negativ sein.")
        if points > 10000:
            raise _fail("Der Prozentsatz darf höchstens 100 % betragen.")
        return points

    def json_extra(self) -> dict[str, Any]:
        return {
            "minimum": 0,
            "maximum": 10000,
            "description": "Hundertstel Prozent (10000 = 100 %)",
        }


def parse_day(text: str) -> date | None:
    """``2026-11-24`` or ``24.11.2026`` as a date in 2000–2100, else None."""
    candidate = text.strip()
    match = _ISO_DATE.fullmatch(candidate)
    parts: tuple[int, int, int] | None = None
    if match:
        parts = (int(match[1]), int(match[2]), int(match[3]))
    else:
        german = _GERMAN_DATE.fullmatch(candidate)
        if german:
            parts = (int(german[3]), int(german[2]), int(german[1]))
    if parts is None:
        return None
    try:
        value = date(*parts)
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


@dataclass(frozen=True)
class Day(_Rule):
    """A date: ISO 8601 in JSON, German or ISO in forms, between the years 2000 and 2100."""

    optional: bool = False
    message: str = ""

    def parse(self, value: Any, form: bool) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise _fail(self.message or "Bitte ein Datum angeben.")
        if isinstance(value, date):
            parsed: date | None = value
        elif isinstance(value, str) and bad_characters(value, multiline=False) is None:
            parsed = parse_day(value) if form else _iso_only(value)
        else:
            parsed = None
        if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise _fail("Bitte ein Datum wie 24.11.2026 zwischen 2000 und 2100 angeben.")
        return parsed

    def json_extra(self) -> dict[str, Any]:
        return {"format": "date"}


def _iso_only(text: str) -> date | None:
    return parse_day(text) if _ISO_DATE.fullmatch(text.strip()) else None


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


def _form_name(schema: type[BaseModel], field: str) -> str:
    for item in schema.model_fields[field].metadata:
        if isinstance(item, FormName):
            return item.name
    return field


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


class Input(BaseModel):
    """Base of every edit's schema: unknown JSON fields are refused, instances are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class VersionOnly(Input):
    """An action on a record that needs only the version it was based on (archive, delete)."""

    expected_version: Annotated[int, Version()]


S = TypeVar("S", bound=BaseModel)


GERMAN_MESSAGES = {
    "missing": "Pflichtangabe fehlt.",
    "extra_forbidden": "Dieses Feld ist unbekannt.",
    "int_parsing": "Bitte eine ganze Zahl angeben.",
    "int_type": "Bitte eine ganze Zahl angeben.",
    "int_from_float": "Bitte eine ganze Zahl angeben.",
    "string_type": "Bitte Text angeben.",
    "string_too_long": "Der Text ist zu lang.",
    "bool_type": "Bitte ja oder nein (true/false) angeben.",
    "bool_parsing": "Bitte ja oder nein (true/false) angeben.",
    "model_attributes_type": "Bitte ein JSON-Objekt senden.",
    "model_type": "Bitte ein JSON-Objekt senden.",
    "dict_type": "Bitte ein JSON-Objekt senden.",
    "json_invalid": "Der Inhalt ist kein gültiges JSON.",
    "enum": "Dieser Wert ist nicht erlaubt.",
    "literal_error": "Dieser Wert ist nicht erlaubt.",
    "greater_than_equal": "Der Wert ist zu klein.",
    "less_than_equal": "Der Wert ist zu groß.",
    "list_type": "Bitte eine Liste angeben.",
}
_LOCATION_PREFIXES = ("body", "query", "path", "header", "cookie", "form")


def field_name(loc: tuple[Any, ...]) -> str:
    """``("body", "lines", 0, "year")`` → ``lines.0.year``."""
    parts = [str(part) for part in loc if part not in _LOCATION_PREFIXES]
    return ".".join(parts) or "request"


def german_errors(errors: list[Any]) -> dict[str, str]:
    """Pydantic's errors as one German message per field (the first one a field had)."""
    result: dict[str, str] = {}
    for error in errors:
        kind = str(error.get("type", ""))
        if kind == "json_invalid":  # the body is no JSON at all; its position names no field
            result.setdefault("request", GERMAN_MESSAGES[kind])
            continue
        if kind == "ikz_field":  # a rule across fields names the field it blames
            result.setdefault(str(error["ctx"]["field"]), str(error["msg"]))
            continue
        message = (
            str(error.get("msg", ""))
            if kind == "ikz"
            else GERMAN_MESSAGES.get(kind, "Ungültige Angabe.")
        )
        result.setdefault(field_name(tuple(error.get("loc", ()))), message)
    return result


def _form_value(form: Any, name: str, many: bool) -> Any:
    if isinstance(form, Mapping) and isinstance(form.get(name), Mapping | list):
        nested = form.get(name)
        if not (many and isinstance(nested, list) and all(isinstance(v, str) for v in nested)):
            return nested  # a structure the route built from dynamic field names
    if hasattr(form, "getlist"):
        values = [value for value in form.getlist(name) if isinstance(value, str)]
    else:
        raw = form.get(name)
        values = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    if many:
        return [str(value) for value in values]
    return str(values[-1]) if values else ""


def is_many(schema: type[BaseModel], name: str) -> bool:
    return any(isinstance(rule, Many) for rule in schema.model_fields[name].metadata)


def form_fields(schema: type[BaseModel]) -> dict[str, str]:
    """The schema's fields by their names in forms."""
    return {_form_name(schema, name): name for name in schema.model_fields}


def parse_form(schema: type[S], form: Any) -> S:
    """Validate a submitted form (a Starlette ``FormData`` or a mapping) against ``schema``.

    Every field of the schema is read; a missing one counts as empty. Raises
    :class:`ValidationFailed` with one German message per bad field.
    """
    names = form_fields(schema)
    data = {
        field: _form_value(form, form_name, is_many(schema, field))
        for form_name, field in names.items()
    }
    try:
        return schema.model_validate(data, context={FORM: True})
    except PydanticValidationError as exc:
        errors = german_errors(exc.errors())
        back = {field: form_name for form_name, field in names.items()}
        raise ValidationFailed({back.get(key, key): text for key, text in errors.items()}) from None


def parse_query(schema: type[S], params: Mapping[str, str]) -> S:
    """Validate query parameters like a form (only the parameters that are present)."""
    data = {name: params[name] for name in schema.model_fields if name in params}
    try:
        return schema.model_validate(data, context={FORM: True})
    except PydanticValidationError as exc:
        raise ValidationFailed(german_errors(exc.errors())) from None


def not_before(start_field: str, message: str) -> AfterValidator:
    """A date field's rule: not before the (earlier declared) field ``start_field``.

    A field rule rather than a rule on the whole model, so it is checked, and its message shown,
    also when other fields of the form are wrong.
    """

    def check_order(value: date | None, info: core_schema.ValidationInfo) -> date | None:
        start = info.data.get(start_field)
        if value is not None and isinstance(start, date) and value < start:
            raise _fail(message)
        return value

    return AfterValidator(check_order)


def check(condition: bool, errors: dict[str, str], field: str, message: str) -> None:
    """Add ``message`` for ``field`` unless ``condition`` holds (and the field has no error yet)."""
    if not condition and field not in errors:
        errors[field] = message


def raise_if(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationFailed(dict(errors))
