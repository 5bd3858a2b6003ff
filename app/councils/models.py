"""Tables of the council cycle: bodies, their sessions, Beschlussvorlagen and the steps of their
Beratungsfolge. Integrity lives in the database: keys, uniques and checks.

A measure's approval in a municipality is not stored anywhere: it is read from the beschließend
steps of the Vorlagen of that municipality that concern the measure (:mod:`app.councils.queries`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Connection,
    DateTime,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    select,
)
from sqlmodel import Field, SQLModel, col

from app.audit.models import HIDDEN, Audited, AuditField
from app.core.db import Versioned, describe_unique
from app.core.enums import (
    BaselineReason,
    BodyKind,
    DecisionResult,
    DeliberationRole,
    ProposalSubject,
    SessionStatus,
    enum_check,
)
from app.core.timeutil import utcnow


class CouncilBody(Audited, Versioned, SQLModel, table=True):
    """Gremium of a municipality: Magistrat or Gemeindevorstand, a committee, the council."""

    __audit_label__ = "Gremium"
    __audit_fields__ = {
        "municipality_id": AuditField("Kommune", "municipality"),
        "name": AuditField("Name"),
        "kind": AuditField("Art", "choice"),
        "position": HIDDEN,
        "version": HIDDEN,
    }

    __tablename__ = "council_body"
    __table_args__ = (UniqueConstraint("municipality_id", "name"), enum_check("kind", BodyKind))

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=12)
    position: int = Field(default=0)
    version: int = Field(default=1)


class CouncilSession(Audited, Versioned, SQLModel, table=True):
    """Sitzung of a body on one day."""

    __audit_label__ = "Sitzung"
    __audit_fields__ = {
        "body_id": HIDDEN,
        "held_on": AuditField("Sitzungsdatum", "date"),
        "place": AuditField("Ort"),
        "status": AuditField("Stand", "choice"),
        "example": AuditField("Beispieldaten", "bool"),
        "version": HIDDEN,
    }

    __tablename__ = "council_session"
    __table_args__ = (
        UniqueConstraint("body_id", "held_on"),
        enum_check("status", SessionStatus),
        Index("ix_council_session_held_on", "held_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="council_body.id")
    held_on: date
    place: str = Field(default="", max_length=200)
    status: str = Field(default=SessionStatus.geplant.value, max_length=16)
    example: bool = Field(default=False)
    version: int = Field(default=1)


class Proposal(Audited, Versioned, SQLModel, table=True):
    """Beschlussvorlage (Drucksache) of a municipality: what is proposed, why, and about what.

    The subject is the strategy, one or more measures (``ProposalMeasure``), a measure's project
    plan as it stood (its version), or the municipality's budget of a year.
    """

    __audit_label__ = "Beschlussvorlage"
    __audit_fields__ = {
        "municipality_id": AuditField("Kommune", "municipality"),
        "drucksache": AuditField("Drucksache"),
        "title": AuditField("Titel"),
        "fachbereich": AuditField("Fachbereich"),
        "sachbearbeitung": AuditField("Sachbearbeitung"),
        "begruendung": AuditField("Begründung"),
        "beschlussvorschlag": AuditField("Beschlussvorschlag"),
        "subject": AuditField("Gegenstand", "choice"),
        "strategy_id": HIDDEN,
        "budget_year": AuditField("Haushaltsjahr", "text"),
        "example": AuditField("Beispieldaten", "bool"),
        "version": HIDDEN,
    }

    def audit_measure_id(self, connection: Connection) -> int | None:
        return _first_measure(connection, self.id)

    __tablename__ = "council_proposal"
    __table_args__ = (
        enum_check("subject", ProposalSubject),
        CheckConstraint("subject <> 'strategie' OR strategy_id IS NOT NULL", name="strategy_named"),
        CheckConstraint(
            "subject <> 'haushalt' OR budget_year IS NOT NULL", name="budget_year_named"
        ),
        CheckConstraint(
            "budget_year IS NULL OR budget_year BETWEEN 2000 AND 2100", name="year_plausible"
        ),
        Index("ix_council_proposal_municipality_drucksache", "municipality_id", "drucksache"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    drucksache: str = Field(default="", max_length=60)
    title: str = Field(max_length=300)
    fachbereich: str = Field(default="", max_length=120)
    sachbearbeitung: str = Field(default="", max_length=120)
    begruendung: str = Field(default="", sa_type=Text)
    beschlussvorschlag: str = Field(default="", sa_type=Text)
    subject: str = Field(max_length=12)
    strategy_id: int | None = Field(default=None, foreign_key="strategy.id")
    budget_year: int | None = None
    example: bool = Field(default=False)
    version: int = Field(default=1)


class ProposalMeasure(Audited, SQLModel, table=True):
    """A measure a Vorlage concerns; ``plan_version`` is the version of its project plan the
    Vorlage put to the vote (subject "Projektplan")."""

    __audit_label__ = "Vorlage zu einer Maßnahme"
    __audit_fields__ = {
        "proposal_id": HIDDEN,
        "measure_id": HIDDEN,
        "plan_version": AuditField("Version des Projektplans", "number"),
    }

    __tablename__ = "council_proposal_measure"
    __table_args__ = (Index("ix_council_proposal_measure_measure", "measure_id", "proposal_id"),)

    proposal_id: int = Field(foreign_key="council_proposal.id", primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", primary_key=True)
    plan_version: int | None = None


class Deliberation(Audited, Versioned, SQLModel, table=True):
    """One step of a Vorlage's Beratungsfolge: a body's session, its role and what it decided.

    ``result`` stays empty until the session has decided; vote counts are optional (many
    minutes give none).
    """

    __audit_label__ = "Beratung"
    __audit_fields__ = {
        "proposal_id": HIDDEN,
        "session_id": HIDDEN,
        "position": HIDDEN,
        "role": AuditField("Rolle", "choice"),
        "result": AuditField("Ergebnis", "choice"),
        "votes_yes": AuditField("Ja-Stimmen", "number"),
        "votes_no": AuditField("Gegenstimmen", "number"),
        "votes_abstain": AuditField("Stimmenthaltungen", "number"),
        "note": AuditField("Anmerkung"),
        "version": HIDDEN,
    }

    def audit_measure_id(self, connection: Connection) -> int | None:
        return _first_measure(connection, self.proposal_id)

    __tablename__ = "council_deliberation"
    __table_args__ = (
        enum_check("role", DeliberationRole),
        enum_check("result", DecisionResult),
        CheckConstraint(
            "(votes_yes IS NULL OR votes_yes >= 0) AND (votes_no IS NULL OR votes_no >= 0) "
            "AND (votes_abstain IS NULL OR votes_abstain >= 0)",
            name="votes_non_negative",
        ),
        Index("ix_council_deliberation_proposal", "proposal_id", "position"),
        Index("ix_council_deliberation_session", "session_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="council_proposal.id")
    session_id: int = Field(foreign_key="council_session.id")
    position: int = Field(default=0)
    role: str = Field(max_length=14)
    result: str | None = Field(default=None, max_length=22)
    votes_yes: int | None = None
    votes_no: int | None = None
    votes_abstain: int | None = None
    note: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


def _first_measure(connection: Connection, proposal_id: int | None) -> int | None:
    """The (first) measure a Vorlage concerns, so its steps show in that measure's history."""
    if proposal_id is None:
        return None
    found = connection.execute(
        select(col(ProposalMeasure.measure_id))
        .where(col(ProposalMeasure.proposal_id) == proposal_id)
        .order_by(col(ProposalMeasure.measure_id))
        .limit(1)
    ).scalar_one_or_none()
    return int(found) if found is not None else None


class Baseline(SQLModel, table=True):
    """A frozen state of the whole portfolio at one moment, never changed or deleted.

    Stored compactly: ``index_data`` lists (zlib-compressed) which :class:`BaselineState` each
    measure had; a state is stored once and shared by every baseline in which the measure had
    not changed. Taken at every beschließend decision (``deliberation_id``) and on demand.
    """

    __tablename__ = "baseline"
    __table_args__ = (enum_check("reason", BaselineReason),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160)
    taken_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    reason: str = Field(max_length=10)
    deliberation_id: int | None = Field(
        default=None, foreign_key="council_deliberation.id", unique=True
    )
    taken_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    taken_by_name: str = Field(default="", max_length=120)
    measure_count: int = Field(default=0)
    new_states: int = Field(default=0)
    stored_bytes: int = Field(default=0)
    index_data: bytes = Field(sa_type=LargeBinary)


class BaselineState(SQLModel, table=True):
    """One measure's state as a baseline froze it (compressed JSON), stored once per content."""

    __tablename__ = "baseline_state"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    digest: str = Field(max_length=64, unique=True)
    data: bytes = Field(sa_type=LargeBinary)


describe_unique(
    CouncilBody, ("municipality_id", "name"), "name", "Dieses Gremium gibt es in der Kommune schon."
)
describe_unique(
    CouncilSession,
    ("body_id", "held_on"),
    "held_on",
    "Dieses Gremium hat an diesem Tag bereits eine Sitzung.",
)


class RetiredApproval(Audited):
    """The approval table of earlier versions (one record per measure and municipality), moved
    into Vorlagen and Beratungen by migration 0016a. Its events stay in the append-only audit
    trail; this description lets the change history still read them in German."""

    __tablename__ = "approval"
    __audit_label__ = "Beschluss (frühere Erfassung)"
    __audit_fields__: ClassVar[Mapping[str, AuditField]] = {
        "measure_id": HIDDEN,
        "municipality_id": AuditField("Kommune", "municipality"),
        "body": AuditField("Gremium"),
        "decided_on": AuditField("Sitzungsdatum", "date"),
        "drucksache": AuditField("Drucksache"),
        "result": AuditField("Ergebnis", "choice"),
        "version": HIDDEN,
    }


class RetiredStrategyDecision(Audited):
    """The strategy_decision table of earlier versions (see :class:`RetiredApproval`)."""

    __tablename__ = "strategy_decision"
    __audit_label__ = "Strategiebeschluss (frühere Erfassung)"
    __audit_fields__: ClassVar[Mapping[str, AuditField]] = {
        "strategy_id": HIDDEN,
        "municipality_id": AuditField("Kommune", "municipality"),
        "body": AuditField("Gremium"),
        "decided_on": AuditField("Sitzungsdatum", "date"),
        "drucksache": AuditField("Drucksache"),
        "result": AuditField("Ergebnis", "choice"),
    }
