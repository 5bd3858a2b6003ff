"""Import every table so that the metadata is complete (Alembic, tests, create_all)."""

from app.accounts.models import (
    ApiToken,
    CalendarFeed,
    LoginAttempt,
    RoleAssignment,
    User,
    UserSession,
)
from app.agenda.models import SentNotification
from app.audit.models import AuditEvent
from app.core.generation import DataGeneration
from app.finance.models import (
    BudgetLine,
    BudgetShare,
    BudgetTotal,
    Drawdown,
    FundingProgramme,
    Grant,
    GrantFunding,
    GrantMeasure,
    HaushaltMapping,
    InvestmentNumber,
    LedgerIssue,
    ProofOfUse,
)
from app.municipalities.models import Municipality
from app.portfolio.models import (
    ActionField,
    Approval,
    Measure,
    Milestone,
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
    "BudgetShare",
    "BudgetTotal",
    "CalendarFeed",
    "DataGeneration",
    "Drawdown",
    "FundingProgramme",
    "Grant",
    "GrantFunding",
    "GrantMeasure",
    "HaushaltMapping",
    "InvestmentNumber",
    "LedgerIssue",
    "LoginAttempt",
    "Measure",
    "Milestone",
    "Municipality",
    "Participation",
    "ProjectPlan",
    "ProofOfUse",
    "RoleAssignment",
    "SentNotification",
    "StatusReport",
    "Strategy",
    "StrategyDecision",
    "User",
    "UserSession",
]
