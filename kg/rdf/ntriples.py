"""Triples as rdflib terms and as N-Triples text: the two forms the writers take, and conversions between them.

The string writers of :mod:`kg.rdf.rdfio` (:func:`~kg.rdf.rdfio.to_trig_strings`,
:func:`~kg.rdf.rdfio.to_nquads_strings`) and :meth:`kg.rdf.turtlewriter.TurtleWriter.graph_strings`
take *string triples* (:data:`NTriple`: each term written in N-Triples syntax, exactly as rdflib's
N-Triples row writer writes it), so that an incremental build can keep each article's triples as
N-Triples text and assemble the files from that text without making an rdflib term per triple (about
12 microseconds each). :func:`nt_triple`, :func:`split_nt_row`, :func:`split_nq_row` and
:func:`parse_nt_term` convert between the two.
"""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

#: a triple as rdflib terms
Triple = tuple[Node, Node, Node]
#: a triple as text: its three terms in N-Triples syntax exactly as rdflib's N-Triples row writer writes them,
#: so that ``f"{s} {p} {o} .\n"`` is the row ``_nt_row`` writes (IRIs ``<...>``, literals ``"..."``, ``"..."@en``
#: or ``"..."^^<datatype>``, with ``\\``, ``\n``, ``\r`` and ``"`` escaped and every other character as it is)
NTriple = tuple[str, str, str]


def nt_triple(triple: Triple) -> NTriple:
    """An rdflib triple as a string triple: each term as rdflib's N-Triples row writer writes it."""
    s, p, o = triple
    return s.n3(), p.n3(), _quoteLiteral(o) if isinstance(o, Literal) else o.n3()


def split_nt_row(line: str) -> NTriple:
    """One N-Triples line (with or without its closing ``" .\\n"``) as a string triple.

    The subject and the predicate end at the first two spaces (IRIs and blank node labels have none);
    the object is the rest.
    """
    s, p, o = line.removesuffix("\n").removesuffix(" .").split(" ", 2)
    return s, p, o


def split_nq_row(line: str) -> tuple[str, NTriple]:
    """One N-Quads line of a named graph, as :func:`kg.rdf.rdfio.to_nquads` writes it, as its graph's name and
    its string triple.

    Raises:
        ValueError: when the line has no graph name (a quad of the default graph, or not a quad).
    """
    body, _, graph = line.removesuffix("\n").removesuffix(" .").rpartition(" ")
    if not (graph.startswith("<") and graph.endswith(">") or graph.startswith("_:")) or '"' in graph:
        raise ValueError(f"not an N-Quads line of a named graph: {line!r}")
    return graph, split_nt_row(body)


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def unescape(escaped: str) -> str:
    """The characters of an N-Triples string (between its quotes)."""
    if "\\" not in escaped:
        return escaped

    def character(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ESCAPED.get(match.group(3), match.group(0))

    return _ESCAPE.sub(character, escaped)


def parse_nt_term(text: str) -> Node:
    """The rdflib term of a term in N-Triples form: ``<iri>``, ``_:label`` or a literal.

    A literal keeps its lexical form as written (``"01"^^xsd:integer`` stays ``01``), so that
    :func:`nt_triple` of the result gives ``text`` back.
    """
    if text.startswith("<"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    end = text.rfind('"')
    if not text.startswith('"') or end < 1:
        raise ValueError(f"not an N-Triples term: {text!r}")
    lexical, tail = unescape(text[1:end]), text[end + 1 :]
    if tail.startswith("@"):
        return Literal(lexical, lang=tail[1:])
    if tail.startswith("^^<") and tail.endswith(">"):
        return Literal(lexical, datatype=URIRef(tail[3:-1]), normalize=False)
    if tail:
        raise ValueError(f"not an N-Triples term: {text!r}")
    return Literal(lexical)


def sort_key(term: Node) -> tuple[str, str]:
    """What the writers sort rdflib terms by: their kind, then their N-Triples form."""
    return (type(term).__name__, term.n3())
