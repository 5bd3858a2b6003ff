"""Checks of councils.yaml and of the measures' approvals against it (see app.seed.checks)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from app.core.enums import DeliberationRole, ProposalSubject
from app.seed.errors import SeedError
from app.seed.reader import SeedFiles
from app.seed.schema import ProposalEntry

Step = tuple[str, date]  # (body, date)


def _check_proposal(
    file: str, vorlage: ProposalEntry, known: set[str], strategies: set[str], measures: set[str]
) -> None:
    entry = f"{vorlage.municipality} › {vorlage.drucksache}"
    if vorlage.municipality not in known:
        raise SeedError(file, entry, "municipality", f"unbekannte Kommune {vorlage.municipality!r}")
    if vorlage.subject is ProposalSubject.strategie and vorlage.strategy not in strategies:
        raise SeedError(file, entry, "strategy", "Gegenstand Strategie braucht eine bekannte")
    if vorlage.subject is ProposalSubject.haushalt and vorlage.budget_year is None:
        raise SeedError(file, entry, "budget_year", "Gegenstand Haushalt braucht ein Jahr")
    if (
        vorlage.subject in (ProposalSubject.massnahme, ProposalSubject.projektplan)
        and not vorlage.measures
    ):
        raise SeedError(file, entry, "measures", "Gegenstand Maßnahme braucht eine Maßnahme")
    for index, code in enumerate(vorlage.measures):
        if code not in measures:
            raise SeedError(file, entry, f"measures[{index + 1}]", f"unbekannte Maßnahme {code!r}")
    steps = Counter((s.body, s.date) for s in vorlage.beratungsfolge)
    for (body, day), count in steps.items():
        if count > 1:
            raise SeedError(file, entry, "beratungsfolge", f"{body} am {day} doppelt")
    if not any(s.role is DeliberationRole.beschliessend for s in vorlage.beratungsfolge):
        raise SeedError(file, entry, "beratungsfolge", "kein beschließender Schritt")


def check_councils(files: SeedFiles, *, known: set[str], strategies: set[str]) -> None:
    """Vorlagen name known municipalities, measures and strategies; a measure's approval that
    belongs to a Vorlage (same municipality and Drucksache) agrees with its steps."""
    measures = {m.code: m for _f, content in files.measures for m in content.measures}
    decided: dict[tuple[str, str], dict[Step, tuple[str, str | None]]] = {}
    for file, content in files.councils:
        for session in content.sessions:
            if session.municipality not in known:
                raise SeedError(
                    file,
                    f"{session.municipality} › {session.body} {session.date}",
                    "municipality",
                    f"unbekannte Kommune {session.municipality!r}",
                )
        for vorlage in content.vorlagen:
            key = (vorlage.municipality, vorlage.drucksache)
            if key in decided:
                raise SeedError(file, f"{key[0]} › {key[1]}", "drucksache", "Drucksache doppelt")
            _check_proposal(file, vorlage, known, strategies, set(measures))
            decided[key] = {
                (s.body, s.date): (s.role.value, s.result.value if s.result else None)
                for s in vorlage.beratungsfolge
            }
    for file, measures_file in files.measures:
        for measure in measures_file.measures:
            for approval in measure.approvals:
                if not approval.drucksache:
                    continue
                key = (approval.municipality, approval.drucksache)
                step = (approval.body, approval.date)
                wanted = (DeliberationRole.beschliessend.value, approval.result.value)
                steps = decided.setdefault(key, {})
                if steps.get(step, wanted) != wanted:
                    raise SeedError(
                        file,
                        f"{measure.code} › approvals {approval.municipality}",
                        "result",
                        f"widerspricht der Beratung von {approval.drucksache} "
                        f"({approval.body}, {approval.date})",
                    )
                steps[step] = wanted
