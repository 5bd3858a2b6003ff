"""Judges that look at what a person sees, each shared by the real check and its planted fault.

- sideways scroll: the document must never be wider than the window;
- chart marks: every bar and marker of a drawn Plotly chart shows colour on the screenshot;
- risk matrix: every cell of a 5 × 5 risk matrix shows the colour of its severity (red for
  "hoch", yellow for "mittel", green for "niedrig") on the screenshot;
- print: a PDF of a page fits the printable width of A4, has no page that holds only a heading
  and carries the Stand and the page number on every page.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

# --- sideways scroll -----------------------------------------------------------------------

_OVERFLOW = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const width = root.clientWidth;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= width + 1) continue;
        const parent = el.parentElement;
        if (parent && parent.getBoundingClientRect().right > width + 1) continue;
        const classes = typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
        culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes +
            ' reaches ' + Math.round(box.right) + ' px');
        if (culprits.length >= 5) break;
    }
    return [`document ${root.scrollWidth} px wide in a ${width} px window`, ...culprits];
}"""


def sideways_scroll(page: Any) -> list[str]:
    """Why the page scrolls sideways (empty when it does not)."""
    found: list[str] = page.evaluate(_OVERFLOW)
    return found


# --- chart marks -----------------------------------------------------------------------------

_MARKS = """() => {
    const marks = [];
    document.querySelectorAll('.js-plotly-plot').forEach((plot, chart) => {
        const name = plot.id || ('Diagramm ' + (chart + 1));
        plot.querySelectorAll('.cartesianlayer .trace').forEach((trace, index) => {
            const bars = trace.classList.contains('bars');
            trace.querySelectorAll(bars ? '.point path' : '.points path').forEach((path) => {
                const box = path.getBoundingClientRect();
                if (box.width < 3 || box.height < 3) return; // too small to judge (a zero bar)
                marks.push({chart: name, trace: index, kind: bars ? 'bar' : 'marker',
                            x: box.left + window.scrollX, y: box.top + window.scrollY,
                            w: box.width, h: box.height});
            });
        });
    });
    // The server-drawn trend charts of the KPI cards: every measured value is a dot.
    document.querySelectorAll('svg.kpi-chart__svg').forEach((svg, chart) => {
        const card = svg.closest('[data-indicator]');
        const name = 'Indikator ' + (card ? card.dataset.indicator : chart + 1);
        svg.querySelectorAll('[data-mark="value"]').forEach((dot) => {
            const box = dot.getBoundingClientRect();
            if (box.width < 3 || box.height < 3) return;
            marks.push({chart: name, trace: 0, kind: 'marker',
                        x: box.left + window.scrollX, y: box.top + window.scrollY,
                        w: box.width, h: box.height});
        });
    });
    return marks;
}"""
# A bar is a filled or hatched area: a good part of it must be coloured (a hatched bar shows
# about half). A marker may be an open symbol drawn
# with lines: some of it must be.
MIN_COVER = {"bar": 0.25, "marker": 0.08}


@dataclass(frozen=True)
class Mark:
    chart: str
    trace: int
    kind: str
    cover: float  # share of the mark's box that is not page background


def _coloured(pixel: tuple[int, ...]) -> bool:
    """Not page background: visibly darker than white or of a visible hue."""
    r, g, b = pixel[:3]
    return min(r, g, b) < 215 or max(r, g, b) - min(r, g, b) > 40


def chart_marks(page: Any) -> list[Mark]:
    """Every bar and marker of every drawn Plotly chart and every value dot of a KPI card's
    trend, with how much of it shows colour."""
    boxes: list[dict[str, Any]] = page.evaluate(_MARKS)
    if not boxes:
        return []
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    scale = shot.width / page.evaluate("() => window.innerWidth")
    marks = []
    for box in boxes:
        left, top = int(box["x"] * scale), int(box["y"] * scale)
        right = max(left + 1, int((box["x"] + box["w"]) * scale))
        bottom = max(top + 1, int((box["y"] + box["h"]) * scale))
        data = shot.crop((left, top, right, bottom)).tobytes()  # RGB, three bytes a pixel
        pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]
        share = sum(_coloured(p) for p in pixels) / len(pixels) if pixels else 0.0
        marks.append(Mark(box["chart"], box["trace"], box["kind"], share))
    return marks


def invisible_marks(marks: Sequence[Mark]) -> list[str]:
    """The judge: marks that do not show (empty when every mark is visible)."""
    return [
        f"{m.chart}, Spur {m.trace}: {m.kind} zu {m.cover:.0%} sichtbar"
        for m in marks
        if m.cover < MIN_COVER[m.kind]
    ]


# --- risk matrix cells ------------------------------------------------------------------------

_CELLS = """() => Array.from(document.querySelectorAll('.risk-matrix td.risk-cell')).map((cell) => {
    const box = cell.getBoundingClientRect();
    const found = cell.className.match(/risk-cell--(hoch|mittel|niedrig)/);
    return {cell: cell.dataset.cell || '?', level: found ? found[1] : '',
            x: box.left + window.scrollX, y: box.top + window.scrollY,
            w: box.width, h: box.height};
})"""
SEVERITY_HUES = {"hoch": "rot", "mittel": "gelb", "niedrig": "grün"}


@dataclass(frozen=True)
class MatrixCell:
    cell: str  # "probability-impact"
    level: str  # the severity the cell claims (its class)
    hue: str  # the hue its background shows on the screenshot ("" for none)


def hue(pixel: tuple[int, ...]) -> str:
    """The hue a background pixel shows: rot, gelb, grün, or "" (white, grey, anything else)."""
    r, g, b = pixel[:3]
    if r - g > 40 and r - b > 40:
        return "rot"
    if r > 200 and g > 170 and r - b > 60 and abs(r - g) < 50:
        return "gelb"
    if g - r > 10 and g - b > -10:
        return "grün"
    return ""


def matrix_cells(page: Any) -> list[MatrixCell]:
    """Every cell of every risk matrix on the page, with the hue its background shows (the
    colour most of its pixels have: the background outweighs the count written on it)."""
    boxes: list[dict[str, Any]] = page.evaluate(_CELLS)
    if not boxes:
        return []
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    scale = shot.width / page.evaluate("() => window.innerWidth")
    cells = []
    for box in boxes:
        left, top = int(box["x"] * scale) + 2, int(box["y"] * scale) + 2
        right = max(left + 1, int((box["x"] + box["w"]) * scale) - 2)
        bottom = max(top + 1, int((box["y"] + box["h"]) * scale) - 2)
        colours = shot.crop((left, top, right, bottom)).getcolors(maxcolors=1 << 16) or []
        background = max(colours)[1] if colours else (255, 255, 255)
        cells.append(MatrixCell(box["cell"], box["level"], hue(background)))
    return cells


def uncoloured_cells(cells: Sequence[MatrixCell]) -> list[str]:
    """The judge: cells whose background does not show the colour of their severity."""
    return [
        f"Zelle {c.cell} ({c.level or 'ohne Stufe'}) zeigt {c.hue or 'keine Farbe'}"
        for c in cells
        if SEVERITY_HUES.get(c.level) != c.hue
    ]


# --- print ------------------------------------------------------------------------------------

A4_WIDTH_PT = 595.3
STAND = re.compile(
    r"Stand: \d\d\.\d\d\.\d{4}, \d\d:\d\d · IKZ-Portfolio, Gemeinsame Digitalstrategie"
)
MIN_WORDS_ON_A_PAGE = 15


@dataclass(frozen=True)
class PrintedPage:
    number: int
    words: list[tuple[str, float, float]]  # text, x-min, x-max in points
    width: float

    @property
    def text(self) -> str:
        return " ".join(word for word, _, _ in self.words)


def read_pdf(path: Path) -> list[PrintedPage]:
    """The pages of a PDF with the position of every word (poppler's pdftotext -bbox)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for number, match in enumerate(
        re.finditer(r"<page width=\"([\d.]+)\"[^>]*>(.*?)</page>", xhtml, re.S), 1
    ):
        words = [
            (re.sub(r"&amp;", "&", text), float(x_min), float(x_max))
            for x_min, x_max, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                match.group(2),
            )
        ]
        pages.append(PrintedPage(number, words, float(match.group(1))))
    return pages


RIGHT_MARGIN_PT = 14 / 25.4 * 72  # app.css: @page margin 16mm 14mm 18mm


def print_faults(
    pages: Sequence[PrintedPage], *, max_pages: int, margin_pt: float = RIGHT_MARGIN_PT
) -> list[str]:
    """The judge: what is wrong with a printed document (empty when nothing is)."""
    faults = []
    if len(pages) > max_pages:
        faults.append(f"{len(pages)} Seiten statt höchstens {max_pages}")
    for page in pages:
        # Chromium clips what is wider than the page's content box at its edge; a word that
        # reaches past the edge into the margin was cut.
        beyond = [w for w, _, x_max in page.words if x_max > page.width - margin_pt + 1.5]
        if beyond:
            faults.append(f"Seite {page.number}: abgeschnitten am rechten Rand: {beyond[:5]}")
        text = page.text
        if f"Seite {page.number} von {len(pages)}" not in text:
            faults.append(f"Seite {page.number}: ohne Seitenzahl")
        if not STAND.search(text):
            faults.append(f"Seite {page.number}: ohne Stand")
        content = STAND.sub(" ", re.sub(r"Seite \d+ von \d+", " ", text)).split()
        if len(content) < MIN_WORDS_ON_A_PAGE:
            faults.append(f"Seite {page.number}: nur {' '.join(content)!r}")
    return faults
