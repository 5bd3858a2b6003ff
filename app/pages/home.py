"""The signed-in user's home: "Meine Aufgaben", the tasks of their roles with links to where
each is done (see :mod:`app.agenda.tasks`)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.accounts.permissions import Principal
from app.agenda.tasks import agenda_for
from app.core.config import get_settings
from app.core.enums import Role, label
from app.core.timeutil import today
from app.core.web import render
from app.municipalities import queries as municipality_queries

# A section shows this many tasks and counts the rest (the IKZ-Koordination of many
# municipalities would otherwise get a page of thousands).
SHOWN_PER_SECTION = 50


def role_lines(session: Session, principal: Principal) -> list[str]:
    """ "Digitalisierungsbeauftragte – Erbach": the roles the page is about, in German."""
    names = {int(m.id or 0): m.name for m in municipality_queries.municipalities(session) if m.id}
    lines = []
    for role in Role:
        held = principal.roles.get(role)
        if not held:
            continue
        places = sorted(names[m] for m in held if m is not None and m in names)
        lines.append(label(role) + (f" – {', '.join(places)}" if places else ""))
    return lines


def home_page(request: Request, session: Session, user: Principal) -> HTMLResponse:
    agenda = agenda_for(session, user, today())
    return render(
        request,
        "pages/home.html",
        {
            "agenda": agenda,
            "role_lines": role_lines(session, user),
            "mail_configured": bool(get_settings().smtp_url),
            "shown_per_section": SHOWN_PER_SECTION,
        },
    )
