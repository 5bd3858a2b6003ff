"""Write the council cycle of the seed: every municipality's bodies, the sessions and Vorlagen of
councils.yaml, and the measures' approvals as beschließend steps of their Vorlagen."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from app.core.enums import (
    BaselineReason,
    BodyKind,
    DeliberationRole,
    ProposalSubject,
    SessionStatus,
)
from app.core.timeutil import today
from app.councils import baselines
from app.models import (
    Baseline,
    CouncilBody,
    CouncilSession,
    Deliberation,
    Municipality,
    Proposal,
    ProposalMeasure,
)
from app.seed.reader import SeedFiles
from app.seed.schema import MeasureEntry, ProposalEntry
from app.seed.writer import SeedWriter

COMMITTEE = "Haupt- und Finanzausschuss"


def body_kind(municipality: Municipality, name: str) -> str:
    if name == municipality.executive_body:
        return BodyKind.vorstand.value
    if name == municipality.council:
        return BodyKind.vertretung.value
    return BodyKind.ausschuss.value


class CouncilWriter:
    """Upserts the council cycle through a :class:`SeedWriter` (same session, same report)."""

    def __init__(self, writer: SeedWriter) -> None:
        self.writer = writer
        self.bodies: dict[tuple[int, str], int] = {}
        self.positions: dict[int, int] = {}

    def write(self, files: SeedFiles, measures: list[MeasureEntry]) -> None:
        session = self.writer.session
        for slug, municipality_id in self.writer.municipality_ids.items():
            municipality = session.get(Municipality, municipality_id)
            assert municipality is not None, slug
            for position, name in enumerate(
                (municipality.executive_body, COMMITTEE, municipality.council), start=1
            ):
                self.body(municipality_id, name, position)
        for _file, content in files.councils:
            for entry in content.sessions:
                self.session(
                    self.writer.municipality_ids[entry.municipality],
                    entry.body,
                    entry.date,
                    place=entry.place,
                    status=entry.status.value if entry.status else None,
                    example=entry.example,
                )
            for vorlage in content.vorlagen:
                self._proposal(vorlage)
        for measure in measures:
            self._approvals(measure)
        self._first_baseline()

    def _first_baseline(self) -> None:
        """A first baseline, so that "Änderungen seit …" has a point to compare with; later
        runs leave it (and every other baseline) alone."""
        session = self.writer.session
        if session.exec(select(Baseline.id).limit(1)).first() is None:
            baselines.take(
                session,
                name="Stand beim ersten Laden der Seed-Daten",
                reason=BaselineReason.manuell,
                taken_by_id=None,
                taken_by_name="Seed",
            )
            self.writer.report.created["baseline"] += 1

    def body(self, municipality_id: int, name: str, position: int | None = None) -> int:
        key = (municipality_id, name)
        if key not in self.bodies:
            municipality = self.writer.session.get(Municipality, municipality_id)
            assert municipality is not None
            values = {"kind": body_kind(municipality, name)}
            if position is not None:
                values["position"] = position  # type: ignore[assignment]
            row = self.writer.upsert(
                CouncilBody, {"municipality_id": municipality_id, "name": name}, values
            )
            self.bodies[key] = SeedWriter._id(row)
        return self.bodies[key]

    def session(
        self,
        municipality_id: int,
        body: str,
        held_on: date,
        *,
        place: str | None = None,
        status: str | None = None,
        example: bool | None = None,
    ) -> int:
        values: dict[str, object] = {}
        if place is not None:
            values["place"] = place
        if example is not None:
            values["example"] = example
        values["status"] = status or (
            SessionStatus.durchgefuehrt.value if held_on < today() else SessionStatus.geplant.value
        )
        row = self.writer.upsert(
            CouncilSession,
            {"body_id": self.body(municipality_id, body), "held_on": held_on},
            values,
        )
        return SeedWriter._id(row)

    def _proposal(self, vorlage: ProposalEntry) -> None:
        ids = self.writer
        municipality_id = ids.municipality_ids[vorlage.municipality]
        row = self.writer.upsert(
            Proposal,
            {"municipality_id": municipality_id, "drucksache": vorlage.drucksache},
            {
                "title": vorlage.title,
                "fachbereich": vorlage.fachbereich,
                "sachbearbeitung": vorlage.sachbearbeitung,
                "begruendung": vorlage.begruendung,
                "beschlussvorschlag": vorlage.beschlussvorschlag,
                "subject": vorlage.subject.value,
                "strategy_id": ids.strategy_ids[vorlage.strategy] if vorlage.strategy else None,
                "budget_year": vorlage.budget_year,
                "example": vorlage.example,
            },
        )
        proposal_id = SeedWriter._id(row)
        for code in vorlage.measures:
            self.writer.upsert(
                ProposalMeasure,
                {"proposal_id": proposal_id, "measure_id": ids.measure_ids[code]},
                {},
            )
        for position, step in enumerate(vorlage.beratungsfolge, start=1):
            session_id = self.session(municipality_id, step.body, step.date)
            self.writer.upsert(
                Deliberation,
                {"proposal_id": proposal_id, "session_id": session_id},
                {
                    "position": position,
                    "role": step.role.value,
                    "result": step.result.value if step.result else None,
                    "votes_yes": step.votes_yes,
                    "votes_no": step.votes_no,
                    "votes_abstain": step.votes_abstain,
                    "note": step.note,
                },
            )

    def _approvals(self, measure: MeasureEntry) -> None:
        """Each approval is a beschließend step of the municipality's Vorlage with its
        Drucksache (a Vorlage about the measure is created when there is none)."""
        session = self.writer.session
        measure_id = self.writer.measure_ids[measure.code]
        for approval in measure.approvals:
            municipality_id = self.writer.municipality_ids[approval.municipality]
            found = session.exec(
                select(Proposal)
                .join(ProposalMeasure, col(ProposalMeasure.proposal_id) == col(Proposal.id))
                .where(
                    col(Proposal.municipality_id) == municipality_id,
                    col(Proposal.drucksache) == approval.drucksache,
                    col(ProposalMeasure.measure_id) == measure_id,
                )
            ).first()
            if found is None and approval.drucksache:
                found = session.exec(
                    select(Proposal).where(
                        col(Proposal.municipality_id) == municipality_id,
                        col(Proposal.drucksache) == approval.drucksache,
                    )
                ).first()
            if found is None:
                found = Proposal(
                    municipality_id=municipality_id,
                    drucksache=approval.drucksache,
                    title=f"{measure.code} {measure.title}"[:300],
                    subject=ProposalSubject.massnahme.value,
                    example=measure.example if approval.example is None else approval.example,
                )
                session.add(found)
                session.flush()
                self.writer.report.created["council_proposal"] += 1
            elif approval.example is not None and found.example != approval.example:
                found.example = approval.example
                found.version = int(found.version) + 1
                session.flush()
                self.writer.report.updated["council_proposal"] += 1
            proposal_id = SeedWriter._id(found)
            self.writer.upsert(
                ProposalMeasure, {"proposal_id": proposal_id, "measure_id": measure_id}, {}
            )
            session_id = self.session(municipality_id, approval.body, approval.date)
            steps = session.exec(
                select(Deliberation).where(col(Deliberation.proposal_id) == proposal_id)
            ).all()
            existing = next((d for d in steps if d.session_id == session_id), None)
            position = (
                existing.position
                if existing is not None
                else 1 + max((d.position for d in steps), default=0)
            )
            self.writer.upsert(
                Deliberation,
                {"proposal_id": proposal_id, "session_id": session_id},
                {
                    "position": position,
                    "role": DeliberationRole.beschliessend.value,
                    "result": approval.result.value,
                },
            )
