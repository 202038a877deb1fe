"""Findings as JSON, to be cached: a :class:`kg.pipeline.findings.Finding` to a JSON object and back, exactly.

:func:`finding_to_json` and :func:`finding_from_json` write a finding to a JSON object and back, its
``terms`` as N-Triples terms (:func:`node_to_nt`, read back by :func:`node_from_nt`), exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.plugins.parsers.ntriples import W3CNTriplesParser, r_literal, r_wspace, unquote, uriquote
from rdflib.term import Node

from kg.pipeline.findings import Finding


def node_to_nt(node: Node) -> str:
    """A node as an N-Triples term: ``<iri>``, ``_:label``, or a literal with its language or datatype."""
    if isinstance(node, URIRef):
        return f"<{_escape_iri(str(node))}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype is not None:
            return f'"{text}"^^{node_to_nt(node.datatype)}'
        return f'"{text}"'
    raise TypeError(f"not an RDF term: {node!r}")


_IRI_ESCAPED = frozenset('<>"{}|^`\\')


def _escape_iri(text: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if ord(c) <= 0x20 or c in _IRI_ESCAPED else c for c in text)


class _TermReader(W3CNTriplesParser):
    """rdflib's N-Triples parser, reading one term; a literal keeps its lexical form as written
    (rdflib would normalize ``"05"^^xsd:integer`` to ``"5"``, another literal)."""

    def literal(self) -> Literal | bool:  # type: ignore[override]
        if not self.peek('"'):
            return False
        lexical, language, datatype = self.eat(r_literal).groups()
        iri = URIRef(uriquote(unquote(datatype))) if datatype else None
        return Literal(unquote(lexical), language or None, iri, normalize=False)


def node_from_nt(text: str) -> Node:
    """The node an N-Triples term (:func:`node_to_nt`) writes, read with rdflib's N-Triples parser."""
    if text.startswith("_:"):
        return BNode(text[2:])
    reader = _TermReader()
    reader.line = text
    try:
        node = reader.uriref() or reader.literal()
        reader.eat(r_wspace)
    except Exception as error:  # rdflib's ParseError, or a failed match
        raise ValueError(f"not an N-Triples term: {text!r}") from error
    if node is False or reader.line:
        raise ValueError(f"not an N-Triples term: {text!r}")
    return node  # type: ignore[return-value]


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """A finding as a JSON object: its fields by name, ``terms`` as a list of N-Triples terms."""
    data: dict[str, Any] = {name: getattr(finding, name) for name in _FINDING_FIELDS if name != "terms"}
    data["terms"] = [node_to_nt(term) for term in finding.terms]
    return data


def finding_from_json(data: Mapping[str, Any]) -> Finding:
    """The finding a JSON object of :func:`finding_to_json` holds, ``terms`` included.

    Raises:
        ValueError: When the object lacks a field of a finding or has one a finding lacks.
    """
    if set(data) != set(_FINDING_FIELDS):
        raise ValueError(
            f"a finding has the fields {sorted(_FINDING_FIELDS)}, not {sorted(data)}: "
            "a cache written by another version of kg"
        )
    values = {name: data[name] for name in _FINDING_FIELDS if name != "terms"}
    return Finding(**values, terms=tuple(node_from_nt(term) for term in data["terms"]))
