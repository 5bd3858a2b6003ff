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
    Commitment,
    CommitmentPayment,
    Drawdown,
    FundingProgramme,
    Grant,
    GrantFunding,
    GrantMeasure,
    HaushaltAccount,
    HaushaltMapping,
    InvestmentNumber,
    LedgerIssue,
    MeasureProdukt,
    ProofOfUse,
)
from app.indicators.models import Goal, Indicator, IndicatorValue
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
from app.risks.models import Risk

__all__ = [
    "ActionField",
    "ApiToken",
    "AuditEvent",
    "Baseline",
    "BaselineState",
    "BudgetLine",
    "BudgetShare",
    "BudgetTotal",
    "CalendarFeed",
    "Commitment",
    "CommitmentPayment",
    "CouncilBody",
    "CouncilSession",
    "DataGeneration",
    "Deliberation",
    "Drawdown",
    "FundingProgramme",
    "Goal",
    "Grant",
    "GrantFunding",
    "GrantMeasure",
    "HaushaltAccount",
    "HaushaltMapping",
    "Indicator",
    "IndicatorValue",
    "InvestmentNumber",
    "LedgerIssue",
    "LoginAttempt",
    "Measure",
    "MeasureProdukt",
    "Milestone",
    "Municipality",
    "Participation",
    "ProjectPlan",
    "ProofOfUse",
    "Proposal",
    "ProposalMeasure",
    "Risk",
    "RoleAssignment",
    "SentNotification",
    "StatusReport",
    "Strategy",
    "User",
    "UserSession",
]
