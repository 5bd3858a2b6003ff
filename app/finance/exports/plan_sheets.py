"""The Kämmerei's sheets of the year workbook: bookings under the gross principle, Ergebnis- and
Finanzhaushalt, Produkt × Sachkonto, Finanzplanung, Haushaltsreste, Verpflichtungs-
ermächtigungen, and the Stand/Freigabe block with the completeness flags."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from xlsxwriter import Workbook

from app.core.enums import label
from app.finance.exports.cells import Cell, Money, Number, Sum, text_cell
from app.finance.exports.sheet import Footer, Sheet, column, meta
from app.finance.queries.bookings import EH, FH, Booking
from app.finance.queries.haushaltsplan import HaushaltPlan

BOOKING_COLUMNS: list[tuple[str, int]] = [
    ("Haushalt", 17),
    ("Seite", 11),
    ("Bereich", 26),
    ("Herkunft", 20),
    ("Maßnahme", 11),
    ("Titel", 34),
    ("Kostenart", 20),
    ("Art", 10),
    ("Produkt", 11),
    ("Sachkonto", 11),
    ("Investitionsnummer", 15),
    ("Betrag", 14),
    ("Hinweis", 34),
]
AMOUNT_COLUMN = 11  # L


def booking_cells(booking: Booking) -> list[Cell]:
    return [
        text_cell(booking.haushalt),
        text_cell(booking.side),
        text_cell(booking.area),
        text_cell(booking.source),
        text_cell(booking.measure_code),
        text_cell(booking.measure_title),
        text_cell(label(booking.category) if booking.category else ""),
        text_cell(label(booking.kind)),
        text_cell(booking.produkt),
        text_cell(booking.sachkonto),
        text_cell(booking.investment_number),
        Money(booking.cents),
        text_cell(booking.note or ("" if booking.sachkonto else "Konto fehlt")),
    ]


def _bookings(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    sheet = Sheet(workbook, f"Buchungen {plan.year}", footer)
    meta(sheet, f"Buchungen {plan.year} nach dem Bruttoprinzip", [])
    sheet.skip()
    header_row = sheet.header([c for c, _ in BOOKING_COLUMNS], [w for _, w in BOOKING_COLUMNS])
    rows = plan.year_bookings()
    first, last = sheet.lines(booking_cells(b) for b in rows)
    sheet.ws.autofilter(header_row, 0, last, len(BOOKING_COLUMNS) - 1)
    sheet.skip()
    amount = column(AMOUNT_COLUMN)
    for haushalt, side, area, cents in _sides(plan):
        cells: list[Cell] = [text_cell(haushalt), text_cell(side), text_cell(area)]
        cells += [text_cell("Summe")] + [None] * (AMOUNT_COLUMN - 4)
        criteria = (
            f'{column(0)}{first + 1}:{column(0)}{last + 1},"{haushalt}",'
            f'{column(1)}{first + 1}:{column(1)}{last + 1},"{side}",'
            f'{column(2)}{first + 1}:{column(2)}{last + 1},"{area}"'
        )
        cells.append(Sum(f"=SUMIFS({amount}{first + 1}:{amount}{last + 1},{criteria})", cents))
        sheet.line(cells, bold=True)
    sheet.print_setup(header_row=header_row, columns=len(BOOKING_COLUMNS))


def _sides(plan: HaushaltPlan) -> list[tuple[str, str, str, int]]:
    return [(h, side, area, cents) for h in (EH, FH) for side, area, cents in plan.sides(h)]


def _overview(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    sheet = Sheet(workbook, "Ergebnis- und Finanzhaushalt", footer)
    meta(sheet, f"Ergebnis- und Finanzhaushalt {plan.year}", [])
    sheet.skip()
    header_row = sheet.header(["Haushalt", "Seite", "Bereich", "Betrag"], [18, 12, 30, 16])
    for haushalt in (EH, FH):
        sides = plan.sides(haushalt)
        first = sheet.row
        for side, area, cents in sides:
            sheet.line([text_cell(haushalt), text_cell(side), text_cell(area), Money(cents)])
        last = max(sheet.row - 1, first)
        income = f'SUMIF(B{first + 1}:B{last + 1},"Ertrag",D{first + 1}:D{last + 1})' + (
            f'+SUMIF(B{first + 1}:B{last + 1},"Einzahlung",D{first + 1}:D{last + 1})'
        )
        spending = f'SUMIF(B{first + 1}:B{last + 1},"Aufwand",D{first + 1}:D{last + 1})' + (
            f'+SUMIF(B{first + 1}:B{last + 1},"Auszahlung",D{first + 1}:D{last + 1})'
        )
        sheet.line(
            [
                text_cell(haushalt),
                text_cell("Saldo"),
                text_cell("Überschuss (+) / Fehlbedarf (−)"),
                Sum(f"={income}-({spending})", plan.balance(haushalt)),
            ],
            bold=True,
        )
        sheet.skip()
    sheet.print_setup(header_row=header_row, columns=4, landscape=False)


def _summary(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    sheet = Sheet(workbook, "Produkt × Sachkonto", footer)
    meta(sheet, "Summen je Produkt und Sachkonto und Jahr (Finanzplanung)", [])
    sheet.skip()
    captions = ["Haushalt", "Seite", "Bereich", "Produkt", "Sachkonto"]
    captions += [str(y) for y in plan.years]
    header_row = sheet.header(captions, [17, 11, 26, 11, 11, *[13] * len(plan.years)])

    def rows() -> Iterator[Sequence[Cell]]:
        for entry in plan.summary:
            yield [
                text_cell(entry.haushalt),
                text_cell(entry.side),
                text_cell(entry.area),
                text_cell(entry.produkt or "nicht zugeordnet"),
                text_cell(entry.sachkonto or "nicht zugeordnet"),
                *(Money(entry.by_year.get(y, 0)) for y in plan.years),
            ]

    sheet.lines(rows())
    sheet.print_setup(header_row=header_row, columns=len(captions))


PLAN_METRICS: list[tuple[str, str]] = [
    ("Brutto-Anteil (Auszahlungen und Aufwand nach Plan)", "gross_cents"),
    ("Zuwendung (eigener Anteil)", "funding_cents"),
    ("davon investiv netto", "investiv_net_cents"),
    ("davon konsumtiv netto", "konsumtiv_net_cents"),
    ("Abschreibung (AfA)", "depreciation_cents"),
    ("Auflösung Sonderposten", "release_cents"),
    ("Zahlungen aus Verpflichtungsermächtigungen", "commitment_cents"),
    ("Übertragung aus dem Vorjahr", "carried_in_cents"),
]


def _finanzplanung(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    sheet = Sheet(workbook, "Finanzplanung", footer)
    meta(
        sheet,
        f"Finanzplanung {plan.year}–{plan.year + 4} (fünf Jahre ab dem Haushaltsjahr) und "
        "Folgejahre",
        [],
    )
    sheet.skip()
    captions = ["Position", *[str(p.year) for p in plan.plan]]
    header_row = sheet.header(captions, [46, *[14] * len(plan.plan)])
    first = sheet.row
    for caption, key in PLAN_METRICS[:2]:
        sheet.line([text_cell(caption), *(Money(getattr(p, key)) for p in plan.plan)])
    net: list[Cell] = [text_cell("Netto-Eigenanteil")]
    for index, p in enumerate(plan.plan, start=1):
        letter = column(index)
        net.append(Sum(f"={letter}{first + 1}-{letter}{first + 2}", p.net_cents))
    sheet.line(net, bold=True)
    for caption, key in PLAN_METRICS[2:]:
        sheet.line([text_cell(caption), *(Money(getattr(p, key)) for p in plan.plan)])
    sheet.skip()
    later = [p.year for p in plan.plan if not p.in_plan]
    if later:
        sheet.line(
            [
                text_cell(
                    f"Jahre nach {plan.year + 4} ({', '.join(map(str, later))}): Folgekosten, "
                    "Abschreibung und Auflösung laufen über die Finanzplanung hinaus."
                )
            ]
        )
    sheet.print_setup(header_row=header_row, columns=len(captions))


def _reste(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    sheet = Sheet(workbook, f"Haushaltsreste {plan.year}", footer)
    meta(sheet, f"Haushaltsreste und Übertragungen {plan.year} → {plan.year + 1}", [])
    sheet.skip()
    captions = [
        "Maßnahme",
        "Kostenart",
        "Art",
        "Anteil Ansatz",
        "Anteil Ist",
        "Rest",
        "Übertragung ins Folgejahr",
        "Überschreitung",
        "Ist über Ansatz",
        "Deckungsvorschlag",
    ]
    header_row = sheet.header(captions, [11, 20, 10, 14, 14, 14, 14, 14, 10, 40])
    sheet.lines(
        [
            text_cell(r.row.measure_code),
            text_cell(label(r.row.category)),
            text_cell(label(r.row.kind)),
            Money(r.row.approved_cents),
            Money(r.row.actual_cents),
            Money(r.rest_cents),
            Money(r.row.carryover_cents),
            Money(r.excess_cents),
            text_cell("ja" if r.line_over else ""),
            text_cell(r.cover_note),
        ]
        for r in plan.reste
    )
    sheet.print_setup(header_row=header_row, columns=len(captions))


def _commitments(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    sheet = Sheet(workbook, "Verpflichtungsermächtigungen", footer)
    meta(sheet, "Verpflichtungsermächtigungen (Anteil der Kommune je Zahlungsjahr)", [])
    sheet.skip()
    years = sorted({y for c in plan.commitments for y in c.payments})
    captions = ["Maßnahme", "Haushaltsjahr", "Kostenart", "VE gesamt", "Anteil", *map(str, years)]
    header_row = sheet.header(captions, [11, 12, 20, 14, 14, *[13] * len(years)])
    sheet.lines(
        [
            text_cell(c.measure_code),
            Number(c.year),
            text_cell(label(c.category)),
            Money(c.amount_cents),
            Money(c.share_cents),
            *(Money(c.payments.get(y)) for y in years),
        ]
        for c in plan.commitments
    )
    sheet.print_setup(header_row=header_row, columns=len(captions))


def _state(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    sheet = Sheet(workbook, "Stand und Freigabe", footer)
    meta(
        sheet,
        "Stand und Freigabe",
        [
            ("Kommune", text_cell(footer.municipality)),
            ("Haushaltsjahr", Number(plan.year)),
            ("Exportdatum", plan.exported_on),
            ("Datenstand", plan.data_state if plan.data_state else text_cell("unbekannt")),
        ],
    )
    sheet.skip()
    header_row = sheet.header(
        ["Maßnahme", "Titel", "Gremium", "Sitzung", "Drucksache", "Ergebnis", "Freigegeben"],
        [11, 36, 22, 12, 18, 12, 12],
    )
    sheet.lines(
        [
            text_cell(a.measure_code),
            text_cell(a.measure_title),
            text_cell(a.body or "noch kein Beschluss"),
            a.decided_on,
            text_cell(a.drucksache),
            text_cell(label(a.result) if a.result else ""),
            text_cell("ja" if a.released else "nein"),
        ]
        for a in plan.approvals
    )
    sheet.skip()
    sheet.line([text_cell("Vollständigkeit"), text_cell(f"{len(plan.flags)} Hinweise")], bold=True)
    sheet.lines(
        [text_cell(f.kind), text_cell(f.measure_code), text_cell(f.text)] for f in plan.flags
    )
    sheet.print_setup(header_row=header_row, columns=7)


def write_plan_sheets(workbook: Workbook, plan: HaushaltPlan, footer: Footer) -> None:
    _bookings(workbook, plan, footer)
    _overview(workbook, plan, footer)
    _summary(workbook, plan, footer)
    _finanzplanung(workbook, plan, footer)
    _reste(workbook, plan, footer)
    _commitments(workbook, plan, footer)
    _state(workbook, plan, footer)
