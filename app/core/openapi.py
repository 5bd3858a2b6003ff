"""The OpenAPI document in German: what a schema field, a path parameter or an answer means.

Schemas may describe their fields themselves (``Field(description=...)``); the same field name
means the same thing everywhere in this API, so one glossary completes what they leave out. What
is still undescribed after that is a gap that ``tests/integration/test_openapi_german.py`` names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

FIELDS: dict[str, str] = {
    # identity and versions
    "id": "Nummer des Datensatzes",
    "version": "Versionsnummer des Datensatzes; bei Änderungen als expected_version zurücksenden",
    "expected_version": (
        "Die Version, auf der die Änderung beruht; ist der Datensatz inzwischen geändert, "
        "antwortet die Schnittstelle mit 409 und dem aktuellen Stand"
    ),
    "code": "Kennung, z. B. HF1-M01 für eine Maßnahme oder HF1 für ein Handlungsfeld",
    "measure_code": "Kennung der Maßnahme, z. B. HF1-M01",
    "measure_codes": "Kennungen der Maßnahmen, die aus der Zuwendung gefördert werden",
    "measure_title": "Titel der Maßnahme",
    "title": "Titel",
    "name": "Name",
    "archived": "archiviert (erscheint nicht mehr in Listen und Summen)",
    "example": "Beispieldaten (keine Angabe aus den Beschlüssen der Kommunen)",
    # measures
    "action_field": "Handlungsfeld der Maßnahme",
    "goal": "Ziel der Maßnahme",
    "expected_effect": "Erwartete Wirkung",
    "priority": "Priorität: hoch, mittel oder niedrig",
    "responsible": "Verantwortliche Stelle oder Person",
    "planned_start": "Geplanter Beginn (JJJJ-MM-TT)",
    "planned_end": "Geplantes Ende (JJJJ-MM-TT)",
    "actual_start": "Tatsächlicher Beginn (JJJJ-MM-TT)",
    "actual_end": "Tatsächliches Ende (JJJJ-MM-TT)",
    "status": (
        "Status: geplant, in_umsetzung, abgeschlossen, zurueckgestellt (zurückgestellt) "
        "oder verworfen"
    ),
    "progress": "Fortschritt in Prozent (0 bis 100)",
    "traffic_light": "Ampel: gruen (im Plan), gelb (gefährdet) oder rot (kritisch)",
    "latest_status_report": "Der neueste Statusbericht",
    "summary": "Beschreibung (beim Statusbericht: was ist geschehen)",
    "next_steps": "Nächste Schritte",
    "reported_at": "Zeitpunkt des Berichts (ISO 8601 mit Zeitzone)",
    "author": "Verfasserin oder Verfasser",
    # milestones
    "start_on": "Beginn (JJJJ-MM-TT)",
    "due_on": "Fällig am (JJJJ-MM-TT)",
    "done_on": "Erledigt am (JJJJ-MM-TT)",
    "owner": "Zuständig",
    # approvals
    "body": "Gremium, z. B. Magistrat, Gemeindevorstand oder Stadtverordnetenversammlung",
    "decided_on": "Datum der Sitzung (JJJJ-MM-TT)",
    "drucksache": "Nummer der Drucksache oder Beschlussvorlage",
    "result": (
        "Ergebnis: zugestimmt, geaendert_zugestimmt (geändert zugestimmt), abgelehnt oder vertagt"
    ),
    # council cycle
    "proposal_id": "Kennung der Beschlussvorlage (GET /api/v1/decisions)",
    "next_session_on": "Datum der nächsten geplanten beschließenden Beratung (JJJJ-MM-TT)",
    "body_id": "Kennung des Gremiums",
    "held_on": "Sitzungsdatum (JJJJ-MM-TT)",
    "place": "Sitzungsort",
    "position": "Stelle in der Beratungsfolge (1 = erste Beratung)",
    "session_id": "Kennung der Sitzung (GET /api/v1/sessions)",
    "votes_yes": "Ja-Stimmen (fehlt: nicht angegeben)",
    "votes_no": "Gegenstimmen (fehlt: nicht angegeben)",
    "votes_abstain": "Stimmenthaltungen (fehlt: nicht angegeben)",
    "fachbereich": "Fachbereich, der die Vorlage einbringt",
    "sachbearbeitung": "Sachbearbeitung der Vorlage",
    "begruendung": "Begründung der Vorlage",
    "beschlussvorschlag": "Beschlussvorschlag",
    "subject": (
        "Gegenstand der Vorlage: strategie, massnahme, projektplan (in der beschlossenen "
        "Version) oder haushalt"
    ),
    "budget_year": "Haushaltsjahr, wenn die Vorlage einen Haushalt betrifft",
    "taken_at": "Zeitpunkt, zu dem die Baseline festgehalten wurde (ISO 8601 mit Zeitzone)",
    "reason": "Anlass: beschluss (automatisch bei einem beschließenden Beschluss) oder manuell",
    "deliberation_id": "Kennung des Beratungsschritts, der die Baseline ausgelöst hat",
    "taken_by": "Wer die Baseline festgehalten hat",
    "measure_count": "Zahl der Maßnahmen in der Baseline",
    "measure": "Kennung der Maßnahme, z. B. HF1-M01",
    "milestone": "Titel des Meilensteins",
    "due_before": "Fälligkeit in der Baseline (JJJJ-MM-TT)",
    "due_after": "Fälligkeit heute (JJJJ-MM-TT)",
    "planned_before_cents": "Planbetrag in der Baseline in Cent",
    "planned_after_cents": "Planbetrag heute in Cent",
    "delta_cents": "Änderung in Cent (heute minus Baseline)",
    "funding_before_cents": "Förderung in der Baseline in Cent",
    "funding_after_cents": "Förderung heute in Cent",
    "before": "Stand in der Baseline",
    "after": "Stand heute",
    "baseline": "Die Baseline, mit der verglichen wird",
    "milestones_moved": "Verschobene Meilensteine",
    "budgets_changed": "Geänderte Planbeträge je Maßnahme und Jahr",
    "traffic_lights_changed": "Geänderte Ampeln",
    "measures_started": "Begonnene Maßnahmen",
    "measures_finished": "Abgeschlossene Maßnahmen",
    "measures_stopped": "Zurückgestellte oder verworfene Maßnahmen",
    "measures_added": "Neu aufgenommene Maßnahmen",
    "measures_removed": "Nicht mehr enthaltene Maßnahmen (archiviert)",
    "planned_by_year": "Planbeträge je Jahr, Baseline und heute",
    # budget
    "year": "Haushaltsjahr",
    "category": ("Kostenart: software, hardware, dienstleistung, personal, schulung oder betrieb"),
    "kind": "investiv (Finanzhaushalt, Investition) oder konsumtiv (Ergebnishaushalt)",
    "note": "Bemerkung",
    "planned_cents": "Planbetrag in Cent",
    "approved_cents": "Haushaltsansatz in Cent (fehlt: noch keiner)",
    "actual_cents": "Ist in Cent (fehlt: noch keins)",
    "gross_cents": "Anteil der Kommune brutto (vor Förderung) in Cent",
    "funding_cents": "Anteil der Kommune an der Förderung in Cent",
    "net_cents": "Eigenanteil der Kommune (brutto minus Förderung) in Cent",
    "investiv": "Summen der investiven Budgetpositionen",
    "konsumtiv": "Summen der konsumtiven Budgetpositionen",
    "lines": "Die Budgetpositionen",
    "totals": "Summen",
    "cost_key": (
        "Kostenschlüssel: equal (zu gleichen Teilen), population (nach Einwohnern) "
        "oder custom (eigene Anteile)"
    ),
    "population_reference_date": "Stichtag der Einwohnerzahlen (JJJJ-MM-TT)",
    # Haushalt
    "municipality": "Kommune (Kurzname, z. B. erbach)",
    "produkt": "Produkt im Haushalt der Kommune",
    "sachkonto": "Sachkonto im Haushalt der Kommune",
    "mapped": "für die Kostenart und Art ist ein Produkt und Sachkonto hinterlegt",
    "mappings": "Zuordnung je Kostenart und Art zu Produkt und Sachkonto",
    "investment_number": "Investitionsnummer der Maßnahme bei der Kommune",
    "investment_numbers": "Investitionsnummern je Maßnahme",
    # grants
    "programme_id": "Nummer des Förderprogramms",
    "notice_number": "Aktenzeichen des Zuwendungsbescheids",
    "notice_date": "Datum des Bescheids (JJJJ-MM-TT)",
    "period_start": "Bewilligungszeitraum ab (JJJJ-MM-TT)",
    "period_end": "Bewilligungszeitraum bis (JJJJ-MM-TT)",
    "eligible_cents": "Zuwendungsfähige Kosten in Cent",
    "rate_bp": "Fördersatz in Basispunkten (9000 = 90 %)",
    "max_cents": "Bewilligter Höchstbetrag in Cent",
    "drawn_cents": "Summe der Abrufe in Cent",
    "drawdowns": "Mittelabrufe",
    "proofs_of_use": "Verwendungsnachweise",
    "amount_cents": "Betrag in Cent",
    "requested_on": "Abgerufen am (JJJJ-MM-TT)",
    "received_on": "Eingegangen am (JJJJ-MM-TT)",
    "submitted_on": "Eingereicht am (JJJJ-MM-TT)",
    # accounts
    "username": "Benutzername",
    "display_name": "Anzeigename",
    "email": "E-Mail-Adresse",
    "active": "Zugang aktiv",
    "role": "Rolle: admin (IKZ-Koordination), digital, hauptamt, finanzen oder leser",
    "roles": "Rollen mit ihrer Kommune",
    "password": "Passwort (mindestens 10 Zeichen)",
    "current_password": "Bisheriges Passwort",
    "new_password": "Neues Passwort (mindestens 10 Zeichen)",
    "created_at": "Angelegt am (ISO 8601 mit Zeitzone)",
    "last_used_at": "Zuletzt benutzt am (ISO 8601 mit Zeitzone)",
    "revoked_at": "Widerrufen am (ISO 8601 mit Zeitzone)",
    # Haushaltsplan (gross principle, Finanzplanung, Reste, VE)
    "purpose": (
        "Wofür das Konto gebucht wird: zuwendung_konsumtiv, zuwendung_investiv, aufloesung "
        "(Auflösung des Sonderpostens), abschreibung oder weiterleitung"
    ),
    "accounts": (
        "Konten neben den Kostenpositionen (Zuwendung, Auflösung, Abschreibung, Weiterleitung)"
    ),
    "measure_produkte": "Produkt je Maßnahme statt der Standardzuordnung (Kennung → Produkt)",
    "released": "Die Maßnahme ist für die Kommune freigegeben (zustimmender Beschluss)",
    "cents": "Betrag in Cent",
    "line_id": "Nummer der Budgetposition",
    "share_cents": "Anteil der Kommune in Cent",
    "text": "Beschreibung",
    "municipality_name": "Name der Kommune",
    "years": "Die Jahre der Übersicht",
    "data_state": "Datenstand: Zeitpunkt der letzten Änderung (ISO 8601 mit Zeitzone)",
    "finanzplanung": (
        "Finanzplanung über fünf Jahre ab dem Haushaltsjahr (§ 101 HGO) und Folgejahre"
    ),
    "reste": "Haushaltsreste und Übertragungen je Budgetposition",
    "commitments": "Verpflichtungsermächtigungen",
    "flags": (
        "Hinweise auf Unvollständiges (fehlende Investitionsnummer, Produkt nur aus der "
        "Standardzuordnung)"
    ),
    "approvals": "Beschlusslage je Maßnahme",
    "investiv_net_cents": "Eigenanteil der investiven Positionen in Cent",
    "konsumtiv_net_cents": "Eigenanteil der konsumtiven Positionen in Cent",
    "depreciation_cents": "Abschreibung (AfA) in Cent",
    "release_cents": "Auflösung des Sonderpostens in Cent",
    "commitment_cents": "Zahlungen aus Verpflichtungsermächtigungen in Cent",
    "carried_in_cents": "Aus dem Vorjahr übertragene Mittel in Cent",
    "rest_cents": "Nicht verbrauchter Ansatz (Ansatz minus Ist) in Cent",
    "carryover_cents": "Übertragung ins Folgejahr in Cent",
    "excess_cents": "Ist über dem Ansatz in Cent",
    "cover_note": "Deckungsvorschlag",
    "haushalt": "Ergebnishaushalt oder Finanzhaushalt",
    "side": "Aufwand, Ertrag, Auszahlung oder Einzahlung",
    "area": "Finanzhaushalt: laufende Verwaltungstätigkeit oder Investitionstätigkeit; sonst leer",
    "by_year": "Betrag je Jahr in Cent",
    # e-mail and calendars
    "reminders_enabled": "Erinnerungen per E-Mail an",
    "digest_enabled": "Wöchentliche Übersicht per E-Mail an",
    "digest_weekday": "Wochentag der Übersicht: montag, dienstag, … sonntag",
    "label": "Bezeichnung",
    # FastAPI's own validation answer (used where a path parameter has the wrong form)
    "detail": "Die Fehler, je einer pro ungültiger Angabe",
    "loc": "Wo der Fehler liegt (Teil der Anfrage und Feldname)",
    "msg": "Meldung",
    "type": "Art des Fehlers",
    "input": "Die gesendete Angabe",
    "ctx": "Nähere Angaben zum Fehler",
}

PARAMETERS: dict[str, str] = {
    "code": "Kennung der Maßnahme, z. B. HF1-M01",
    "slug": "Kurzname der Kommune, z. B. erbach",
}

SCHEMAS: dict[str, str] = {
    "ActionFieldRef": "Ein Handlungsfeld der Strategie",
    "ActiveIn": "Zugang aktivieren oder deaktivieren",
    "CalendarFeedPublic": "Eine geheime Kalenderadresse (ohne ihren Schlüssel)",
    "BaselineCreate": "Eine neue Baseline, von Hand festgehalten",
    "BaselinePublic": "Eine Baseline: der festgehaltene Stand des Portfolios",
    "BaselineReason": "Anlass einer Baseline",
    "BodyPublic": "Ein Gremium einer Kommune",
    "BudgetChangePublic": "Ein geänderter Planbetrag einer Maßnahme in einem Jahr",
    "MilestoneMovePublic": "Ein verschobener Meilenstein",
    "ProposalUpdate": "Eine Beschlussvorlage, vollständig ersetzt",
    "SessionPublic": "Eine Sitzung eines Gremiums",
    "SessionStatus": "Stand einer Sitzung: geplant, durchgefuehrt oder abgesagt",
    "SessionUpdate": "Eine Sitzung, vollständig ersetzt",
    "StateChangePublic": "Eine Maßnahme, deren Stand sich seit der Baseline geändert hat",
    "StepPublic": "Ein Schritt der Beratungsfolge",
    "YearTotalPublic": "Planbeträge eines Jahres, Baseline und heute",
    "NewCalendarFeedPublic": "Eine neue Kalenderadresse (die Adresse steht nur in dieser Antwort)",
    "NotificationSettingsPublic": "Einstellungen für E-Mails",
    "ApprovalPublic": "Beschluss eines Gremiums zu einer Maßnahme",
    "ApprovalResult": "Ergebnis eines Beschlusses",
    "AccountPublic": "Produkt und Sachkonto für eine Buchung neben den Kostenpositionen",
    "ApprovalStatePublic": "Beschlusslage einer Maßnahme in der Kommune",
    "BookingPublic": "Eine Buchung im Haushalt der Kommune (Bruttoprinzip)",
    "CarryoverPublic": "Übertragung und Deckungsvorschlag einer Budgetposition",
    "CommitmentPublic": "Eine Verpflichtungsermächtigung mit dem Anteil der Kommune",
    "CommitmentRecord": "Eine Verpflichtungsermächtigung einer Maßnahme",
    "FlagPublic": "Ein Hinweis auf Unvollständiges",
    "HaushaltsplanPublic": (
        "Der Haushalt einer Kommune für ein Jahr: Buchungen, Summen, Finanzplanung"
    ),
    "PlanYearPublic": "Ein Jahr der Finanzplanung",
    "RestPublic": "Haushaltsrest einer Budgetposition",
    "SideTotal": "Summe je Haushalt und Seite",
    "SummaryPublic": "Summe je Produkt und Sachkonto und Jahr",
    "BudgetLineUpdate": "Eine Budgetposition, vollständig ersetzt (alle Felder angeben)",
    "BudgetPublic": "Anteile einer Kommune an den Budgetpositionen eines Jahres",
    "BudgetTotalsPublic": "Summen nach investiv und konsumtiv",
    "CostKeyPublic": "Kostenschlüssel einer Maßnahme",
    "DrawdownPublic": "Ein Mittelabruf",
    "GrantPublic": "Eine Zuwendung mit Abrufen und Verwendungsnachweisen",
    "GrantUpdate": "Eine Zuwendung, vollständig ersetzt (alle Felder angeben)",
    "HTTPValidationError": "Ungültige Angabe in Pfad oder Abfrage",
    "HaushaltPublic": "Haushaltszuordnung und Investitionsnummern einer Kommune",
    "MappingPublic": "Produkt und Sachkonto für eine Kostenart und Art",
    "MeasurePublic": "Eine Maßnahme in der Übersicht",
    "MeasureStatus": "Status einer Maßnahme",
    "MeasureUpdate": "Stammdaten einer Maßnahme, vollständig ersetzt (alle Felder angeben)",
    "MilestoneCreate": "Ein neuer Meilenstein",
    "MilestonePublic": "Ein Meilenstein",
    "MilestoneUpdate": "Ein Meilenstein, vollständig ersetzt (alle Felder angeben)",
    "NewTokenPublic": "Ein neues API-Token (der Wert steht nur in dieser Antwort)",
    "PasswordReset": "Neues Passwort für einen Benutzer",
    "PlanPublic": "Projektplan einer Maßnahme",
    "PlanUpdate": "Beschreibung des Projektplans (alle Felder angeben)",
    "Priority": "Priorität einer Maßnahme",
    "ProofPublic": "Ein Verwendungsnachweis",
    "Role": "Rolle eines Benutzers",
    "RoleIn": "Eine Rolle, die einem Benutzer zugewiesen wird",
    "RolePublic": "Eine Rolle eines Benutzers in einer Kommune",
    "StatusReportPublic": "Ein Statusbericht",
    "TokenCreate": "Ein neues API-Token",
    "TokenPublic": "Ein API-Token (ohne seinen Wert)",
    "TrafficLight": "Ampel einer Maßnahme",
    "UserPublic": "Ein Benutzer mit seinen Rollen",
    "ValidationError": "Eine ungültige Angabe",
}

ANSWERS = {
    "Successful Response": "Erfolg",
    "Validation Error": "Ungültige Angabe in Pfad oder Abfrage (deutsche Meldung je Feld)",
}


def _complete_schemas(schemas: dict[str, Any]) -> None:
    for name, schema in schemas.items():
        if not schema.get("description") and name in SCHEMAS:
            schema["description"] = SCHEMAS[name]
        for field, spec in (schema.get("properties") or {}).items():
            if not spec.get("description") and field in FIELDS:
                spec["description"] = FIELDS[field]


def _complete_operations(paths: dict[str, Any]) -> None:
    for operations in paths.values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                name = parameter.get("name", "")
                if not parameter.get("description"):
                    text = PARAMETERS.get(name) or FIELDS.get(name)
                    if text:
                        parameter["description"] = text
            for answer in operation.get("responses", {}).values():
                said = answer.get("description", "")
                answer["description"] = ANSWERS.get(said, said)


def german_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi``: FastAPI's document, completed in German and built once."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            _complete_schemas(document.get("components", {}).get("schemas", {}))
            _complete_operations(document.get("paths", {}))
            app.openapi_schema = document
        return app.openapi_schema

    return build
