"""Plotly figures of the dashboard, each with a German one-sentence summary and a data table.

Figures are built here and sent to the page as JSON; ``app/assets/js/charts.js`` draws them.
Every trace is told apart by pattern, marker shape or text label as well as by colour, so the
charts stay readable in greyscale. Amounts are plotted in euros (display only); the tables and
the labels show the exact cent figures formatted by :func:`app.core.formatting.fmt_money`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import plotly.io as pio

from app.core.enums import MeasureStatus, label
from app.core.formatting import fmt_date, fmt_money
from app.municipalities.models import Municipality
from app.pages.dashboard.queries import FieldProgress
from app.pages.dashboard.service import (
    BudgetPanel,
    Filters,
    FundingPanel,
)

FONT = "Fira Sans, Arial, sans-serif"
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "geplant": ("#4a6fa5", "/"),
    "in_umsetzung": ("#1f4e8c", ""),
    "abgeschlossen": ("#2e7d32", "x"),
    "zurueckgestellt": ("#b26a00", "."),
    "verworfen": ("#6b6b6b", "-"),
}


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Chart:
    """One chart: id of its JSON block, title, summary sentence, figure and table."""

    id: str
    title: str
    summary: str
    figure: str
    columns: list[str]
    rows: list[list[Cell]]


def _euros(cents: int) -> float:
    return float(Decimal(cents) / 100)


def _expand(properties: dict[str, Any]) -> dict[str, Any]:
    """plotly's ``title_text=…`` shorthand as the nested ``title={"text": …}``."""
    result = dict(properties)
    if "title_text" in result:
        result["title"] = {"text": result.pop("title_text")}
    return result


class _Figure:
    """A plotly figure as plain data for plotly.js.

    plotly.py's figure objects validate every property on the server, which cost more than the
    rest of a dashboard request; the browser's plotly.js reads the same JSON either way.
    """

    def __init__(self, *traces: dict[str, Any]) -> None:
        self.data: list[dict[str, Any]] = list(traces)
        self.layout: dict[str, Any] = {}

    def add_trace(self, trace: dict[str, Any]) -> None:
        self.data.append(trace)

    def update_layout(self, **properties: Any) -> None:
        self.layout.update(_expand(properties))

    def update_xaxes(self, **properties: Any) -> None:
        self.layout.setdefault("xaxis", {}).update(_expand(properties))

    def update_yaxes(self, **properties: Any) -> None:
        self.layout.setdefault("yaxis", {}).update(_expand(properties))

    def add_vline(self, *, x: str, line: dict[str, Any]) -> None:
        """A vertical line across the whole plot height at ``x``."""
        self.layout.setdefault("shapes", []).append(
            {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1}
            | {"yref": "y domain", "line": line}
        )

    def add_annotation(self, **properties: Any) -> None:
        self.layout.setdefault("annotations", []).append(properties)


def _bar(**properties: Any) -> dict[str, Any]:
    return {"type": "bar", **properties}


def filled(colour: str, pattern: str = "") -> dict[str, Any]:
    """A bar filled with ``colour``, ``pattern`` drawn over it in white as a second cue.

    plotly.js draws a pattern in place of the fill unless its fill mode is "overlay": white
    pattern lines on no background left bars invisible.
    """
    marker: dict[str, Any] = {"color": colour, "line": {"color": colour, "width": 1}}
    if pattern:
        marker["pattern"] = {
            "shape": pattern,
            "fillmode": "overlay",
            "fgcolor": "#ffffff",
            "fgopacity": 0.55,
            "size": 9,
        }
    return marker


def outlined(colour: str, pattern: str) -> dict[str, Any]:
    """A bar drawn as a coloured frame with a coloured pattern on white (the "Ist" series)."""
    return {
        "color": "#ffffff",
        "line": {"color": colour, "width": 2},
        "pattern": {
            "shape": pattern,
            "fillmode": "overlay",
            "bgcolor": "#ffffff",
            "fgcolor": colour,
            "fgopacity": 1,
            "size": 7,
        },
    }


def _scatter(**properties: Any) -> dict[str, Any]:
    return {"type": "scatter", **properties}


def _layout(fig: _Figure, *, height: int = 360, top: int = 10, **extra: Any) -> str:
    """The figure as JSON with our common layout."""
    layout = fig.layout
    layout.update(
        font={"family": FONT, "size": 14, "color": "#1b1b1b"},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        height=height,
        legend={"orientation": "h", "y": -0.2},
        separators=",.",
        **extra,
    )
    for axis in ("xaxis", "yaxis"):
        layout.setdefault(axis, {}).update(automargin=True, gridcolor="#d0d0d0")
    return str(pio.to_json({"data": fig.data, "layout": layout}, validate=False))


def progress_chart(items: list[FieldProgress], filters: Filters) -> Chart:
    with_measures = [i for i in items if i.measures]
    urls = [filters.list_url(feld=i.code) for i in items]
    fig = _Figure(
        _bar(
            orientation="h",
            y=[f"{i.code} {i.title}" for i in items],
            x=[i.average_progress for i in items],
            text=[f"{i.average_progress} % ({i.measures} Maßn.)" for i in items],
            textposition="auto",
            marker=filled("#1f4e8c"),
            customdata=urls,
            hovertemplate="%{y}: %{x} %<extra></extra>",
            name="Durchschnittlicher Fortschritt",
        )
    )
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", title_text="Durchschnittlicher Fortschritt")
    fig.update_yaxes(autorange="reversed")
    if with_measures:
        best = max(with_measures, key=lambda i: (i.average_progress, i.code))
        worst = min(with_measures, key=lambda i: (i.average_progress, i.code))
        summary = (
            f"Am weitesten ist das Handlungsfeld {best.code} „{best.title}“ mit durchschnittlich "
            f"{best.average_progress} % Fortschritt, am wenigsten weit {worst.code} mit "
            f"{worst.average_progress} %."
        )
    else:
        summary = "Für diese Auswahl gibt es keine Maßnahmen in den Handlungsfeldern."
    rows = [
        [
            Cell(f"{i.code} {i.title}", urls[n]),
            Cell(str(i.measures), numeric=True),
            Cell(str(i.active), numeric=True),
            Cell(f"{i.average_progress} %", numeric=True),
        ]
        for n, i in enumerate(items)
    ]
    return Chart(
        "chart-fortschritt",
        "Fortschritt je Handlungsfeld",
        summary,
        _layout(fig, height=max(260, 60 * len(items) + 80)),
        ["Handlungsfeld", "Maßnahmen", "davon aktiv", "Ø Fortschritt"],
        rows,
    )


def status_chart(
    matrix: list[tuple[Municipality, dict[str, int]]], filters: Filters, *, hidden: int = 0
) -> Chart:
    statuses = [s.value for s in MeasureStatus]
    names = [m.name for m, _ in matrix]
    fig = _Figure()
    for status in statuses:
        colour, pattern = STATUS_STYLE[status]
        values = [counts[status] for _, counts in matrix]
        fig.add_trace(
            _bar(
                name=label(status),
                x=names,
                y=values,
                text=[str(v) if v else "" for v in values],
                textposition="inside",
                marker=filled(colour, pattern),
                customdata=[_status_url(filters, m.slug, status) for m, _ in matrix],
                hovertemplate="%{x}: %{y} " + label(status) + "<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="Maßnahmen", rangemode="tozero", dtick=5)
    totals = [(m, sum(c.values()), c.get("in_umsetzung", 0)) for m, c in matrix]
    if totals and any(t for _, t, _ in totals):
        most = max(totals, key=lambda t: (t[2], t[1]))
        summary = (
            f"{most[0].name} ist an {most[1]} Maßnahmen beteiligt, davon sind {most[2]} in "
            "Umsetzung – "
            + (
                "die meisten laufenden Maßnahmen der Auswahl."
                if len(totals) > 1
                else "Stand der Auswahl."
            )
        )
    else:
        summary = "Für diese Auswahl gibt es keine Maßnahmen."
    if hidden:
        summary += (
            f" Gezeigt sind die {len(matrix)} Kommunen mit den meisten Maßnahmen; "
            f"{hidden} weitere finden Sie über den Filter „Kommune“."
        )
    rows = [
        [Cell(m.name, filters.list_url(kommune=m.slug))]
        + [Cell(str(counts[s]), _status_url(filters, m.slug, s), True) for s in statuses]
        + [Cell(str(sum(counts.values())), numeric=True)]
        for m, counts in matrix
    ]
    return Chart(
        "chart-status",
        "Status der Maßnahmen je Kommune",
        summary,
        _layout(fig, barmode="stack"),
        ["Kommune", *[label(s) for s in statuses], "gesamt"],
        rows,
    )


def _status_url(filters: Filters, slug: str, status: str) -> str:
    return filters.list_url(kommune=slug, status=status)


def budget_chart(panel: BudgetPanel, scope_name: str) -> Chart:
    years = [str(y.year) for y in panel.by_year]
    series = [
        ("Plan investiv", "investiv", "gross_cents", "#1f4e8c", ""),
        ("Ist investiv", "investiv", "actual_cents", "#1f4e8c", "x"),
        ("Plan konsumtiv", "konsumtiv", "gross_cents", "#b26a00", "/"),
        ("Ist konsumtiv", "konsumtiv", "actual_cents", "#b26a00", "."),
    ]
    fig = _Figure()
    for name, kind, attr, colour, pattern in series:
        cents = [getattr(getattr(y, kind), attr) for y in panel.by_year]
        fig.add_trace(
            _bar(
                name=name,
                x=years,
                y=[_euros(c) for c in cents],
                marker=filled(colour, pattern) if "Plan" in name else outlined(colour, pattern),
                hovertext=[
                    f"{name} {y}: {fmt_money(c)}" for y, c in zip(years, cents, strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="Euro", tickformat=",.0f", rangemode="tozero")
    fig.update_xaxes(type="category")
    planned = sum(y.all.gross_cents for y in panel.by_year)
    actual = sum(y.all.actual_cents for y in panel.by_year)
    summary = (
        f"Über alle Jahre sind für {scope_name} {fmt_money(planned)} geplant, davon "
        f"{fmt_money(actual)} als Ist gebucht; im Jahr {panel.year} "
        f"{fmt_money(panel.selected.all.gross_cents)} geplant und "
        f"{fmt_money(panel.selected.all.actual_cents)} Ist."
    )
    rows = [
        [
            Cell(str(y.year)),
            Cell(fmt_money(y.investiv.gross_cents), numeric=True),
            Cell(fmt_money(y.investiv.actual_cents), numeric=True),
            Cell(fmt_money(y.konsumtiv.gross_cents), numeric=True),
            Cell(fmt_money(y.konsumtiv.actual_cents), numeric=True),
            Cell(fmt_money(y.all.approved_cents), numeric=True),
        ]
        for y in panel.by_year
    ]
    return Chart(
        "chart-budget",
        "Budget je Jahr: Plan und Ist (investiv/konsumtiv)",
        summary,
        _layout(fig),
        ["Jahr", "Plan investiv", "Ist investiv", "Plan konsumtiv", "Ist konsumtiv", "Ansatz"],
        rows,
    )


def funding_chart(panel: FundingPanel, filters: Filters) -> Chart:
    names = [o.grant.title for o in panel.grants]
    drawn = [o.drawn_cents for o in panel.grants]
    remaining = [max(o.remaining_cents, 0) for o in panel.grants]
    fig = _Figure()
    fig.add_trace(
        _bar(
            name="abgerufen",
            orientation="h",
            y=names,
            x=[_euros(c) for c in drawn],
            marker=filled("#2e7d32"),
            text=[fmt_money(c) for c in drawn],
            textposition="auto",
            textangle=0,
            hoverinfo="text",
        )
    )
    fig.add_trace(
        _bar(
            name="noch abrufbar",
            orientation="h",
            y=names,
            x=[_euros(c) for c in remaining],
            marker=outlined("#2e7d32", "/"),
            text=[fmt_money(c) for c in remaining],
            textposition="auto",
            textangle=0,
            hoverinfo="text",
        )
    )
    fig.update_xaxes(title_text="Euro", tickformat=",.0f")
    if panel.grants:
        share = (
            (100 * panel.drawn_cents + panel.granted_cents // 2) // panel.granted_cents
            if panel.granted_cents
            else 0
        )
        summary = (
            f"Von {fmt_money(panel.granted_cents)} bewilligter Förderung in {len(panel.grants)} "
            f"Zuwendung(en) sind {fmt_money(panel.drawn_cents)} abgerufen ({share} %), "
            f"{fmt_money(panel.remaining_cents)} sind noch abrufbar."
        )
    else:
        summary = "Für diese Auswahl gibt es keine Zuwendungen."
    rows = [
        [
            Cell(o.grant.title, filters.list_url()),
            Cell(o.grant.notice_number),
            Cell(fmt_money(o.grant.max_cents), numeric=True),
            Cell(fmt_money(o.planned_funding_cents), numeric=True),
            Cell(fmt_money(o.drawn_cents), numeric=True),
            Cell(fmt_money(o.remaining_cents), numeric=True),
            Cell(fmt_date(o.grant.period_end)),
        ]
        for o in panel.grants
    ]
    return Chart(
        "chart-foerderung",
        "Ausschöpfung der Förderung je Zuwendung",
        summary,
        _layout(fig, barmode="stack", height=max(220, 90 * len(names) + 120)),
        ["Zuwendung", "Bescheid", "bewilligt", "geplant", "abgerufen", "noch abrufbar", "Ende"],
        rows,
    )
