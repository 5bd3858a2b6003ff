"""One way to read input: pydantic schemas whose fields parse an HTML form and a JSON body alike.

An edit's schema (in its domain's ``schemas.py``) derives from :class:`Input` and annotates each
field with a rule of :mod:`app.core.rules`. The same schema validates

* a JSON body of the API: values must have their JSON type (a number is a number, ``true`` is
  no number), amounts are integer cents, dates ISO 8601;
* an HTML form (:func:`parse_form`, validation context ``{"form": True}``): every value is text,
  amounts are German (``1.234,56``), dates German or ISO, empty text means "not given".

Whatever is refused comes back as :class:`~app.core.errors.ValidationFailed` with one German
message per field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from app.core.errors import ValidationFailed
from app.core.rules import FORM, FormName, Many, Version


def _form_name(schema: type[BaseModel], field: str) -> str:
    for item in schema.model_fields[field].metadata:
        if isinstance(item, FormName):
            return item.name
    return field


class Input(BaseModel):
    """Base of every edit's schema: unknown JSON fields are refused, instances are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _all_required(schema: dict[str, Any]) -> None:
    schema["required"] = list(schema.get("properties", {}))


class Replacement(Input):
    """The schema of an edit that replaces a record's values (HTTP PUT): a JSON body must name
    every field, so that a value left out is never silently emptied. (A form always sends all of
    its fields.) The OpenAPI document says so: every field is required."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_all_required)

    @model_validator(mode="before")
    @classmethod
    def _every_field_given(cls, data: Any, info: ValidationInfo) -> Any:
        context = info.context
        if (isinstance(context, Mapping) and context.get(FORM)) or not isinstance(data, Mapping):
            return data
        for name in cls.model_fields:
            if name not in data:
                raise PydanticCustomError(
                    "ikz_field",
                    "Pflichtangabe fehlt: beim Ändern werden alle Felder gesendet.",
                    {"field": name},
                )
        return data


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
