"""Reading a SPARQL query before it runs: its tokens, its form, and the checks that keep it local and bounded.

``kg serve`` answers queries from anyone who can reach it, and ``kg query``
runs whatever text it is given; both run them on Oxigraph, which evaluates
``SERVICE`` by making an HTTP request and whose recursive parser overflows its
stack on a query nested a few thousand levels deep. Everything here reads the
text only; nothing runs it.

:func:`tokens` is the project's one SPARQL tokenizer (:mod:`kg.sparql.querytext`
uses it to find a query's WHERE group). It knows where comments, strings and
IRIs start and end, escapes included: an IRI may hold ``\\u0041`` (``<x:\\u0041#>``
is one IRI, and its ``#`` does not start a comment that hides the rest of the
line). :func:`inspect_query` reads a query's form (SELECT/ASK, CONSTRUCT/DESCRIBE,
an update), whether the keyword SERVICE or FROM occurs, and how deeply it nests
groups, lists and brackets.

:func:`check_query` is what both the server and ``kg query`` call. It refuses:

- an update (403 on the server): the store is read-only anyway;
- a query nested deeper than :data:`MAX_DEPTH`;
- any SERVICE, found on the parse tree of rdflib's SPARQL parser
  (``ServiceGraphPattern`` anywhere: in subqueries, OPTIONAL, MINUS, EXISTS,
  with an IRI, a prefixed name or a variable) and, before that, among the
  tokens. A query that rdflib's parser cannot read (its grammar lags
  Oxigraph's on a few forms, and it recurses on long queries) is refused when
  its text, with every ``\\u``/``\\U`` escape undone, holds the letters
  "service" anywhere, comments and strings included: a parser gap can then
  refuse a harmless query, never let a SERVICE through.

With ``strict`` (``kg serve --endpoint``, whose workers forward queries to a
remote store and so cannot be cut off from the network) it refuses more, on the
parse tree alone: a query rdflib's parser cannot read (so a store's own syntax,
such as Virtuoso's ``DEFINE input:grab-all "yes"`` pragmas that make it fetch
URLs, never reaches the store), and a call of any function that is not one of
SPARQL's built-ins or an XSD cast (a store's extension functions, Virtuoso's
``bif:`` ones among them).

This is the first guard, not the only one: the query workers of ``kg serve``
cannot open a network connection at all (:mod:`kg.web.workers.sandbox`), except in front of
a remote store, where this check is the guard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: the deepest nesting of ``{``, ``(`` and ``[`` a query may have (Oxigraph's parser recurses on each level)
MAX_DEPTH = 64

READ_ONLY = "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP...) is not accepted"
NO_SERVICE = "SERVICE is not allowed: kerman-kg makes no requests to other endpoints (federated queries are disabled)"
NOT_STANDARD = (
    "this endpoint forwards only standard SPARQL 1.1 queries that it can parse to the store behind it, and "
    "cannot parse this one"
)

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<open>[{{(\[])
  | (?P<close>[}})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
QUERY_FORMS = {"SELECT": "select", "ASK": "select", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_ESCAPE = re.compile(_UCHAR)


class QueryRefused(ValueError):
    """A query that must not run; ``status`` is the HTTP status the server answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a query, whitespace left out: comment, string, iri, var, pname, word, open, close, other.

    ``open`` and ``close`` are the brackets ``{ ( [`` and ``} ) ]``.
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            yield Token(kind, match.group(), match.start())


@dataclass(frozen=True)
class QueryShape:
    """What the tokens of a query say before it is parsed.

    ``kind`` is ``select`` (SELECT, ASK), ``graph`` (CONSTRUCT, DESCRIBE) or None when the first
    keyword after the prologue is none of them; ``update`` when that keyword starts an update;
    ``service`` when the keyword SERVICE occurs anywhere; ``dataset`` when FROM does; ``depth`` is the
    deepest nesting of brackets.
    """

    kind: str | None
    update: bool
    service: bool
    dataset: bool
    depth: int = 0


def inspect_query(text: str) -> QueryShape:
    """Read a query's keywords and nesting, skipping comments, strings, IRIs, variables and prefixed names."""
    words: list[str] = []
    depth = deepest = 0
    for token in tokens(text):
        if token.kind == "word":
            words.append(token.text.upper())
        elif token.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "close":
            depth = max(depth - 1, 0)
    first = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    return QueryShape(
        kind=QUERY_FORMS.get(first or ""),
        update=first in UPDATE_WORDS,
        service="SERVICE" in words,
        dataset="FROM" in words,
        depth=deepest,
    )


def unescaped(text: str) -> str:
    """The text with every ``\\uXXXX`` and ``\\UXXXXXXXX`` escape replaced by its character (SPARQL 1.1, 19.2)."""

    def character(match: re.Match[str]) -> str:
        code = int(match.group()[2:], 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _ESCAPE.sub(character, text)


def _parse_tree(text: str) -> Any | None:
    """rdflib's parse tree of a query, or None when its parser cannot read it."""
    return _parsed(text)[0]


def _parsed(text: str) -> tuple[Any | None, str]:
    """rdflib's parse tree of a query, or None and why its parser cannot read it (line and column)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(text), ""
    except RecursionError:
        return None, "it is nested too deeply for the parser"
    except ParseBaseException as exc:
        return None, f"at line {exc.lineno}, column {exc.column}: {exc.msg}"
    except Exception:  # whatever a grammar gap raises
        return None, "the parser failed on it"


def _node_names(node: Any) -> Iterator[str]:
    """The names of every node of an rdflib parse tree (CompValue), depth first, without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item.name
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def uses_service(text: str) -> bool:
    """Whether a query has a SERVICE pattern anywhere; when rdflib cannot parse it, whether it could have one."""
    tree = _parse_tree(text)
    if tree is None:
        return "service" in unescaped(text).casefold() or "service" in text.casefold()
    return any(name == "ServiceGraphPattern" for name in _node_names(tree))


def _extension_functions(tree: Any) -> list[str]:
    """The functions an rdflib parse tree calls that are not XSD casts, as written (SPARQL's built-ins are
    nodes of their own, not calls). A prefixed name is read with the query's PREFIX declarations and the
    project's pre-bound prefixes; one that neither declares counts as an extension."""
    from rdflib.plugins.sparql.parserutils import CompValue

    from kg.rdf.namespaces import PREFIXES

    declared = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    calls: list[Any] = []
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "PrefixDecl":
                declared[str(item.get("prefix") or "")] = str(item.get("iri"))
            elif item.name == "Function":
                calls.append(item.get("iri"))
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    refused = []
    for iri in calls:
        if isinstance(iri, CompValue) and iri.name == "pname":
            prefix, local = str(iri.get("prefix") or ""), str(iri.get("localname") or "")
            full, shown = declared.get(prefix, "") + local if prefix in declared else "", f"{prefix}:{local}"
        else:
            full = shown = str(iri)
            shown = f"<{shown}>"
        if not full.startswith(str(PREFIXES["xsd"])):  # an XSD cast
            refused.append(shown)
    return refused


def check_query(text: str, parse: bool = True, strict: bool = False) -> QueryShape:
    """The shape of a query that may run; QueryRefused for an update, SERVICE or too deep a nesting.

    With ``parse`` False only the tokens are read (fast enough for the server's event loop); the
    query workers and ``kg query`` parse as well. With ``strict`` (a query forwarded to a remote store)
    the query must also parse with rdflib's SPARQL 1.1 parser and call no function but SPARQL's built-ins
    and the XSD casts (400 otherwise); ``parse`` is then implied.
    """
    shape = inspect_query(text)
    if shape.update:
        raise QueryRefused(403, READ_ONLY)
    if shape.depth > MAX_DEPTH:
        raise QueryRefused(
            400,
            f"the query nests groups, lists or brackets {shape.depth} deep; at most {MAX_DEPTH} levels are accepted",
        )
    if shape.service:
        raise QueryRefused(400, NO_SERVICE)
    if strict:
        if shape.kind is None:  # DEFINE, SPARQL, a store's own keyword before the query form
            raise QueryRefused(400, f"{NOT_STANDARD} (it does not start with a prologue and a query form)")
        tree, why = _parsed(text)
        if tree is None:
            raise QueryRefused(400, f"{NOT_STANDARD} ({why})")
        if any(name == "ServiceGraphPattern" for name in _node_names(tree)):
            raise QueryRefused(400, NO_SERVICE)
        extensions = _extension_functions(tree)
        if extensions:
            raise QueryRefused(
                400,
                f"this endpoint forwards queries to the store behind it without extension functions: "
                f"{', '.join(sorted(set(extensions)))} is not one of SPARQL 1.1's functions or an XSD cast",
            )
    elif parse and uses_service(text):
        raise QueryRefused(400, NO_SERVICE)
    return shape


__all__ = [
    "MAX_DEPTH",
    "NOT_STANDARD",
    "NO_SERVICE",
    "READ_ONLY",
    "QueryRefused",
    "QueryShape",
    "Token",
    "check_query",
    "inspect_query",
    "tokens",
    "unescaped",
    "uses_service",
]
