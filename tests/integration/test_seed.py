"""The seed: real facts arrive as written, a second run changes nothing, broken files write nothing.

Broken-seed cases run against their own freshly migrated SQLite database so that "nothing was
written" can be checked by counting every table.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session
from typer.testing import CliRunner

from app.accounts.models import RoleAssignment, User
from app.audit.models import AuditEvent
from app.core.config import ConfigurationError, get_settings
from app.core.db import build_engine, metadata
from app.core.resources import resource_dir
from app.finance.models import BudgetLine, Grant, GrantMeasure
from app.migrate import upgrade
from app.municipalities.models import Municipality
from app.portfolio.models import (
    Measure,
    Milestone,
    Participation,
    StatusReport,
    Strategy,
)
from app.seed import SeedError, run_seed
from app.seed import writer as seed_writer

TODAY = date(2026, 11, 24)
SEED_DIR = resource_dir("seed")


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Engine]:
    """A new, migrated, empty SQLite database for this test only."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    upgrade(url)
    engine = build_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def _break(directory: Path, file: str, old: str, new: str) -> None:
    """Replace the first occurrence of ``old`` in ``file``; fail loudly if it is not there."""
    path = directory / file
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not found in {file}: the test would break nothing"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table except the audit log, in primary-key order."""
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            ]
            for table in metadata.sorted_tables
            if table.name != "audit_event"
        }


# --- the seeded facts ------------------------------------------------------------------------


def test_municipalities_carry_kind_bodies_and_population(session: Session) -> None:
    rows = {m.slug: m for m in session.exec(select(Municipality)).scalars()}
    assert set(rows) == {"erbach", "michelstadt", "oberzent", "brombachtal"}
    assert (rows["brombachtal"].kind, rows["brombachtal"].executive_body) == (
        "Gemeinde",
        "Gemeindevorstand",
    )
    assert rows["brombachtal"].council == "Gemeindevertretung"
    assert rows["michelstadt"].kind == "Stadt"
    assert rows["michelstadt"].executive_body == "Magistrat"
    assert rows["oberzent"].council == "Stadtverordnetenversammlung"
    assert {slug: (m.population, m.population_date) for slug, m in rows.items()} == {
        "erbach": (14099, date(2023, 12, 31)),
        "michelstadt": (16097, date(2022, 12, 31)),
        "oberzent": (10129, date(2023, 12, 31)),
        "brombachtal": (3467, date(2020, 12, 31)),
    }
    assert all(m.population_source for m in rows.values())


def test_strategy_and_oberzents_beratungsfolge(session: Session) -> None:
    strategy = session.exec(
        select(Strategy).where(Strategy.slug == "digitalstrategie-2024-2028")
    ).scalar_one()
    assert strategy.title == "Gemeinsame Digitalstrategie 2024–2028"
    assert (strategy.period_start, strategy.period_end) == (2024, 2028)
    assert strategy.adopted_on is not None
    assert (strategy.adopted_on.year, strategy.adopted_on.month) == (2024, 4)
    from app.councils.models import CouncilBody, CouncilSession, Deliberation, Proposal

    proposal = session.exec(
        select(Proposal)
        .join(Municipality, Municipality.id == Proposal.municipality_id)
        .where(Municipality.slug == "oberzent", Proposal.drucksache == "VL-80/2024")
    ).scalar_one()
    assert proposal.subject == "strategie" and proposal.strategy_id == strategy.id
    assert proposal.example is False
    assert "vorbehaltlich der Zustimmung des Magistrats" in proposal.beschlussvorschlag
    steps = session.exec(
        select(
            CouncilBody.name,
            CouncilSession.held_on,
            Deliberation.role,
            Deliberation.result,
            Deliberation.votes_yes,
            Deliberation.votes_no,
            Deliberation.votes_abstain,
        )
        .join(CouncilSession, CouncilSession.id == Deliberation.session_id)
        .join(CouncilBody, CouncilBody.id == CouncilSession.body_id)
        .where(Deliberation.proposal_id == proposal.id)
        .order_by(Deliberation.position)
    ).all()
    assert [tuple(step) for step in steps] == [
        ("Magistrat", date(2024, 4, 8), "empfehlend", "zugestimmt", None, None, None),
        (
            "Haupt- und Finanzausschuss",
            date(2024, 4, 17),
            "empfehlend",
            "zugestimmt",
            None,
            None,
            None,
        ),
        (
            "Stadtverordnetenversammlung",
            date(2024, 4, 23),
            "beschliessend",
            "zugestimmt",
            None,
            None,
            None,
        ),
    ]


def test_every_other_vorlage_is_flagged_as_example(session: Session) -> None:
    from app.councils.models import CouncilSession, Proposal

    others = (
        session.exec(select(Proposal).where(Proposal.drucksache != "VL-80/2024")).scalars().all()
    )
    assert others and all(p.example for p in others), [
        p.drucksache for p in others if not p.example
    ]
    invented = (
        session.exec(select(CouncilSession).where(CouncilSession.place != "")).scalars().all()
    )
    assert invented and all(s.example for s in invented)


def test_grant_for_dms_and_strategy(session: Session) -> None:
    grant = session.exec(select(Grant)).scalar_one()
    assert grant.eligible_cents == 40_500_000
    assert grant.rate_bp == 9000
    assert grant.max_cents == 36_450_000
    assert "BEISPIEL" in grant.notice_number  # the real notice number is not public
    covered = (
        session.exec(
            select(Measure.code)
            .join(GrantMeasure, GrantMeasure.measure_id == Measure.id)
            .where(GrantMeasure.grant_id == grant.id)
        )
        .scalars()
        .all()
    )
    assert sorted(covered) == ["HF1-M01", "HF6-M01"]
    # the two funded measures' grant-period budget adds up to the 405.000 € of eligible cost
    funded = session.exec(
        select(func.sum(BudgetLine.planned_cents))
        .join(Measure, Measure.id == BudgetLine.measure_id)
        .where(Measure.code.in_(["HF1-M01", "HF6-M01"]), BudgetLine.year <= 2024)
    ).scalar_one()
    assert funded == 40_500_000


def _measure(session: Session, code: str) -> Measure:
    return session.exec(select(Measure).where(Measure.code == code)).scalar_one()


def _participants(session: Session, measure: Measure) -> dict[str, int | None]:
    rows = session.exec(
        select(Municipality.slug, Participation.share_bp)
        .join(Participation, Participation.municipality_id == Municipality.id)
        .where(Participation.measure_id == measure.id)
    ).all()
    return {slug: share for slug, share in rows}


def test_real_measures_dms_and_strategy_development(session: Session) -> None:
    dms = _measure(session, "HF1-M01")
    assert not dms.example
    assert set(_participants(session, dms)) == {"erbach", "michelstadt", "oberzent", "brombachtal"}
    assert dms.planned_end == date(2024, 12, 31)
    first_year = session.exec(
        select(func.min(BudgetLine.year)).where(BudgetLine.measure_id == dms.id)
    ).scalar_one()
    assert first_year == 2022

    strategy_work = _measure(session, "HF6-M01")
    assert not strategy_work.example
    assert strategy_work.status == "abgeschlossen"
    assert strategy_work.progress == 100
    assert "Felix Schmitt" in strategy_work.responsible


def test_illustrative_portfolio_shape(session: Session) -> None:
    measures = session.exec(select(Measure)).scalars().all()
    examples = [m for m in measures if m.example]
    assert 15 <= len(examples) <= 25
    assert all(m.code not in ("HF1-M01", "HF6-M01") for m in examples)
    assert 5 <= len({m.action_field_id for m in measures}) <= 7
    with_brombachtal = [m for m in measures if "brombachtal" in _participants(session, m)]
    assert 0 < len(with_brombachtal) < len(measures)
    assert {m.cost_key for m in examples} == {"equal", "population", "custom"}
    for measure in measures:
        shares = _participants(session, measure)
        if measure.cost_key == "custom":
            assert sum(s or 0 for s in shares.values()) == 10000, measure.code
        else:
            assert set(shares.values()) == {None}, measure.code
    kinds = set(session.exec(select(BudgetLine.kind)).scalars())
    assert kinds == {"investiv", "konsumtiv"}


def test_milestones_and_reports_give_the_dashboard_something_to_flag(session: Session) -> None:
    milestones = session.exec(select(Milestone)).scalars().all()
    assert any(m.done_on is not None for m in milestones)
    assert any(m.done_on is None and m.due_on is not None and m.due_on < TODAY for m in milestones)
    assert any(m.done_on is None and m.due_on is not None and m.due_on > TODAY for m in milestones)

    latest = dict(
        session.exec(
            select(StatusReport.measure_id, func.max(StatusReport.reported_at)).group_by(
                StatusReport.measure_id
            )
        ).all()
    )
    stale = [
        measure_id
        for measure_id, reported_at in latest.items()
        if reported_at.date() < TODAY - timedelta(days=90)
    ]
    assert stale
    assert len(stale) < len(latest)


def test_money_is_exact_to_the_cent(session: Session) -> None:
    line = session.exec(
        select(BudgetLine)
        .join(Measure, Measure.id == BudgetLine.measure_id)
        .where(
            Measure.code == "HF3-M01",
            BudgetLine.year == 2025,
            BudgetLine.category == "hardware",
        )
    ).scalar_one()
    assert (line.planned_cents, line.actual_cents) == (4_000_000, 4_185_075)


def test_demo_users_with_scoped_roles(session: Session) -> None:
    erbach_id = session.exec(
        select(Municipality.id).where(Municipality.slug == "erbach")
    ).scalar_one()
    roles = session.exec(
        select(User.username, RoleAssignment.role, RoleAssignment.municipality_id).join(
            RoleAssignment, RoleAssignment.user_id == User.id
        )
    ).all()
    held = {(username, role, mid) for username, role, mid in roles}
    assert ("admin", "admin", None) in held
    assert ("digital.erbach", "digital", erbach_id) in held
    assert ("finanzen.erbach", "finanzen", erbach_id) in held
    assert ("hauptamt.erbach", "hauptamt", erbach_id) in held


# --- idempotency and the single transaction --------------------------------------------------


def test_second_run_changes_no_row(fresh_engine: Engine) -> None:
    first = run_seed(engine=fresh_engine, demo_users=True, demo_password="geheim-123")
    assert first.changed > 300
    before = _snapshot(fresh_engine)
    events_before = _row_counts(fresh_engine)["audit_event"]

    second = run_seed(engine=fresh_engine, demo_users=True, demo_password="geheim-123")

    assert second.changed == 0
    assert second.demo_users == 0
    assert _row_counts(fresh_engine)["audit_event"] == events_before
    assert _snapshot(fresh_engine) == before


def test_a_corrected_value_is_updated_once_and_audited_as_seed(
    fresh_engine: Engine, seed_copy: Path
) -> None:
    run_seed(engine=fresh_engine, directory=seed_copy)
    _break(seed_copy, "measures-02-beispiele.yaml", "progress: 60\n", "progress: 65\n")
    _break(
        seed_copy,
        "measures-02-beispiele.yaml",
        "{date: 2026-10-20, status: in_umsetzung, progress: 60,",
        "{date: 2026-10-20, status: in_umsetzung, progress: 65,",
    )

    report = run_seed(engine=fresh_engine, directory=seed_copy)

    assert dict(report.updated) == {"measure": 1, "status_report": 1}
    assert sum(report.created.values()) == 0
    with Session(fresh_engine) as session:
        measure = _measure(session, "HF1-M02")
        assert (measure.progress, measure.version) == (65, 2)
        events = (
            session.exec(
                select(AuditEvent).where(
                    AuditEvent.entity == "measure", AuditEvent.action == "update"
                )
            )
            .scalars()
            .all()
        )
        assert [(e.actor_name, e.changes["progress"]) for e in events] == [
            ("Seed", {"before": 60, "after": 65})
        ]


def test_a_failure_while_writing_leaves_the_database_untouched(
    fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: seed_writer.SeedWriter, files: object) -> None:
        raise RuntimeError("Abbruch nach den Maßnahmen")

    monkeypatch.setattr(seed_writer.SeedWriter, "haushalt", fail)
    with pytest.raises(RuntimeError):
        run_seed(engine=fresh_engine)
    assert sum(_row_counts(fresh_engine).values()) == 0


def test_demo_users_are_refused_in_production(
    fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IKZ_ENV", "production")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="Produktivbetrieb"):
            run_seed(engine=fresh_engine, demo_users=True)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert sum(_row_counts(fresh_engine).values()) == 0


# --- broken seeds ----------------------------------------------------------------------------

BROKEN: list[tuple[str, str, str, str, str, str, str]] = [
    # id, file, old, new, expected entry, expected field, words in the message
    (
        "unknown-municipality",
        "measures-02-beispiele.yaml",
        "lead: michelstadt",
        "lead: darmstadt",
        "HF1-M02",
        "lead",
        "darmstadt",
    ),
    (
        "unknown-participant",
        "measures-03-beispiele.yaml",
        "participants: [erbach, michelstadt, oberzent, brombachtal]",
        "participants: [erbach, michelstadt, oberzent, bad-koenig]",
        "HF4-M01",
        "participants[4]",
        "bad-koenig",
    ),
    (
        "bad-date",
        "measures-02-beispiele.yaml",
        "planned: {start: 2025-01-01, end: 2026-12-31}",
        "planned: {start: 2025-02-30, end: 2026-12-31}",
        "HF1-M02",
        "planned.start",
        "2025-02-30",
    ),
    (
        "german-date-format",
        "municipalities.yaml",
        "population_date: 2020-12-31",
        "population_date: 31.12.2020",
        "brombachtal",
        "population_date",
        "JJJJ-MM-TT",
    ),
    (
        "shares-not-100",
        "measures-02-beispiele.yaml",
        "shares: {erbach: 35.00, michelstadt: 40.00, oberzent: 25.00}",
        "shares: {erbach: 35.00, michelstadt: 40.00, oberzent: 26.00}",
        "HF1-M02",
        "cost_key.shares",
        "101,00 %",
    ),
    (
        "shares-for-non-participant",
        "measures-02-beispiele.yaml",
        "shares: {erbach: 33.33, michelstadt: 33.33, oberzent: 33.34}",
        "shares: {erbach: 33.33, michelstadt: 33.33, brombachtal: 33.34}",
        "HF2-M03",
        "cost_key.shares",
        "brombachtal",
    ),
    (
        "duplicate-code-across-files",
        "measures-03-beispiele.yaml",
        "code: HF4-M01",
        "code: HF1-M02",
        "HF1-M02",
        "code",
        "measures-02-beispiele.yaml",
    ),
    (
        "duplicate-code-in-one-file",
        "measures-02-beispiele.yaml",
        "code: HF1-M03",
        "code: HF1-M02",
        "HF1-M02",
        "code",
        "doppelt",
    ),
    (
        "money-with-one-decimal",
        "measures-02-beispiele.yaml",
        "actual: 26430.15",
        "actual: 26430.1",
        "HF1-M02 › budget 2025",
        "actual",
        "zwei Nachkommastellen",
    ),
    (
        "negative-money",
        "funding.yaml",
        "maximum: 364500.00",
        "maximum: -364500.00",
        "starke-heimat-hessen › grants BEISPIEL-SHH-2022-001",
        "maximum",
        "nicht negativ",
    ),
    (
        "progress-above-100",
        "measures-03-beispiele.yaml",
        "progress: 45\n",
        "progress: 120\n",
        "HF4-M01",
        "progress",
        "höchstens 100",
    ),
    (
        "unknown-status",
        "measures-03-beispiele.yaml",
        "status: in_umsetzung\n",
        "status: laufend\n",
        "HF4-M01",
        "status",
        "erlaubt: 'geplant'",
    ),
    (
        "misspelt-field",
        "measures-03-beispiele.yaml",
        "traffic_light: gruen\n    responsible: Personalamt Michelstadt",
        "trafic_light: gruen\n    responsible: Personalamt Michelstadt",
        "HF4-M01",
        "trafic_light",
        "unbekanntes Feld",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "entry", "field", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN],
)
def test_broken_seed_names_file_entry_and_field_and_writes_nothing(
    fresh_engine: Engine,
    seed_copy: Path,
    file: str,
    old: str,
    new: str,
    entry: str,
    field: str,
    words: str,
) -> None:
    _break(seed_copy, file, old, new)

    with pytest.raises(SeedError) as caught:
        run_seed(engine=fresh_engine, directory=seed_copy, demo_users=True)

    error = caught.value
    assert (error.file, error.entry, error.field) == (file, entry, field)
    assert words in error.message
    assert sum(_row_counts(fresh_engine).values()) == 0


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli_invoke(engine: Engine) -> Callable[..., Any]:
    """Run ``ikz`` against the suite's (already seeded) database."""
    from app.cli import app

    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args))

    return invoke


def test_cli_reports_a_broken_seed_and_exits_non_zero(
    cli_invoke: Callable[..., Any], seed_copy: Path, engine: Engine
) -> None:
    _break(seed_copy, "measures-02-beispiele.yaml", "lead: michelstadt", "lead: darmstadt")
    counts = _row_counts(engine)

    result = cli_invoke("seed", "--dir", str(seed_copy))

    assert result.exit_code == 1
    assert "measures-02-beispiele.yaml" in result.output
    assert "HF1-M02" in result.output
    assert "darmstadt" in result.output
    assert "nichts geschrieben" in result.output
    assert "Traceback" not in result.output
    assert _row_counts(engine) == counts


def test_cli_seed_again_reports_nothing_changed(
    cli_invoke: Callable[..., Any], engine: Engine
) -> None:
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()

    result = cli_invoke("seed", "--demo-users")

    assert result.exit_code == 0, result.output
    assert "0 Datensätze angelegt, 0 geändert" in result.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == events
