"""The risk list's filters from query parameters: ``kommune``, ``feld``, ``wahrscheinlichkeit``
and ``auswirkung`` (the current rating, as in the matrix), ``status``, ``hoch``,
``ueberfaellig`` and ``massnahme``.

The HTML list ignores what it cannot use and says so; the API answers 422.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import Query
from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.permissions import Principal, can_read, require
from app.core.enums import RiskStatus
from app.core.errors import ValidationFailed
from app.core.rules import is_measure_code, parse_int, shown
from app.municipalities import queries as municipality_queries
from app.portfolio.models import ActionField, Measure
from app.risks.queries import RiskFilter

STATUS_CHOICES = ("offen", "alle", *(s.value for s in RiskStatus if s != RiskStatus.offen))
ALL_MUNICIPALITIES = "alle"
LABELS = {
    "kommune": "Kommune",
    "feld": "Handlungsfeld",
    "wahrscheinlichkeit": "Wahrscheinlichkeit",
    "auswirkung": "Auswirkung",
    "status": "Status",
    "massnahme": "Maßnahme",
}


@dataclass(frozen=True)
class RiskQuery:
    """The parameters as given (text), for the API's documentation and the HTML list alike."""

    kommune: str = Query("", max_length=40, description="Kommune (Kurzname) oder „alle“")
    feld: str = Query("", max_length=20, description="Code des Handlungsfelds")
    wahrscheinlichkeit: str = Query(
        "", max_length=1, description="Geltende Eintrittswahrscheinlichkeit 1–5"
    )
    auswirkung: str = Query("", max_length=1, description="Geltendes Schadensausmaß 1–5")
    status: str = Query(
        "offen",
        max_length=20,
        description="offen (offen und in Bearbeitung), alle, in_bearbeitung oder geschlossen",
    )
    hoch: bool = Query(False, description="true: nur hohe Risiken (offen, Bewertung ab 15)")
    ueberfaellig: bool = Query(False, description="true: nur Risiken mit verpasster Überprüfung")
    massnahme: str = Query("", max_length=20, description="Kennung der Maßnahme, z. B. HF1-M01")

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> RiskQuery:
        """From a page's query string (every value text; a flag is "1", "ja" or "on")."""

        def flag(name: str) -> bool:
            return params.get(name, "") in {"1", "ja", "on", "true"}

        return cls(
            kommune=params.get("kommune", "")[:40],
            feld=params.get("feld", "")[:20],
            wahrscheinlichkeit=params.get("wahrscheinlichkeit", "")[:3],
            auswirkung=params.get("auswirkung", "")[:3],
            status=params.get("status", "offen")[:20],
            hoch=flag("hoch"),
            ueberfaellig=flag("ueberfaellig"),
            massnahme=params.get("massnahme", "")[:20],
        )


def _level(text: str) -> int | None:
    value = parse_int(text) if text else None
    return value if value is not None and 1 <= value <= 5 else None


def read(session: Session, params: RiskQuery) -> tuple[RiskFilter, dict[str, str]]:
    """The filter and, per parameter that could not be used, a German message."""
    errors: dict[str, str] = {}
    municipality_id = None
    kommune = params.kommune.strip()
    if kommune and kommune != ALL_MUNICIPALITIES:
        found = municipality_queries.municipality_by_slug(session, kommune)
        if found is None:
            errors["kommune"] = f"Unbekannte Kommune „{shown(kommune)}“."
        else:
            municipality_id = found.id
    feld = params.feld.strip()
    if (
        feld
        and session.execute(
            select(col(ActionField.id)).where(col(ActionField.code) == feld).limit(1)
        ).first()
        is None
    ):
        errors["feld"] = f"Unbekanntes Handlungsfeld „{shown(feld)}“."
        feld = ""
    probability = _level(params.wahrscheinlichkeit.strip())
    if params.wahrscheinlichkeit.strip() and probability is None:
        errors["wahrscheinlichkeit"] = "Die Wahrscheinlichkeit ist eine Zahl von 1 bis 5."
    impact = _level(params.auswirkung.strip())
    if params.auswirkung.strip() and impact is None:
        errors["auswirkung"] = "Die Auswirkung ist eine Zahl von 1 bis 5."
    status = params.status.strip() or "offen"
    if status not in STATUS_CHOICES:
        errors["status"] = "Status: offen, alle, in_bearbeitung oder geschlossen."
        status = "offen"
    measure_id = None
    code = params.massnahme.strip()
    if code:
        found_id = (
            session.execute(select(col(Measure.id)).where(col(Measure.code) == code)).scalar()
            if is_measure_code(code)
            else None
        )
        if found_id is None:
            errors["massnahme"] = f"Die Maßnahme „{shown(code)}“ gibt es nicht."
        else:
            measure_id = int(found_id)
    flt = RiskFilter(
        municipality_id=municipality_id,
        field_code=feld,
        probability=probability,
        impact=impact,
        status=status,
        high=params.hoch,
        overdue=params.ueberfaellig,
        measure_id=measure_id,
    )
    return flt, errors


def resolve(*, session: Session, actor: Principal | None, params: RiskQuery) -> RiskFilter:
    """The API's reading: whatever cannot be used is a German 422."""
    require(can_read(actor), "Bitte melden Sie sich an.")
    flt, errors = read(session, params)
    if errors:
        raise ValidationFailed(errors, message=" ".join(errors.values()))
    return flt
