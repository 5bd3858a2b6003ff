"""Session listeners every entry point installs: the audit trail, the ledger's upkeep and the
data generation."""

from app import generation
from app.audit import listener as audit_listener
from app.finance import ledger


def install() -> None:
    audit_listener.install()
    ledger.install()
    generation.install()
