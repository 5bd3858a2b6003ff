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
    labels = [f"{m.code}" for m in data.measures]
    xs: list[Any] = []
    ys: list[Any] = []
    for m in data.measures:
        xs += [m.start.isoformat(), m.end.isoformat(), None]
        ys += [m.code, m.code, None]
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
    fig.add_trace(
        _scatter(
            name="Meilenstein offen",
            x=[ms.due_on.isoformat() for ms, _ in open_ms],
            y=[m.code for _, m in open_ms],
            mode="markers",
            marker={"symbol": "diamond-open", "size": 13, "color": "#b00020", "line": {"width": 3}},
            hovertext=[f"{ms.title}: fällig {fmt_date(ms.due_on)}" for ms, _ in open_ms],
            hoverinfo="text",
        )
    )
    fig.add_trace(
        _scatter(
            name="Meilenstein erledigt",
            x=[ms.due_on.isoformat() for ms, _ in done_ms],
            y=[m.code for _, m in done_ms],
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
    overdue = sum(1 for ms, _ in open_ms if ms.due_on < on)
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
        _layout(fig, height=max(260, 32 * len(data.measures) + 150), top=40),
        ["Maßnahme", "Status", "Beginn", "Ende", "Meilensteine"],
        rows,
    )


def _milestone_state(milestone: TimelineMilestone, on: date) -> str:
    due = fmt_date(milestone.due_on)
    if milestone.done_on:
        return f"{due}, erledigt"
    return f"{due}, überfällig" if milestone.due_on < on else due
