"""Import every table so that the metadata is complete (Alembic, tests, create_all)."""

from app.accounts.models import ApiToken, LoginAttempt, RoleAssignment, User
from app.audit.models import AuditEvent
from app.finance.models import (
    BudgetLine,
    Drawdown,
    FundingProgramme,
    Grant,
    GrantMeasure,
    HaushaltMapping,
    InvestmentNumber,
    ProofOfUse,
)
from app.portfolio.models import (
    ActionField,
    Approval,
    Measure,
    Milestone,
    Municipality,
    Participation,
    ProjectPlan,
    StatusReport,
    Strategy,
    StrategyDecision,
)

__all__ = [
    "ActionField",
    "ApiToken",
    "Approval",
    "AuditEvent",
    "BudgetLine",
    "Drawdown",
    "FundingProgramme",
    "Grant",
    "GrantMeasure",
    "HaushaltMapping",
    "InvestmentNumber",
    "LoginAttempt",
    "Measure",
    "Milestone",
    "Municipality",
    "Participation",
    "ProjectPlan",
    "ProofOfUse",
    "RoleAssignment",
    "StatusReport",
    "Strategy",
    "StrategyDecision",
    "User",
]
