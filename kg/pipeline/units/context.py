"""The context of a unit: every triple outside it that validating its focus nodes reads, found by its read plan.

SHACL on a unit and its context gives each focus node of the unit exactly the findings it gets on the whole
view (see :mod:`kg.pipeline.units.shacl`). :class:`ContextIndex` indexes a whole view's triples, once, by
what validation reads, and gives any unit its context (:meth:`ContextIndex.for_unit`);
:func:`exported_triples` are a unit's triples that another unit's context may read, and
:func:`shared_context` gives the shared unit its context from the articles' exports alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Iterator

from rdflib import Graph
from rdflib.term import Node

from kg import resources
from kg.pipeline.units.partition import Partition, Triple
from kg.pipeline.units.readplans import Dependencies, ReadPlan, Step
from kg.pipeline.units.shapereads import dependencies
from kg.rdf.ontology import load_ontology

#: ``lookup(node, inverse, depth)``: the triples whose subject (object, when inverse) is the node, as far as a
#: hop at that depth from a focus node may read them.
Lookup = Callable[[Node, bool, int], Iterable[Triple]]


def _walk(roots: Iterable[Node], plan: ReadPlan, lookup: Lookup) -> dict[Triple, None]:
    """Every triple the plan reads from the roots, in the order first read, except the forward hops from the
    roots themselves, which read the unit's own triples."""
    found: dict[Triple, None] = {}
    seen: set[tuple[Node, int]] = set()
    stack = [(root, plan, 0) for root in roots]
    while stack:
        node, here, depth = stack.pop()
        if (node, id(here)) in seen:
            continue
        seen.add((node, id(here)))
        steps = here.steps
        for inverse in _directions(here):
            wildcard = steps.get(Step(None, inverse))
            for triple in lookup(node, inverse, depth):
                for child in (steps.get(Step(triple[1], inverse)), wildcard):  # type: ignore[arg-type]
                    if child is None:
                        continue
                    if inverse or depth:
                        found[triple] = None
                    if child.steps:
                        stack.append((triple[0] if inverse else triple[2], child, depth + 1))
    return found


def _directions(plan: ReadPlan) -> tuple[bool, ...]:
    """The directions the plan's hops from its node take (False: forward, True: inverse)."""
    return tuple(sorted({step.inverse for step in plan.steps}))


def _by_subject(triples: Iterable[Triple]) -> dict[Node, list[Triple]]:
    index: dict[Node, list[Triple]] = {}
    for triple in triples:
        index.setdefault(triple[0], []).append(triple)
    return index


def context_nodes(
    unit: Collection[Triple], owned: Callable[[Node], bool], deps: Dependencies | None = None
) -> dict[Node, frozenset[Step]]:
    """The first hops outside a unit that validating its focus nodes takes: node by node, the steps read there.

    The triples of the whole view that match each (node, step) belong to the unit's context, and so do
    every ``rdfs:subClassOf`` triple (:attr:`kg.pipeline.units.readplans.Dependencies.schema`), for a plan deeper
    than these hops what the plan reads from the nodes they reach, and, for shapes with object targets
    (:attr:`kg.pipeline.units.readplans.Dependencies.object_targets`, none today), the triples of other units whose
    object the unit owns, which no lookup by node names: :meth:`ContextIndex.for_unit` follows it all.
    With today's shapes a unit's lookups are the ``rdf:type`` of the nodes outside it that its triples
    point at through a property with an ``sh:class``.

    Args:
        unit: The unit's triples.
        owned: Whether the unit owns a node (:meth:`kg.pipeline.units.partition.Partition.owned_by`, or
            :meth:`kg.pipeline.units.partition.Partition.is_shared`).
        deps: What the shapes read (default: the project's shapes).
    """
    deps = deps or dependencies()
    local = _by_subject(unit)
    lookups: dict[Node, set[Step]] = {}
    roots = [s for s in local if owned(s)] + [n for n in deps.target_nodes if owned(n) and n not in local]
    stack = [(root, deps.plan) for root in roots]
    seen: set[tuple[Node, int]] = set()
    while stack:
        node, here = stack.pop()
        if (node, id(here)) in seen:
            continue
        seen.add((node, id(here)))
        inside = owned(node)  # then its forward hops read the unit's own triples
        outside = {step for step in here.steps if step.inverse or not inside}
        if outside:
            lookups.setdefault(node, set()).update(outside)
        if inside:
            wildcard = here.steps.get(Step(None))
            for _, predicate, value in local.get(node, ()):
                for child in (here.steps.get(Step(predicate)), wildcard):  # type: ignore[arg-type]
                    if child is not None and child.steps:
                        stack.append((value, child))
    return {node: frozenset(steps) for node, steps in lookups.items()}


class ContextIndex:
    """An index of a whole view's triples by what validation reads, built once, that gives any unit its context.

    It keeps only the triples some unit may read from another
    (:meth:`kg.pipeline.units.readplans.Dependencies.read_from_elsewhere`: with today's shapes the ``rdf:type`` and
    ``rdfs:subClassOf`` triples), by subject and, for inverse
    hops, by object, so :meth:`for_unit` costs about the size of the unit and its context (with object
    targets, none today, it also scans the triples of their predicates, for the focus nodes of the unit
    that only other units name).

    Args:
        triples: Every asserted triple of the data (the inferred graph left out), or at least the exported
            triples (:func:`exported_triples`) of every unit other than those asked about.
        ontology: Merged in, as the validation view merges it (default: the project's ontology).
        deps: What the shapes read (default: the project's shapes).
    """

    def __init__(
        self, triples: Iterable[Triple], ontology: Graph | None = None, deps: Dependencies | None = None
    ) -> None:
        self.deps = deps = deps or dependencies()
        self._forward: dict[Node, dict[Triple, None]] = {}
        self._inverse: dict[Node, dict[Triple, None]] = {}
        self._objects_of: dict[Node | None, dict[Triple, None]] = {}
        self._schema: dict[Triple, None] = {}
        every_forward, every_inverse = None in deps.deep_forward, None in deps.inverse
        for triple in _with_ontology(triples, ontology):
            s, p, o = triple
            if p in deps.schema:
                self._schema[triple] = None
            if every_forward or p in deps.deep_forward:
                self._forward.setdefault(s, {})[triple] = None
            if every_inverse or p in deps.inverse:
                self._inverse.setdefault(o, {})[triple] = None
            for predicate in (p, None):
                if predicate in deps.object_targets:
                    self._objects_of.setdefault(predicate, {})[triple] = None

    def for_unit(self, unit: Collection[Triple], owned: Callable[[Node], bool]) -> list[Triple]:
        """The context of a unit: every triple outside it that validating its focus nodes reads.

        Args:
            unit: The unit's triples (for the shared unit: with the ontology's, as :func:`shared_context` does).
            owned: Whether the unit owns a node (:meth:`kg.pipeline.units.partition.Partition.owned_by`, or
                :meth:`kg.pipeline.units.partition.Partition.is_shared`).

        Returns:
            The context's triples, each once; the unit's own triples are left out.
        """
        local = _by_subject(unit)
        roots = {s: None for s in local if owned(s)}
        for triples in self._objects_of.values():
            roots.update((t[2], None) for t in triples if owned(t[2]))
        roots.update((n, None) for n in self.deps.target_nodes if owned(n))

        def lookup(node: Node, inverse: bool, depth: int) -> Iterable[Triple]:
            if inverse:
                return self._inverse.get(node, ())
            return local.get(node, ()) if depth == 0 else self._forward.get(node, ())

        read = _walk(roots, self.deps.plan, lookup)
        read.update(self._schema)
        inside = set(unit)
        return [t for t in read if t not in inside]


def _with_ontology(triples: Iterable[Triple], ontology: Graph | None) -> Iterator[Triple]:
    yield from triples
    yield from ontology_or_default(ontology)


def ontology_or_default(ontology: Graph | None) -> Graph:
    return ontology if ontology is not None else _project_ontology()


@functools.cache
def _project_ontology() -> Graph:
    return load_ontology(resources.ontology_dir())


def exported_triples(unit: Iterable[Triple], deps: Dependencies | None = None) -> list[Triple]:
    """The triples of a unit that validating another unit may read: those whose predicate is read beyond a focus node.

    With today's shapes, the unit's ``rdf:type`` and ``rdfs:subClassOf`` triples. A caller that keeps each
    article's exports can give the shared unit its context (:func:`shared_context`), and an index of every
    unit's exports gives the same contexts as an index of every triple.
    """
    deps = deps or dependencies()
    return [t for t in unit if deps.read_from_elsewhere(t[1])]


def shared_context(
    shared_unit: Collection[Triple],
    exports: Iterable[Triple],
    article_ids: Iterable[str],
    ontology: Graph | None = None,
    deps: Dependencies | None = None,
) -> list[Triple]:
    """The context of the shared unit, from the shared unit and the articles' exported triples alone.

    The shared unit's focus nodes read, outside it, only triples of the articles' units whose predicate
    is read beyond a focus node (a node an article owns that a shared triple points at: its ``rdf:type``;
    with inverse paths, the articles' triples that point at shared nodes): :func:`exported_triples` of
    each article's unit holds them all.

    Args:
        shared_unit: Every asserted triple whose subject no article owns.
        exports: :func:`exported_triples` of every article's unit.
        article_ids: Every article of the build.
        ontology: The ontology the view merges in (default: the project's); it is part of the shared unit.
        deps: What the shapes read (default: the project's shapes).
    """
    onto = ontology_or_default(ontology)
    index = ContextIndex([*shared_unit, *exports], onto, deps)
    return index.for_unit([*shared_unit, *onto], Partition(article_ids).is_shared)
