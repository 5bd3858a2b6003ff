"""Read the seed folder: YAML → pydantic models, with errors that point at file, entry and field.

Nothing here touches the database. The file kind follows from the file name: ``municipalities``,
``strategy``, ``funding``, ``haushalt``, ``councils`` and ``measures`` (also
``measures-<anything>``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from app.seed.errors import SeedError
from app.seed.indicator_schema import IndicatorsFile
from app.seed.schema import (
    CouncilsFile,
    FundingFile,
    HaushaltFile,
    MeasuresFile,
    MunicipalitiesFile,
    RisksFile,
    StrategiesFile,
)

FILE_KINDS: dict[str, type[BaseModel]] = {
    "municipalities": MunicipalitiesFile,
    "strategy": StrategiesFile,
    "funding": FundingFile,
    "haushalt": HaushaltFile,
    "measures": MeasuresFile,
    "councils": CouncilsFile,
    "risks": RisksFile,
    "indicators": IndicatorsFile,
}

_BUCKET = {
    "municipalities": "municipalities",
    "strategy": "strategies",
    "funding": "funding",
    "haushalt": "haushalt",
    "measures": "measures",
    "councils": "councils",
    "risks": "risks",
    "indicators": "indicators",
}
_KEEP_AS_TEXT = {"tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_IDENTIFYING_KEYS = (
    "code",
    "slug",
    "notice_number",
    "title",
    "municipality",
    "year",
    "date",
    "requested_on",
    "due_on",
)


class _SeedYamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps decimals and dates as text (parsed exactly later) and refuses
    duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    raise ConstructorError(
                        None, None, f"doppelter Schlüssel {key!r}", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_SeedYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _KEEP_AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SeedFiles:
    """The validated content of a seed folder, each model with the file it came from."""

    municipalities: list[tuple[str, MunicipalitiesFile]] = field(default_factory=list)
    strategies: list[tuple[str, StrategiesFile]] = field(default_factory=list)
    measures: list[tuple[str, MeasuresFile]] = field(default_factory=list)
    funding: list[tuple[str, FundingFile]] = field(default_factory=list)
    haushalt: list[tuple[str, HaushaltFile]] = field(default_factory=list)
    councils: list[tuple[str, CouncilsFile]] = field(default_factory=list)
    risks: list[tuple[str, RisksFile]] = field(default_factory=list)
    indicators: list[tuple[str, IndicatorsFile]] = field(default_factory=list)


def file_kind(path: Path) -> str | None:
    stem = path.stem
    for kind in FILE_KINDS:
        if stem == kind or stem.startswith((f"{kind}-", f"{kind}_")):
            return kind
    return None


def load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(path.name, "-", "-", f"Datei nicht lesbar: {exc}") from None
    try:
        return yaml.load(text, Loader=_SeedYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (Zeile {mark.line + 1}, Spalte {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SeedError(path.name, "-", "-", f"YAML-Fehler{where}: {problem}") from None


def _item_label(item: dict[str, Any], list_name: str | None, index: int) -> str:
    ident: object = None
    for key in _IDENTIFYING_KEYS:
        if key in item and isinstance(item[key], str | int):
            ident = item[key]
            break
    text = str(ident) if ident is not None else f"Nr. {index + 1}"
    return f"{list_name} {text}" if list_name else text


def _describe(raw: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Translate a pydantic error location into (entry, field) using the raw data's keys."""
    entry: list[str] = []
    field_parts: list[str] = []
    node: Any = raw
    previous_key: str | None = None
    for part in loc:
        child: Any = None
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            child = node[part]
        elif isinstance(part, str) and isinstance(node, dict):
            child = node.get(part)
        if isinstance(part, int) and isinstance(child, dict):
            list_name = previous_key if entry else None
            entry.append(_item_label(child, list_name, part))
            field_parts = []
        elif isinstance(part, int):
            field_parts.append(f"[{part + 1}]")
        else:
            field_parts.append(part)
            previous_key = part
        node = child
    field_text = ".".join(field_parts).replace(".[", "[") or "-"
    return (" › ".join(entry) or "(Datei)"), field_text


_GERMAN: dict[str, str] = {
    "missing": "Pflichtfeld fehlt",
    "extra_forbidden": "unbekanntes Feld",
    "enum": "ungültiger Wert; erlaubt: {expected}",
    "literal_error": "ungültiger Wert; erlaubt: {expected}",
    "int_parsing": "ganze Zahl erwartet",
    "int_type": "ganze Zahl erwartet",
    "int_from_float": "ganze Zahl erwartet",
    "bool_parsing": "true oder false erwartet",
    "bool_type": "true oder false erwartet",
    "string_type": "Text erwartet",
    "list_type": "Liste erwartet",
    "dict_type": "Zuordnung (Schlüssel: Wert) erwartet",
    "model_type": "Zuordnung (Schlüssel: Wert) erwartet",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "string_too_short": "darf nicht leer sein",
    "string_too_long": "zu lang (höchstens {max_length} Zeichen)",
    "too_short": "braucht mindestens {min_length} Eintrag/Einträge",
    "string_pattern_mismatch": "ungültiges Format (erwartet: {pattern})",
}


def _german(error: Mapping[str, Any]) -> str:
    """A German message for the pydantic error types a seed author meets."""
    template = _GERMAN.get(str(error["type"]))
    if template is None:
        return str(error["msg"]).removeprefix("Value error, ")
    context = {
        key: str(value).replace("' or '", "', '") for key, value in (error.get("ctx") or {}).items()
    }
    try:
        return template.format(**context)
    except KeyError:
        return template.split(";")[0].split(" (")[0]


def _validation_error(file: str, raw: Any, exc: ValidationError) -> SeedError:
    errors = exc.errors()
    first = errors[0]
    entry, field_name = _describe(raw, tuple(first["loc"]))
    message = _german(first)
    value = first.get("input")
    explained = first["type"] in ("missing", "extra_forbidden", "value_error")
    if not explained and isinstance(value, str | int):
        message = f"{message} (Wert: {value!r})"
    if len(errors) > 1:
        message += f" – und {len(errors) - 1} weitere Fehler in dieser Datei"
    return SeedError(file, entry, field_name, message)


def read_directory(directory: Path) -> SeedFiles:
    """Parse and validate every YAML file of ``directory``; raise SeedError on the first problem."""
    if not directory.is_dir():
        raise SeedError(str(directory), "-", "-", "Seed-Verzeichnis nicht gefunden")
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not paths:
        raise SeedError(str(directory), "-", "-", "keine Seed-Dateien (*.yaml) gefunden")
    files = SeedFiles()
    for path in paths:
        kind = file_kind(path)
        if kind is None:
            known = ", ".join(FILE_KINDS)
            raise SeedError(
                path.name, "-", "-", f"unbekannte Seed-Datei; erwartet werden Namen wie {known}"
            )
        raw = load_yaml(path)
        if not isinstance(raw, dict):
            raise SeedError(path.name, "(Datei)", "-", "die Datei muss eine YAML-Zuordnung sein")
        try:
            model = FILE_KINDS[kind].model_validate(raw)
        except ValidationError as exc:
            raise _validation_error(path.name, raw, exc) from None
        bucket: list[tuple[str, BaseModel]] = getattr(files, _BUCKET[kind])
        bucket.append((path.name, model))
    return files
