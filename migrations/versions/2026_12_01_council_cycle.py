"""council_cycle

Bodies, sessions, Beschlussvorlagen with their Beratungsfolge, and baselines. The single approval
record per measure and municipality and the strategy's decision records move into Vorlagen and
their steps (Beratungen), without loss:

- every municipality gets its three bodies (its executive body, the Haupt- und Finanzausschuss,
  its council), and a body for every other name found in the old records;
- every (body, date) of an old record becomes a session (held: a decision was recorded there);
- the strategy's decisions of one municipality under one Drucksache become one Vorlage about the
  strategy; a step is beschließend when the council decided it (or, without one, the last step);
- a measure's approvals of one municipality under one Drucksache become one Vorlage about the
  measure, each approval a beschließend step; such a group joins the strategy's Vorlage of the same
  Drucksache when its decisions are exactly that Vorlage's beschließend steps, and groups of
  several measures with the same Drucksache and the same decisions share one Vorlage.
Anything else stays a Vorlage of its own (then two Vorlagen carry the same Drucksache number):
each old record is one step, and reading the steps back gives the old records again.

The downgrade writes the records back from the steps that have a result; what the old tables
cannot hold (Vorlagen without a decision, texts, votes, sessions, "geändert zugestimmt", which
becomes "zugestimmt") is lost there.

Baselines are immutable: triggers refuse UPDATE and DELETE on their tables.

Revision ID: 0016a
Revises: 0005
Create Date: 2026-12-01 08:22:46.451758
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016a"
down_revision: str | None = "0017a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMITTEE = "Haupt- und Finanzausschuss"
IMMUTABLE = ("baseline", "baseline_state")
# The decisions of a group of records: (session id, result) pairs, sorted.
Decisions = tuple[tuple[int, str], ...]

_body = sa.table(
    "council_body",
    sa.column("id", sa.Integer),
    sa.column("municipality_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("position", sa.Integer),
    sa.column("version", sa.Integer),
)
_session = sa.table(
    "council_session",
    sa.column("id", sa.Integer),
    sa.column("body_id", sa.Integer),
    sa.column("held_on", sa.Date),
    sa.column("place", sa.String),
    sa.column("status", sa.String),
    sa.column("example", sa.Boolean),
    sa.column("version", sa.Integer),
)
_proposal = sa.table(
    "council_proposal",
    sa.column("id", sa.Integer),
    sa.column("municipality_id", sa.Integer),
    sa.column("drucksache", sa.String),
    sa.column("title", sa.String),
    sa.column("fachbereich", sa.String),
    sa.column("sachbearbeitung", sa.String),
    sa.column("begruendung", sa.Text),
    sa.column("beschlussvorschlag", sa.Text),
    sa.column("subject", sa.String),
    sa.column("strategy_id", sa.Integer),
    sa.column("budget_year", sa.Integer),
    sa.column("example", sa.Boolean),
    sa.column("version", sa.Integer),
)
_link = sa.table(
    "council_proposal_measure",
    sa.column("proposal_id", sa.Integer),
    sa.column("measure_id", sa.Integer),
    sa.column("plan_version", sa.Integer),
)
_step = sa.table(
    "council_deliberation",
    sa.column("id", sa.Integer),
    sa.column("proposal_id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("role", sa.String),
    sa.column("result", sa.String),
    sa.column("votes_yes", sa.Integer),
    sa.column("votes_no", sa.Integer),
    sa.column("votes_abstain", sa.Integer),
    sa.column("note", sa.Text),
    sa.column("version", sa.Integer),
)
_approval = sa.table(
    "approval",
    sa.column("id", sa.Integer),
    sa.column("measure_id", sa.Integer),
    sa.column("municipality_id", sa.Integer),
    sa.column("body", sa.String),
    sa.column("decided_on", sa.Date),
    sa.column("drucksache", sa.String),
    sa.column("result", sa.String),
    sa.column("version", sa.Integer),
)
_strategy_decision = sa.table(
    "strategy_decision",
    sa.column("id", sa.Integer),
    sa.column("strategy_id", sa.Integer),
    sa.column("municipality_id", sa.Integer),
    sa.column("body", sa.String),
    sa.column("decided_on", sa.Date),
    sa.column("drucksache", sa.String),
    sa.column("result", sa.String),
)


def _body_kind(name: str, executive: str, council: str) -> str:
    if name in (executive, "Magistrat", "Gemeindevorstand"):
        return "vorstand"
    if name in (council, "Stadtverordnetenversammlung", "Gemeindevertretung"):
        return "vertretung"
    return "ausschuss"


class _Mover:
    """Moves the old records into the new tables over one connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.municipalities = {
            row.id: (row.executive_body, row.council)
            for row in conn.execute(sa.text("SELECT id, executive_body, council FROM municipality"))
        }
        self.bodies: dict[tuple[int, str], int] = {}
        self.sessions: dict[tuple[int, Any], int] = {}

    def body(self, municipality_id: int, name: str, position: int = 10) -> int:
        key = (municipality_id, name)
        if key not in self.bodies:
            executive, council = self.municipalities[municipality_id]
            self.bodies[key] = self.conn.execute(
                _body.insert()
                .values(
                    municipality_id=municipality_id,
                    name=name,
                    kind=_body_kind(name, executive, council),
                    position=position,
                    version=1,
                )
                .returning(_body.c.id)
            ).scalar_one()
        return self.bodies[key]

    def session(self, municipality_id: int, body: str, held_on: Any) -> int:
        body_id = self.body(municipality_id, body)
        key = (body_id, held_on)
        if key not in self.sessions:
            self.sessions[key] = self.conn.execute(
                _session.insert()
                .values(
                    body_id=body_id,
                    held_on=held_on,
                    place="",
                    status="durchgefuehrt",
                    example=False,
                    version=1,
                )
                .returning(_session.c.id)
            ).scalar_one()
        return self.sessions[key]

    def proposal(self, **values: Any) -> int:
        row = {
            "fachbereich": "",
            "sachbearbeitung": "",
            "begruendung": "",
            "beschlussvorschlag": "",
            "strategy_id": None,
            "budget_year": None,
            "example": False,
            "version": 1,
        } | values
        return int(
            self.conn.execute(
                _proposal.insert().values(**row).returning(_proposal.c.id)
            ).scalar_one()
        )

    def steps(self, proposal_id: int, steps: list[tuple[int, str, str]]) -> None:
        for position, (session_id, role, result) in enumerate(steps, start=1):
            self.conn.execute(
                _step.insert().values(
                    proposal_id=proposal_id,
                    session_id=session_id,
                    position=position,
                    role=role,
                    result=result,
                    votes_yes=None,
                    votes_no=None,
                    votes_abstain=None,
                    note="",
                    version=1,
                )
            )

    def move(self) -> None:
        for municipality_id, (executive, council) in sorted(self.municipalities.items()):
            self.body(municipality_id, executive, 1)
            self.body(municipality_id, COMMITTEE, 2)
            self.body(municipality_id, council, 3)
        strategy_votes = self._strategy_proposals()
        self._measure_proposals(strategy_votes)

    def _strategy_proposals(self) -> dict[tuple[int, str], list[tuple[int, Decisions]]]:
        titles = dict(self.conn.execute(sa.text("SELECT id, title FROM strategy")).all())
        groups: dict[tuple[int, int, str], list[Any]] = defaultdict(list)
        for row in self.conn.execute(
            sa.select(_strategy_decision).order_by(
                _strategy_decision.c.decided_on, _strategy_decision.c.id
            )
        ):
            groups[(row.strategy_id, row.municipality_id, row.drucksache)].append(row)
        decided: dict[tuple[int, str], list[tuple[int, Decisions]]] = defaultdict(list)
        for (strategy_id, municipality_id, drucksache), rows in sorted(groups.items()):
            council = self.municipalities[municipality_id][1]
            roles = ["beschliessend" if row.body == council else "empfehlend" for row in rows]
            if "beschliessend" not in roles:
                roles[-1] = "beschliessend"
            steps = [
                (self.session(municipality_id, row.body, row.decided_on), role, row.result)
                for row, role in zip(rows, roles, strict=True)
            ]
            proposal_id = self.proposal(
                municipality_id=municipality_id,
                drucksache=drucksache,
                title=titles.get(strategy_id) or "Digitalstrategie",
                subject="strategie",
                strategy_id=strategy_id,
            )
            self.steps(proposal_id, steps)
            if drucksache:
                votes = sorted((s, r) for s, role, r in steps if role == "beschliessend")
                decided[(municipality_id, drucksache)].append((proposal_id, tuple(votes)))
        return decided

    def _measure_proposals(
        self, strategy_votes: dict[tuple[int, str], list[tuple[int, Decisions]]]
    ) -> None:
        measures = {
            row.id: (row.code, row.title, bool(row.example))
            for row in self.conn.execute(sa.text("SELECT id, code, title, example FROM measure"))
        }
        groups: dict[tuple[int, str, int], list[Any]] = defaultdict(list)
        for row in self.conn.execute(
            sa.select(_approval).order_by(_approval.c.decided_on, _approval.c.id)
        ):
            groups[(row.municipality_id, row.drucksache, row.measure_id)].append(row)
        # Measure groups with the same Drucksache and the same decisions share one Vorlage.
        shared: dict[tuple[int, str, Decisions], list[int]] = defaultdict(list)
        steps_of: dict[tuple[int, str, Decisions], list[tuple[int, str, str]]] = {}
        for (municipality_id, drucksache, measure_id), rows in sorted(groups.items()):
            steps = [
                (
                    self.session(municipality_id, row.body, row.decided_on),
                    "beschliessend",
                    row.result,
                )
                for row in rows
            ]
            votes = tuple(sorted((s, r) for s, _role, r in steps))
            joined = next(
                (
                    proposal_id
                    for proposal_id, decided in strategy_votes.get(
                        (municipality_id, drucksache), []
                    )
                    if decided == votes
                ),
                None,
            )
            if joined is not None:
                self._link(joined, measure_id)
                continue
            key = (
                (municipality_id, drucksache, votes)
                if drucksache
                else (
                    municipality_id,
                    "",
                    ((-measure_id, ""),),
                )
            )
            shared[key].append(measure_id)
            steps_of[key] = steps
        for key, measure_ids in shared.items():
            municipality_id, drucksache, _votes = key
            labels = [measures[m] for m in measure_ids]
            title = (
                f"{labels[0][0]} {labels[0][1]}"
                if len(labels) == 1
                else "Maßnahmen " + ", ".join(label[0] for label in labels)
            )
            proposal_id = self.proposal(
                municipality_id=municipality_id,
                drucksache=drucksache,
                title=title[:300],
                subject="massnahme",
                example=all(label[2] for label in labels),
            )
            self.steps(proposal_id, steps_of[key])
            for measure_id in measure_ids:
                self._link(proposal_id, measure_id)

    def _link(self, proposal_id: int, measure_id: int) -> None:
        self.conn.execute(
            _link.insert().values(proposal_id=proposal_id, measure_id=measure_id, plan_version=None)
        )


def _records_back(conn: Any) -> None:
    """Write the old records back from the steps that have a result (the downgrade)."""
    steps = conn.execute(
        sa.text(
            "SELECT p.id AS proposal_id, p.municipality_id, p.drucksache, p.subject, "
            "p.strategy_id, b.name AS body, s.held_on, d.role, d.result "
            "FROM council_deliberation d "
            "JOIN council_proposal p ON p.id = d.proposal_id "
            "JOIN council_session s ON s.id = d.session_id "
            "JOIN council_body b ON b.id = s.body_id "
            "WHERE d.result IS NOT NULL ORDER BY s.held_on, d.position, d.id"
        ).columns(held_on=sa.Date)
    ).all()
    links: dict[int, list[int]] = defaultdict(list)
    for proposal_id, measure_id in conn.execute(
        sa.text("SELECT proposal_id, measure_id FROM council_proposal_measure ORDER BY measure_id")
    ):
        links[proposal_id].append(measure_id)
    for step in steps:
        result = "zugestimmt" if step.result == "geaendert_zugestimmt" else step.result
        if step.subject == "strategie" and step.strategy_id is not None:
            conn.execute(
                _strategy_decision.insert().values(
                    strategy_id=step.strategy_id,
                    municipality_id=step.municipality_id,
                    body=step.body[:120],
                    decided_on=step.held_on,
                    drucksache=step.drucksache,
                    result=result,
                )
            )
        if step.role != "beschliessend":
            continue
        for measure_id in links.get(step.proposal_id, []):
            conn.execute(
                _approval.insert().values(
                    measure_id=measure_id,
                    municipality_id=step.municipality_id,
                    body=step.body[:120],
                    decided_on=step.held_on,
                    drucksache=step.drucksache,
                    result=result,
                    version=1,
                )
            )


def _guard_baselines(conn: Any) -> None:
    if conn.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ikz_refuse_change() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'Baselines sind unveränderlich (%).', TG_TABLE_NAME; END $$ "
            "LANGUAGE plpgsql"
        )
        for table in IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ikz_refuse_change()"
            )
        return
    for table in IMMUTABLE:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'Baselines sind unveränderlich.'); END"
            )


def _unguard_baselines(conn: Any) -> None:
    if conn.dialect.name == "postgresql":
        for table in IMMUTABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ikz_refuse_change()")
        return
    for table in IMMUTABLE:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def upgrade() -> None:
    op.create_table(
        "council_body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('vorstand', 'ausschuss', 'vertretung')",
            name=op.f("ck_council_body_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_council_body_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_body")),
        sa.UniqueConstraint(
            "municipality_id", "name", name=op.f("uq_council_body_municipality_id_name")
        ),
    )
    with op.batch_alter_table("council_body", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_body_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "council_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("drucksache", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("fachbereich", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("sachbearbeitung", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("begruendung", sa.Text(), nullable=False),
        sa.Column("beschlussvorschlag", sa.Text(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=True),
        sa.Column("budget_year", sa.Integer(), nullable=True),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "subject <> 'haushalt' OR budget_year IS NOT NULL",
            name=op.f("ck_council_proposal_budget_year_named"),
        ),
        sa.CheckConstraint(
            "subject <> 'strategie' OR strategy_id IS NOT NULL",
            name=op.f("ck_council_proposal_strategy_named"),
        ),
        sa.CheckConstraint(
            "subject IN ('strategie', 'massnahme', 'projektplan', 'haushalt')",
            name=op.f("ck_council_proposal_subject_valid"),
        ),
        sa.CheckConstraint(
            "budget_year IS NULL OR budget_year BETWEEN 2000 AND 2100",
            name=op.f("ck_council_proposal_year_plausible"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_council_proposal_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"], ["strategy.id"], name=op.f("fk_council_proposal_strategy_id_strategy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_proposal")),
    )
    with op.batch_alter_table("council_proposal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_council_proposal_municipality_drucksache",
            ["municipality_id", "drucksache"],
            unique=False,
        )

    op.create_table(
        "council_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('geplant', 'durchgefuehrt', 'abgesagt')",
            name=op.f("ck_council_session_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["council_body.id"], name=op.f("fk_council_session_body_id_council_body")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_session")),
        sa.UniqueConstraint("body_id", "held_on", name=op.f("uq_council_session_body_id_held_on")),
    )
    with op.batch_alter_table("council_session", schema=None) as batch_op:
        batch_op.create_index("ix_council_session_held_on", ["held_on"], unique=False)

    op.create_table(
        "baseline_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"], name=op.f("fk_baseline_state_measure_id_measure")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baseline_state")),
        sa.UniqueConstraint("digest", name=op.f("uq_baseline_state_digest")),
    )
    with op.batch_alter_table("baseline_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_baseline_state_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "council_deliberation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=22), nullable=True),
        sa.Column("votes_yes", sa.Integer(), nullable=True),
        sa.Column("votes_no", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "result IN ('zugestimmt', 'geaendert_zugestimmt', 'abgelehnt', 'vertagt')",
            name=op.f("ck_council_deliberation_result_valid"),
        ),
        sa.CheckConstraint(
            "role IN ('empfehlend', 'beschliessend')",
            name=op.f("ck_council_deliberation_role_valid"),
        ),
        sa.CheckConstraint(
            "(votes_yes IS NULL OR votes_yes >= 0) AND (votes_no IS NULL OR votes_no >= 0) AND (votes_abstain IS NULL OR votes_abstain >= 0)",
            name=op.f("ck_council_deliberation_votes_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["council_proposal.id"],
            name=op.f("fk_council_deliberation_proposal_id_council_proposal"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_session.id"],
            name=op.f("fk_council_deliberation_session_id_council_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_deliberation")),
    )
    with op.batch_alter_table("council_deliberation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_council_deliberation_proposal", ["proposal_id", "position"], unique=False
        )
        batch_op.create_index("ix_council_deliberation_session", ["session_id"], unique=False)

    op.create_table(
        "council_proposal_measure",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_council_proposal_measure_measure_id_measure"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["council_proposal.id"],
            name=op.f("fk_council_proposal_measure_proposal_id_council_proposal"),
        ),
        sa.PrimaryKeyConstraint(
            "proposal_id", "measure_id", name=op.f("pk_council_proposal_measure")
        ),
    )
    with op.batch_alter_table("council_proposal_measure", schema=None) as batch_op:
        batch_op.create_index(
            "ix_council_proposal_measure_measure", ["measure_id", "proposal_id"], unique=False
        )

    op.create_table(
        "baseline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("deliberation_id", sa.Integer(), nullable=True),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("taken_by_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("measure_count", sa.Integer(), nullable=False),
        sa.Column("new_states", sa.Integer(), nullable=False),
        sa.Column("stored_bytes", sa.Integer(), nullable=False),
        sa.Column("index_data", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "reason IN ('beschluss', 'manuell')", name=op.f("ck_baseline_reason_valid")
        ),
        sa.ForeignKeyConstraint(
            ["deliberation_id"],
            ["council_deliberation.id"],
            name=op.f("fk_baseline_deliberation_id_council_deliberation"),
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["user_account.id"], name=op.f("fk_baseline_taken_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baseline")),
        sa.UniqueConstraint("deliberation_id", name=op.f("uq_baseline_deliberation_id")),
    )
    conn = op.get_bind()
    _Mover(conn).move()
    _guard_baselines(conn)
    with op.batch_alter_table("strategy_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategy_decision_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_strategy_decision_strategy_id"))

    op.drop_table("strategy_decision")
    with op.batch_alter_table("approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_measure_id"))
        batch_op.drop_index(batch_op.f("ix_approval_municipality_id"))

    op.drop_table("approval")


def downgrade() -> None:
    conn = op.get_bind()
    _unguard_baselines(conn)
    op.create_table(
        "approval",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("measure_id", sa.INTEGER(), nullable=False),
        sa.Column("municipality_id", sa.INTEGER(), nullable=False),
        sa.Column("body", sa.VARCHAR(length=120), nullable=False),
        sa.Column("decided_on", sa.DATE(), nullable=False),
        sa.Column("drucksache", sa.VARCHAR(length=60), nullable=False),
        sa.Column("result", sa.VARCHAR(length=20), nullable=False),
        sa.Column("version", sa.INTEGER(), nullable=False),
        sa.CheckConstraint(
            "result IN ('zugestimmt', 'abgelehnt', 'vertagt')",
            name=op.f("ck_approval_result_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"], name=op.f("fk_approval_measure_id_measure")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_approval_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval")),
    )
    with op.batch_alter_table("approval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_approval_measure_id"), ["measure_id"], unique=False)

    op.create_table(
        "strategy_decision",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("strategy_id", sa.INTEGER(), nullable=False),
        sa.Column("municipality_id", sa.INTEGER(), nullable=False),
        sa.Column("body", sa.VARCHAR(length=120), nullable=False),
        sa.Column("decided_on", sa.DATE(), nullable=False),
        sa.Column("drucksache", sa.VARCHAR(length=60), nullable=False),
        sa.Column("result", sa.VARCHAR(length=20), nullable=False),
        sa.CheckConstraint(
            "result IN ('zugestimmt', 'abgelehnt', 'vertagt')",
            name=op.f("ck_strategy_decision_result_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_strategy_decision_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"], ["strategy.id"], name=op.f("fk_strategy_decision_strategy_id_strategy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_decision")),
    )
    with op.batch_alter_table("strategy_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_strategy_decision_strategy_id"), ["strategy_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_strategy_decision_municipality_id"), ["municipality_id"], unique=False
        )

    _records_back(conn)
    op.drop_table("baseline")
    with op.batch_alter_table("council_proposal_measure", schema=None) as batch_op:
        batch_op.drop_index("ix_council_proposal_measure_measure")

    op.drop_table("council_proposal_measure")
    with op.batch_alter_table("council_deliberation", schema=None) as batch_op:
        batch_op.drop_index("ix_council_deliberation_session")
        batch_op.drop_index("ix_council_deliberation_proposal")

    op.drop_table("council_deliberation")
    with op.batch_alter_table("baseline_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_baseline_state_measure_id"))

    op.drop_table("baseline_state")
    with op.batch_alter_table("council_session", schema=None) as batch_op:
        batch_op.drop_index("ix_council_session_held_on")

    op.drop_table("council_session")
    with op.batch_alter_table("council_proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_council_proposal_municipality_drucksache")

    op.drop_table("council_proposal")
    with op.batch_alter_table("council_body", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_body_municipality_id"))

    op.drop_table("council_body")
