"""The Sachstandsbericht as PDF: an HTML document rendered by WeasyPrint (A4, page numbers,
table of contents with page numbers, PDF metadata)."""

from __future__ import annotations

import base64

from weasyprint import HTML

from app.core.resources import STATIC_DIR
from app.core.web import templates
from app.pages.reports import charts
from app.pages.reports.content import ReportContent

SECTIONS = (
    ("zusammenfassung", "Zusammenfassung nach Handlungsfeldern"),
    ("massnahmen", "Maßnahmen mit Status und Ampel"),
    ("aenderungen", "Änderungen seit der Baseline"),
    ("beschluesse", "Anstehende und jüngste Beschlüsse"),
    ("haushalt", "Budget je Jahr mit Förderung"),
    ("fristen", "Fristen der Förderung"),
)


def report_html(content: ReportContent) -> str:
    template = templates.env.get_template("reports/sachstand.html")
    return template.render(
        r=content,
        sections=SECTIONS,
        lights_png=base64.b64encode(charts.lights_chart(content.fields)).decode()
        if content.fields
        else "",
        budget_png=base64.b64encode(charts.budget_chart(content.budget)).decode()
        if content.budget
        else "",
    )


def report_pdf(content: ReportContent) -> bytes:
    pdf = HTML(string=report_html(content), base_url=str(STATIC_DIR)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
