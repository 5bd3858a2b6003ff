"""Charts of the Sachstandsbericht as PNG images, drawn on the server with matplotlib.

matplotlib needs no browser (plotly's image export would need Chrome through kaleido) and
draws the same image for PDF and DOCX (python-docx embeds raster images only). The figures use
matplotlib's object API with the Agg canvas, never pyplot's global state, so concurrent
requests do not share a figure. Every chart stands next to a table with the same figures;
bars carry a pattern besides their colour and their value as text.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from app.core.formatting import fmt_number
from app.pages.reports.content import FieldSummary, YearBudget

DPI = 200
WIDTH_INCHES = 6.3  # 16 cm: the text width of an A4 page with 2.5 cm margins
LIGHTS = (
    ("gruen", "Grün – im Plan", "#2e7d32", ""),
    ("gelb", "Gelb – gefährdet", "#f2c200", "//"),
    ("rot", "Rot – kritisch", "#c62828", "xx"),
)
GROSS_COLOUR = "#1f4e79"
FUNDING_COLOUR = "#7fb3d5"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def lights_chart(fields: list[FieldSummary]) -> bytes:
    """Measures per action field by traffic light, as stacked horizontal bars."""
    height = 1.2 + 0.45 * max(len(fields), 1)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    axes = figure.add_subplot()
    labels = [f.code for f in fields]
    left = [0] * len(fields)
    for key, text, colour, hatch in LIGHTS:
        values = [f.lights.get(key, 0) for f in fields]
        bars = axes.barh(
            labels,
            values,
            left=left,
            color=colour,
            edgecolor="#222222",
            hatch=hatch,
            linewidth=0.6,
            label=text,
        )
        for bar, value in zip(bars, values, strict=True):
            if value:
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#ffffff" if key != "gelb" else "#000000",
                    bbox={"facecolor": colour, "edgecolor": "none", "pad": 1},
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("Anzahl Maßnahmen")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _png(figure)


def _euros(cents: float) -> str:
    return f"{fmt_number(round(cents / 100))} €"


def budget_chart(years: list[YearBudget]) -> bytes:
    """The share per year (gross) and the funding in it, as grouped bars."""
    figure = Figure(figsize=(WIDTH_INCHES, 3.2), dpi=DPI)
    axes = figure.add_subplot()
    positions = list(range(len(years)))
    gross = [y.totals.all.gross_cents for y in years]
    funding = [y.totals.all.funding_cents for y in years]
    width = 0.4
    axes.bar(
        [p - width / 2 for p in positions],
        gross,
        width,
        color=GROSS_COLOUR,
        edgecolor="#222222",
        linewidth=0.6,
        label="Anteil brutto",
    )
    axes.bar(
        [p + width / 2 for p in positions],
        funding,
        width,
        color=FUNDING_COLOUR,
        edgecolor="#222222",
        hatch="//",
        linewidth=0.6,
        label="davon Förderung",
    )
    axes.set_xticks(positions, [str(y.year) for y in years])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: _euros(v)))
    axes.tick_params(axis="y", labelsize=7)
    axes.legend(fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _png(figure)
