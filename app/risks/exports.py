"""The risk register as an XLSX workbook: one sheet "Risiken", the rows of the risk list's
filter, ratings as numbers, dates as dates; every text through ``text_cell`` (no formula can
enter through a risk's title or mitigation)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.core.enums import label
from app.core.formatting import fmt_date
from app.finance.exports.cells import Cell, Number, text_cell
from app.finance.exports.sheet import Footer, Sheet, finish, meta, new_workbook
from app.risks.queries import RiskView
from app.risks.scale import HIGH_SCORE, IMPACT_ANCHORS, PROBABILITY_ANCHORS

COLUMNS = (
    ("Maßnahme", 11),
    ("Risiko", 36),
    ("Ursache", 30),
    ("Auswirkung", 30),
    ("Wahrscheinlichkeit", 12),
    ("Ausmaß", 10),
    ("Bewertung brutto", 11),
    ("Wahrscheinlichkeit danach", 12),
    ("Ausmaß danach", 10),
    ("Bewertung netto", 11),
    ("Stufe", 9),
    ("Gegenmaßnahmen", 36),
    ("Verantwortlich", 20),
    ("Kommune", 14),
    ("Status", 14),
    ("Überprüfen am", 12),
    ("Beispieldaten", 10),
)


def _row(view: RiskView) -> list[Cell]:
    r = view.risk
    return [
        text_cell(view.measure_code),
        text_cell(r.title),
        text_cell(r.cause),
        text_cell(r.effect),
        Number(r.probability),
        Number(r.impact),
        Number(view.score),
        Number(r.residual_probability) if r.residual_probability is not None else None,
        Number(r.residual_impact) if r.residual_impact is not None else None,
        Number(view.residual_score) if view.residual_score is not None else None,
        text_cell(view.severity),
        text_cell(r.mitigation),
        text_cell(r.owner),
        text_cell(view.municipality_name),
        text_cell(label(r.status)),
        r.review_on,
        text_cell("ja" if r.example else "nein"),
    ]


def risks_xlsx(
    views: Iterable[RiskView], *, scope: str, exported_on: date, target: str
) -> bytes | None:
    workbook = new_workbook(target)
    sheet = Sheet(workbook, "Risiken", Footer(scope, "–", fmt_date(exported_on)))
    meta(
        sheet,
        "Risikoregister",
        [
            ("Auswahl", text_cell(scope)),
            ("Stand", exported_on),
            (
                "Skala",
                text_cell(
                    "Wahrscheinlichkeit 1 "
                    + PROBABILITY_ANCHORS[1]
                    + " … 5 "
                    + PROBABILITY_ANCHORS[5]
                    + "; Ausmaß 1 "
                    + IMPACT_ANCHORS[1]
                    + " … 5 "
                    + IMPACT_ANCHORS[5]
                    + f"; hoch ab {HIGH_SCORE} Punkten"
                ),
            ),
        ],
    )
    sheet.skip()
    header = sheet.header([c for c, _w in COLUMNS], [w for _c, w in COLUMNS])
    sheet.lines(_row(view) for view in views)
    sheet.print_setup(header_row=header, columns=len(COLUMNS))
    return finish(workbook, target)
