"""The chart of a dossier's reported casualty figures, drawn on the server as SVG.

:func:`chart_svg` draws the figures of an attack's dossier (:mod:`kg.web.dossier.page` puts it on the
attack's page and offers it as a download): one number axis, a row per kind of figure, a mark per
figure as its source states it, so it needs no script and prints. Every piece of text from the graph
goes through :func:`kg.web.pages.esc`, and the chart is drawn with SVG presentation attributes, never
inline style, so the strict Content-Security-Policy of ``kg serve`` holds.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from kg.web.dossier.parts import Dossier, Figure, figures_of, short_title
from kg.web.pages import esc

#: the chart's rows: figure kind -> the row's name
CHART_ROWS = (
    ("DeathToll", "Killed"),
    ("InjuryFigure", "Injured"),
    ("CombinedCasualtyFigure", "Killed and wounded (combined)"),
)
INK = "#1d232a"
MUTED = "#5b6670"
MARK = "#0b5cad"
COMBINED = "#9a5b00"


# ---------------------------------------------------------------------- the chart


def _nice_step(top: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most six ticks up to ``top``."""
    magnitude = 10 ** math.floor(math.log10(max(top, 1)))
    for factor in (0.1, 0.2, 0.5, 1, 2, 5, 10):
        step = factor * magnitude
        if step >= 1 and top / step <= 6:
            return step
    return 10 * magnitude


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def chart_svg(d: Dossier, standalone: bool = False) -> str:
    """The reported figures as an SVG chart: one number axis, a row per kind, a line per figure.

    Exact figures are points, *at least* and *more than* open arrows pointing up the axis (a bar and an
    open circle at the number), *nearly* and *about* bands; the death tolls' range is a grey span. Each
    mark has a ``<title>`` with the figure, who gave it and the source, and the chart has a ``<title>``
    and a ``<desc>`` that say the same in words. ``standalone`` gives a whole SVG document.
    """
    left, plot_left, plot_right, width = 12, 230, 540, 1000
    line, gap, top = 24, 18, 16
    rows = [(kind, name, figures_of(d, kind)) for kind, name in CHART_ROWS]
    rows = [r for r in rows if r[2]]
    counts = [f.count for f in d.figures] or [1]
    step = _nice_step(max(counts) * 1.15)
    axis_max = math.ceil(max(counts) * 1.15 / step) * step

    def x(value: float) -> float:
        return plot_left + (plot_right - plot_left) * value / axis_max

    body: list[str] = []
    y = top
    for kind, name, figures in rows:
        combined = kind == "CombinedCasualtyFigure"
        colour = COMBINED if combined else MARK
        height = line * max(len(figures), 2 if combined or kind == "DeathToll" else 1)
        body.append(f'<g class="chart-row" data-kind="{kind}">')
        if combined:
            body.append(
                f'<rect x="{left - 6}" y="{y - 4}" width="{width - left}" height="{height + 8}" fill="none" '
                f'stroke="{COMBINED}" stroke-dasharray="4 3"/>'
            )
        body.append(f'<text x="{left}" y="{y + 16}" font-weight="600" fill="{INK}">{esc(name)}</text>')
        if combined:
            body.append(
                f'<text x="{left}" y="{y + 34}" font-size="12" fill="{COMBINED}">combined: killed and wounded</text>'
            )
        if kind == "DeathToll" and len({f.count for f in figures}) > 1:
            low, high = min(f.count for f in figures), max(f.count for f in figures)
            body.append(
                f'<rect class="range" x="{x(low):.1f}" y="{y}" width="{x(high) - x(low):.1f}" height="{height}" '
                f'fill="#e4e7ea"><title>range of the death tolls: {low} to {high}</title></rect>'
            )
            body.append(f'<text x="{left}" y="{y + 34}" font-size="12" fill="{MUTED}">range {low} to {high}</text>')
        for i, f in enumerate(figures):
            body.append(_mark(d, f, x, y + i * line + line / 2, colour, plot_right, axis_max))
        body.append("</g>")
        y += height + gap
    axis_y = y
    ticks = []
    value = 0.0
    while value <= axis_max + 1e-9:
        ticks.append(
            f'<line x1="{x(value):.1f}" y1="{axis_y}" x2="{x(value):.1f}" y2="{axis_y + 5}" stroke="{MUTED}"/>'
            f'<text x="{x(value):.1f}" y="{axis_y + 18}" font-size="12" text-anchor="middle" fill="{MUTED}">'
            f"{_fmt(value)}</text>"
        )
        value += step
    body.append(
        f'<line x1="{plot_left}" y1="{axis_y}" x2="{plot_right}" y2="{axis_y}" stroke="{MUTED}"/>' + "".join(ticks)
    )
    body.append(
        f'<text x="{(plot_left + plot_right) / 2}" y="{axis_y + 34}" font-size="12" text-anchor="middle" '
        f'fill="{MUTED}">people, as the sources count them</text>'
    )
    height_total = axis_y + 44
    title = f"Casualty figures reported for {d.label or 'the attack'}"
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if standalone else ""
    background = f'<rect width="{width}" height="{height_total}" fill="#ffffff"/>' if standalone else ""
    return (
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" class="figures-chart" role="img" '
        f'aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height_total}" width="{width}" '
        f'height="{height_total}" font-family="system-ui, sans-serif" font-size="14">'
        f'<title id="chart-title">{esc(title)}</title><desc id="chart-desc">{esc(chart_summary(d))}</desc>'
        f"{background}{''.join(body)}</svg>"
    )


def _who(d: Dossier, f: Figure, limit: int = 70) -> str:
    """Who gave a figure and where: "given by Today IT, in “ISIS claimed…”", or "in “…”" alone when the
    article gives it in its own voice (its unnamed publisher)."""
    source = d.source(f.source)
    name = short_title(source.name, limit) if source else f.source
    by = f.given_by_label or "an unnamed source"
    if f.given_by == f.source + "/publisher":
        return f"the article's own figure, in {name}"
    return f"given by {by}, in {name}"


def _tick(cx: float, cy: float, half: float, colour: str) -> str:
    """A short vertical line through a point: the number of an *at least* or a band."""
    ends = f'x1="{cx:.1f}" y1="{cy - half:.1f}" x2="{cx:.1f}" y2="{cy + half:.1f}"'
    return f'<line {ends} stroke="{colour}" stroke-width="2.5"/>'


def _mark(
    d: Dossier, f: Figure, x: Callable[[float], float], cy: float, colour: str, plot_right: float, axis_max: float
) -> str:
    """One figure's mark and label."""
    cx = x(f.count)
    shapes = []
    if f.qualifier in ("atLeast", "moreThan"):
        if f.qualifier == "atLeast":
            shapes.append(_tick(cx, cy, 7, colour))
        else:
            shapes.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
            )
        tip = cx + 30
        start = cx + (5 if f.qualifier == "moreThan" else 1)
        shapes.append(
            f'<line x1="{start:.1f}" y1="{cy:.1f}" x2="{tip:.1f}" y2="{cy:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
        shapes.append(
            f'<polyline points="{tip - 7:.1f},{cy - 5:.1f} {tip:.1f},{cy:.1f} {tip - 7:.1f},{cy + 5:.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    elif f.qualifier in ("nearly", "approximately"):
        half = axis_max * 0.035
        low = x(f.count - half)
        high = cx if f.qualifier == "nearly" else x(f.count + half)
        shapes.append(
            f'<rect x="{low:.1f}" y="{cy - 6:.1f}" width="{high - low:.1f}" height="12" fill="{colour}" '
            f'fill-opacity="0.3" stroke="{colour}"/>'
        )
        shapes.append(_tick(cx, cy, 8, colour))
    else:
        shapes.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5.5" fill="{colour}"/>')
    who = _who(d, f)
    label = short_title(f"{f.figure}: {_who(d, f, 34)}", 62)
    combined = " (killed and wounded counted together)" if f.combined else ""
    title = f"{f.figure}{combined} ({f.qualifier_words} {f.count}), {who}"
    return (
        f'<g class="figure" data-report="{esc(f.report)}" data-kind="{esc(f.kind)}" '
        f'data-qualifier="{esc(f.qualifier)}" data-count="{f.count}"><title>{esc(title)}</title>{"".join(shapes)}'
        f'<text x="{plot_right + 20}" y="{cy + 5:.1f}" font-size="13" fill="{INK}">{esc(label)}</text></g>'
    )


def chart_summary(d: Dossier) -> str:
    """The chart in words, for its ``<desc>``: each row's figures with who gave them, and the death tolls' range."""
    sentences = []
    for kind, name in CHART_ROWS:
        figures = figures_of(d, kind)
        if not figures:
            continue
        said = "; ".join(f"{f.figure} ({_who(d, f)})" for f in figures)
        sentences.append(f"{name}: {said}.")
        if kind == "DeathToll":
            counts = [f.count for f in figures]
            sentences.append(f"The death tolls range from {min(counts)} to {max(counts)}.")
    return " ".join(sentences)
