"""Running an edit from an HTML form or a JSON request: one place for the answers to bad input.

* :data:`FormDep` reads the submitted form on the event loop (no database work there); the
  route itself is a plain function, so FastAPI runs it, and its database work, in the thread pool.
* :func:`run_edit` runs a service call in a savepoint and turns what the database refuses (a
  unique constraint two concurrent requests raced for, a version that moved at the last moment)
  into the same German 422 or 409 the service gives; nothing is half-written.
* :func:`submit` parses the form with the edit's schema, runs it, and answers with the page
  re-rendered around the user's input (422 or 409) or with the success response.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from starlette.datastructures import FormData

from app.core.db import unique_violation
from app.core.errors import StaleVersion, ValidationFailed
from app.core.inputs import form_fields, parse_form

R = TypeVar("R")
S = TypeVar("S", bound=BaseModel)

STALE_MESSAGE = (
    "Der Datensatz wurde gleichzeitig von jemand anderem geändert; es wurde nichts gespeichert. "
    "Bitte laden Sie die Seite neu und prüfen Sie die aktuellen Werte."
)


async def read_form(request: Request) -> FormData:
    """The submitted form (parsed once; the CSRF check has usually read it already)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def form_values(form: FormData | Mapping[str, Any]) -> dict[str, Any]:
    """What the user typed, to put back into a re-rendered form (lists for repeated fields)."""
    if not isinstance(form, FormData):
        return dict(form)
    values: dict[str, Any] = {}
    for key in form:
        items = [str(item) for item in form.getlist(key) if isinstance(item, str)]
        values[key] = items if len(items) > 1 else (items[0] if items else "")
    return values


def run_edit(session: Session, action: Callable[[], R]) -> R:
    """Run ``action`` (a service call that flushes) in a savepoint of the request's transaction.

    Whatever it raises leaves nothing behind. A unique constraint that a concurrent request won
    becomes :class:`ValidationFailed` naming the field; a version check the database failed
    (another writer committed in between) becomes :class:`StaleVersion`.
    """
    try:
        with session.begin_nested():
            return action()
    except IntegrityError as error:
        violation = unique_violation(error)
        if violation is None:
            raise
        raise violation from None
    except StaleDataError:
        raise StaleVersion({}, 0, STALE_MESSAGE) from None


def submit(
    *,
    session: Session,
    schema: type[S],
    form: FormData | Mapping[str, Any],
    apply: Callable[[S], R],
    success: Callable[[R], Response],
    failure: Callable[[int, dict[str, Any]], Response],
    values: dict[str, Any] | None = None,
) -> Response:
    """Parse ``form`` with ``schema``, run ``apply`` and answer.

    ``form`` is the submitted form, or a mapping a route built from it (fields with dynamic names
    such as ``share_<slug>`` gathered into one structure); ``values`` then keeps what the user
    typed, field by field, for the re-rendered form.

    ``failure(status, context)`` re-renders the form's page: ``context`` holds ``form_values``
    (the input as typed) and ``form_errors`` (422), or ``conflict`` and ``conflict_message``
    with the current values (409; ``form_values.expected_version`` then names the current
    version, so saving again applies the user's input to it).
    """
    values = dict(values) if values is not None else form_values(form)
    try:
        data = parse_form(schema, form)
        result = run_edit(session, lambda: apply(data))
    except ValidationFailed as error:
        # A service names the schema's fields; the form may call them differently.
        names = {field: name for name, field in form_fields(schema).items()}
        errors = {names.get(key, key): text for key, text in error.errors.items()}
        return failure(422, {"form_values": values, "form_errors": errors})
    except StaleVersion as error:
        if error.current_version:
            values["expected_version"] = str(error.current_version)
        return failure(
            409,
            {"form_values": values, "conflict": error.current, "conflict_message": error.message},
        )
    return success(result)


Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def accepts(
    *schemas: type[BaseModel], extra: tuple[str, ...] = ()
) -> Callable[[Endpoint], Endpoint]:
    """Name the schemas (and fields with dynamic names) an HTML form route reads.

    Nothing at run time depends on it; it lets the route table tell which fields every form has,
    so that tests can send each of them bad input.
    """

    def mark(endpoint: Endpoint) -> Endpoint:
        names = [name for schema in schemas for name in form_fields(schema)]
        endpoint.__form_fields__ = tuple(dict.fromkeys([*names, *extra]))  # type: ignore[attr-defined]
        return endpoint

    return mark
