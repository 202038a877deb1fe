"""Running named or hand-written queries with parameters, for the command line and for notebooks.

A parameter's value is bound, never pasted into the query. An ``entity``
parameter takes an IRI (``https://...`` or ``<...>``), a prefixed name
(``kgd:kerman-bombings``), or a name or alias that is resolved against every
``rdfs:label`` and ``skos:altLabel`` (case-insensitive, exact matches first,
then a unique partial match). A name that matches nothing binds an IRI that
matches nothing, so the answer is empty and a note says why; a name that
matches several entities equally is an error that lists them.

:func:`query` is the Python API: ``kg.query("casualty-figures")`` returns
:class:`Rows`, a list of rows with named fields, convertible to a pandas
DataFrame with :meth:`Rows.to_pandas` when pandas is installed.

A SELECT answer can be read a page at a time (``limit`` and ``offset``, as
``kg query --limit/--offset`` and ``kg serve``'s ``/queries/NAME?limit=&offset=``
do). Every named query has a total ``ORDER BY``, so consecutive pages never
overlap and together give the whole answer. A named query is paged by the
engine (``LIMIT``/``OFFSET`` added to its text, one row more than asked for, to
tell whether more follow); any other query is paged after it has run.
"""

from __future__ import annotations

import difflib
import re
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.rdf import namespaces
from kg.sparql.engine import Engine, Result, open_engine
from kg.sparql.querylib import NamedQuery, QueryLibraryError, find, library

UNKNOWN_NS = "urn:x-kerman-kg:unknown:"


@dataclass
class Prepared:
    """A query ready to run: its text, bound parameters, and notes for the user.

    ``more`` is set by :func:`run` when it read a page: whether rows follow the page (None when the
    answer was not paged).
    """

    text: str
    bindings: dict[str, Node]
    notes: list[str] = field(default_factory=list)
    named: NamedQuery | None = None
    more: bool | None = None
    #: the base IRI of the query's relative IRIs: a .rq file's own IRI (None for the library's queries)
    base_iri: str | None = None


@dataclass(frozen=True)
class Page:
    """Which rows of a SELECT answer to read: ``limit`` rows (all when None) after skipping ``offset``."""

    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit is not None and (
            isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1
        ):
            raise QueryLibraryError(f"the limit must be a whole number of rows, 1 or more, not {self.limit!r}")
        if isinstance(self.offset, bool) or not isinstance(self.offset, int) or self.offset < 0:
            raise QueryLibraryError(f"the offset must be a whole number of rows, 0 or more, not {self.offset!r}")

    @property
    def whole(self) -> bool:
        """Whether this page is the whole answer (no limit, no offset)."""
        return self.limit is None and self.offset == 0

    def clause(self) -> str:
        """The solution modifiers that read this page and one row more (to tell whether rows follow)."""
        limit = "" if self.limit is None else f"LIMIT {self.limit + 1}\n"
        return f"\n{limit}OFFSET {self.offset}\n"


def expand(value: str) -> URIRef | None:
    """An IRI written as https://..., <...> or prefix:local (kga:<stem> too, as tables print it); None otherwise."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return _checked_iri(text[1:-1], value)
    if text.startswith(("http://", "https://", "urn:")):
        return _checked_iri(text, value)
    prefix, sep, local = text.partition(":")
    if sep and " " not in local:
        for display, namespace in namespaces.DISPLAY_PREFIXES:  # kgd:, kgo:... and kga: as tables print it
            if display == prefix + ":":
                return _checked_iri(namespace + local, value)
    return None


def _checked_iri(text: str, value: str) -> URIRef:
    """The IRI, when it is a valid absolute IRI; QueryLibraryError otherwise."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError as exc:
        raise QueryLibraryError(
            f"'{value}' is not a valid absolute IRI ({exc}): give an IRI such as <https://w3id.org/kerman-kg/id/...>, "
            "a prefixed name (kgd:...) or a name"
        ) from exc
    return URIRef(text)


def resolve_entity(engine: Engine, value: str, notes: list[str]) -> URIRef:
    """The IRI a parameter value names (see the module docstring)."""
    iri = expand(value)
    if iri is not None:
        return iri
    wanted = value.strip().casefold()
    names = engine.labels()
    exact = sorted({e for e, n in names if n.casefold() == wanted})
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise QueryLibraryError(f"'{value}' names several entities: {', '.join(map(str, exact))}; give an IRI")
    partial = sorted({e for e, n in names if wanted in n.casefold()})
    if len(partial) == 1:
        label = next(n for e, n in names if e == partial[0] and wanted in n.casefold())
        notes.append(f"'{value}' taken as {partial[0]} ('{label}')")
        return partial[0]
    close = difflib.get_close_matches(value, sorted({n for _, n in names}), n=3, cutoff=0.6)
    hint = f"; close names: {', '.join(repr(c) for c in close)}" if close else ""
    if partial:
        hint = f"; it is part of several names ({len(partial)} entities): give more of the name or an IRI"
    notes.append(f"no entity is called '{value}', so the answer is empty{hint}")
    return URIRef(UNKNOWN_NS + quote(value.strip().replace(" ", "_"), safe=""))


def bind(engine: Engine, query: NamedQuery, params: dict[str, str]) -> tuple[dict[str, Node], list[str]]:
    """The bindings of a named query's parameters: given values, else defaults; unknown names are errors."""
    for name in params:
        query.parameter(name)  # raises with the close matches
    bindings: dict[str, Node] = {}
    notes: list[str] = []
    for p in query.parameters:
        raw = params.get(p.name, p.default)
        if raw is None:
            if p.required:
                raise QueryLibraryError(f"query '{query.name}' needs --param {p.name}=...: {p.doc}")
            continue
        if p.kind == "entity":
            bindings[p.name] = resolve_entity(engine, raw, notes)
        elif p.kind == "integer":
            try:
                bindings[p.name] = Literal(int(raw))
            except ValueError as exc:
                raise QueryLibraryError(f"parameter {p.name} must be a whole number, not '{raw}'") from exc
        else:
            bindings[p.name] = Literal(raw)
    return bindings, notes


def prepare(engine: Engine, name_or_text: str, params: dict[str, str] | None = None) -> Prepared:
    """A named query (by name or .rq path) or SPARQL text, with its parameters bound.

    A query that is not one of the library's is checked first (:func:`kg.sparql.querycheck.check_query`:
    no update, no SERVICE, a bounded nesting), so that it cannot make a request or crash the parser.

    Raises:
        kg.sparql.querycheck.QueryRefused: A query that must not run (a ValueError).
    """
    from kg.sparql.querycheck import check_query

    params = params or {}
    candidate = Path(name_or_text)
    if name_or_text.endswith(".rq") and candidate.is_file():
        from kg.sparql.querylib import parse_header

        base = candidate.resolve().as_uri()
        try:
            named = parse_header(candidate)
        except QueryLibraryError:
            text = candidate.read_text(encoding="utf-8")
            check_query(text)
            return Prepared(text, _free_bindings(params), base_iri=base)
        check_query(named.text)
        bindings, notes = bind(engine, named, params)
        return Prepared(named.text, bindings, notes, named, base_iri=base)
    if _looks_like_sparql(name_or_text):
        check_query(name_or_text)
        return Prepared(name_or_text, _free_bindings(params))
    named = find(name_or_text)
    bindings, notes = bind(engine, named, params)
    return Prepared(named.text, bindings, notes, named)


def _looks_like_sparql(text: str) -> bool:
    words = text.upper().split()
    return any(w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") for w in words) or "{" in text


def _free_bindings(params: dict[str, str]) -> dict[str, Node]:
    """Parameters of a hand-written query: IRIs when they look like IRIs, else literals."""
    return {k: expand(v) or Literal(v) for k, v in params.items()}


#: a LIMIT or OFFSET among the last words of a query, or a VALUES block that ends it: a page cannot be
#: added to its text
_TRAILING_MODIFIER = re.compile(r"\b(LIMIT|OFFSET)\b[^{}]*$|\bVALUES\b[^{}]*\{[^{}]*\}\s*$", re.IGNORECASE)


def paged_text(text: str, page: Page) -> str | None:
    """The query with the page's LIMIT and OFFSET added; None when its last clause does not allow it.

    The library's queries end with their ORDER BY (their headers and comments say so), so the page
    goes after it. A query that ends with a LIMIT, OFFSET or VALUES of its own is paged by :func:`run`
    after it has run.
    """
    code = "\n".join(line.split("#", 1)[0] if line.lstrip().startswith("#") else line for line in text.splitlines())
    if _TRAILING_MODIFIER.search(code):
        return None
    return text.rstrip() + page.clause()


def run(
    engine: Engine,
    name_or_text: str,
    params: dict[str, str] | None = None,
    page: Page | None = None,
    base_iri: str | None = None,
) -> tuple[Result, Prepared]:
    """Prepare and run a query; with a page, only those rows of a SELECT answer (``Prepared.more`` says
    whether rows follow). ``base_iri``, when given, resolves the query's relative IRIs (instead of a .rq
    file's own IRI).

    Raises:
        QueryLibraryError: A page of an answer that is not a table (ASK, CONSTRUCT, DESCRIBE).
    """
    prepared = prepare(engine, name_or_text, params)
    if base_iri is not None:
        prepared.base_iri = base_iri
    if page is None or page.whole:
        return engine.query(prepared.text, prepared.bindings, prepared.base_iri), prepared
    text = paged_text(prepared.text, page) if prepared.named is not None else None
    result = engine.query(text or prepared.text, prepared.bindings, prepared.base_iri)
    if result.kind != "select":
        raise QueryLibraryError(
            "--limit and --offset read a page of the rows of a SELECT query, not of an ASK, "
            "CONSTRUCT or DESCRIBE answer"
        )
    rows = result.rows if text is not None else result.rows[page.offset :]
    if page.limit is not None:
        prepared.more = len(rows) > page.limit
        rows = rows[: page.limit]
    else:
        prepared.more = False
    return Result(result.kind, result.variables, rows), prepared


# ------------------------------------------------------------------------ Python API


class Rows(list):  # type: ignore[type-arg]
    """A query's rows with named fields; ``.columns``, ``.notes``, ``.more`` and ``.to_pandas()``.

    ``more`` is True when a page (``limit``) was read and rows follow it.
    """

    columns: list[str]
    notes: list[str]
    more: bool = False

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (install the 'pandas' extra)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("to_pandas() needs pandas: pip install 'kerman-kg[pandas]'") from exc
        return pd.DataFrame([tuple(r) for r in self], columns=self.columns)


def python_value(term: Node | None) -> Any:
    """An RDF term as a plain Python value: IRIs as strings, literals as their Python value."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def query(
    name_or_sparql: str,
    data: str | Path | None = None,
    engine: Engine | None = None,
    limit: int | None = None,
    offset: int = 0,
    **params: str,
) -> Rows:
    """Run a named query (or any SPARQL) over the built graph and return its rows.

    Args:
        name_or_sparql: A query name from ``kg queries``, a ``.rq`` file, or SPARQL text.
        data: A built dataset file to query instead of the (cached) build of the embedded corpus.
        engine: An engine to use instead (e.g. :class:`kg.sparql.engine.RdflibEngine`).
        limit: Return at most this many rows (a page); ``Rows.more`` tells whether rows follow.
        offset: Skip this many rows first (the rows of the earlier pages).
        **params: The query's parameters, e.g. ``attack="Kerman"``.

    Example:
        >>> rows = kg.query("death-toll-range")
        >>> rows[0].low, rows[0].high
        >>> first = kg.query("article-metadata", limit=10)
        >>> second = kg.query("article-metadata", limit=10, offset=10)
    """
    page = Page(limit, offset)
    if engine is None:
        engine, _ = open_engine(Path(data) if data is not None else None)
    result, prepared = run(engine, name_or_sparql, {k: str(v) for k, v in params.items()}, page)
    if result.kind != "select":
        raise QueryLibraryError("kg.query returns rows; run CONSTRUCT, DESCRIBE and ASK queries with the engine")
    Row = namedtuple("Row", result.variables, rename=True)  # type: ignore[misc]
    rows = Rows(Row(*(python_value(v) for v in row)) for row in result.rows)
    rows.columns = list(result.variables)
    rows.notes = prepared.notes
    rows.more = bool(prepared.more)
    return rows


__all__ = ["Page", "Rows", "bind", "library", "paged_text", "prepare", "query", "resolve_entity", "run"]
