"""What every JSON endpoint shares: the shape of an error answer and its documentation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field

API_PREFIX = "/api/v1"


class ErrorPublic(BaseModel):
    """An error answer: a German message, and for bad input one message per field."""

    detail: str = Field(description="Deutsche Meldung")
    errors: dict[str, str] | None = Field(
        default=None, description="Feld → deutsche Meldung (bei 422)"
    )
    current: dict[str, Any] | None = Field(
        default=None, description="Aktuelle Werte des Datensatzes (bei 409)"
    )
    current_version: int | None = Field(
        default=None, description="Aktuelle Version des Datensatzes (bei 409)"
    )


_DESCRIPTIONS = {
    401: "Nicht angemeldet (Sitzung oder `Authorization: Bearer <Token>` fehlt)",
    403: "Keine Berechtigung für diese Aktion",
    404: "Datensatz unbekannt",
    409: "Veraltete Version: der Datensatz wurde inzwischen geändert (aktuelle Werte im Body)",
    422: "Ungültige Eingabe (deutsche Meldung je Feld)",
    429: "Zu viele Anfragen (Retry-After nennt die Sekunden bis zum nächsten Versuch)",
    503: "Vorübergehend überlastet (Retry-After nennt die Sekunden)",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of an endpoint (401 always, being signed in is required)."""
    wanted = sorted({401, *codes})
    return {code: {"description": _DESCRIPTIONS[code], "model": ErrorPublic} for code in wanted}


# The id of a record in an address: a positive 32-bit integer (larger numbers name nothing and
# would overflow the database's integer columns).
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Kennung des Datensatzes")]


def link(method: str, path: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link from an answer to the operation ``method path``, its parameters taken from
    the request or the answer (``$response.body#/id``): clients and fuzzers follow them."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method.lower()}", "parameters": parameters}


def created(description: str, **links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """The documented 201 answer of a creation, with links to what one can do next with it."""
    return {201: {"description": description, "links": links}}
