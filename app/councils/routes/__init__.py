"""HTML pages and forms of the council cycle (/gremien) and its baselines (/berichte)."""

from __future__ import annotations

from sqlmodel import Session

from app.core.errors import ValidationFailed
from app.core.rules import shown
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality


def municipality_filter(session: Session, kommune: str) -> Municipality | None:
    """The municipality a page is filtered by; a German 422 for one that does not exist."""
    if not kommune:
        return None
    found = municipality_queries.municipality_by_slug(session, kommune)
    if found is None:
        message = f"Unbekannte Kommune „{shown(kommune)}“."
        raise ValidationFailed({"kommune": message}, message=message)
    return found
