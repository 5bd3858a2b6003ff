"""Typed FastAPI dependencies shared by HTML and API routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.core.db import get_engine, get_write_engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: services add and change, the request commits once."""
    engine = get_engine() if request.method in READ_METHODS else get_write_engine()
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": commit before the response is sent, so a failed commit is never reported
# to the user as success.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
