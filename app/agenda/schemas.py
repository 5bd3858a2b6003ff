"""Input of the agenda domain: a new calendar address."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.core.inputs import Input
from app.core.rules import Code


class CalendarFeedCreate(Input):
    """A calendar address for the user's own dates, or for one measure's (its code)."""

    measure: Annotated[str, Code(required=False)] = Field(
        default="", description="Code der Maßnahme; leer oder null: die eigenen Termine"
    )
