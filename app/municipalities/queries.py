"""Reads of the municipalities, used by every domain and page (written once, here)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.core.rules import SLUG_PATTERN
from app.municipalities.models import Municipality


def municipalities(session: Session) -> Sequence[Municipality]:
    """Every municipality, by name."""
    return session.exec(select(Municipality).order_by(col(Municipality.name))).all()


def municipalities_by_id(session: Session) -> dict[int, Municipality]:
    return {int(m.id or 0): m for m in municipalities(session)}


def municipality_by_slug(session: Session, slug: str) -> Municipality | None:
    """The municipality with this slug; None for unknown slugs and text that is no slug."""
    if not re.fullmatch(SLUG_PATTERN, slug):
        return None
    return session.exec(select(Municipality).where(Municipality.slug == slug)).first()


@dataclass(frozen=True)
class MunicipalityChoice:
    """A municipality as a filter option: just what a <select> needs."""

    slug: str
    name: str
    id: int = 0


def municipality_choices(session: Session) -> list[MunicipalityChoice]:
    """Slug and name of every municipality by name, without loading whole rows."""
    rows = session.exec(
        select(Municipality.slug, Municipality.name, Municipality.id).order_by(
            col(Municipality.name)
        )
    ).all()
    return [MunicipalityChoice(slug=slug, name=name, id=int(mid or 0)) for slug, name, mid in rows]


def slugs_by_id(session: Session, ids: Sequence[int] | None = None) -> dict[int, str]:
    """Slug by id of the given municipalities (all of them when ``ids`` is None)."""
    query = select(Municipality.id, Municipality.slug)
    if ids is not None:
        query = query.where(col(Municipality.id).in_(ids))
    rows = session.exec(query).all()
    return {int(row[0]): row[1] for row in rows if row[0] is not None}
