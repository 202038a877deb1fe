"""Parameters written into a query's text: each value in SPARQL syntax, in a VALUES block Oxigraph plans with.

Oxigraph's planner uses a ``VALUES`` block that opens the query's WHERE group, where it ignores the same
values given as substitutions, so :class:`kg.sparql.engine.OxigraphEngine` binds a query's parameters by
writing them in (:func:`bound_query`). Each value is written so that it reads back as exactly that term
(:func:`sparql_term_text`); what cannot be written so stays a substitution.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

_XSD_STRING = str(XSD.string)

#: characters an IRI written between angle brackets may not contain (SPARQL's IRIREF)
_IRIREF_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: the escapes of a short string literal: nothing else can end it or break its line
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _iri_text(iri: str) -> str | None:
    """An absolute IRI as ``<...>``; None when it is relative or holds a character an IRIREF cannot."""
    if not _ABSOLUTE_IRI.match(iri) or _IRIREF_FORBIDDEN.search(iri):
        return None
    return f"<{iri}>"


def sparql_term_text(term: Node) -> str | None:
    """A bound value in SPARQL syntax that reads back as exactly that term, whatever prefixes the query declares.

    IRIs are written in full between angle brackets and only when they are absolute and hold no character an
    IRIREF forbids; literals are short strings with every backslash, quote and line break escaped, and their
    language tag or datatype (itself checked as an IRI). Returns None for what cannot be written so (a blank
    node, a relative or malformed IRI, a malformed language tag): such a value is bound from outside instead.
    """
    if isinstance(term, URIRef):
        return _iri_text(str(term))
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_STRING_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}" if _LANGUAGE_TAG.match(term.language) else None
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            datatype = _iri_text(str(term.datatype))
            return None if datatype is None else f"{text}^^{datatype}"
        return text
    return None


def bound_query(text: str, bindings: dict[str, Node]) -> tuple[str, dict[str, Node]]:
    """The query with its bindings written in as a ``VALUES`` block that opens its WHERE group.

    Oxigraph's planner sees a ``VALUES`` block (it starts the join order there and looks up the rest
    from the bound values) where it ignores the same values given as substitutions; a block that opens
    the outermost group is joined with everything in it, which binds the variables as substitutions do
    for the library's queries (``queries/README.md``; a test runs every named query both ways). Values
    that :func:`sparql_term_text` cannot write, variables with unusual names, and queries without a
    WHERE group (``DESCRIBE <iri>``) keep the substitutions.

    Returns:
        The text to run and the bindings still to pass as substitutions.
    """
    from kg.sparql.querytext import group_start

    written = {
        name: term_text
        for name, term in bindings.items()
        if _VARIABLE_NAME.match(name) and (term_text := sparql_term_text(term)) is not None
    }
    if not written:
        return text, dict(bindings)
    try:
        at = group_start(text)
    except ValueError:
        return text, dict(bindings)
    names = " ".join(f"?{name}" for name in written)
    values = " ".join(written.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}\n"
    rest = {name: term for name, term in bindings.items() if name not in written}
    return text[:at] + block + text[at:], rest
