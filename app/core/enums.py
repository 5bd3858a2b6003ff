"""Enumerations shared by models, services, API and templates.

Values are stored as plain strings guarded by CHECK constraints (portable between SQLite and
PostgreSQL, no native enum types to migrate); the German labels live next to the values.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint


class MunicipalityKind(StrEnum):
    stadt = "Stadt"
    gemeinde = "Gemeinde"


class Priority(StrEnum):
    hoch = "hoch"
    mittel = "mittel"
    niedrig = "niedrig"


class MeasureStatus(StrEnum):
    geplant = "geplant"
    in_umsetzung = "in_umsetzung"
    abgeschlossen = "abgeschlossen"
    zurueckgestellt = "zurueckgestellt"
    verworfen = "verworfen"


class TrafficLight(StrEnum):
    gruen = "gruen"
    gelb = "gelb"
    rot = "rot"


class ApprovalResult(StrEnum):
    zugestimmt = "zugestimmt"
    abgelehnt = "abgelehnt"
    vertagt = "vertagt"


class DecisionResult(StrEnum):
    """What a body decided in one step of a Beratungsfolge."""

    zugestimmt = "zugestimmt"
    geaendert_zugestimmt = "geaendert_zugestimmt"
    abgelehnt = "abgelehnt"
    vertagt = "vertagt"


class DeliberationRole(StrEnum):
    """A body's part in a Beratungsfolge: it recommends, or it decides."""

    empfehlend = "empfehlend"
    beschliessend = "beschliessend"


class BodyKind(StrEnum):
    """Kinds of council body: the executive (Magistrat, Gemeindevorstand), a committee, the
    elected council (Stadtverordnetenversammlung, Gemeindevertretung)."""

    vorstand = "vorstand"
    ausschuss = "ausschuss"
    vertretung = "vertretung"


class SessionStatus(StrEnum):
    geplant = "geplant"
    durchgefuehrt = "durchgefuehrt"
    abgesagt = "abgesagt"


class ProposalSubject(StrEnum):
    """What a Beschlussvorlage is about."""

    strategie = "strategie"
    massnahme = "massnahme"
    projektplan = "projektplan"
    haushalt = "haushalt"


class BaselineReason(StrEnum):
    beschluss = "beschluss"
    manuell = "manuell"


class CostKeyKind(StrEnum):
    equal = "equal"
    population = "population"
    custom = "custom"


class CostCategory(StrEnum):
    software = "software"
    hardware = "hardware"
    dienstleistung = "dienstleistung"
    personal = "personal"
    schulung = "schulung"
    betrieb = "betrieb"


class BudgetKind(StrEnum):
    investiv = "investiv"
    konsumtiv = "konsumtiv"


class HaushaltPurpose(StrEnum):
    """What a municipality books beside the cost lines under the gross principle."""

    zuwendung_konsumtiv = "zuwendung_konsumtiv"
    zuwendung_investiv = "zuwendung_investiv"
    aufloesung = "aufloesung"
    abschreibung = "abschreibung"
    weiterleitung = "weiterleitung"


class RiskStatus(StrEnum):
    """Stand eines Risikos: offen, in Bearbeitung (Gegenmaßnahmen laufen) oder geschlossen."""

    offen = "offen"
    in_bearbeitung = "in_bearbeitung"
    geschlossen = "geschlossen"


class Role(StrEnum):
    admin = "admin"
    digital = "digital"
    hauptamt = "hauptamt"
    finanzen = "finanzen"
    leser = "leser"


class Weekday(StrEnum):
    """Days of the week in the order of ``date.weekday()`` (Monday first)."""

    montag = "montag"
    dienstag = "dienstag"
    mittwoch = "mittwoch"
    donnerstag = "donnerstag"
    freitag = "freitag"
    samstag = "samstag"
    sonntag = "sonntag"

    @property
    def number(self) -> int:
        return list(Weekday).index(self)


class AuditAction(StrEnum):
    insert = "insert"
    update = "update"
    delete = "delete"


LABELS: dict[str, str] = {
    # status
    "geplant": "geplant",
    "in_umsetzung": "in Umsetzung",
    "abgeschlossen": "abgeschlossen",
    "zurueckgestellt": "zurückgestellt",
    "verworfen": "verworfen",
    # traffic light
    "gruen": "Grün – im Plan",
    "gelb": "Gelb – gefährdet",
    "rot": "Rot – kritisch",
    # priority
    "hoch": "hoch (sofort)",
    "mittel": "mittel (binnen 2 Jahren)",
    "niedrig": "niedrig (binnen 4 Jahren)",
    # approval
    "zugestimmt": "zugestimmt",
    "abgelehnt": "abgelehnt",
    "vertagt": "vertagt",
    "geaendert_zugestimmt": "geändert zugestimmt",
    # council cycle
    "empfehlend": "empfehlende Beschlussfassung",
    "beschliessend": "beschließend",
    "vorstand": "Verwaltungsorgan (Magistrat, Gemeindevorstand)",
    "ausschuss": "Ausschuss",
    "vertretung": "Vertretungskörperschaft",
    "durchgefuehrt": "durchgeführt",
    "abgesagt": "abgesagt",
    "strategie": "Digitalstrategie",
    "massnahme": "Maßnahme",
    "projektplan": "Projektplan einer Maßnahme",
    "haushalt": "Haushalt",
    "beschluss": "bei einem Beschluss",
    "manuell": "von Hand",
    # cost key
    "equal": "zu gleichen Teilen",
    "population": "nach Einwohnerzahl",
    "custom": "individuelle Anteile",
    # cost category
    "software": "Software/Lizenzen",
    "hardware": "Hardware",
    "dienstleistung": "Dienstleistung/Beratung",
    "personal": "Personal",
    "schulung": "Schulung",
    "betrieb": "Betrieb/Wartung",
    # kind
    "investiv": "investiv",
    "konsumtiv": "konsumtiv",
    # Haushalt accounts beside the cost lines
    "zuwendung_konsumtiv": "Zuwendung für laufende Zwecke (Ertrag/Einzahlung)",
    "zuwendung_investiv": "Investitionszuwendung (Einzahlung, Sonderposten)",
    "aufloesung": "Auflösung des Sonderpostens (Ertrag)",
    "abschreibung": "Abschreibung (AfA)",
    "weiterleitung": "Weiterleitung der Zuwendung an Partnerkommunen",
    # risk status
    "offen": "offen",
    "in_bearbeitung": "in Bearbeitung",
    "geschlossen": "geschlossen",
    # roles
    "admin": "IKZ-Koordination",
    "digital": "Digitalisierungsbeauftragte",
    "hauptamt": "Hauptamtsleitung",
    "finanzen": "Finanzen/Kämmerei",
    "leser": "Leser",
    # weekdays
    "montag": "Montag",
    "dienstag": "Dienstag",
    "mittwoch": "Mittwoch",
    "donnerstag": "Donnerstag",
    "freitag": "Freitag",
    "samstag": "Samstag",
    "sonntag": "Sonntag",
}


def label(value: object) -> str:
    """German label of an enumeration value (falls back to the value itself)."""
    key = value.value if isinstance(value, StrEnum) else str(value)
    return LABELS.get(key, key)


def enum_check(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """CHECK constraint that restricts ``column`` to the values of ``enum``."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_valid")


FIELD_LABELS: dict[str, str] = {
    "title": "Titel",
    "goal": "Ziel",
    "expected_effect": "Erwartete Wirkung",
    "priority": "Priorität",
    "responsible": "Verantwortlich",
    "planned_start": "Geplanter Beginn",
    "planned_end": "Geplantes Ende",
    "actual_start": "Tatsächlicher Beginn",
    "actual_end": "Tatsächliches Ende",
    "archived": "Archiviert",
    "summary": "Beschreibung",
    "start_on": "Beginn",
    "due_on": "Fällig am",
    "done_on": "Erledigt am",
    "owner": "Zuständig",
    "status": "Status",
    "progress": "Fortschritt",
    "traffic_light": "Ampel",
    "next_steps": "Nächste Schritte",
    "version": "Version",
    "body": "Gremium",
    "decided_on": "Sitzungsdatum",
    "drucksache": "Drucksache",
    "result": "Ergebnis",
    "participants": "Beteiligte Kommunen",
    "carryover": "Übertragung ins Folgejahr",
    "cover_note": "Deckungsvorschlag",
}


def field_label(name: str) -> str:
    """German name of a model field (audit log, conflict screens)."""
    return FIELD_LABELS.get(name, name)
