"""The Sachstandsbericht as a Word document (DOCX, python-docx), so the Verwaltung can take it
into its own Vorlage template: real headings (Heading 1/2), tables, the charts as images, a
table-of-contents field and page numbers in the footer (Word fills both when it opens the file).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.core.enums import label
from app.core.formatting import fmt_date, fmt_datetime, fmt_money
from app.councils.changes import Changes
from app.pages.reports import charts
from app.pages.reports.content import ReportContent
from app.pages.reports.pdf import SECTIONS

LIGHT_SIGNS = {"gruen": "●", "gelb": "▲", "rot": "■"}


def _field(paragraph: object, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC) in ``paragraph``."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    result = paragraph.add_run(placeholder)  # type: ignore[attr-defined]
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    result._r.append(end)


def _table(
    document: object, header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]
) -> None:
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for index, text in enumerate(header):
        cell = table.rows[0].cells[index]
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, text in enumerate(row):
            cells[index].text = text
            if index in numeric:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)


def _changes(document: object, changes: Changes, scope_name: str) -> None:
    add = document.add_heading  # type: ignore[attr-defined]
    para = document.add_paragraph  # type: ignore[attr-defined]
    if changes.empty:
        para("Keine Änderungen an Meilensteinen, Budgets, Ampeln oder am Stand der Maßnahmen.")
    if changes.milestones:
        add("Verschobene Meilensteine", level=2)
        _table(
            document,
            ["Maßnahme", "Meilenstein", "fällig vorher", "fällig jetzt", "Verschiebung"],
            [
                [
                    f"{m.code} {m.measure_title}",
                    m.title,
                    fmt_date(m.before) or "offen",
                    fmt_date(m.after) or "offen",
                    "–"
                    if not m.days
                    else (f"{m.days} Tage später" if m.days > 0 else f"{-m.days} Tage früher"),
                ]
                for m in changes.milestones
            ],
            {4},
        )
    if changes.budgets:
        add(f"Geänderte Budgets{f' (Anteil {scope_name})' if scope_name else ''}", level=2)
        _table(
            document,
            ["Maßnahme", "Jahr", "geplant vorher", "geplant jetzt", "Änderung", "Förderung jetzt"],
            [
                [
                    f"{b.code} {b.title}",
                    str(b.year),
                    fmt_money(b.before_cents),
                    fmt_money(b.after_cents),
                    ("+" if b.delta_cents > 0 else "") + fmt_money(b.delta_cents),
                    fmt_money(b.funding_after_cents),
                ]
                for b in changes.budgets
            ],
            {2, 3, 4, 5},
        )
    groups = (
        ("Geänderte Ampeln", changes.lights),
        ("Begonnene Maßnahmen", changes.started),
        ("Abgeschlossene Maßnahmen", changes.finished),
        ("Gestoppte Maßnahmen (zurückgestellt oder verworfen)", changes.stopped),
    )
    for title, items in groups:
        if items:
            add(title, level=2)
            for c in items:
                para(
                    f"{c.code} {c.title}: {label(c.before)} → {label(c.after)}", style="List Bullet"
                )
    for title, refs in (
        ("Neue Maßnahmen", changes.added),
        ("Nicht mehr im Portfolio", changes.removed),
    ):
        if refs:
            add(title, level=2)
            for ref in refs:
                para(f"{ref.code} {ref.title}", style="List Bullet")


def report_docx(content: ReportContent) -> bytes:
    r = content
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.4)
    document.styles["Normal"].font.size = Pt(10)
    document.core_properties.title = f"Sachstandsbericht {r.scope}, Stand {fmt_date(r.stand)}"
    document.core_properties.language = "de-DE"
    footer = section.footer.paragraphs[0]
    footer.text = f"Sachstandsbericht {r.scope} · Stand {fmt_date(r.stand)} · Seite "
    _field(footer, "PAGE", "1")
    footer.add_run(" von ")
    _field(footer, "NUMPAGES", "1")

    document.add_heading("Sachstandsbericht", level=0)
    document.add_paragraph(r.strategy.title if r.strategy else "Digitalstrategie")
    document.add_paragraph().add_run(r.scope).bold = True
    document.add_paragraph(f"Stand: {fmt_date(r.stand)}")
    if r.baseline is not None:
        document.add_paragraph(
            f"Änderungen seit: „{r.baseline.name}“ vom {fmt_date(r.baseline.taken_at)}"
        )
    document.add_paragraph(
        f"Erstellt am {fmt_datetime(r.generated_at)} mit IKZ-Portfolio."
        + (
            " Mit „Beispieldaten“ gekennzeichnete Angaben sind veranschaulichend."
            if r.has_examples
            else ""
        )
    )
    document.add_page_break()  # type: ignore[no-untyped-call]
    document.add_heading("Inhalt", level=1)
    toc = document.add_paragraph()
    _field(toc, 'TOC \\o "1-1" \\h \\z \\u', "")
    for number, (_anchor, title) in enumerate(SECTIONS, start=1):
        document.add_paragraph(f"{number}. {title}")
    document.add_page_break()  # type: ignore[no-untyped-call]

    document.add_heading("1. Zusammenfassung nach Handlungsfeldern", level=1)
    document.add_paragraph(
        f"{len(r.measures)} Maßnahmen"
        + (
            f", an denen {r.municipality.name} federführend oder beteiligt ist."
            if r.municipality
            else "."
        )
    )
    _table(
        document,
        [
            "Handlungsfeld",
            "Maßnahmen",
            "Ø Fortschritt",
            "in Umsetzung",
            "abgeschlossen",
            "Grün",
            "Gelb",
            "Rot",
        ],
        [
            [
                f"{f.code} {f.title}",
                str(f.measures),
                f"{f.average_progress} %",
                str(f.statuses.get("in_umsetzung", 0)),
                str(f.statuses.get("abgeschlossen", 0)),
                str(f.lights.get("gruen", 0)),
                str(f.lights.get("gelb", 0)),
                str(f.lights.get("rot", 0)),
            ]
            for f in r.fields
        ],
        {1, 2, 3, 4, 5, 6, 7},
    )
    if r.fields:
        document.add_picture(io.BytesIO(charts.lights_chart(r.fields)), width=Cm(16))

    document.add_heading("2. Maßnahmen mit Status und Ampel", level=1)
    _table(
        document,
        ["Maßnahme", "Status", "Ampel", "Fortschritt", "nächster Meilenstein"],
        [
            [
                f"{m.code} {m.title}" + (" (Beispieldaten)" if m.example else ""),
                label(m.status),
                f"{LIGHT_SIGNS.get(m.traffic_light, '')} {label(m.traffic_light)}",
                f"{m.progress} %",
                f"{m.next_milestone}, fällig {fmt_date(m.next_due)}" if m.next_milestone else "–",
            ]
            for m in r.measures
        ],
        {3},
    )

    title = f"„{r.baseline.name}“" if r.baseline else "der letzten Baseline"
    document.add_heading(f"3. Änderungen seit {title}", level=1)
    if r.changes is None or r.baseline is None:
        document.add_paragraph("Kein Vergleichsstand gewählt.")
    else:
        document.add_paragraph(
            f"Verglichen wird der Stand vom {fmt_date(r.baseline.taken_at)} mit dem heutigen; "
            f"{r.changes.count} Änderungen."
        )
        _changes(document, r.changes, r.municipality.name if r.municipality else "")

    document.add_heading("4. Anstehende und jüngste Beschlüsse", level=1)
    document.add_heading("Anstehende Beratungen", level=2)
    if r.pending:
        _table(
            document,
            ["Sitzung", "Gremium", "Drucksache", "Titel", "Rolle"],
            [
                [
                    fmt_date(d.held_on),
                    d.body if r.municipality else f"{d.body} {d.municipality}",
                    d.drucksache or "–",
                    d.title + (" (Beispieldaten)" if d.example else ""),
                    label(d.role),
                ]
                for d in r.pending
            ],
            set(),
        )
    else:
        document.add_paragraph("Keine Beratung geplant.")
    document.add_heading("Beschlüsse der letzten zwölf Monate", level=2)
    if r.recent:
        _table(
            document,
            ["Sitzung", "Gremium", "Drucksache", "Titel", "Ergebnis"],
            [
                [
                    fmt_date(d.held_on),
                    d.body if r.municipality else f"{d.body} {d.municipality}",
                    d.drucksache or "–",
                    d.title + (" (Beispieldaten)" if d.example else ""),
                    f"{label(d.result or '')} ({label(d.role)})",
                ]
                for d in r.recent
            ],
            set(),
        )
    else:
        document.add_paragraph("Keine Beschlüsse in den letzten zwölf Monaten.")

    scope = f"Anteil {r.municipality.name}s am Budget" if r.municipality else "Budget der IKZ"
    document.add_heading(f"5. {scope} je Jahr mit Förderung", level=1)
    rows = [
        [
            str(y.year),
            fmt_money(y.totals.investiv.gross_cents),
            fmt_money(y.totals.konsumtiv.gross_cents),
            fmt_money(y.totals.all.gross_cents),
            fmt_money(y.totals.all.funding_cents),
            fmt_money(y.totals.all.net_cents),
        ]
        for y in r.budget
    ]
    t = r.budget_total
    rows.append(
        [
            "Summe",
            fmt_money(t.investiv.gross_cents),
            fmt_money(t.konsumtiv.gross_cents),
            fmt_money(t.all.gross_cents),
            fmt_money(t.all.funding_cents),
            fmt_money(t.all.net_cents),
        ]
    )
    _table(
        document,
        [
            "Jahr",
            "investiv brutto",
            "konsumtiv brutto",
            "Anteil brutto",
            "Förderung",
            "Eigenanteil netto",
        ],
        rows,
        {1, 2, 3, 4, 5},
    )
    if r.budget:
        document.add_picture(io.BytesIO(charts.budget_chart(r.budget)), width=Cm(16))

    document.add_heading("6. Fristen der Förderung", level=1)
    if r.deadlines:
        _table(
            document,
            ["Datum", "Zuwendung", "Frist", "Hinweis"],
            [
                [
                    fmt_date(d.on),
                    d.grant,
                    d.what,
                    {"critical": "überfällig oder kritisch", "warn": "bald fällig"}.get(
                        d.level, "–"
                    ),
                ]
                for d in r.deadlines
            ],
            set(),
        )
    else:
        document.add_paragraph("Keine Fristen.")
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
