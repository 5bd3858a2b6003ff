"""Import every table so that the metadata is complete (Alembic, tests, create_all)."""

from app.accounts.models import ApiToken, LoginAttempt, RoleAssignment, User, UserSession
from app.audit.models import AuditEvent
from app.core.generation import DataGeneration
from app.councils.models import (
    Baseline,
    BaselineState,
    CouncilBody,
    CouncilSession,
    Deliberation,
    Proposal,
    ProposalMeasure,
)
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
    Measure,
    Milestone,
    Participation,
    ProjectPlan,
    StatusReport,
    Strategy,
)

__all__ = [
    "ActionField",
    "ApiToken",
    "AuditEvent",
    "Baseline",
    "BaselineState",
    "BudgetLine",
    "BudgetShare",
    "BudgetTotal",
    "CouncilBody",
    "CouncilSession",
    "DataGeneration",
    "Deliberation",
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
    "Proposal",
    "ProposalMeasure",
    "RoleAssignment",
    "StatusReport",
    "Strategy",
    "User",
    "UserSession",
]
