"""Checks across entries and files that a single pydantic model cannot see.

They run after every file has been parsed and before the database is touched, so a broken seed
writes nothing. Each failure names the file, the entry and the field.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import pairwise

from app.core.enums import CostKeyKind
from app.seed.council_checks import check_councils
from app.seed.errors import SeedError
from app.seed.reader import SeedFiles
from app.seed.schema import MeasureEntry, Period

FULL_SHARE_BP = 10000


def _percent(points: int) -> str:
    return f"{points // 100},{points % 100:02d} %"


def _check_order(file: str, entry: str, field: str, start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise SeedError(file, entry, field, f"Ende {end.isoformat()} liegt vor Beginn {start}")


def _check_period(file: str, entry: str, name: str, period: Period) -> None:
    _check_order(file, entry, f"{name}.end", period.start, period.end)


def _check_cost_key(file: str, measure: MeasureEntry) -> None:
    key = measure.cost_key
    code = measure.code
    if key.method is not CostKeyKind.custom:
        if key.shares:
            raise SeedError(
                file,
                code,
                "cost_key.shares",
                f"Anteile sind nur beim Schlüssel 'custom' erlaubt, nicht bei '{key.method.value}'",
            )
        return
    if not key.shares:
        raise SeedError(file, code, "cost_key.shares", "Schlüssel 'custom' braucht Anteile")
    shared = set(key.shares)
    taking_part = set(measure.participants)
    if shared != taking_part:
        missing = ", ".join(sorted(taking_part - shared)) or "–"
        extra = ", ".join(sorted(shared - taking_part)) or "–"
        raise SeedError(
            file,
            code,
            "cost_key.shares",
            "Anteile passen nicht zu den Beteiligten: ohne Anteil "
            f"{missing}; Anteil ohne Beteiligung {extra}",
        )
    total = sum(key.shares.values())
    if total != FULL_SHARE_BP:
        raise SeedError(
            file,
            code,
            "cost_key.shares",
            f"Anteile ergeben {_percent(total)} statt genau 100,00 %",
        )


def _check_measure(file: str, measure: MeasureEntry, known: set[str]) -> None:
    code = measure.code

    def require(slug: str, field: str) -> None:
        if slug not in known:
            raise SeedError(file, code, field, f"unbekannte Kommune {slug!r}")

    require(measure.lead, "lead")
    for index, slug in enumerate(measure.participants):
        require(slug, f"participants[{index + 1}]")
    duplicated = [slug for slug, n in Counter(measure.participants).items() if n > 1]
    if duplicated:
        raise SeedError(file, code, "participants", f"doppelt genannt: {', '.join(duplicated)}")
    if measure.lead not in measure.participants:
        raise SeedError(file, code, "lead", "die federführende Kommune muss beteiligt sein")
    for slug in measure.cost_key.shares or {}:
        require(slug, f"cost_key.shares.{slug}")
    _check_cost_key(file, measure)
    _check_period(file, code, "planned", measure.planned)
    _check_period(file, code, "actual", measure.actual)

    if measure.plan is not None:
        titles = Counter(m.title for m in measure.plan.milestones)
        for milestone in measure.plan.milestones:
            entry = f"{code} › milestones {milestone.title}"
            if titles[milestone.title] > 1:
                raise SeedError(file, entry, "title", "Meilenstein-Titel doppelt")
            _check_order(file, entry, "due", milestone.start, milestone.due)
            _check_order(file, entry, "done", milestone.start, milestone.done)

    lines = Counter((b.year, b.category, b.kind) for b in measure.budget)
    for (year, category, kind), count in lines.items():
        if count > 1:
            raise SeedError(
                file,
                f"{code} › budget {year}",
                "category",
                f"Budgetposition {year}/{category.value}/{kind.value} doppelt",
            )

    reports = sorted(measure.status_reports, key=lambda r: r.date)
    for earlier, later in pairwise(reports):
        if earlier.date == later.date:
            raise SeedError(
                file, f"{code} › status_reports {later.date}", "date", "zwei Berichte am selben Tag"
            )
    if reports:
        latest = reports[-1]
        state = (measure.status, measure.progress, measure.traffic_light)
        if (latest.status, latest.progress, latest.traffic_light) != state:
            raise SeedError(
                file,
                f"{code} › status_reports {latest.date}",
                "status",
                "der neueste Statusbericht muss Status, Fortschritt und Ampel der Maßnahme tragen",
            )

    seen_approvals: set[tuple[str, str, date]] = set()
    for approval in measure.approvals:
        entry = f"{code} › approvals {approval.municipality}"
        require(approval.municipality, "approvals.municipality")
        if approval.municipality not in measure.participants:
            raise SeedError(file, entry, "municipality", "Kommune ist nicht beteiligt")
        key = (approval.municipality, approval.body, approval.date)
        if key in seen_approvals:
            raise SeedError(file, entry, "date", "Beschluss doppelt (Gremium und Datum)")
        seen_approvals.add(key)

    for slug in measure.investment_numbers:
        require(slug, f"investment_numbers.{slug}")
        if slug not in measure.participants:
            raise SeedError(file, code, f"investment_numbers.{slug}", "Kommune ist nicht beteiligt")


def check(files: SeedFiles) -> None:
    """Raise SeedError for the first inconsistency across entries and files."""
    municipalities: dict[str, str] = {}
    for file, municipality_file in files.municipalities:
        for muni in municipality_file.municipalities:
            if muni.slug in municipalities:
                raise SeedError(
                    file, muni.slug, "slug", f"doppelt (auch in {municipalities[muni.slug]})"
                )
            municipalities[muni.slug] = file
    known = set(municipalities)

    fields_by_strategy: dict[str, set[str]] = {}
    strategy_files: dict[str, str] = {}
    for file, strategy_file in files.strategies:
        for strategy in strategy_file.strategies:
            if strategy.slug in strategy_files:
                raise SeedError(
                    file,
                    strategy.slug,
                    "slug",
                    f"doppelt (auch in {strategy_files[strategy.slug]})",
                )
            strategy_files[strategy.slug] = file
            if strategy.period_end < strategy.period_start:
                raise SeedError(file, strategy.slug, "period_end", "Ende liegt vor Beginn")
            codes = Counter(f.code for f in strategy.action_fields)
            for code, count in codes.items():
                if count > 1:
                    raise SeedError(
                        file, f"{strategy.slug} › action_fields {code}", "code", "Code doppelt"
                    )
            fields_by_strategy[strategy.slug] = set(codes)

    measure_files: dict[str, str] = {}
    for file, measures_file in files.measures:
        if measures_file.strategy not in fields_by_strategy:
            raise SeedError(
                file, "(Datei)", "strategy", f"unbekannte Strategie {measures_file.strategy!r}"
            )
        fields = fields_by_strategy[measures_file.strategy]
        for measure in measures_file.measures:
            if measure.code in measure_files:
                raise SeedError(
                    file,
                    measure.code,
                    "code",
                    f"Maßnahmen-Code doppelt (auch in {measure_files[measure.code]})",
                )
            measure_files[measure.code] = file
            if measure.action_field not in fields:
                raise SeedError(
                    file,
                    measure.code,
                    "action_field",
                    f"unbekanntes Handlungsfeld {measure.action_field!r}",
                )
            _check_measure(file, measure, known)

    programmes: set[str] = set()
    notices: set[str] = set()
    for file, funding_file in files.funding:
        for programme in funding_file.programmes:
            if programme.slug in programmes:
                raise SeedError(file, programme.slug, "slug", "Förderprogramm doppelt")
            programmes.add(programme.slug)
            for grant in programme.grants:
                entry = f"{programme.slug} › grants {grant.notice_number}"
                if grant.notice_number in notices:
                    raise SeedError(file, entry, "notice_number", "Bescheid-Nummer doppelt")
                notices.add(grant.notice_number)
                if grant.applicant not in known:
                    raise SeedError(
                        file, entry, "applicant", f"unbekannte Kommune {grant.applicant!r}"
                    )
                _check_order(file, entry, "period.end", grant.period.start, grant.period.end)
                for index, code in enumerate(grant.measures):
                    if code not in measure_files:
                        raise SeedError(
                            file, entry, f"measures[{index + 1}]", f"unbekannte Maßnahme {code!r}"
                        )
                for drawdown in grant.drawdowns:
                    _check_order(
                        file,
                        f"{entry} › drawdowns {drawdown.requested_on}",
                        "received_on",
                        drawdown.requested_on,
                        drawdown.received_on,
                    )
                    if drawdown.amount == 0:
                        raise SeedError(
                            file,
                            f"{entry} › drawdowns {drawdown.requested_on}",
                            "amount",
                            "Betrag muss größer als 0 sein",
                        )
                proof_titles = Counter(p.title for p in grant.proofs_of_use)
                for title, count in proof_titles.items():
                    if count > 1:
                        raise SeedError(file, entry, "proofs_of_use", f"{title!r} doppelt")

    mapped: set[str] = set()
    for file, haushalt_file in files.haushalt:
        for block in haushalt_file.mappings:
            entry = block.municipality
            if block.municipality not in known:
                raise SeedError(
                    file, entry, "municipality", f"unbekannte Kommune {block.municipality!r}"
                )
            if block.municipality in mapped:
                raise SeedError(file, entry, "municipality", "Kommune doppelt")
            mapped.add(block.municipality)
            combos = Counter((line.category, line.kind) for line in block.lines)
            for (category, kind), count in combos.items():
                if count > 1:
                    raise SeedError(
                        file, entry, "lines", f"{category.value}/{kind.value} doppelt zugeordnet"
                    )

    check_councils(files, known=set(municipalities), strategies=set(fields_by_strategy))
    check_risks(files)


def check_risks(files: SeedFiles) -> None:
    """Risks name a known measure, one of its municipalities, a whole residual rating; every
    risk of a measure has its own title."""
    involved = {
        m.code: {m.lead, *m.participants}
        for _file, content in files.measures
        for m in content.measures
    }
    seen: set[tuple[str, str]] = set()
    for file, risks_file in files.risks:
        for risk in risks_file.risks:
            entry = f"{risk.measure} › {risk.title}"
            if risk.measure not in involved:
                raise SeedError(file, entry, "measure", f"unbekannte Maßnahme {risk.measure!r}")
            if risk.municipality is not None and risk.municipality not in involved[risk.measure]:
                raise SeedError(
                    file, entry, "municipality", "Kommune ist an der Maßnahme nicht beteiligt"
                )
            if (risk.residual_probability is None) != (risk.residual_impact is None):
                raise SeedError(
                    file, entry, "residual_impact", "Restbewertung nur vollständig angeben"
                )
            if (risk.measure, risk.title) in seen:
                raise SeedError(file, entry, "title", "Titel bei dieser Maßnahme doppelt")
            seen.add((risk.measure, risk.title))
