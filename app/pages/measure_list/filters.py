"""The measures list's filters, read from and written back to query parameters."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal
from urllib.parse import urlencode

from app.core.enums import MeasureStatus, Priority, TrafficLight

SortKey = Literal["code", "titel", "status", "fortschritt", "ampel", "ende"]
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

    kommune: str = ""
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
    seite: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str]) -> MeasureFilter:
        year_text = params.get("jahr", "").strip()
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
        page_text = params.get("seite", "1").strip()
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        return cls(
            kommune=params.get("kommune", "").strip()[:40],
            feld=params.get("feld", "").strip()[:20],
            status=_choice(params.get("status"), {s.value for s in MeasureStatus}),
            ampel=_choice(params.get("ampel"), {t.value for t in TrafficLight}),
            prioritaet=_choice(params.get("prioritaet"), {p.value for p in Priority}),
            jahr=year,
            beispiel=_choice(params.get("beispiel"), {"ja", "nein"}),
            q=params.get("q", "").strip()[:100],
            sort=_choice(params.get("sort"), set(SORT_KEYS)) or "code",
            richtung="ab" if params.get("richtung") == "ab" else "auf",
            archiviert=params.get("archiviert") in {"1", "ja", "on"},
            ueberfaellig=params.get("ueberfaellig") in {"1", "ja", "on"},
            ohne_bericht=params.get("ohne_bericht") in {"1", "ja", "on"},
            seite=min(page, 10_000),
        )

    def params(self, **changes: object) -> dict[str, str]:
        """Non-default parameters (for links), with ``changes`` applied."""
        current = replace(self, **changes)  # type: ignore[arg-type]
        default = MeasureFilter()
        result: dict[str, str] = {}
        for field in fields(self):
            value = getattr(current, field.name)
            if value == getattr(default, field.name):
                continue
            result[field.name] = "1" if value is True else str(value)
        return result

    def query_string(self, **changes: object) -> str:
        params = self.params(**changes)
        return ("?" + urlencode(params)) if params else ""

    @property
    def active(self) -> bool:
        return bool(self.params(sort="code", richtung="auf", seite=1))
