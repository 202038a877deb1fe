"""The SHACL validation of a dataset, split article by article so that its findings can be cached.

:func:`kg.pipeline.validation.validate` runs the shapes of ``shapes/*.ttl`` on the whole *validation view*
(every asserted graph and the ontology, see :mod:`kg.pipeline.validation`). This module gives the same
findings unit by unit, so that a build that changes one article re-validates only that article.

**The partition.** A node is *owned by article A* when it is an IRI equal to
``kg.rdf.iris.article(A)`` or starting with ``kg.rdf.iris.article(A) + "/"``
(:class:`kg.pipeline.units.partition.Partition`); every other node (registry entities, graph names, ontology
terms, blank nodes, literals) is *shared*.
The *unit* of A is every asserted triple, in any graph, whose subject A owns; the *shared unit* is
every other asserted triple, and the ontology's (the view holds them too). A finding belongs to the
unit that owns its focus node, so the findings of the whole are the disjoint union of the units'.

**What a focus node's findings read.** SHACL decides a focus node's findings from a bounded set of
triples, and :func:`kg.pipeline.units.shapereads.dependencies` reads that set off the shapes, as a
:class:`kg.pipeline.units.readplans.ReadPlan` (see :mod:`kg.pipeline.units.shapereads`); whatever it cannot bound
raises :class:`kg.pipeline.units.readplans.UnsupportedShapes` when the plan is made, so a new shape cannot
silently make the units wrong.

**The context, and why it is exact.** The *context* of a unit is every triple of the whole view,
outside the unit, that its plan reads from its focus nodes (:meth:`kg.pipeline.units.context.ContextIndex.for_unit`):
with today's shapes, the ``rdf:type`` triples of the nodes the unit's triples point at (a registry entity's types in
the registry graph, a statement of another article that one answers) and every ``rdfs:subClassOf`` triple. SHACL on
``unit + context`` gives each focus node of the unit exactly the findings it gets on the whole view: a focus node's
findings are a function of the triples its plan reads, the plan over-approximates what the engine reads (it merges
every shape's reads, target or not), and the unit plus its context holds every triple of the whole that matches each
read, and no triple the whole lacks. The reads from the focus itself are in the unit by definition (a forward hop from
a node A owns gives triples whose subject A owns). Several units can be validated in one run (:func:`validate_units`)
for the same reason: their union is still a subset of the whole that holds each unit's reads, and each finding goes to
the unit that owns its focus node. A finding also names its focus node by its label, the first ``rdfs:label`` the
graph holds: a unit's triples go into the run's graph first, in the order of the data, so that label is the whole
view's. An article unit gets of the ontology only what it reads (its ``rdfs:subClassOf`` triples, the types of its
terms used as values), which keeps each run about half the size the whole ontology would make it.

**The shared unit** is validated the same way, with the ontology added to it (:func:`shared_findings`).
Its focus nodes may be read from articles: a registry entity is the subject of triples in article
graphs (those are in the shared unit, whose subject is shared, wherever they are asserted), and a
triple of the shared unit points at a node an article owns (the provenance graph's
``prov:wasDerivedFrom`` to an article), whose ``rdf:type`` then lives in that article's unit. What
any unit may read of another unit is bounded by the plan: :func:`kg.pipeline.units.context.exported_triples`
of a unit are its triples whose predicate is read beyond the focus node (with today's shapes: its
``rdf:type`` and ``rdfs:subClassOf`` triples). A caller that keeps each article's exports can compute
the shared context from the shared unit and those exports alone
(:func:`kg.pipeline.units.context.shared_context`), without the articles' other triples.

**In an incremental build.** An article's findings are a function of its unit, its context, the
shapes and the ontology. Build one :class:`kg.pipeline.units.context.ContextIndex` over the new data (or
over every unit's exported triples), give each article its context (a few milliseconds), and validate again only the
articles whose unit or context changed (:func:`unit_findings`, or several at once with
:func:`validate_units`); the others keep their cached findings. The shared unit is validated again
when it changes or its context (:func:`kg.pipeline.units.context.shared_context`, from the cached exports)
does. The shared unit includes the article-graph triples whose subject is a registry entity, so an article that
states such a fact changes the shared unit.

**Findings as JSON**, to cache them: :mod:`kg.pipeline.units.findingjson`.

:func:`validate_by_units` puts it together for the cold path and the tests: every unit's findings,
which together are the shape findings :func:`kg.pipeline.validation.validate` gives on the whole. The
quality checks (``queries/checks/``) span the whole dataset and stay out of this.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.pipeline.findings import Finding
from kg.pipeline.reasoning import INFERRED_GRAPH
from kg.pipeline.units.context import ContextIndex, exported_triples, ontology_or_default, shared_context
from kg.pipeline.units.partition import Partition, Triple
from kg.pipeline.units.shapereads import dependencies
from kg.pipeline.validation import finding_order, load_shapes, run_shapes, shacl_engine, shape_findings
from kg.pipeline.validationview import asserted_quads
from kg.rdf import namespaces
from kg.rdf.namespaces import SH

K = TypeVar("K", bound=Hashable)


def validate_units(
    units: Mapping[K, tuple[Collection[Triple], Collection[Triple]]],
    owner: Callable[[Node], K | None],
    shapes: Graph | None = None,
) -> dict[K, list[Finding]]:
    """Validate several units in one SHACL run, each finding going to the unit that owns its focus node.

    With pyshacl-turbo the shapes are compiled once per shapes graph and reused by every run, and the
    results on nodes no unit given owns are dropped from the report before they are read as findings
    (reading one costs about a millisecond): a run then costs about its number of triples, whether it
    holds one unit or many.

    Exact for every unit given with its whole context: the run's graph is a subset of the whole view
    that holds every unit's reads. Findings on nodes no unit given owns (the context's nodes) are
    dropped.

    Args:
        units: Each unit's key (an article id, or None for the shared unit), triples and context.
        owner: The key of the unit that owns a node (:meth:`kg.pipeline.units.partition.Partition.owner`).
        shapes: The SHACL shapes (default: the project's).

    Returns:
        Each unit's findings, in report order (:func:`kg.pipeline.validation.finding_order`).
    """
    shapes_graph = shapes if shapes is not None else _project_shapes()
    view = Graph(bind_namespaces="core")
    namespaces.bind(view)
    # Units first, in the order given, so that a focus node's labels come in the order of the whole view.
    for unit, _ in units.values():
        view.addN((s, p, o, view) for s, p, o in unit)
    for _, context in units.values():
        view.addN((s, p, o, view) for s, p, o in context)
    report = _shapes_runner(shapes_graph)(view)
    found: dict[K, list[Finding]] = {key: [] for key in units}
    for result in list(report.subjects(RDF.type, SH.ValidationResult)):
        if owner(report.value(result, SH.focusNode)) not in found:  # type: ignore[arg-type,operator]
            report.remove((result, RDF.type, SH.ValidationResult))  # not read as a finding: a context node's
    for finding in shape_findings(report, shapes_graph, view):
        key = owner(finding.terms[0])  # a SHACL result always has a focus node, the first of its terms
        if key in found:
            found[key].append(finding)  # type: ignore[index]
    for findings in found.values():
        findings.sort(key=finding_key)
    return found


@functools.cache
def _project_shapes() -> Graph:
    return load_shapes()


def _shapes_runner(shapes: Graph) -> Callable[[Graph], Graph]:
    """What runs the shapes on a graph of this module's making and gives the SHACL report.

    pyshacl-turbo compiles the shapes graph on every call of its ``validate`` (about 10 ms, as much as
    validating a unit), so with it the shapes are compiled once per shapes graph and reused (its
    ``compile_shapes``, with the options :func:`kg.pipeline.validation.run_shapes` gives); pySHACL runs through
    :func:`kg.pipeline.validation.run_shapes`.
    """
    engine, _ = shacl_engine()
    compile_shapes = getattr(importlib.import_module(engine), "compile_shapes", None)
    if engine != "pyshacl_turbo" or compile_shapes is None:
        return lambda data: run_shapes(data, shapes, inplace=True)
    cached = _COMPILED.get(id(shapes))
    if cached is None or cached[0] is not shapes:
        if len(_COMPILED) >= 8:
            _COMPILED.clear()
        cached = _COMPILED[id(shapes)] = (shapes, compile_shapes(shapes, advanced=True))
    compiled = cached[1]

    def run(data: Graph) -> Graph:
        _, report, _ = compiled.validate(data, inplace=True, allow_warnings=True, abort_on_first=False)
        return report  # type: ignore[no-any-return]

    return run


#: pyshacl-turbo's compiled shapes, by the shapes graph they were compiled from (kept alive with it).
_COMPILED: dict[int, tuple[Graph, Any]] = {}


def finding_key(finding: Finding) -> tuple[object, ...]:
    """A total order on findings: :func:`kg.pipeline.validation.finding_order`, then every other field."""
    return (*finding_order(finding), finding.component, finding.value or "", finding.shape_label, finding.focus_label)


def unit_findings(
    unit: Collection[Triple],
    context: Collection[Triple],
    owned: Callable[[Node], bool],
    shapes: Graph | None = None,
) -> list[Finding]:
    """The SHACL findings of one unit: SHACL on the unit and its context, the findings on its own focus nodes.

    Args:
        unit: The unit's triples.
        context: Its context (:meth:`kg.pipeline.units.context.ContextIndex.for_unit`), which holds what it reads
            of the ontology.
        owned: Whether the unit owns a node (:meth:`kg.pipeline.units.partition.Partition.owned_by`).
        shapes: The SHACL shapes (default: the project's).

    Returns:
        Exactly the findings :func:`kg.pipeline.validation.validate` gives on the whole for the unit's focus nodes.
    """
    return validate_units({True: (unit, context)}, lambda node: True if owned(node) else None, shapes)[True]


def shared_findings(
    shared_unit: Collection[Triple],
    context: Collection[Triple],
    article_ids: Iterable[str],
    shapes: Graph | None = None,
    ontology: Graph | None = None,
) -> list[Finding]:
    """The SHACL findings of the shared unit: those on the focus nodes no article owns.

    Args:
        shared_unit: Every asserted triple whose subject no article owns (registry, background, records'
            and provenance's lines about shared nodes, the ontology graph, and article-graph triples
            about registry entities).
        context: Its context (:func:`kg.pipeline.units.context.shared_context`).
        article_ids: Every article of the build.
        shapes: The SHACL shapes (default: the project's).
        ontology: The ontology the view merges in (default: the project's); validated with the shared unit.
    """
    partition = Partition(article_ids)
    unit = list({t: None for t in (*shared_unit, *ontology_or_default(ontology))})
    units: dict[str | None, tuple[Collection[Triple], Collection[Triple]]] = {None: (unit, context)}
    return validate_units(units, lambda node: None if partition.is_shared(node) else "", shapes)[None]


def asserted_triples(data: Dataset | Mapping[URIRef, Iterable[Triple]]) -> Iterator[Triple]:
    """Every asserted triple of a dataset, or of graphs given as sets of triples, the inferred graph left out.

    A dataset is read in the order :func:`kg.pipeline.validation.validate` reads it.
    """
    if isinstance(data, Dataset):
        for s, p, o, _ in asserted_quads(data):
            yield s, p, o
        return
    for name, triples in data.items():
        if name != INFERRED_GRAPH:
            yield from triples


def validate_by_units(
    data: Dataset | Mapping[URIRef, Iterable[Triple]],
    article_ids: Iterable[str],
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    batch_triples: int = 0,
) -> dict[str | None, list[Finding]]:
    """The SHACL findings of a dataset unit by unit: each article's, and the shared unit's under None.

    Together they are the shape findings :func:`kg.pipeline.validation.validate` gives on the whole. Each article's
    context comes from one :class:`kg.pipeline.units.context.ContextIndex`, the shared unit's from the articles'
    exported triples (:func:`kg.pipeline.units.context.shared_context`), as an incremental build gets them.

    Args:
        data: A dataset, or its graphs as sets of triples (``BuildResult.graphs``); an inferred graph is left out.
        article_ids: The build's article ids.
        shapes: The SHACL shapes (default: the project's).
        ontology: The ontology the view merges in (default: the project's).
        batch_triples: Validate articles together, in runs of about this many triples (units and
            contexts); 0 (the default) validates each article in a run of its own. Once the shapes are
            compiled (see :func:`validate_units`) a run costs about its number of triples, so batches
            gained nothing measurable on synthetic corpora of 200 and 500 articles.

    Returns:
        Every article's findings (an empty list for a clean one) and the shared unit's, under None.
    """
    ids = sorted(set(article_ids))
    partition = Partition(ids)
    deps = dependencies(shapes)
    onto = ontology_or_default(ontology)
    units = partition.units(asserted_triples(data))
    index = ContextIndex((t for unit in units.values() for t in unit), onto, deps)
    found: dict[str | None, list[Finding]] = {}
    batch: dict[str | None, tuple[Collection[Triple], Collection[Triple]]] = {}
    size = 0
    for article in ids:
        unit = units[article]
        context = index.for_unit(unit, partition.owned_by(article))
        batch[article] = (unit, context)
        size += len(unit) + len(context)
        if size >= batch_triples:
            found.update(validate_units(batch, partition.owner, shapes))
            batch, size = {}, 0
    if batch:
        found.update(validate_units(batch, partition.owner, shapes))
    exports = [t for article in ids for t in exported_triples(units[article], deps)]
    context = shared_context(units[None], exports, ids, onto, deps)
    found[None] = shared_findings(units[None], context, ids, shapes, onto)
    return found


__all__ = [
    "asserted_triples",
    "finding_key",
    "shared_findings",
    "unit_findings",
    "validate_by_units",
    "validate_units",
]
