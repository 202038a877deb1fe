"""A named query's text with its parameters written in, for people to read, edit and run.

``kg query`` and ``kg serve`` bind a named query's parameters from outside
(:mod:`kg.sparql.querying`); the text of the ``.rq`` file never changes. The query page
of ``kg serve`` loads a named query into its editor as an example, and there
the text must run as it stands on the plain SPARQL endpoint (which pre-binds
the project's prefixes), with the parameters' values (the given ones, else the
example's, else the defaults) visible and easy to change. :func:`written_out` adds them as a ``VALUES``
block at the top of the query's outermost group, after a comment naming each
parameter::

    WHERE {
      # parameters (edit the values to change them):
      #   attack: the attack claimed
      VALUES ?attack { kgd:kerman-bombings }
      ...

A ``VALUES`` block that opens the group is joined with everything after it,
so it binds the variable as the outside binding does; a test runs every named
query both ways and compares the answers. Optional parameters without a value
stay unbound, as they do with ``kg query``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.rdf import namespaces
from kg.sparql.querycheck import tokens
from kg.sparql.querylib import NamedQuery

#: what an IRIREF may not hold (percent-encoded when an unresolved name brings it in)
_IRI_UNSAFE = re.compile(r'[<>"{}|^`\\\x00-\x20]')
#: a local name that needs no escaping in a prefixed name
_PLAIN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


def example_params(query: NamedQuery) -> dict[str, str]:
    """The ``--param name=value`` pairs of a query's ``# example:`` command line."""
    try:
        words = shlex.split(query.example)
    except ValueError:
        return {}
    params: dict[str, str] = {}
    for before, word in zip(words, words[1:], strict=False):
        if before == "--param" and "=" in word:
            name, _, value = word.partition("=")
            params[name] = value
    return params


def sparql_term(term: Node) -> str:
    """A term in SPARQL syntax: a prefixed name of the project's prefixes when one reads cleanly."""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, namespace in sorted(namespaces.PREFIXES.items(), key=lambda pair: -len(str(pair[1]))):
            local = iri[len(str(namespace)) :]
            if iri.startswith(str(namespace)) and _PLAIN_LOCAL.match(local):
                return f"{prefix}:{local}"
        return "<" + _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), iri) + ">"
    if isinstance(term, Literal):
        return term.n3()
    raise ValueError(f"a parameter cannot be bound to {term!r}")


def values_block(query: NamedQuery, bindings: Mapping[str, Node], indent: str = "  ") -> str:
    """The comment and VALUES lines that bind the parameters (empty when nothing is bound)."""
    bound = [p for p in query.parameters if p.name in bindings]
    if not bound:
        return ""
    lines = [f"{indent}# parameters (edit the values to change them):"]
    for p in query.parameters:
        unbound = "" if p.name in bindings else f" (not bound: add ?{p.name} to VALUES to use it)"
        lines.append(f"{indent}#   {p.name}: {p.doc}{unbound}")
    names = " ".join(f"?{p.name}" for p in bound)
    terms = " ".join(sparql_term(bindings[p.name]) for p in bound)
    if len(bound) == 1:
        lines.append(f"{indent}VALUES {names} {{ {terms} }}")
    else:
        lines.append(f"{indent}VALUES ({names}) {{ ({terms}) }}")
    return "\n".join(lines) + "\n"


def group_start(text: str) -> int:
    """The offset just after the ``{`` that opens the query's WHERE clause; ValueError when there is none.

    That is the first ``{`` after the keyword WHERE outside any braces or, for a query without the
    keyword (``SELECT * { ... }``, ``ASK { ... }``), the first ``{`` of a query that is not a CONSTRUCT.
    """
    depth = 0
    after_where = False
    construct = False
    for token in tokens(text):
        if token.kind == "word" and depth == 0:
            word = token.text.upper()
            if word == "WHERE":
                after_where = True
            elif word == "CONSTRUCT":
                construct = True
        elif token.text == "{":
            if depth == 0 and (after_where or not construct):
                return token.end
            depth += 1
        elif token.text == "}":
            depth -= 1
    raise ValueError("the query has no WHERE clause")


def written_out(query: NamedQuery, bindings: Mapping[str, Node]) -> str:
    """The query's text with the bound parameters written in as a VALUES block (see the module docstring)."""
    block = values_block(query, bindings)
    if not block:
        return query.text
    at = group_start(query.text)
    newline = query.text.find("\n", at)
    rest_of_line = query.text[at : newline if newline >= 0 else len(query.text)]
    if not rest_of_line.strip():  # "WHERE {" ends its line: the block goes on the lines after it
        at = newline + 1 if newline >= 0 else len(query.text)
        return query.text[:at] + block + query.text[at:]
    return query.text[:at] + "\n" + block + query.text[at:]


__all__ = ["example_params", "group_start", "sparql_term", "values_block", "written_out"]
