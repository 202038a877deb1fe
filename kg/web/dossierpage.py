"""The HTML of an attack's dossier, its chart of the reported figures as SVG, and its table as CSV.

:func:`dossier_section` is the part of an attack's page (``/page/<attack>``) above the table of
triples: the sources, their accounts side by side (one column per source article, one row per
question, each answer with its quote in a ``<details>``), the casualty figures as a chart
(:func:`chart_svg`, drawn on the server, so it needs no script and prints), a timeline in date order
and the disagreements. :func:`export` answers the page's downloads: the chart as a standalone SVG
(``?view=dossier.svg``) and the side-by-side table as CSV (``?view=dossier.csv``).

Like :mod:`kg.web.pages`, every piece of text from the graph goes through :func:`kg.web.pages.esc`, links
go only to the server's paths or to http(s) IRIs, and there is no inline script or style: the
page's stylesheet is ``/static/dossier.css`` and the chart is drawn with SVG presentation
attributes, so the strict Content-Security-Policy of ``kg serve`` holds.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable

from kg.sparql.engine import Engine
from kg.web import dossier as dossiers
from kg.web.dossier import Dossier, Figure, Source
from kg.web.pages import esc, link, local_url, page_url

#: the downloads of a dossier: ``?view=`` value -> media type
EXPORTS = {"dossier.svg": "image/svg+xml", "dossier.csv": "text/csv"}
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
TITLE_LENGTH = 90
#: which disagreements mark the answers of which row: source-disagreements' question, or "contradicts"
#: (a kgo:contradicts pair, from contradictions); a claim contradicted on its method is flagged under Method
#: and Claimed responsibility, not under the perpetrators it names
FLAGGED = {
    "Claimed responsibility": {"contradicts"},
    "Method": {"attack type", "contradicts"},
    "Accused": {"contradicts"},
    "Denied": {"contradicts"},
    "Declined to comment": {"contradicts"},
    "Killed": {"death toll"},
    "Injured": {"injury figure"},
    "Killed and wounded (combined)": {"combined casualty figure"},
    "Date": {"date"},
}


def short_title(title: str, limit: int = TITLE_LENGTH) -> str:
    """A title cut at a word before ``limit`` characters, with an ellipsis (the whole title when shorter)."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def source_heading(source: Source) -> str:
    """A source's column heading: its title (cut, whole in the tooltip) linked to its page, and its outlet."""
    title = source.title or source.name
    href = local_url(source.iri) or ""
    parts = [f'<a href="{esc(href)}" title="{esc(title)}">{esc(short_title(title))}</a>']
    details = [d for d in (source.outlet, source.date) if d]
    if details:
        parts.append(f'<span class="outlet">{esc(" · ".join(details))}</span>')
    return "<br>".join(parts)


# ---------------------------------------------------------------------- the page


def dossier_section(d: Dossier) -> str:
    """The dossier as an HTML section for the top of the attack's page."""
    page = page_url(d.attack) or ""
    parts = [
        '<link rel="stylesheet" href="/static/dossier.css">',
        '<section class="dossier" id="dossier" aria-labelledby="dossier-heading">',
        '<h2 id="dossier-heading">What the sources say</h2>',
        f'<p class="downloads">Download: <a href="{esc(page)}?view=dossier.csv" download>the accounts side by side'
        f' (CSV)</a> · <a href="{esc(page)}?view=dossier.svg" download>the chart of the figures (SVG)</a> · every'
        " attack as JSON-LD, one tree each: <code>kg export --frame attack</code></p>",
        _sources(d),
        _side_by_side(d),
        _figures(d),
        _timeline(d),
        _disagreements(d),
        "</section>",
    ]
    return "\n".join(p for p in parts if p)


def _sources(d: Dossier) -> str:
    if not d.sources:
        return '<p class="note">No source article says anything about this attack that the named queries find.</p>'
    items = "".join(f"<li>{source_heading(s).replace('<br>', ' ')}</li>\n" for s in d.sources)
    return f'<h3 id="dossier-sources">Sources ({len(d.sources)})</h3>\n<ol class="dossier-sources">\n{items}</ol>'


def _side_by_side(d: Dossier) -> str:
    if not d.rows:
        return ""
    disputed = d.disputed()
    head = '<th scope="col">Question</th>' + "".join(
        f'<th scope="col" data-article="{esc(s.iri)}">{source_heading(s)}</th>' for s in d.sources
    )
    body = []
    for row in d.rows:
        cells = []
        for s in d.sources:
            answers = row.cells.get(s.iri, [])
            if not answers:
                cells.append('<td class="silent"><span class="none" title="this source does not say">—</span></td>')
                continue
            items = []
            for a in answers:
                against = [x for x in disputed.get(a.fact, []) if x.question in FLAGGED.get(row.question, ())]
                flag = ""
                css = "answer"
                if against:
                    css += " disputed"
                    others = "; ".join(_disagreement_text(x, a.fact) for x in against)
                    flag = f' <span class="flag" title="{esc(others)}">disputed</span>'
                hedge = f' <span class="hedge">({esc(a.hedge)})</span>' if a.hedge else ""
                quote = (
                    f'<blockquote class="quote">{esc(a.quote)}</blockquote>'
                    if a.quote
                    else '<p class="note">no quote</p>'
                )
                target = link(a.fact, "the fact") if local_url(a.fact) and "#" not in a.fact else ""
                items.append(
                    f'<li class="{css}" data-fact="{esc(a.fact)}"><details><summary>{esc(a.text)}{hedge}{flag}'
                    f"</summary>{quote}{target}</details></li>"
                )
            cells.append(f'<td><ul class="answers">{"".join(items)}</ul></td>')
        body.append(
            f'<tr data-question="{esc(row.question)}"><th scope="row">{esc(row.question)}</th>{"".join(cells)}</tr>'
        )
    return (
        '<h3 id="dossier-accounts">Accounts side by side</h3>\n'
        '<p class="hint">Each cell is what one article says; open an answer for its quote. '
        '<span class="flag">disputed</span> marks an answer another one contradicts or gives differently.</p>\n'
        '<div class="dossier-scroll"><table class="dossier-table">\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table></div>"
    )


def _disagreement_text(x: dossiers.Disagreement, fact: str) -> str:
    mine, other = (x.answer1, x.answer2) if x.fact1 == fact else (x.answer2, x.answer1)
    if x.question == "contradicts":
        return f"at odds with {other}"
    return f"{x.question}: {mine} against {other}"


def _figures(d: Dossier) -> str:
    if not d.figures:
        return ""
    return (
        '<h3 id="dossier-figures">Reported figures</h3>\n<figure class="dossier-chart">\n'
        + chart_svg(d)
        + '\n<figcaption>Each figure as its source states it: <span class="key">●</span> a number given exactly, '
        '<span class="key">|→</span> at least, <span class="key">○→</span> more than (the arrow points up the '
        'axis), <span class="key">▭</span> nearly or about (the band is drawn, not reported). The grey span is '
        "the range of the death tolls. A figure that counts the killed and the wounded together is drawn in its "
        "own row, marked combined.</figcaption>\n</figure>"
    )


def _timeline(d: Dossier) -> str:
    if not d.timeline and not d.undated:
        return ""
    items = []
    for t in d.timeline:
        written = (
            f' <span class="as-written">as written: {esc(" / ".join(f"“{w}”" for w in t.as_written))}</span>'
            if t.as_written
            else ""
        )
        source = d.source(t.article) if t.article and len(t.as_written) < 2 else None
        where = f' <span class="outlet">in {esc(short_title(source.name, 60))}</span>' if source else ""
        quote = (
            f'<details><summary>quote</summary><blockquote class="quote">{esc(t.quote)}</blockquote></details>'
            if t.quote
            else ""
        )
        items.append(
            f'<li class="{esc(t.kind.replace(" ", "-"))}" data-date="{esc(t.date)}" data-precision="{t.precision}">'
            f'<time datetime="{esc(t.date)}">{esc(t.date)}</time> <span class="kind">{esc(t.kind)}</span> '
            f"{link(t.iri, d.label if t.iri == d.attack and d.label else t.label)}{written}{where}{quote}</li>"
        )
    undated = (
        f'<p class="note">{d.undated} statement{"s" if d.undated != 1 else ""} about the attack (accusations, denials, '
        "refusals, condemnations, vows) carry no date in the sources; the table above lists them.</p>"
        if d.undated
        else ""
    )
    return (
        '<h3 id="dossier-timeline">Timeline</h3>\n<p class="hint">Dates as the graph stores them (a year, a month or '
        "a day), ordered by the earliest day each could mean, with the article's own words where it gives them.</p>\n"
        '<ol class="timeline">\n' + "\n".join(items) + f"\n</ol>\n{undated}"
    )


def _disagreements(d: Dossier) -> str:
    if not d.disagreements:
        return ""
    items = []
    for x in d.disagreements:
        s1 = d.source(x.article1) if x.article1 else None
        s2 = d.source(x.article2) if x.article2 else None
        in1 = f" ({esc(short_title(s1.name, 50))})" if s1 else ""
        in2 = f" ({esc(short_title(s2.name, 50))})" if s2 else ""
        if x.question == "contradicts":
            text = f"{link(x.fact1, x.answer1)}{in1} is at odds with {link(x.fact2, x.answer2)}{in2}, says the source"
        else:
            text = f"{esc(x.question)}: {link(x.fact1, x.answer1)}{in1} against {link(x.fact2, x.answer2)}{in2}"
        items.append(f'<li data-fact1="{esc(x.fact1)}" data-fact2="{esc(x.fact2)}">{text}</li>')
    return (
        f'<h3 id="dossier-disagreements">Where the sources disagree ({len(items)})</h3>\n'
        '<details class="disagreements">'
        f"<summary>Every pair of answers that differ, and every pair of statements a source says are at odds</summary>"
        f"\n<ul>\n" + "\n".join(items) + "\n</ul></details>"
    )


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
    rows = [(kind, name, dossiers.figures_of(d, kind)) for kind, name in CHART_ROWS]
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
        figures = dossiers.figures_of(d, kind)
        if not figures:
            continue
        said = "; ".join(f"{f.figure} ({_who(d, f)})" for f in figures)
        sentences.append(f"{name}: {said}.")
        if kind == "DeathToll":
            counts = [f.count for f in figures]
            sentences.append(f"The death tolls range from {min(counts)} to {max(counts)}.")
    return " ".join(sentences)


# ---------------------------------------------------------------------- the exports


def table_csv(d: Dossier) -> str:
    """The accounts side by side as CSV: a column per source (headed by its title and outlet), a row per
    question; a cell holds the source's answers, one a line, each with its quote."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["question", *(s.name for s in d.sources)])
    for row in d.rows:
        cells = []
        for s in d.sources:
            answers = row.cells.get(s.iri, [])
            cells.append("\n".join(a.text + (f" [quote: “{a.quote}”]" if a.quote else "") for a in answers))
        writer.writerow([row.question, *cells])
    return out.getvalue()


def section_for(engine: Engine, iri: str) -> str:
    """The dossier section of a resource's page: empty unless the resource is an attack."""
    if not dossiers.is_attack(engine, iri):
        return ""
    return dossier_section(dossiers.gather(engine, iri))


def export(engine: Engine, iri: str, view: str) -> tuple[str, bytes] | None:
    """A dossier download (a ``view`` of :data:`EXPORTS`) as media type and bytes; None when the resource is
    not an attack."""
    if view not in EXPORTS or not dossiers.is_attack(engine, iri):
        return None
    d = dossiers.gather(engine, iri)
    text = chart_svg(d, standalone=True) if view == "dossier.svg" else table_csv(d)
    return EXPORTS[view], text.encode("utf-8")


def filename(iri: str, view: str) -> str:
    """The file name a download is saved under: the attack's slug and the view (``kerman-bombings-dossier.svg``)."""
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in iri.rstrip("/").rsplit("/", 1)[-1]) or "attack"
    return f"{slug}-{view}"
