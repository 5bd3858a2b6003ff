"""Migration 0016a moves the old approval and strategy decision records into Vorlagen and their
Beratungsfolge without loss: seeded in the old shape, upgraded, read back, and downgraded again."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from app.core.db import build_engine
from app.councils.queries.approvals import approval_states, state_of
from app.migrate import downgrade, upgrade
from tests.integration.test_migrations import empty_database  # noqa: F401  (fixture)

Record = tuple[Any, ...]

D = date
STRATEGY_DECISIONS = [  # strategy, municipality, body, date, drucksache, result
    (1, 1, "Magistrat", D(2024, 4, 8), "VL-1/2024", "zugestimmt"),
    (1, 1, "Haupt- und Finanzausschuss", D(2024, 4, 17), "VL-1/2024", "zugestimmt"),
    (1, 1, "Stadtverordnetenversammlung", D(2024, 4, 23), "VL-1/2024", "zugestimmt"),
    (1, 2, "Gemeindevorstand", D(2024, 5, 2), "", "vertagt"),  # no council: last step decides
]
APPROVALS = [  # measure, municipality, body, date, drucksache, result
    # joins the strategy's Vorlage: exactly its beschließend step
    (1, 1, "Stadtverordnetenversammlung", D(2024, 4, 23), "VL-1/2024", "zugestimmt"),
    # same Drucksache, other decision: a Vorlage of its own
    (2, 1, "Magistrat", D(2024, 4, 8), "VL-1/2024", "zugestimmt"),
    # two measures with the same Drucksache and decision share one Vorlage
    (1, 2, "Gemeindevorstand", D(2024, 6, 3), "GV-5/2024", "zugestimmt"),
    (3, 2, "Gemeindevorstand", D(2024, 6, 3), "GV-5/2024", "zugestimmt"),
    # deferred, then agreed: two steps of one Vorlage
    (2, 2, "Gemeindevorstand", D(2024, 9, 2), "GV-9/2024", "vertagt"),
    (2, 2, "Gemeindevorstand", D(2024, 9, 30), "GV-9/2024", "zugestimmt"),
    # a body not among the standard three, no Drucksache, recorded twice
    (3, 1, "Bauausschuss", D(2025, 1, 20), "", "abgelehnt"),
    (3, 1, "Bauausschuss", D(2025, 1, 20), "", "abgelehnt"),
]


def _old_shape(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO municipality (id, slug, name, kind, executive_body, council, "
                "population, population_date, population_source, version) VALUES "
                "(1, 'adorf', 'Adorf', 'Stadt', 'Magistrat', 'Stadtverordnetenversammlung', "
                "1000, '2023-12-31', 'Test', 1), "
                "(2, 'bdorf', 'Bdorf', 'Gemeinde', 'Gemeindevorstand', 'Gemeindevertretung', "
                "500, '2023-12-31', 'Test', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO strategy (id, slug, title, period_start, period_end, "
                "council_references, description, version) VALUES "
                "(1, 's', 'Strategie', 2024, 2028, '', '', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO action_field (id, strategy_id, code, title, description, position, "
                "version) VALUES (1, 1, 'HF1', 'Feld', '', 1, 1)"
            )
        )
        for mid in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO measure (id, strategy_id, action_field_id, code, title, goal, "
                    "expected_effect, priority, lead_municipality_id, cost_key, status, progress, "
                    "traffic_light, responsible, example, archived, version) VALUES "
                    "(:id, 1, 1, :code, :title, '', '', 'mittel', 1, 'equal', 'geplant', 0, "
                    "'gruen', '', :example, :archived, 1)"
                ),
                {
                    "id": mid,
                    "code": f"HF1-M0{mid}",
                    "title": f"M {mid}",
                    "example": mid == 3,
                    "archived": False,
                },
            )
        for row in STRATEGY_DECISIONS:
            conn.execute(
                text(
                    "INSERT INTO strategy_decision (strategy_id, municipality_id, body, "
                    "decided_on, drucksache, result) VALUES (:s, :m, :b, :d, :n, :r)"
                ),
                dict(zip("smbdnr", row, strict=True)),
            )
        for row in APPROVALS:
            conn.execute(
                text(
                    "INSERT INTO approval (measure_id, municipality_id, body, decided_on, "
                    "drucksache, result, version) VALUES (:s, :m, :b, :d, :n, :r, 1)"
                ),
                dict(zip("smbdnr", row, strict=True)),
            )


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _old_records(engine: Engine) -> tuple[Counter[Record], Counter[Record]]:
    with engine.connect() as conn:
        strategy = Counter(
            (r[0], r[1], r[2], _day(r[3]), r[4], r[5])
            for r in conn.execute(
                text(
                    "SELECT strategy_id, municipality_id, body, decided_on, drucksache, result "
                    "FROM strategy_decision"
                )
            )
        )
        approvals = Counter(
            (r[0], r[1], r[2], _day(r[3]), r[4], r[5])
            for r in conn.execute(
                text(
                    "SELECT measure_id, municipality_id, body, decided_on, drucksache, result "
                    "FROM approval"
                )
            )
        )
    return strategy, approvals


def _records_in_new_model(engine: Engine) -> tuple[Counter[Record], Counter[Record]]:
    """The old records, read back from Vorlagen and steps (an independent reading)."""
    steps = (
        "SELECT p.id, p.subject, p.strategy_id, p.municipality_id, b.name, s.held_on, "
        "p.drucksache, d.role, d.result FROM council_deliberation d "
        "JOIN council_proposal p ON p.id = d.proposal_id "
        "JOIN council_session s ON s.id = d.session_id "
        "JOIN council_body b ON b.id = s.body_id"
    )
    with engine.connect() as conn:
        links: dict[int, list[int]] = {}
        for proposal_id, measure_id in conn.execute(
            text("SELECT proposal_id, measure_id FROM council_proposal_measure")
        ):
            links.setdefault(proposal_id, []).append(measure_id)
        strategy: Counter[Record] = Counter()
        approvals: Counter[Record] = Counter()
        for pid, subject, sid, muni, body, held_on, number, role, result in conn.execute(
            text(steps)
        ):
            if subject == "strategie":
                strategy[(sid, muni, body, _day(held_on), number, result)] += 1
            if role == "beschliessend":
                for measure_id in links.get(pid, []):
                    approvals[(measure_id, muni, body, _day(held_on), number, result)] += 1
    return strategy, approvals


def test_approvals_and_strategy_decisions_move_without_loss(
    empty_database: str,  # noqa: F811
) -> None:
    upgrade(empty_database, "0005")
    engine = build_engine(empty_database)
    try:
        _old_shape(engine)
        before = _old_records(engine)
        assert sum(before[0].values()) == len(STRATEGY_DECISIONS)
        assert sum(before[1].values()) == len(APPROVALS)

        upgrade(empty_database, "0016a")
        assert _records_in_new_model(engine) == before
        with engine.connect() as conn:
            bodies = {
                (m, name, kind)
                for m, name, kind in conn.execute(
                    text("SELECT municipality_id, name, kind FROM council_body")
                )
            }
            vorlagen = conn.execute(
                text(
                    "SELECT p.municipality_id, p.drucksache, p.subject, count(pm.measure_id) "
                    "FROM council_proposal p LEFT JOIN council_proposal_measure pm "
                    "ON pm.proposal_id = p.id GROUP BY p.id, p.municipality_id, p.drucksache, "
                    "p.subject ORDER BY p.municipality_id, p.drucksache, p.subject"
                )
            ).all()
        assert {
            (1, "Magistrat", "vorstand"),
            (1, "Haupt- und Finanzausschuss", "ausschuss"),
            (1, "Stadtverordnetenversammlung", "vertretung"),
            (1, "Bauausschuss", "ausschuss"),
            (2, "Gemeindevorstand", "vorstand"),
            (2, "Gemeindevertretung", "vertretung"),
        } <= bodies
        assert [tuple(v) for v in vorlagen] == [
            (1, "", "massnahme", 1),
            (1, "VL-1/2024", "massnahme", 1),
            (1, "VL-1/2024", "strategie", 1),  # with measure 1 joined
            (2, "", "strategie", 0),
            (2, "GV-5/2024", "massnahme", 2),  # measures 1 and 3 share it
            (2, "GV-9/2024", "massnahme", 1),
        ]
        with Session(engine) as session:
            states = approval_states(session, [1, 2, 3])
            assert state_of(states, 1, 1).released  # the council's decision on the strategy
            assert state_of(states, 2, 2).released  # deferred, then agreed
            assert state_of(states, 3, 1).state == "abgelehnt"
            assert state_of(states, 3, 2).released

        downgrade(empty_database, "0005")
        assert _old_records(engine) == before
    finally:
        engine.dispose()
