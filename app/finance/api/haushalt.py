"""JSON twin of a municipality's Haushalt mapping and Investitionsnummern."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.core.api import API_PREFIX, responses
from app.core.deps import SessionDep
from app.core.errors import NotFound
from app.core.forms import run_edit
from app.finance.queries import lookups as queries
from app.finance.schemas import (
    AccountPublic,
    HaushaltIn,
    HaushaltPublic,
    MappingPublic,
)
from app.finance.service import haushalt
from app.municipalities import queries as municipality_queries

router = APIRouter(prefix=API_PREFIX, tags=["Haushalt"])


def _haushalt_public(session: Session, slug: str) -> HaushaltPublic:
    municipality = municipality_queries.municipality_by_slug(session, slug)
    if municipality is None or municipality.id is None:
        raise NotFound("Diese Kommune gibt es nicht.")
    mappings = queries.mappings(session, municipality.id)
    numbers = queries.investment_numbers(session, municipality.id)
    produkte = {
        measure_id: produkt
        for (_, measure_id), produkt in queries.measure_produkte_of(
            session, [municipality.id]
        ).items()
    }
    accounts = queries.haushalt_accounts(session, municipality.id)
    codes = queries.measure_labels(session, list(numbers) + list(produkte))
    return HaushaltPublic(
        municipality=slug,
        mappings=[
            MappingPublic(
                category=m.category,
                kind=m.kind,
                produkt=m.produkt,
                sachkonto=m.sachkonto,
                version=m.version,
            )
            for m in sorted(mappings.values(), key=lambda m: (m.category, m.kind))
        ],
        accounts=[
            AccountPublic(
                purpose=a.purpose, produkt=a.produkt, sachkonto=a.sachkonto, version=a.version
            )
            for a in sorted(accounts.values(), key=lambda a: a.purpose)
        ],
        investment_numbers={codes[mid][0]: number for mid, number in numbers.items()},
        measure_produkte={codes[mid][0]: produkt for mid, produkt in produkte.items()},
    )


def _haushalt_keeper(slug: str, session: SessionDep, user: CurrentUser) -> str:
    haushalt.haushalt_municipality(session=session, actor=user, slug=slug)
    return slug


@router.get(
    "/municipalities/{slug}/haushalt",
    response_model=HaushaltPublic,
    summary="Haushaltszuordnung und Investitionsnummern einer Kommune",
    responses=responses(404),
)
def get_haushalt(slug: str, session: SessionDep, user: CurrentUser) -> HaushaltPublic:
    return _haushalt_public(session, slug)


@router.put(
    "/municipalities/{slug}/haushalt",
    response_model=HaushaltPublic,
    summary="Haushaltszuordnung und Investitionsnummern speichern (Kämmerei der Kommune)",
    responses=responses(403, 404, 409, 422),
)
def save_haushalt(
    slug: str,
    _slug: Annotated[str, Depends(_haushalt_keeper)],
    body: HaushaltIn,
    session: SessionDep,
    user: CurrentUser,
) -> HaushaltPublic:
    run_edit(
        session, lambda: haushalt.save_haushalt(session=session, actor=user, slug=slug, data=body)
    )
    return _haushalt_public(session, slug)
