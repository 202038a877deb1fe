"""Content negotiation for ``kg serve``: the answer format a request's Accept header or ``format=`` asks for.

An Accept header's media ranges are weighed by their q-values (:func:`choose`: the highest q, then the
server's order of preference); a ``format=`` (or ``output=``) keyword wins over Accept
(:func:`negotiate`). The formats themselves are those of :mod:`kg.web.workers.jobs` (from
:mod:`kg.rdf.formatregistry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.web.responses import BadRequest
from kg.web.workers.jobs import GRAPH_FORMATS, HTML_FORMAT, SELECT_FORMATS, SPARQL_TEXT, AnswerFormat, Formats

if TYPE_CHECKING:
    from starlette.requests import Request

#: the query-string fields that choose an answer's format (``output`` is the name other endpoints use)
FORMAT_FIELDS = ("format", "output")


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header with their q-values (malformed parts are skipped)."""
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = media.lower()
        if media == "*":
            media = "*/*"
        kind, slash, subtype = media.partition("/")
        if not slash or not kind or not subtype:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, subtype, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str, exact: bool = False) -> float:
    """The q-value the most specific matching range gives a media type (0 when none matches).

    With ``exact``, only a range naming the type itself counts (no ``type/*`` or ``*/*``).
    """
    kind, _, subtype = media_type.partition("/")
    best: tuple[int, float] | None = None
    for r in ranges:
        if r.type == kind and r.subtype == subtype:
            specificity = 2
        elif exact:
            continue
        elif r.type == kind and r.subtype == "*":
            specificity = 1
        elif r.type == "*" and r.subtype == "*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, r.q)
    return best[1] if best else 0.0


def choose(accept: str | None, offers: Sequence[AnswerFormat]) -> AnswerFormat | None:
    """The offer the Accept header prefers (highest q, then the server's order); None when none is acceptable.

    An offer's other media types (``application/json`` for SPARQL JSON, ``application/xml``...) count only
    when the header names them, never through ``*/*`` or ``type/*``.
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: AnswerFormat | None = None
    best_q = 0.0
    for offer in offers:
        q = max([quality(ranges, offer.media_type)] + [quality(ranges, alias, exact=True) for alias in offer.aliases])
        if q > best_q:
            best, best_q = offer, q
    return best


def _by_keyword(values: Sequence[str], offers: Sequence[AnswerFormat]) -> AnswerFormat | None:
    for value in values:
        wanted = value.strip().lower()
        for offer in offers:
            if wanted in offer.keywords or wanted in offer.media_types():
                return offer
    return None


def negotiate(
    accept: str | None,
    format_values: Sequence[str],
    select_offers: Sequence[AnswerFormat] = SELECT_FORMATS,
    graph_offers: Sequence[AnswerFormat] = GRAPH_FORMATS,
) -> Formats:
    """The format of each kind of answer, from ``format=`` values (which win) or the Accept header.

    ``format=json`` and ``format=xml`` mean SPARQL JSON and XML for SELECT and ASK, JSON-LD and
    RDF/XML for CONSTRUCT and DESCRIBE. A ``format=`` value that names no format at all is a 400. An
    Accept header that fits only one kind of answer gives the other kind its default format (SPARQL JSON,
    Turtle), so that a CONSTRUCT asked for with only the results JSON type is answered in Turtle.
    """
    values = [v for v in format_values if v.strip()]
    if values:
        select = _by_keyword(values, select_offers)
        graph_words = {"json": "jsonld", "xml": "rdfxml"}  # the same words for a graph answer
        graph = _by_keyword(values, graph_offers) or _by_keyword(
            [graph_words.get(v.strip().lower(), v) for v in values], graph_offers
        )
        if select is None and graph is None:
            known = sorted({k for f in (*select_offers, *graph_offers) for k in f.keywords[:1]})
            raise BadRequest(400, f"unknown format '{values[0]}': use format={'|'.join(known)} or an Accept header")
        asked = "format=" + ",".join(values)
    else:
        select, graph = choose(accept, select_offers), choose(accept, graph_offers)
        # A client that accepts only result types (or only RDF types) gets the other kind's default:
        # what it can read of the answer is not knowable before the query runs.
        if select is None and graph is not None and graph.name != SPARQL_TEXT.name:
            select = select_offers[0]
        elif graph is None and select is not None and select.name != SPARQL_TEXT.name:
            graph = graph_offers[0]
        asked = f"Accept: {accept}"
    return Formats(select, graph, tuple(select_offers), tuple(graph_offers), asked)


def prefers_html(request: Request) -> bool:
    return choose(request.headers.get("accept"), (SELECT_FORMATS[0], HTML_FORMAT)) is HTML_FORMAT
