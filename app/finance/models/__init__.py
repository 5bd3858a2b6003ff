"""Tables of the finance domain. Every amount is an integer number of cents.

``budget`` holds the budget lines, grants, mappings and the ledger's derived tables;
``haushalt`` what the Kämmerei adds for the Haushalt: accounts for the grant income and
depreciation, per-measure Produkte, and Verpflichtungsermächtigungen.
"""

from app.finance.models.budget import (
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
from app.finance.models.haushalt import (
    Commitment,
    CommitmentPayment,
    HaushaltAccount,
    MeasureProdukt,
)

__all__ = [
    "BudgetLine",
    "BudgetShare",
    "BudgetTotal",
    "Commitment",
    "CommitmentPayment",
    "Drawdown",
    "FundingProgramme",
    "Grant",
    "GrantFunding",
    "GrantMeasure",
    "HaushaltAccount",
    "HaushaltMapping",
    "InvestmentNumber",
    "LedgerIssue",
    "MeasureProdukt",
    "ProofOfUse",
]
