"""The timeline (Gantt) chart of the dashboard: the measures ending soonest with their
milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core.enums import label
from app.core.formatting import fmt_date
from app.pages.dashboard.charts import Cell, Chart, _Figure, _layout, _scatter
from app.pages.dashboard.queries import TimelineMilestone
from app.pages.dashboard.service import (
    Filters,
    Timeline,
)


def timeline_chart(data: Timeline, filters: Filters, on: date) -> Chart:
    fig = _Figure()
    names = {m.id: _row_name(m.code, m.title) for m in data.measures}
    labels = list(names.values())
    xs: list[Any] = []
    ys: list[Any] = []
    for m in data.measures:
        xs += [m.start.isoformat(), m.end.isoformat(), None]
        ys += [names[m.id], names[m.id], None]
    fig.add_trace(
        _scatter(
            name="Maßnahme (geplanter Zeitraum)",
            x=xs,
            y=ys,
            mode="lines",
            line={"color": "#1f4e8c", "width": 10},
            hoverinfo="skip",
        )
    )
    open_ms = [
        (ms, m) for m in data.measures for ms in data.milestones.get(m.id, []) if ms.done_on is None
    ]
    done_ms = [(ms, m) for m in data.measures for ms in data.milestones.get(m.id, []) if ms.done_on]
    due = [(ms, m) for ms, m in open_ms if ms.due_on >= on]
    late = [(ms, m) for ms, m in open_ms if ms.due_on < on]
    fig.add_trace(
        _scatter(
            name="Meilenstein offen",
            x=[ms.due_on.isoformat() for ms, _ in due],
            y=[names[m.id] for _, m in due],
            mode="markers",
            marker={
                "symbol": "diamond-open",
                "size": 13,
                "color": "#1f4e8c",
                "line": {"width": 3, "color": "#1f4e8c"},
            },
            hovertext=[f"{ms.title}: fällig {fmt_date(ms.due_on)}" for ms, _ in due],
            hoverinfo="text",
        )
    )
    fig.add_trace(
        _scatter(
            name="Meilenstein überfällig",
            x=[ms.due_on.isoformat() for ms, _ in late],
            y=[names[m.id] for _, m in late],
            mode="markers",
            marker={
                "symbol": "x-thin-open",
                "size": 15,
                "color": "#b00020",
                "line": {"width": 4, "color": "#b00020"},
            },
            hovertext=[f"{ms.title}: überfällig seit {fmt_date(ms.due_on)}" for ms, _ in late],
            hoverinfo="text",
        )
    )
    fig.add_trace(
        _scatter(
            name="Meilenstein erledigt",
            x=[ms.due_on.isoformat() for ms, _ in done_ms],
            y=[names[m.id] for _, m in done_ms],
            mode="markers",
            marker={
                "symbol": "circle",
                "size": 11,
                "color": "#2e7d32",
                "line": {"width": 1, "color": "#ffffff"},
            },
            hovertext=[f"{ms.title}: erledigt {fmt_date(ms.done_on)}" for ms, _ in done_ms],
            hoverinfo="text",
        )
    )
    fig.add_vline(x=on.isoformat(), line={"color": "#000000", "dash": "dash", "width": 2})
    fig.add_annotation(
        x=on.isoformat(),
        y=1,
        yref="paper",
        text=f"Heute ({fmt_date(on)})",
        showarrow=False,
        yanchor="bottom",
        bgcolor="#ffffff",
    )
    fig.update_yaxes(
        autorange="reversed", type="category", categoryorder="array", categoryarray=labels
    )
    fig.update_xaxes(type="date", tickformat="%m/%Y")
    overdue = len(late)
    if data.measures:
        summary = (
            f"Die Zeitleiste zeigt {len(data.measures)} laufende oder geplante Maßnahmen mit "
            f"{len(open_ms) + len(done_ms)} Meilensteinen, von denen {overdue} überfällig sind; "
            f"das früheste geplante Ende hat {data.measures[0].code} "
            f"({fmt_date(data.measures[0].end)})."
        )
    else:
        summary = "Für diese Auswahl gibt es keine Maßnahmen mit geplanten Terminen."
    rows: list[list[Cell]] = []
    for m in data.measures:
        milestones = data.milestones.get(m.id, [])
        text = "; ".join(f"{ms.title} ({_milestone_state(ms, on)})" for ms in milestones)
        rows.append(
            [
                Cell(f"{m.code} {m.title}", f"/massnahmen/{m.code}"),
                Cell(label(m.status)),
                Cell(fmt_date(m.start)),
                Cell(fmt_date(m.end)),
                Cell(text or "–"),
            ]
        )
    return Chart(
        "chart-zeitplan",
        "Zeitplan der Maßnahmen und Meilensteine",
        summary,
        _layout(fig, height=max(260, 34 * len(data.measures) + 160), top=40),
        ["Maßnahme", "Status", "Beginn", "Ende", "Meilensteine"],
        rows,
    )


def _row_name(code: str, title: str, limit: int = 38) -> str:
    """A timeline row's name: code and title, the title shortened to fit beside the chart."""
    short = title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
    return f"{code} {short}"


def _milestone_state(milestone: TimelineMilestone, on: date) -> str:
    due = fmt_date(milestone.due_on)
    if milestone.done_on:
        return f"{due}, erledigt"
    return f"{due}, überfällig" if milestone.due_on < on else due
