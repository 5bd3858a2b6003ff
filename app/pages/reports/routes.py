"""GET /berichte/sachstand.pdf and .docx?kommune=<slug>&seit=<baseline id>&stand=<date>."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.accounts.deps import CurrentUser
from app.core.deps import SessionDep
from app.core.errors import ValidationFailed
from app.core.rules import parse_day
from app.core.timeutil import today
from app.councils.models import Baseline
from app.councils.routes import municipality_filter
from app.councils.routes.baselines import baseline_param
from app.pages.reports.content import ReportContent, report_content
from app.pages.reports.pdf import report_pdf
from app.pages.reports.word import report_docx

router = APIRouter(include_in_schema=False)

Param = Annotated[str, Query(max_length=60)]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _stand(text: str) -> date:
    if not text:
        return today()
    day = parse_day(text)
    if day is None:
        message = "Bitte das Datum des Berichts als TT.MM.JJJJ oder JJJJ-MM-TT angeben."
        raise ValidationFailed({"stand": message}, message=message)
    return day


def _content(
    session: SessionDep, user: CurrentUser, kommune: str, seit: str, stand: str
) -> ReportContent:
    municipality = municipality_filter(session, kommune)
    baseline: Baseline | None = baseline_param(session, seit) if seit else None
    return report_content(
        session=session,
        actor=user,
        municipality=municipality,
        baseline=baseline,
        stand=_stand(stand),
    )


def _filename(content: ReportContent, suffix: str) -> str:
    scope = content.municipality.slug if content.municipality else "ikz"
    return f"sachstandsbericht-{scope}-{content.stand.isoformat()}.{suffix}"


def _download(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/berichte/sachstand.pdf")
def sachstand_pdf(
    session: SessionDep,
    user: CurrentUser,
    kommune: Param = "",
    seit: Param = "",
    stand: Param = "",
) -> Response:
    """The Sachstandsbericht as PDF (A4) for the Ratsinformationssystem."""
    content = _content(session, user, kommune, seit, stand)
    return _download(report_pdf(content), "application/pdf", _filename(content, "pdf"))


@router.get("/berichte/sachstand.docx")
def sachstand_docx(
    session: SessionDep,
    user: CurrentUser,
    kommune: Param = "",
    seit: Param = "",
    stand: Param = "",
) -> Response:
    """The Sachstandsbericht as Word document, to be taken into a Vorlage template."""
    content = _content(session, user, kommune, seit, stand)
    return _download(report_docx(content), DOCX_TYPE, _filename(content, "docx"))
