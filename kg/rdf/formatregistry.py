"""Every format kg reads or writes: its names, media types, file suffix, W3C IRI, and what it can carry.

One :class:`Format` per format, in :data:`FORMATS`, as rdflib's ``plugin.py`` registers its parsers and
serializers: the RDF formats (TriG, N-Quads, JSON-LD, Turtle, N-Triples, RDF/XML), the SPARQL answer
formats (SPARQL JSON and XML, CSV, TSV, and the terminal table and Markdown of ``kg query``), and what the
server writes besides (HTML pages, a query's SPARQL text). Every table of formats elsewhere is derived from
this one: the choices of ``kg query --format`` and ``kg export --format``, the server's content negotiation
(media types, the other media types that ask for a format, ``format=`` keywords), the data documents'
alternate links, the export's suffixes and media types, the suffixes the readers know, the DCAT
distributions' media types and the Service Description's result formats.

What each command or the server offers, and in which order, is a choice of that surface, not a fact about
a format, so it is written below the table as a tuple of names: :data:`EXPORT_NAMES`,
:data:`QUERY_RESULTS`, :data:`QUERY_GRAPHS`, :data:`SERVER_RESULTS`, :data:`SERVER_GRAPHS`. The first of
each is its default. To add a format, add a :class:`Format` and its name to the surfaces that offer it
(and a writer where the surface writes it).

Plain strings only: this module imports neither rdflib nor pyoxigraph, because :mod:`kg.web.workers.jobs` imports
it in the server's worker processes before their memory cap. :mod:`kg.rdf.readers` maps a format to
Oxigraph's parser by its media type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kg.rdf.prefixes import UNBOUND

#: what a format can carry: ``dataset`` named graphs (and triples), ``graph`` triples only, ``results``
#: SELECT and ASK answers, ``page`` a page for people, ``query`` a SPARQL query's text
Carries = Literal["dataset", "graph", "results", "page", "query"]

#: the namespace of the W3C's unique IRIs for file formats (``formats:Turtle``...)
W3C_FORMATS_NS = UNBOUND["formats"]


@dataclass(frozen=True)
class Format:
    """A format kg reads or writes.

    Attributes:
        name: kg's name for it: a ``kg query --format`` choice, the server's name (a data document's
            format, ``format=``), unique.
        label: Its name for people ("RDF/XML").
        carries: What it can carry (:data:`Carries`).
        media_type: Its media type, unique; the server writes it as the answer's ``Content-Type``.
        aliases: Other media types that ask the server for it, when an Accept header names them exactly
            (never through ``*/*`` or ``type/*``); they may be shared (``application/json``).
        keywords: The ``format=`` words that ask the server for it; the first is the one messages list.
        suffix: The suffix of a file written in it; "" when it has none.
        other_suffixes: Other suffixes a file read in it may have (``.owl`` for RDF/XML).
        w3c: The local name of its IRI in :data:`W3C_FORMATS_NS`; "" when the W3C names none.
        rdflib: rdflib's parser and serializer name for it; "" when rdflib does not write it.
        export_name: Its name for ``kg export --format`` when that differs from ``name``.
    """

    name: str
    label: str
    carries: Carries
    media_type: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    suffix: str = ""
    other_suffixes: tuple[str, ...] = ()
    w3c: str = ""
    rdflib: str = ""
    export_name: str = ""

    def media_types(self) -> tuple[str, ...]:
        """Its media type and the aliases that ask for it."""
        return (self.media_type, *self.aliases)

    def suffixes(self) -> tuple[str, ...]:
        """Every suffix a file in it may have, the one written first."""
        return (self.suffix, *self.other_suffixes) if self.suffix else self.other_suffixes

    @property
    def is_rdf(self) -> bool:
        """Whether it is an RDF serialization (a dataset or a graph)."""
        return self.carries in ("dataset", "graph")

    @property
    def w3c_iri(self) -> str:
        """Its W3C format IRI; "" when the W3C names none."""
        return W3C_FORMATS_NS + self.w3c if self.w3c else ""


#: every format kg reads or writes
FORMATS: tuple[Format, ...] = (
    # RDF
    Format(
        "trig",
        "TriG",
        "dataset",
        "application/trig",
        suffix=".trig",
        w3c="TriG",
        rdflib="trig",
    ),
    Format(
        "nquads",
        "N-Quads",
        "dataset",
        "application/n-quads",
        suffix=".nq",
        other_suffixes=(".nquads",),
        w3c="N-Quads",
        rdflib="nquads",
    ),
    Format(
        "jsonld",
        "JSON-LD",
        "dataset",
        "application/ld+json",
        aliases=("application/json", "application/x-json+ld"),
        keywords=("jsonld", "json-ld"),
        suffix=".jsonld",
        other_suffixes=(".json",),
        w3c="JSON-LD",
        rdflib="json-ld",
    ),
    Format(
        "turtle",
        "Turtle",
        "graph",
        "text/turtle",
        aliases=("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
        keywords=("turtle", "ttl", "n3"),
        suffix=".ttl",
        w3c="Turtle",
        rdflib="turtle",
    ),
    Format(
        "nt",
        "N-Triples",
        "graph",
        "application/n-triples",
        keywords=("nt", "ntriples", "n-triples"),
        suffix=".nt",
        w3c="N-Triples",
        rdflib="nt",
        export_name="ntriples",
    ),
    Format(
        "rdfxml",
        "RDF/XML",
        "graph",
        "application/rdf+xml",
        aliases=("application/xml", "text/xml"),
        keywords=("rdfxml", "rdf", "rdf+xml"),
        suffix=".rdf",
        other_suffixes=(".owl", ".xml"),
        w3c="RDF_XML",
        rdflib="xml",
    ),
    # SELECT and ASK answers
    Format(
        "json",
        "SPARQL JSON",
        "results",
        "application/sparql-results+json",
        aliases=("application/json",),
        keywords=("json", "srj"),
        suffix=".srj",
        w3c="SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "SPARQL XML",
        "results",
        "application/sparql-results+xml",
        aliases=("application/xml", "text/xml"),
        keywords=("xml", "srx"),
        suffix=".srx",
        w3c="SPARQL_Results_XML",
    ),
    Format("csv", "CSV", "results", "text/csv", keywords=("csv",), suffix=".csv", w3c="SPARQL_Results_CSV"),
    Format(
        "tsv",
        "TSV",
        "results",
        "text/tab-separated-values",
        keywords=("tsv",),
        suffix=".tsv",
        w3c="SPARQL_Results_TSV",
    ),
    Format("table", "table", "results", "text/plain"),
    Format("markdown", "Markdown", "results", "text/markdown", suffix=".md"),
    # what the server writes besides
    Format("html", "HTML", "page", "text/html", aliases=("application/xhtml+xml",), keywords=("html",), suffix=".html"),
    Format("sparql", "SPARQL", "query", "application/sparql-query", keywords=("sparql", "rq"), suffix=".rq"),
)


def by_name(word: str) -> Format:
    """The format a name, ``format=`` keyword or export name stands for (any case).

    Raises:
        KeyError: no format has that name.
    """
    wanted = word.strip().lower()
    for fmt in FORMATS:
        if wanted == fmt.name or wanted in fmt.keywords or wanted == fmt.export_name:
            return fmt
    raise KeyError(f"no format is called '{word}' (known: {', '.join(f.name for f in FORMATS)})")


def by_media_type(media_type: str) -> Format | None:
    """The format whose media type this is (its own, not an alias: those may be shared); None when none."""
    wanted = media_type.partition(";")[0].strip().lower()
    return next((f for f in FORMATS if f.media_type == wanted), None)


def by_suffix(suffix: str) -> Format | None:
    """The format of a file with this suffix (``.ttl``, any case); None when no format has it."""
    wanted = suffix.lower()
    return next((f for f in FORMATS if wanted in f.suffixes()), None)


def offer(*words: str) -> tuple[Format, ...]:
    """The formats these names stand for, in this order."""
    return tuple(by_name(word) for word in words)


#: the RDF serializations, in the table's order
RDF_FORMATS = tuple(f for f in FORMATS if f.is_rdf)

# ------------------------------------------------------------------ what each surface offers

#: ``kg export --format``: its words, in the order ``--help`` lists them (the first is the default)
EXPORT_NAMES = ("trig", "nquads", "jsonld", "turtle", "ntriples", "rdfxml")
#: ``kg query --format`` for SELECT and ASK answers (the first is the default)
QUERY_RESULTS = ("table", "csv", "tsv", "json", "xml", "markdown")
#: ``kg query --format`` for CONSTRUCT and DESCRIBE answers (the first is the default)
QUERY_GRAPHS = ("turtle", "jsonld", "nt")
#: the server's SELECT and ASK answers, in its order of preference (the first is the default)
SERVER_RESULTS = offer("json", "xml", "csv", "tsv")
#: the server's CONSTRUCT and DESCRIBE answers and data documents, in its order of preference
SERVER_GRAPHS = offer("turtle", "jsonld", "nt", "rdfxml")
#: the server's answers of named queries and linked-data pages, for browsers
HTML = by_name("html")
#: a named query's text with its parameters written in (kg.sparql.querytext), for the query page's editor
SPARQL_QUERY = by_name("sparql")

__all__ = [
    "EXPORT_NAMES",
    "FORMATS",
    "HTML",
    "QUERY_GRAPHS",
    "QUERY_RESULTS",
    "RDF_FORMATS",
    "SERVER_GRAPHS",
    "SERVER_RESULTS",
    "SPARQL_QUERY",
    "W3C_FORMATS_NS",
    "Carries",
    "Format",
    "by_media_type",
    "by_name",
    "by_suffix",
    "offer",
]
