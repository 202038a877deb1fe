"""Running SPARQL: Oxigraph for speed, rdflib as the reference, and a cache of the built graph.

Two engines answer the same queries over the union of all graphs:
:class:`OxigraphEngine` (pyoxigraph, the default: joins in milliseconds) and
:class:`RdflibEngine` (rdflib's own engine, the reference a test compares
against). Both return a :class:`Result` of rdflib terms, so callers never see
engine types. Parameters are bound from outside: written into the query as a
VALUES block for Oxigraph, whose planner uses it
(:func:`kg.sparql.valuesblock.bound_query`), and as initBindings for rdflib;
the project's prefixes are pre-bound.

:func:`open_engine` gives the Oxigraph engine over the store of the build
folder (:mod:`kg.pipeline.buildfolder`, the one ``kg build`` writes), rebuilt first only
when an input changed, so an unchanged corpus opens in milliseconds. A built
file given instead (``--data``) is loaded once into a store kept in the cache
folder (``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kerman-kg``, else
``~/.cache/kerman-kg``), keyed by a digest of the file, the kerman-kg version
and its code.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import __version__, resources
from kg.errors import InputError
from kg.rdf import jsonld_contexts, namespaces, rdfio, readers
from kg.sparql.valuesblock import bound_query

PREFIXES = {prefix: str(ns) for prefix, ns in namespaces.PREFIXES.items()}
_XSD_STRING = str(XSD.string)


class QuerySyntaxError(ValueError):
    """A query the SPARQL parser rejects; the message has the parser's line and column."""


class QueryEvaluationError(ValueError):
    """A query the engine parses but cannot evaluate (an unsupported function, for one)."""


@dataclass
class Result:
    """A query's answer: rows of rdflib terms (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: list[str]
    rows: list[tuple[Node | None, ...]]
    boolean: bool | None = None
    graph: Graph | None = None


class Engine(Protocol):
    def query(self, text: str, bindings: dict[str, Node] | None = None, base_iri: str | None = None) -> Result: ...

    def labels(self) -> list[tuple[URIRef, str]]: ...


# ------------------------------------------------------------------------ terms


def to_rdflib(term: object) -> Node | None:
    """An Oxigraph term as the equal rdflib term (plain literals for xsd:string)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def normalise(term: Node | None) -> Node | None:
    """rdflib term with xsd:string literals made plain, so both engines' answers compare equal."""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == _XSD_STRING:
        return Literal(str(term))
    return term


LABELS_QUERY = """
SELECT DISTINCT ?entity ?name WHERE {
  { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?name }
  UNION { ?entity <http://www.w3.org/2004/02/skos/core#altLabel> ?name }
  FILTER(isIRI(?entity))
}"""


# ---------------------------------------------------------------------- engines


def run_bound(
    store: ox.Store, text: str, bindings: dict[str, Node], union: bool = True, base_iri: str | None = None
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Oxigraph's answer to a query with the bindings written in (:func:`~kg.sparql.valuesblock.bound_query`),
    the project's prefixes pre-bound and, with ``union``, the union of all graphs as the default graph;
    ``base_iri`` resolves the query's relative IRIs.

    A query that does not parse once the values are written in (it binds a parameter itself with BIND or
    VALUES) is run as given with every binding as a substitution, so a syntax error names the lines of the
    text the user wrote.

    Raises:
        QuerySyntaxError: The query does not parse.
    """

    def substitutions(
        values: dict[str, Node],
    ) -> dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
        return {ox.Variable(k): to_oxigraph(v) for k, v in values.items()}

    written, rest = bound_query(text, bindings)
    options: dict[str, Any] = {"prefixes": PREFIXES, "use_default_graph_as_union": union}
    if base_iri is not None:
        options["base_iri"] = base_iri
    if written != text:
        try:
            return store.query(written, substitutions=substitutions(rest), **options)
        except SyntaxError:
            pass
    try:
        return store.query(text, substitutions=substitutions(bindings), **options)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc


class OxigraphEngine:
    """SPARQL over an Oxigraph store, the union of its graphs as the default graph (unless ``union`` is False:
    then the store's default graph alone, as SPARQL datasets are elsewhere)."""

    def __init__(self, store: ox.Store, union: bool = True) -> None:
        self.store = store
        self.union = union

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> OxigraphEngine:
        store = ox.Store()
        store.load(rdfio.to_nquads(dataset), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    def query(self, text: str, bindings: dict[str, Node] | None = None, base_iri: str | None = None) -> Result:
        """Answer a query over the union of all graphs, with the bindings written in (see
        :func:`~kg.sparql.valuesblock.bound_query`)."""
        try:
            return self._result(run_bound(self.store, text, bindings or {}, self.union, base_iri))
        except RuntimeError as exc:  # Oxigraph's evaluation errors, raised when it plans or reads the answer
            raise QueryEvaluationError(f"the query cannot be evaluated: {exc}") from exc

    def _result(self, answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Result:
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", [], [], boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in answer]
            return Result("select", variables, rows)
        graph = Graph(bind_namespaces="core")
        namespaces.bind(graph)
        for triple in answer:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))  # type: ignore[arg-type]
        return Result("graph", [], [], graph=graph)

    def labels(self) -> list[tuple[URIRef, str]]:
        rows = self.query(LABELS_QUERY).rows
        return [(URIRef(str(e)), str(n)) for e, n in rows]


class RdflibEngine:
    """SPARQL with rdflib's own engine over a Dataset whose default graph is the union."""

    def __init__(self, dataset: Dataset, union: bool = True) -> None:
        self.dataset = dataset
        self.dataset.default_union = union  # the engine's dataset: kg.load() makes one for it

    def query(self, text: str, bindings: dict[str, Node] | None = None, base_iri: str | None = None) -> Result:
        from pyparsing import ParseException

        try:
            answer = self.dataset.query(
                text,
                initNs=dict(namespaces.PREFIXES),
                initBindings=bindings or None,  # type: ignore[arg-type]
                base=base_iri,
            )
        except ParseException as exc:
            raise QuerySyntaxError(f"SPARQL syntax error at {exc.lineno}:{exc.column}: {exc.msg}") from exc
        if answer.type == "ASK":
            return Result("ask", [], [], boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars or []]
            rows = [tuple(normalise(row[v]) for v in variables) for row in answer]  # type: ignore[call-overload,index]
            return Result("select", variables, rows)
        graph = Graph(bind_namespaces="core")
        namespaces.bind(graph)
        for triple in answer:
            graph.add(triple)  # type: ignore[arg-type]
        return Result("graph", [], [], graph=graph)

    def labels(self) -> list[tuple[URIRef, str]]:
        rows = self.query(LABELS_QUERY).rows
        return [(URIRef(str(e)), str(n)) for e, n in rows]


# ------------------------------------------------------------------------ cache


def cache_root() -> Path:
    """Where built stores are kept between runs."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kerman-kg"


def code_digest() -> str:
    """A digest of the package's own Python files: a cached build made by other code is not this code's build."""
    sha = hashlib.sha256()
    package = resources.package_dir()
    for path in sorted(package.rglob("*.py")):
        sha.update(str(path.relative_to(package)).encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
    return sha.hexdigest()


def inputs_digest(paths: list[Path], salt: str) -> str:
    """A digest of the files' names and bytes (folders walked in name order), the code (:func:`code_digest`)
    and a salt."""
    sha = hashlib.sha256(f"{__version__}\n{code_digest()}\n{salt}\n".encode())
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            sha.update(str(path.relative_to(root) if root.is_dir() else path.name).encode())
            sha.update(b"\0")
            sha.update(path.read_bytes())
    return sha.hexdigest()


def _cached_store(key: str, fill: Callable[[ox.Store], None]) -> tuple[Path, bool]:
    """The folder of the cached store called key, creating it with fill(store) first when missing.

    Returns:
        The store's folder (open it with ``ox.Store.read_only``) and whether it was a cache hit.
    """
    folder = cache_root() / key
    if (folder / "complete").exists():
        return folder / "store", True
    cache_root().mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=cache_root()))
    try:
        store = ox.Store(str(staging / "store"))
        fill(store)
        store.flush()
        del store
        (staging / "complete").write_text("ok\n", encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:  # another process finished first: use theirs
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder / "store", False


def open_engine(data: Path | None = None, build: Path | None = None) -> tuple[OxigraphEngine, bool]:
    """The Oxigraph engine over a built file, or over the build folder's store.

    Args:
        data: A built dataset file (TriG, N-Quads...) to query as it is (its store is cached).
        build: The build folder to read when no file is given (default: :func:`kg.pipeline.buildfolder.default_folder`),
            built first when missing or stale.

    Returns:
        The engine (over a read-only store) and whether the store was there already.
    """
    path, hit = store_path(data, build)
    return OxigraphEngine(ox.Store.read_only(str(path))), hit


#: rdflib format name -> Oxigraph's parser (every format ``kg`` reads: see :mod:`kg.rdf.readers`)
_OXIGRAPH_FORMATS = readers.OXIGRAPH_FORMATS


def _load_file(store: ox.Store, path: Path) -> None:
    """Load a built file into the store as :func:`kg.rdf.rdfio.load_dataset` reads it.

    Oxigraph's bulk loader reads the file (seconds for millions of quads, where rdflib takes minutes
    and gigabytes) under the rules of :mod:`kg.rdf.readers`, as every other command reads it: no JSON-LD
    context fetched, XML entity expansion bounded, triples outside a named graph (all of a single-graph
    format's) in a graph named after the file; a bad file gets the same error (file, line, parser's
    message) everywhere in ``kg``.
    """
    try:
        fmt = rdfio.rdf_format(path)
    except ValueError as exc:
        raise InputError(path, None, str(exc).split(": ", 1)[-1]) from exc
    readers.load_into_store(store, path, fmt)


def store_path(data: Path | None = None, build: Path | None = None) -> tuple[Path, bool]:
    """The folder of the Oxigraph store of a built file or of the build folder, making it first when missing.

    Takes the same arguments as :func:`open_engine`; for processes that open the store themselves
    (``kg serve``'s query workers).

    Returns:
        The store's folder and whether it was there already.
    """
    if data is not None:
        # a JSON-LD file's quads depend on the contexts written into it too (kg/context.jsonld, named copies)
        key = "file-" + inputs_digest([data], "file\n" + jsonld_contexts.context_salt())[:32]

        def fill_from_file(store: ox.Store) -> None:
            _load_file(store, data)

        return _cached_store(key, fill_from_file)
    from kg.pipeline import buildfolder

    folder = build or buildfolder.default_folder()
    fresh = buildfolder.staleness(folder)[1] is None
    if not fresh:
        buildfolder.ensure(folder)
    return folder / buildfolder.STORE, fresh
