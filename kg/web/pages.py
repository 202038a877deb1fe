"""The HTML of ``kg serve``: the pieces every page is built from, query answers and the linked-data pages.

Every page is a plain HTML5 document built from escaped strings: every piece of
text that comes from the graph, the query library or a request goes through
:func:`esc` (``html.escape`` with quotes), and links are made only to the
server's own paths or to ``http(s)`` IRIs, so no value in the data can inject
markup or a ``javascript:`` link. The pages use one stylesheet,
``/static/kg.css`` (from ``kg/static/``), and no inline script or style, so the
server can send a strict Content-Security-Policy.

The pages take plain values (:class:`Term`, :class:`ResourceView`), never
engine objects: the query workers (:mod:`kg.web.workers.pagereader`) read the store and fill
them in, so rendering needs no store.

The home page, the list of named queries and the SPARQL endpoint's page are
:mod:`kg.web.querypages`'; the URL scheme that links the pages together is
:mod:`kg.web.urls`'.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.rdf import formatregistry, iris
from kg.rdf.namespaces import PREFIXES, display_name
from kg.web.urls import data_url, local_url

if TYPE_CHECKING:
    from kg.web.resultspage import ArticleName

XSD_NS = str(PREFIXES["xsd"])

ONTOLOGY = str(iris.ONTOLOGY)
#: what the predicate column shows instead of the IRI, for the few predicates every page has
SITE_NAME = "kerman-kg"

# ------------------------------------------------------------------------ values


@dataclass(frozen=True)
class Term:
    """An RDF term to show: kind ``iri``, ``bnode`` or ``literal``, with an optional label for IRIs."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Statement:
    """One triple seen from a page: the predicate, the other end, and the graphs that hold it."""

    predicate: Term
    other: Term
    graphs: tuple[Term, ...]


@dataclass(frozen=True)
class Quote:
    """The passage a fact rests on (``kgo:evidence``): its text, offsets and article."""

    iri: str
    text: str
    begin: int | None
    end: int | None
    article: Term | None


@dataclass(frozen=True)
class ArticleText:
    """An article's title, metadata and full text."""

    title: str | None
    text: str
    metadata: tuple[tuple[str, Term], ...] = ()


@dataclass(frozen=True)
class OntologyTerm:
    """A class, property or individual of the ontology, for the ontology's page."""

    iri: str
    label: str | None
    kinds: tuple[Term, ...]
    comments: tuple[str, ...]
    parents: tuple[Term, ...]
    domains: tuple[Term, ...]
    ranges: tuple[Term, ...]


@dataclass
class ResourceView:
    """Everything a resource's page shows."""

    iri: str
    label: str | None = None
    types: list[Term] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)
    article: ArticleText | None = None
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    truncated: bool = False
    graph_size: int | None = None
    graph_subjects: list[Term] = field(default_factory=list)
    ontology_terms: list[OntologyTerm] = field(default_factory=list)


# ------------------------------------------------------------------- small pieces


def esc(text: str) -> str:
    """Text escaped for HTML element content and attribute values."""
    return html.escape(text, quote=True)


def link(iri: str, text: str | None = None) -> str:
    """A link to an IRI: its server URL when minted, the IRI itself when http(s), else plain text."""
    shown = esc(text if text is not None else display_name(iri))
    href = local_url(iri) or (iri if iri.startswith(("http://", "https://")) else None)
    if href is None:
        return f'<span class="iri" title="{esc(iri)}">{shown}</span>'
    return f'<a href="{esc(href)}" title="{esc(iri)}">{shown}</a>'


def term_html(term: Term | None) -> str:
    """A term as HTML: IRIs as links with their labels, literals with language or datatype."""
    if term is None:
        return ""
    if term.kind == "iri":
        return link(term.value, term.label)
    if term.kind == "bnode":
        return f'<span class="bnode">_:{esc(term.value)}</span>'
    out = f'<span class="literal">{esc(term.value)}</span>'
    if term.lang:
        out += f' <span class="lang">@{esc(term.lang)}</span>'
    elif term.datatype:
        shown = (
            display_name(term.datatype)  # xsd: is a display prefix
        )
        out += f' <span class="datatype">{esc(shown)}</span>'
    return out


def html_page(title: str, body: str, head: str = "", site: str = SITE_NAME) -> str:
    """A whole HTML document of ``kg serve`` or ``kg review``: the title followed by the site's name, the
    site's stylesheet, what ``head`` adds (scripts and stylesheets are files under /static/, never inline),
    then the body element as given."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · {site}</title>\n"
        '<link rel="stylesheet" href="/static/kg.css">\n'
        f"{head}</head>\n{body}\n</html>\n"
    )


def document(title: str, body: str, head: str = "") -> str:
    """A whole page of ``kg serve`` with the site's header."""
    return html_page(
        title,
        "<body>\n"
        '<header><nav><a href="/">kerman-kg</a> <a href="/queries">named queries</a> '
        '<a href="/sparql">SPARQL endpoint</a> <a href="/page/ontology">ontology</a></nav></header>\n'
        f"<main>\n{body}\n</main>\n</body>",
        head,
    )


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """An HTML table; the cells are HTML already (escaped by the caller)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    cls = f' class="{esc(css)}"' if css else ""
    return f"<table{cls}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


# --------------------------------------------------------------------- the pages


def results_page(
    title: str,
    question: str,
    variables: Sequence[str],
    rows: Sequence[Sequence[Term | None]],
    notes: Sequence[str] = (),
    boolean: bool | None = None,
    articles: Mapping[str, ArticleName] | None = None,
) -> str:
    """A query's answer for people: a table (:func:`kg.web.resultspage.results_table`, with the articles of
    ``articles`` named by title and outlet) or its true/false."""
    from kg.web.resultspage import results_table

    parts = [f"<h1>{esc(title)}</h1>"]
    if question:
        parts.append(f'<p class="question">{esc(question)}</p>')
    parts.extend(f'<p class="note">{esc(note)}</p>' for note in notes)
    if boolean is not None:
        parts.append(f'<p class="boolean">{"true" if boolean else "false"}</p>')
    else:
        parts.append(f'<p class="count">{len(rows)} row{"" if len(rows) == 1 else "s"}</p>')
        parts.append(results_table(variables, rows, articles or {}))
    return document(title, "\n".join(parts))


def _statements(statements: Sequence[Statement], other_heading: str, incoming: bool) -> str:
    rows = []
    for s in statements:
        graphs = " ".join(link(g.value, g.label or display_name(g.value)) for g in s.graphs)
        if incoming:
            rows.append((term_html(s.other), term_html(s.predicate), graphs))
        else:
            rows.append((term_html(s.predicate), term_html(s.other), graphs))
    headers = (other_heading, "property", "graph") if incoming else ("property", other_heading, "graph")
    return html_table(headers, rows, "statements")


def resource_page(view: ResourceView, above: str = "") -> str:
    """The page of one resource: label, types, aliases, quotes, article text and statements.

    ``above`` is HTML (escaped by its maker) shown under the heading, above the rest: an attack's dossier
    (:mod:`kg.web.dossier.page`).
    """
    title = view.label or display_name(view.iri)
    parts = [f"<h1>{esc(title)}</h1>", f'<p class="iri"><code>{esc(view.iri)}</code></p>']
    if view.types:
        parts.append('<p class="types">a ' + ", ".join(term_html(t) for t in view.types) + "</p>")
    if view.aliases:
        parts.append('<p class="aliases">also called ' + ", ".join(esc(a) for a in view.aliases) + "</p>")
    parts.extend(f'<p class="comment">{esc(c)}</p>' for c in view.comments)
    formats = " ".join(
        f'<a href="{esc(data_url(view.iri, fmt) or "")}">{label}</a>'
        for fmt, label in (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdfxml", "RDF/XML"))
    )
    parts.append(f'<p class="formats">Data: {formats}</p>')
    if above:
        parts.append(above)
    if view.sources or view.quotes:
        parts.append("<section>\n<h2>From the reporting</h2>")
        if view.sources:
            parts.append("<p>Drawn from " + ", ".join(term_html(s) for s in view.sources) + ".</p>")
        for q in view.quotes:
            where = f" (characters {q.begin}–{q.end})" if q.begin is not None and q.end is not None else ""
            article = f" in {term_html(q.article)}" if q.article is not None else ""
            parts.append(
                f'<blockquote class="quote">{esc(q.text)}</blockquote>\n'
                f'<p class="cite">{link(q.iri, "quote")}{article}{esc(where)}</p>'
            )
        parts.append("</section>")
    if view.article is not None:
        parts.append("<section>\n<h2>Article</h2>")
        if view.article.title:
            parts.append(f'<p class="title">{esc(view.article.title)}</p>')
        if view.article.metadata:
            parts.append(
                "<dl>"
                + "".join(f"<dt>{esc(k)}</dt><dd>{term_html(v)}</dd>" for k, v in view.article.metadata)
                + "</dl>"
            )
        paragraphs = [p.strip() for p in view.article.text.split("\n\n") if p.strip()]
        parts.append('<div class="article-text">' + "".join(f"<p>{esc(p)}</p>" for p in paragraphs) + "</div>")
        parts.append("</section>")
    if view.ontology_terms:
        parts.append(_ontology_terms(view.ontology_terms))
    if view.graph_size is not None:
        parts.append(f"<section>\n<h2>Graph contents</h2>\n<p>{view.graph_size} triples about:</p>")
        parts.append('<ul class="subjects">' + "".join(f"<li>{term_html(t)}</li>" for t in view.graph_subjects))
        parts.append("</ul>\n</section>")
    if view.outgoing:
        parts.append("<section>\n<h2>Statements</h2>")
        parts.append(_statements(view.outgoing, "value", incoming=False))
        parts.append("</section>")
    if view.incoming:
        parts.append("<section>\n<h2>Referenced by</h2>")
        parts.append(_statements(view.incoming, "subject", incoming=True))
        parts.append("</section>")
    if view.truncated:
        parts.append('<p class="note">Some statements are left out: the page shows at most the row limit.</p>')
    head = "".join(
        f'<link rel="alternate" type="{f.media_type}" href="{esc(data_url(view.iri, f.name) or "")}">\n'
        for f in formatregistry.SERVER_GRAPHS
    )
    return document(title, "\n".join(parts), head)


def _ontology_terms(terms: Sequence[OntologyTerm]) -> str:
    rows = []
    for t in terms:
        fragment = t.iri.partition("#")[2]
        name = f'<span id="{esc(fragment)}">{link(t.iri, t.label or display_name(t.iri))}</span>'
        rows.append(
            (
                name,
                ", ".join(term_html(k) for k in t.kinds),
                ", ".join(term_html(p) for p in t.parents),
                ", ".join(term_html(d) for d in t.domains),
                ", ".join(term_html(r) for r in t.ranges),
                "<br>".join(esc(c) for c in t.comments),
            )
        )
    table = html_table(
        ("term", "kind", "subclass or subproperty of", "domain", "range", "definition"), rows, "ontology"
    )
    return "<section>\n<h2>Terms</h2>\n" + table + "\n</section>"
