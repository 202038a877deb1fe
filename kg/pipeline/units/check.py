"""The check of a build by units: the shapes article by article, kept in each unit; the rest over the whole.

:mod:`kg.pipeline.units.incremental` keeps what each article derives by the digest of its inputs; this
module does the same for what the SHACL shapes find in it (:mod:`kg.pipeline.units.shacl` shows the split is exact).
An article's problems are a function of its unit, of the shared inputs (ontology, shapes, registry: in every unit's
key) and of its *context*: the triples of other units its focus nodes read (with today's shapes, the types of the
nodes it points at, such as a registry entity typed by another article, or a statement of another article it answers).
A unit therefore also keeps

- ``reads``: the nodes whose triples its context reads (N-Triples), and
- ``exports``: its own triples that other units' contexts may read (:func:`kg.pipeline.units.context.exported_triples`),

and a unit read back is checked again when an export of a node it reads changed: one of an article made
again, of an article removed, or of the shared graphs (:func:`stale_units`); a build by units checks the
articles it made and those (:func:`check_units`).

What spans units is checked over the whole on every build: the shapes on the shared unit (registry,
background, provenance, and whatever the articles state of registry entities) and the quality checks
of ``queries/checks/`` (SPARQL, in Oxigraph). Every finding is reported at the YAML line behind it, as
:mod:`kg.curation.check` does.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.curation.check import Locator, Problem
from kg.curation.registry import Entity
from kg.pipeline.findings import Finding
from kg.pipeline.ntreasoning import Strings
from kg.pipeline.reasoning import INFERRED_GRAPH
from kg.pipeline.units.reasoning import owner
from kg.pipeline.units.records import Unit, nt_rows, read_shared_exports, row_text, text_rows
from kg.rdf import namespaces
from kg.rdf.ntriples import Triple, nt_triple

#: what a unit keeps of each problem
ProblemRecord = dict[str, object]


def to_record(problem: Problem) -> ProblemRecord:
    return {
        "file": str(problem.file) if problem.file else None,
        "line": problem.line,
        "severity": problem.severity,
        "message": problem.message,
    }


def from_record(record: Mapping[str, object]) -> Problem:
    file, line = record.get("file"), record.get("line")
    return Problem(
        Path(str(file)) if file else None,
        int(line) if isinstance(line, int) else None,
        str(record["severity"]),
        str(record["message"]),
    )


@functools.cache
def _node(text: str) -> Node:
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    from kg.pipeline.units.findingjson import node_from_nt

    return node_from_nt(text)


def rdflib_rows(rows: Iterable[Strings]) -> list[Triple]:
    """Rows written in N-Triples as rdflib triples."""
    return [(_node(s), _node(p), _node(o)) for s, p, o in rows]


def located(findings: Iterable[Finding], locator: Locator) -> list[Problem]:
    return [locator.problem(finding) for finding in findings]


def article_check(
    stem: str,
    unit: Collection[Triple],
    index: object,
    origins: Mapping[str, tuple[str, int]],
    corpus: Path,
) -> tuple[list[ProblemRecord], list[str], list[Strings]]:
    """What the shapes find in an article's unit: its problems, the nodes its context reads, its exports.

    Args:
        stem: The article.
        unit: Its triples: every asserted triple whose subject it owns.
        index: A :class:`kg.pipeline.units.context.ContextIndex` holding at least the exports of the units it points at.
        origins: IRI -> (file, line) of what it and the registry mint.
        corpus: The corpus folder, where a problem with no origin is reported.
    """
    from kg.pipeline.units.context import ContextIndex, context_nodes, exported_triples
    from kg.pipeline.units.partition import Partition
    from kg.pipeline.units.shacl import unit_findings

    assert isinstance(index, ContextIndex)
    owned = Partition([stem]).owned_by(stem)
    context = index.for_unit(unit, owned)
    findings = unit_findings(unit, context, owned)
    reads = {node.n3() for node in context_nodes(unit, owned)}
    reads.update(triple[0].n3() for triple in context)
    locator = Locator({URIRef("urn:unit"): unit}, _origins(origins), corpus)
    problems = [to_record(problem) for problem in located(findings, locator)]
    return problems, sorted(reads), sorted(nt_triple(t) for t in exported_triples(unit))


class _Origins(Mapping[URIRef, tuple[Path, int]]):
    """Origins kept by IRI string, read as :class:`kg.curation.check.Locator` reads them (made on lookup: a build has
    hundreds of thousands, a locator looks up a few)."""

    def __init__(self, origins: Mapping[str, tuple[str, int]]) -> None:
        self._origins = origins

    def __getitem__(self, iri: URIRef) -> tuple[Path, int]:
        file, line = self._origins[str(iri)]
        return Path(file), line

    def __contains__(self, iri: object) -> bool:
        return str(iri) in self._origins

    def __iter__(self) -> Iterator[URIRef]:
        return (URIRef(iri) for iri in self._origins)

    def __len__(self) -> int:
        return len(self._origins)


def _origins(origins: Mapping[str, tuple[str, int]]) -> _Origins:
    return _Origins(origins)


def stale_units(reads: Mapping[str, Iterable[str]], changed: set[str]) -> list[str]:
    """The units (by stem) whose context reads a node whose exports changed."""
    return [stem for stem, nodes in reads.items() if not changed.isdisjoint(nodes)]


def shared_problems(
    shared_unit: list[Triple],
    exports: Iterable[Strings],
    article_ids: Collection[str],
    origins: Mapping[str, tuple[str, int]],
    corpus: Path,
    provenance: set[Node],
    stable_key: str,
    kept: Mapping[str, object] | None = None,
) -> tuple[list[Problem], dict[str, object]]:
    """What the shapes find in the shared unit, with the context the articles' exports give it.

    The shared unit is checked in two parts, by focus node: the nodes the provenance graph describes (graph
    names, the build activity and its agents), which change with every build and are checked every time;
    and the rest (registry entities, the ontology), whose problems are kept with a key of their triples and
    context and reused while that key holds.

    Args:
        shared_unit: Every asserted triple whose subject no article owns.
        exports: The exported rows of every article (see :mod:`kg.pipeline.units.shacl`).
        article_ids: Every article.
        origins: IRI -> (file, line), for the problems.
        corpus: Where a problem with no origin is reported.
        provenance: The subjects of the provenance part.
        stable_key: A key of the rest's triples (the shared inputs and what the articles state of shared nodes).
        kept: What the last build kept of the rest (``{"key": ..., "problems": [...]}``), if anything.

    Returns:
        The problems, and what to keep of the rest for the next build.
    """
    from kg.pipeline.units.context import ContextIndex
    from kg.pipeline.units.partition import Partition
    from kg.pipeline.units.shacl import validate_units
    from kg.pipeline.units.shapereads import dependencies
    from kg.pipeline.validationview import ontology_or_default

    deps = dependencies()
    rows = list(exports)
    if not deps.inverse and not (deps.deep_forward - {RDF.type, RDFS.subClassOf}):
        # what the shared unit reads of an article is the exports of the nodes it points at
        pointed = {nt_triple(t)[2] for t in shared_unit if not isinstance(t[2], Literal)}
        rows = [row for row in rows if row[0] in pointed]
    ontology = ontology_or_default(None)
    index = ContextIndex([*shared_unit, *rdflib_rows(rows)], ontology, deps)
    is_shared = Partition(article_ids).is_shared

    def part(node: Node) -> str | None:
        if not is_shared(node):
            return None
        return "provenance" if node in provenance else "rest"

    with_ontology = list({t: None for t in (*shared_unit, *ontology)})
    units: dict[str, tuple[list[Triple], list[Triple]]] = {}
    for name in ("provenance", "rest"):
        triples = [t for t in with_ontology if part(t[0]) == name]
        units[name] = (triples, index.for_unit(triples, lambda node, name=name: part(node) == name))  # type: ignore[misc]
    rest_key = hashlib.sha256(stable_key.encode())
    for row in sorted(nt_triple(t) for t in units["rest"][1]):
        rest_key.update(" ".join(row).encode() + b"\n")
    key = rest_key.hexdigest()
    locator = Locator({URIRef("urn:shared"): shared_unit}, _origins(origins), corpus)
    records = kept.get("problems") if kept is not None and kept.get("key") == key else None
    rest: list[Problem] = []
    if isinstance(records, list):
        del units["rest"]
        rest = [from_record(record) for record in records]
    found = validate_units(units, part)
    if "rest" in found:
        rest = located(found["rest"], locator)
    problems = [*located(found["provenance"], locator), *rest]
    return problems, {"key": key, "problems": [to_record(problem) for problem in rest]}


def check_units(
    units: dict[str, Unit],
    made: dict[str, set[Triple]],
    shared: list[Triple],
    provenance: set[Triple],
    registry: dict[str, Entity],
    cache: Path,
    corpus: Path,
) -> tuple[list[Triple], set[Strings], list[str]]:
    """Run the shapes on the units made and on those whose context changed.

    Returns:
        The shared unit, its exports, and the units read back that were checked again.

    Sets each such unit's problems, reads and exports (:func:`article_check`).
    """
    from kg.pipeline.units.context import ContextIndex, exported_triples

    owned: dict[str, list[Triple]] = {}
    shared_unit = list(shared)
    for triple in provenance:
        stem = owner(f"<{triple[0]}>") if isinstance(triple[0], URIRef) else None
        if stem in units:
            owned.setdefault(stem, []).append(triple)
        else:
            shared_unit.append(triple)
    for unit in units.values():
        shared_unit.extend(rdflib_rows(text_rows(unit.boundary)))
    # what changed of what contexts read: the exports of the articles made (before and after) and removed
    changed: set[str] = set()
    for stem, triples in made.items():
        changed.update(row[0] for row in nt_rows(exported_triples([*triples, *owned.get(stem, [])])))
    previous = {path.name[: -len(".json")] for path in cache.glob("*.json")} if cache.is_dir() else set()
    for stem in [*made, *(p for p in previous if p not in units)]:
        old = Unit.load(cache, stem, None)
        if old is not None:
            changed.update(row[0] for row in text_rows(old.exports))
    shared_exports = set(nt_rows(exported_triples(shared_unit)))
    changed.update(row[0] for row in shared_exports ^ read_shared_exports(cache))
    stale = stale_units({s: u.reads for s, u in units.items() if s not in made}, changed)
    checking: dict[str, list[Triple]] = {stem: [*triples, *owned.get(stem, [])] for stem, triples in made.items()}

    for stem in stale:
        unit = units[stem]
        checking[stem] = [*rdflib_rows(text_rows(unit.graph + unit.records)), *owned.get(stem, [])]
    if not checking:
        return shared_unit, shared_exports, stale
    pointed = {row[2] for triples in checking.values() for row in nt_rows(triples)}
    exports = [
        row
        for stem, unit in units.items()
        if stem not in checking
        for row in text_rows(unit.exports)
        if row[0] in pointed
    ]
    index = ContextIndex([*shared_unit, *rdflib_rows(exports), *(t for ts in checking.values() for t in ts)])
    registry_origins = {str(e.iri): (str(e.file), e.line) for e in registry.values()}
    for stem, unit_triples in checking.items():
        unit = units[stem]
        problems, reads, exported = article_check(
            stem, unit_triples, index, {**registry_origins, **unit.origins}, corpus
        )
        unit.problems, unit.reads, unit.exports = problems, reads, row_text(exported)
    return shared_unit, shared_exports, stale


def check_problems(nquads: bytes, origins: Mapping[str, tuple[str, int]], corpus: Path) -> list[Problem]:
    """What the quality checks find in the asserted quads of a build (its N-Quads without the inferred graph)."""
    from kg.pipeline.qualitychecks import check_rows, run_checks

    inferred = f" {INFERRED_GRAPH.n3()} .".encode()
    asserted = b"\n".join(line for line in nquads.split(b"\n") if not line.endswith(inferred))
    store = ox.Store()
    store.load(asserted, format=ox.RdfFormat.N_QUADS)
    rows = check_rows(store)
    if not rows:
        return []
    terms = {value for row in rows for _, value in row.values if value is not None}
    view = Graph(bind_namespaces="core")
    namespaces.bind(view)
    stating: list[Triple] = []
    for term in terms:
        if isinstance(term, URIRef):
            for quad in store.quads_for_pattern(ox.NamedNode(str(term)), ox.NamedNode(str(RDFS.label)), None):
                label = quad.object
                if isinstance(label, ox.Literal):
                    view.add((term, RDFS.label, Literal(label.value, lang=label.language)))
            for predicate in (RDF.subject, RDF.object):  # the assertions that state a triple of these terms
                for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), ox.NamedNode(str(term))):
                    if isinstance(quad.subject, ox.NamedNode):
                        stating.append((URIRef(quad.subject.value), predicate, term))
    findings = run_checks(store, view, rows=rows)
    locator = Locator({URIRef("urn:checks"): stating}, _origins(origins), corpus)
    return located(findings, locator)
