"""Session listeners every entry point installs: the audit trail, the ledger's upkeep and the
data generation."""

from app.audit import listener as audit_listener
from app.core import generation
from app.finance.ledger import tracking as ledger


def install() -> None:
    audit_listener.install()
    ledger.install()
    generation.install()
