"""Typed FastAPI dependencies shared by HTML and API routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from app.db import get_engine


def get_session() -> Iterator[Session]:
    """The request's unit of work: services add and change, the request commits once."""
    with Session(get_engine()) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": commit before the response is sent, so a failed commit is never reported
# to the user as success.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
