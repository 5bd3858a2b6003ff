"""``GET /api/v1/measures``: the measures in pages, with the filters of the measures list.

A page holds ``limit`` measures (25 unless asked otherwise, at most 100) from ``offset`` on, in
the list's order; the answer says how many measures the filters find in all and where the next
page is (``next`` in the body and a ``Link: <…>; rel="next"`` header). The filters are those of
``/massnahmen`` with the same names and values; where the list ignores a value it cannot use,
the API answers 422 with a German message per parameter. Without ``kommune`` the API lists every
municipality's measures (the list opens on the user's own).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from app.accounts.deps import CurrentUser
from app.core.api import API_PREFIX, responses
from app.core.deps import SessionDep
from app.core.enums import MeasureStatus, Priority, TrafficLight
from app.core.errors import ValidationFailed
from app.core.rules import bad_characters
from app.pages.measure_list.filters import ALL_MUNICIPALITIES, MeasureFilter
from app.pages.measure_list.queries import measure_slice
from app.portfolio.queries import measures_public
from app.portfolio.schemas import MeasurePublic

router = APIRouter(prefix=API_PREFIX, tags=["Maßnahmen"])

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_OFFSET = 2**31 - 1
SLUG = r"^[a-z0-9-]*$"


class MeasurePagePublic(BaseModel):
    """One page of measures."""

    items: list[MeasurePublic] = Field(description="Die Maßnahmen dieser Seite")
    total: int = Field(description="Anzahl aller Maßnahmen, die zu den Filtern passen")
    limit: int = Field(description="Höchstzahl der Maßnahmen je Seite")
    offset: int = Field(description="Anzahl der übersprungenen Maßnahmen vor dieser Seite")
    next: str | None = Field(description="Adresse der nächsten Seite (leer auf der letzten Seite)")


def _text(name: str, value: str) -> str:
    value = value.strip()
    if bad_characters(value, multiline=False):
        raise ValidationFailed({name: "Der Text enthält unzulässige Zeichen."})
    return value


@router.get(
    "/measures",
    response_model=MeasurePagePublic,
    summary="Maßnahmen seitenweise (mit den Filtern der Maßnahmenliste)",
    responses=responses(422),
)
def list_measures(
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description=f"Maßnahmen je Seite (1–{MAX_LIMIT})"),
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int,
        Query(ge=0, le=MAX_OFFSET, description="So viele Maßnahmen überspringen (ab 0)"),
    ] = 0,
    kommune: Annotated[
        str,
        Query(
            max_length=40,
            pattern=SLUG,
            description="Nur Maßnahmen, an denen diese Kommune beteiligt ist (Slug; "
            f"„{ALL_MUNICIPALITIES}“ oder leer: alle Kommunen)",
        ),
    ] = "",
    federfuehrung: Annotated[
        str,
        Query(max_length=40, pattern=SLUG, description="Nur Maßnahmen mit dieser Federführung"),
    ] = "",
    beschluss: Annotated[
        Literal["", "offen"],
        Query(description="„offen“: nur Maßnahmen, über die noch ein Gremium beschließen muss"),
    ] = "",
    feld: Annotated[
        str,
        Query(max_length=20, pattern=r"^[A-Za-z0-9-]*$", description="Code des Handlungsfelds"),
    ] = "",
    status: Annotated[MeasureStatus | None, Query(description="Nur dieser Status")] = None,
    ampel: Annotated[TrafficLight | None, Query(description="Nur diese Ampel")] = None,
    prioritaet: Annotated[Priority | None, Query(description="Nur diese Priorität")] = None,
    jahr: Annotated[
        int | None,
        Query(ge=2000, le=2100, description="Nur Maßnahmen mit Mitteln in diesem Haushaltsjahr"),
    ] = None,
    beispiel: Annotated[
        Literal["", "ja", "nein"],
        Query(description="„ja“: nur Beispieldaten, „nein“: nur echte Maßnahmen"),
    ] = "",
    q: Annotated[str, Query(max_length=100, description="Suche in Code, Titel und Ziel")] = "",
    sort: Annotated[
        Literal["code", "titel", "status", "fortschritt", "ampel", "ende"],
        Query(description="Sortierung"),
    ] = "code",
    richtung: Annotated[
        Literal["auf", "ab"], Query(description="„auf“: aufsteigend, „ab“: absteigend")
    ] = "auf",
    archiviert: Annotated[
        bool, Query(description="true: nur archivierte statt der laufenden Maßnahmen")
    ] = False,
    ueberfaellig: Annotated[
        bool, Query(description="true: nur Maßnahmen mit überfälligem Meilenstein")
    ] = False,
    ohne_bericht: Annotated[
        bool, Query(description="true: nur aktive Maßnahmen ohne Statusbericht seit 90 Tagen")
    ] = False,
    risiko: Annotated[
        Literal["hoch"] | None,
        Query(description="„hoch“: nur Maßnahmen mit einem offenen hohen Risiko (Bewertung ab 15)"),
    ] = None,
) -> MeasurePagePublic:
    flt = MeasureFilter(
        kommune=ALL_MUNICIPALITIES if kommune in ("", ALL_MUNICIPALITIES) else kommune,
        federfuehrung=federfuehrung,
        beschluss=beschluss,
        feld=feld,
        status=status.value if status else "",
        ampel=ampel.value if ampel else "",
        prioritaet=prioritaet.value if prioritaet else "",
        jahr=jahr,
        beispiel=beispiel,
        q=_text("q", q),
        sort=sort,
        richtung=richtung,
        archiviert=archiviert,
        ueberfaellig=ueberfaellig,
        ohne_bericht=ohne_bericht,
        risiko=risiko or "",
    )
    total, found = measure_slice(session, flt, offset=offset, limit=limit)
    following = offset + limit
    next_url = None
    if following < total:
        next_url = str(request.url.include_query_params(limit=limit, offset=following))
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.headers["X-Total-Count"] = str(total)
    return MeasurePagePublic(
        items=measures_public(session, found),
        total=total,
        limit=limit,
        offset=offset,
        next=next_url,
    )
