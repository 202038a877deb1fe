"""The pages of ``kg serve``'s query service: the home page, the list of named queries and the SPARQL endpoint's page.

The query page (:func:`query_section`, on
the index and on :func:`sparql_page`) is a plain form that GETs ``/sparql``;
``kg/static/query.js`` turns it into an editor with results, using the
CodeMirror files vendored in ``kg/static/vendor/``. Its scripts and styles are
files under ``kg/static/``, which the server serves at ``/static/``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

from kg.rdf import iris
from kg.web.pages import ONTOLOGY, document, esc, html_table, link
from kg.web.urls import BASE

if TYPE_CHECKING:
    from kg.sparql.querylib import NamedQuery


def index_page(queries: Mapping[str, NamedQuery]) -> str:
    """The home page: what the server offers and the named queries, each linked to its answer."""
    items = "".join(
        f'<li><a href="/queries/{esc(quote(name))}">{esc(name)}</a>: {esc(q.question)}</li>\n'
        for name, q in queries.items()
        if not q.is_check
    )
    body = f"""<h1>kerman-kg</h1>
<p>A knowledge graph of what news reporting says about the January 3, 2024 bombings in Kerman, Iran:
who claimed, accused, denied and reported what, each fact with the verbatim quote it came from.</p>
{query_section(queries, ENDPOINT_NOTE)}
<section>
<h2>Start from</h2>
<ul>
<li>{link(iris.ENTITY_NS + "kerman-bombings", "the 2024 Kerman bombings")}</li>
<li>{link(ONTOLOGY, "the ontology")}</li>
<li>{link(iris.GRAPH_NS + "registry", "the entity registry")}</li>
<li>{link(iris.GRAPH_NS + "records", "the curators' records of the articles")}</li>
</ul>
</section>
<section>
<h2>Named queries</h2>
<p>As JSON for programs at <a href="/queries"><code>/queries</code></a>; each answers at
<code>/queries/NAME?param=value</code> in HTML, SPARQL JSON or XML, CSV or TSV.</p>
<ul class="queries">
{items}</ul>
</section>"""
    return document("kerman-kg", body, QUERY_HEAD)


def queries_page(queries: Mapping[str, NamedQuery]) -> str:
    """The named queries and quality checks with their parameters."""
    rows = []
    for name, q in queries.items():
        params = "<br>".join(f"<code>{esc(p.signature())}</code>: {esc(p.doc)}" for p in q.parameters)
        rows.append((f'<a href="/queries/{esc(quote(name))}">{esc(name)}</a>', esc(q.question), params or "—"))
    body = "<h1>Named queries</h1>\n" + html_table(("query", "question", "parameters"), rows, "queries")
    return document("named queries", body)


def sparql_page(queries: Mapping[str, NamedQuery] | None = None) -> str:
    """What a browser gets at /sparql without a query: the query page and how to use the protocol."""
    body = f"""<h1>SPARQL endpoint</h1>
{query_section(queries or {})}
<section id="protocol">
<h2>Protocol</h2>
<p>Send a SPARQL 1.1 query with <code>GET /sparql?query=...</code>, or <code>POST /sparql</code> with a form
field <code>query</code> or a body of type <code>application/sparql-query</code>. Choose the answer's format
with the <code>Accept</code> header or <code>format=json|xml|csv|tsv</code> (SELECT, ASK) and
<code>format=turtle|jsonld|nt|rdfxml</code> (CONSTRUCT, DESCRIBE). The endpoint is read-only.</p>
</section>"""
    return document("SPARQL endpoint", body, QUERY_HEAD)


#: the stylesheets and scripts of the query page (kg/static/), after the site's stylesheet
QUERY_HEAD = (
    '<link rel="stylesheet" href="/static/vendor/codemirror/lib/codemirror.css">\n'
    '<link rel="stylesheet" href="/static/query.css">\n'
    '<script src="/static/vendor/codemirror/lib/codemirror.js" defer></script>\n'
    '<script src="/static/vendor/codemirror/mode/sparql/sparql.js" defer></script>\n'
    '<script src="/static/vendor/codemirror/addon/edit/matchbrackets.js" defer></script>\n'
    '<script src="/static/query.js" defer></script>\n'
)
#: what the editor holds before an example is chosen
STARTER_QUERY = """# What kinds of things does the graph hold? (The project's prefixes are pre-bound.)
SELECT ?class (COUNT(?thing) AS ?things)
WHERE { ?thing a ?class }
GROUP BY ?class
ORDER BY DESC(?things) ?class
LIMIT 20
"""


ENDPOINT_NOTE = """<p>SPARQL 1.1 endpoint: <a href="/sparql"><code>/sparql</code></a>
(GET <code>?query=</code>, or POST). The project's prefixes (<code>kgo:</code>, <code>kgd:</code>,
<code>kgg:</code>, <code>rdfs:</code>...) are pre-bound; the default graph is the union of all graphs.</p>"""


def query_section(queries: Mapping[str, NamedQuery], about: str = "") -> str:
    """The query page: a form that GETs /sparql, which kg/static/query.js turns into an editor with results.

    Without JavaScript the form still works (the answer comes back as CSV, TSV, JSON or XML, or Turtle for
    a CONSTRUCT); the examples menu, results and downloads appear only with it. ``data-base`` and
    ``data-prefixes`` tell the script which IRIs have pages here and how to abbreviate IRIs. ``about`` is
    HTML shown under the heading.
    """
    from kg.rdf.namespaces import DISPLAY_PREFIXES

    def options(checks: bool) -> str:
        return "".join(
            f'<option value="/queries/{esc(quote(name))}?format=sparql" title="{esc(q.question)}">{esc(name)}</option>'
            for name, q in queries.items()
            if q.is_check == checks
        )

    prefixes = json.dumps([[p.rstrip(":"), ns] for p, ns in DISPLAY_PREFIXES])
    formats = "".join(
        f'<option value="{value}">{label}</option>'
        for value, label in (("csv", "CSV"), ("tsv", "TSV"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML"))
    )
    examples = ""
    if queries:
        examples = f"""<p class="examples" hidden><label for="example">Start from a named query:</label>
<select id="example"><option value="">choose one…</option>
<optgroup label="named queries">{options(False)}</optgroup>
<optgroup label="quality checks (no rows when all is well)">{options(True)}</optgroup>
</select> <span id="example-question" class="question"></span></p>
"""
    return f"""<section id="query-page" data-base="{esc(BASE)}" data-prefixes="{esc(prefixes)}">
<h2>Query</h2>
{about + chr(10) if about else ""}<form id="query-form" method="get" action="/sparql">
{examples}<textarea id="query" name="query" rows="10" cols="100" spellcheck="false"
 aria-label="SPARQL query">{esc(STARTER_QUERY)}</textarea>
<p class="controls"><button type="submit" id="run">Run</button> <span class="hint" hidden>or Ctrl+Enter</span>
<label class="answer-format">answer as <select name="format">{formats}</select></label>
<input type="hidden" name="format" value="turtle"></p>
</form>
<p id="query-status" class="status" role="status" aria-live="polite"></p>
<div id="query-error" class="error" role="alert" hidden></div>
<p id="query-downloads" class="downloads" hidden></p>
<div id="query-results"></div>
</section>"""
