"""The measures list's filters, read from and written back to query parameters."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Literal
from urllib.parse import urlencode

from app.core.enums import MeasureStatus, Priority, TrafficLight
from app.core.rules import bad_characters, parse_int

SortKey = Literal["code", "titel", "status", "fortschritt", "ampel", "ende"]
IGNORED_LABELS = {
    "jahr": "Jahr",
    "seite": "Seite",
    "q": "Suche",
    "kommune": "Kommune",
    "federfuehrung": "Federführung",
    "feld": "Handlungsfeld",
}
# ``kommune=alle`` (or an empty ``kommune=``) shows every municipality's measures; without the
# parameter the list opens on the user's own municipality.
ALL_MUNICIPALITIES = "alle"
SORT_KEYS: dict[str, str] = {
    "code": "Code",
    "titel": "Titel",
    "status": "Status",
    "fortschritt": "Fortschritt",
    "ampel": "Ampel",
    "ende": "Geplantes Ende",
}
PAGE_SIZE = 20


def _choice(value: str | None, allowed: set[str]) -> str:
    return value if value in allowed else ""


@dataclass(frozen=True)
class MeasureFilter:
    """Filter, search, sort and page of the measures list. Unknown values are ignored."""

    kommune: str = ""  # a slug, "alle", or "" (not given)
    federfuehrung: str = ""  # slug of the lead municipality
    beschluss: str = ""  # "offen": a participant's council has not decided yet
    feld: str = ""
    status: str = ""
    ampel: str = ""
    prioritaet: str = ""
    jahr: int | None = None
    beispiel: str = ""  # "", "ja" (only example data), "nein" (only real data)
    q: str = ""
    sort: str = "code"
    richtung: str = "auf"
    archiviert: bool = False
    ueberfaellig: bool = False  # only measures with an overdue milestone
    ohne_bericht: bool = False  # only active measures without a report for 90 days
    risiko: str = ""  # "hoch": only measures with an open risk rated "hoch"
    seite: int = 1

    # Parameters that were given but could not be used (shown to the user, then left out).
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: dict[str, str]) -> MeasureFilter:
        ignored: list[str] = []

        def text(name: str, limit: int) -> str:
            value = params.get(name, "").strip()
            if bad_characters(value, multiline=False) or len(value) > limit:
                ignored.append(name)
                return ""
            return value

        year_text = params.get("jahr", "").strip()
        year = parse_int(year_text) if year_text else None
        if year_text and (year is None or not 2000 <= year <= 2100):
            ignored.append("jahr")
            year = None
        page_text = params.get("seite", "").strip()
        page = parse_int(page_text) if page_text else 1
        if page is None or page < 1:
            ignored.append("seite")
            page = 1
        kommune = text("kommune", 40)
        if "kommune" in params and kommune in ("", ALL_MUNICIPALITIES):
            kommune = ALL_MUNICIPALITIES
        return cls(
            kommune=kommune,
            federfuehrung=text("federfuehrung", 40),
            beschluss=_choice(params.get("beschluss"), {"offen"}),
            feld=text("feld", 20),
            status=_choice(params.get("status"), {s.value for s in MeasureStatus}),
            ampel=_choice(params.get("ampel"), {t.value for t in TrafficLight}),
            prioritaet=_choice(params.get("prioritaet"), {p.value for p in Priority}),
            jahr=year,
            beispiel=_choice(params.get("beispiel"), {"ja", "nein"}),
            q=text("q", 100),
            sort=_choice(params.get("sort"), set(SORT_KEYS)) or "code",
            richtung="ab" if params.get("richtung") == "ab" else "auf",
            archiviert=params.get("archiviert") in {"1", "ja", "on"},
            ueberfaellig=params.get("ueberfaellig") in {"1", "ja", "on"},
            ohne_bericht=params.get("ohne_bericht") in {"1", "ja", "on"},
            risiko=_choice(params.get("risiko"), {"hoch"}),
            seite=min(page, 10_000),
            ignored=tuple(ignored),
        )

    def params(self, **changes: object) -> dict[str, str]:
        """Non-default parameters (for links), with ``changes`` applied."""
        current = replace(self, **changes)  # type: ignore[arg-type]
        default = MeasureFilter()
        result: dict[str, str] = {}
        for entry in fields(self):
            if entry.name == "ignored":
                continue
            value = getattr(current, entry.name)
            if value == getattr(default, entry.name):
                continue
            result[entry.name] = "1" if value is True else str(value)
        return result

    def query_string(self, **changes: object) -> str:
        params = self.params(**changes)
        return ("?" + urlencode(params)) if params else ""

    @property
    def active(self) -> bool:
        """Whether anything narrows the list ("alle" Kommunen does not)."""
        narrowed = self.params(sort="code", richtung="auf", seite=1, kommune="")
        return bool(narrowed) or bool(self.municipality_slug)

    @property
    def municipality_slug(self) -> str:
        """The slug the list is filtered by ("" for all municipalities)."""
        return "" if self.kommune == ALL_MUNICIPALITIES else self.kommune
