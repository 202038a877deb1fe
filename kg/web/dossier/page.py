"""The HTML of an attack's dossier, its chart of the reported figures as SVG, and its table as CSV.

:func:`dossier_section` is the part of an attack's page (``/page/<attack>``) above the table of
triples: the sources, their accounts side by side (one column per source article, one row per
question, each answer with its quote in a ``<details>``), the casualty figures as a chart
(:func:`kg.web.dossier.chart.chart_svg`, drawn on the server, so it needs no script and prints), a
timeline in date order and the disagreements. :func:`export` answers the page's downloads: the chart as a standalone SVG
(``?view=dossier.svg``) and the side-by-side table as CSV (``?view=dossier.csv``).

Like :mod:`kg.web.pages`, every piece of text from the graph goes through :func:`kg.web.pages.esc`, links
go only to the server's paths or to http(s) IRIs, and there is no inline script or style: the
page's stylesheet is ``/static/dossier.css`` and the chart is drawn with SVG presentation
attributes, so the strict Content-Security-Policy of ``kg serve`` holds.
"""

from __future__ import annotations

import csv
import io

from kg.sparql.engine import Engine
from kg.web.dossier import gather as dossiers
from kg.web.dossier.chart import chart_svg
from kg.web.dossier.parts import Disagreement, Dossier, Source, short_title
from kg.web.pages import esc, link
from kg.web.urls import local_url, page_url

#: the downloads of a dossier: ``?view=`` value -> media type
EXPORTS = {"dossier.svg": "image/svg+xml", "dossier.csv": "text/csv"}
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


def _disagreement_text(x: Disagreement, fact: str) -> str:
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
