"""The messages between ``kg serve`` and its query workers: answer formats, jobs, limits and replies.

The server sends a job (:class:`QueryJob`, :class:`NamedQueryJob` or :class:`ResourceJob`) to an idle
worker (:mod:`kg.web.workers.pool`), with the format negotiated for each kind of answer (:class:`Formats`).
What comes back is a :class:`Reply`: a status, a media type and the bytes to send (or, for a large
answer, the file of the pool's spool folder that holds them: :mod:`kg.web.workers.process`). The limits of
a query (:class:`Limits`) and the messages that name them are here too, so the server and the workers
word them alike.

Worker processes import this module before their memory cap, so it imports neither rdflib nor
pyoxigraph (nor does :mod:`kg.rdf.formatregistry`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.rdf import formatregistry

# ------------------------------------------------------------------ answer formats


#: a format an answer can be written in (kg.rdf.formatregistry: name, media type, the other media types and
#: the ``format=`` keywords that ask for it)
AnswerFormat = formatregistry.Format
#: SELECT and ASK answers, in the server's order of preference (the first is the default)
SELECT_FORMATS = formatregistry.SERVER_RESULTS
#: CONSTRUCT and DESCRIBE answers and data documents
GRAPH_FORMATS = formatregistry.SERVER_GRAPHS
#: answers of named queries and linked-data pages, for browsers
HTML_FORMAT = formatregistry.HTML
#: a named query's text with its parameters written in (kg.sparql.querytext), for the query page's editor
SPARQL_TEXT = formatregistry.SPARQL_QUERY

KIND_NAMES = {"select": "a SELECT or ASK answer", "graph": "a CONSTRUCT or DESCRIBE answer"}


@dataclass(frozen=True)
class Formats:
    """The negotiated format for each kind of answer; None where nothing the client accepts fits."""

    select: AnswerFormat | None
    graph: AnswerFormat | None
    offered_select: tuple[AnswerFormat, ...] = SELECT_FORMATS
    offered_graph: tuple[AnswerFormat, ...] = GRAPH_FORMATS
    asked: str = ""

    def for_kind(self, kind: str) -> AnswerFormat | None:
        return self.select if kind == "select" else self.graph

    def offered(self, kind: str) -> tuple[AnswerFormat, ...]:
        return self.offered_select if kind == "select" else self.offered_graph


def not_acceptable(kind: str, offered: Iterable[AnswerFormat], asked: str) -> str:
    """The message of a 406 answer: what was asked and what is available."""
    offered = list(offered)
    types = ", ".join(f.media_type for f in offered)
    keywords = "|".join(f.keywords[0] for f in offered if f.keywords)
    return (
        f"not acceptable: {asked or 'the requested format'} does not fit {KIND_NAMES[kind]}; "
        f"available: {types} (Accept header) or format={keywords}"
    )


# ----------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Limits:
    """What one query may cost: seconds, megabytes of address space per worker, rows and bytes of answer."""

    timeout: float
    memory_mb: int
    max_rows: int
    max_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query from a client (already checked: a query, no SERVICE).

    ``union`` makes the union of all graphs the default graph (unless the query names a dataset with
    FROM: the worker reads that); ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``, and replace any FROM of the query when given.
    """

    text: str
    formats: Formats
    union: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    #: the base IRI of the query's relative IRIs: the endpoint's URL
    base_iri: str | None = None


@dataclass(frozen=True)
class NamedQueryJob:
    """A named query of the library with its parameters (names already checked).

    With a ``limit``, only that page of a SELECT answer (``limit`` rows after ``offset``); when more
    rows follow, the reply links to ``next_url`` (a ``Link: <...>; rel="next"`` header and a note).
    """

    name: str
    params: tuple[tuple[str, str], ...]
    formats: Formats
    limit: int | None = None
    offset: int = 0
    next_url: str = ""


@dataclass(frozen=True)
class ResourceJob:
    """Whether a minted IRI exists, its HTML page, or its RDF document in a format."""

    iri: str
    view: str  # "exists" | "page" | "data" | a download of kg.web.dossier.page.EXPORTS
    format: AnswerFormat | None = None


Job = QueryJob | NamedQueryJob | ResourceJob


@dataclass
class Reply:
    """What the server sends back: status, media type (without charset), body and extra headers.

    A large body does not cross the pipe: the worker writes it to a file of the pool's spool folder and
    ``path`` names it (``body`` is then empty); the server streams the file to the client and deletes it.
    """

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    retire: bool = False
    path: str | None = None

    @classmethod
    def text(cls, status: int, message: str, retire: bool = False) -> Reply:
        return cls(status, "text/plain", (message.rstrip("\n") + "\n").encode("utf-8"), retire=retire)


class TooManyRows(Exception):
    pass


def time_limit_message(limits: Limits) -> str:
    return f"query exceeded the time limit of {limits.timeout:g} s (the server's --timeout); it was stopped"


def memory_limit_message(limits: Limits) -> str:
    return (
        f"query exceeded the memory limit of {limits.memory_mb} MB per query worker (the server's --memory-mb); "
        "it was stopped"
    )


def rows_limit_message(limits: Limits, what: str = "rows") -> str:
    return (
        f"the answer has more than {limits.max_rows} {what}, the server's limit (--max-rows {limits.max_rows}); "
        "add a LIMIT or narrow the query"
    )


def bytes_limit_message(limits: Limits) -> str:
    return (
        f"the answer is larger than {limits.max_bytes} bytes, the server's limit (--max-bytes {limits.max_bytes}); "
        "add a LIMIT, ask for fewer columns or narrow the query"
    )
