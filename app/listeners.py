"""Session listeners every entry point installs: the audit trail and the ledger's upkeep."""

from app.audit import listener as audit_listener
from app.finance import ledger


def install() -> None:
    audit_listener.install()
    ledger.install()
