"""What validating a focus node reads: a :class:`ReadPlan`, a tree of hops (:class:`Step`) from the node.

:func:`kg.pipeline.units.shapereads.dependencies` reads a plan off the shapes, as :class:`Dependencies`; a
:class:`kg.pipeline.units.context.ContextIndex` follows it to give a unit its context. Whatever the plan
cannot bound raises :class:`UnsupportedShapes`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from rdflib import URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from kg.rdf import namespaces

#: The predicates SHACL reads wherever they are asserted (class membership follows them).
SCHEMA_PREDICATES = frozenset({RDFS.subClassOf})


class UnsupportedShapes(ValueError):
    """The shapes use something whose reads the decomposition cannot bound; validate the whole instead."""


class Step(NamedTuple):
    """One hop from a node: the triples with this predicate (any, when None) whose subject is the node,
    or whose object is the node when ``inverse``."""

    predicate: URIRef | None
    inverse: bool = False

    def __str__(self) -> str:
        name = "*" if self.predicate is None else _short(self.predicate)
        return f"^{name}" if self.inverse else name


def _short(iri: URIRef) -> str:
    """An IRI by the project's prefixes, for plans a person reads."""
    return namespaces.curie(str(iri)) or f"<{iri}>"


class ReadPlan:
    """What validation reads from a node: each hop it takes from it, and the plan of the nodes the hop reaches.

    Plans are built once and never changed; :meth:`merge` makes a new one.
    """

    __slots__ = ("steps",)

    def __init__(self, steps: Mapping[Step, ReadPlan] | None = None) -> None:
        self.steps: dict[Step, ReadPlan] = dict(steps or {})

    @staticmethod
    def merge(*plans: ReadPlan) -> ReadPlan:
        """The plan that reads what any of the plans reads."""
        children: dict[Step, list[ReadPlan]] = {}
        for plan in plans:
            for step, child in plan.steps.items():
                children.setdefault(step, []).append(child)
        return ReadPlan(
            {step: found[0] if len(found) == 1 else ReadPlan.merge(*found) for step, found in children.items()}
        )

    def paths(self) -> set[tuple[Step, ...]]:
        """Every sequence of hops the plan takes from its node (each prefix of a longer one included)."""
        found: set[tuple[Step, ...]] = set()
        for step, child in self.steps.items():
            found.add((step,))
            found.update((step, *rest) for rest in child.paths())
        return found

    def hops(self, depth: int = 0) -> Iterator[tuple[int, Step]]:
        """Every step of the plan with its depth (0: a hop from the node itself)."""
        for step, child in self.steps.items():
            yield depth, step
            yield from child.hops(depth + 1)

    def __repr__(self) -> str:
        return "ReadPlan(" + ", ".join(sorted("/".join(str(s) for s in path) for path in self.paths())) + ")"


EMPTY_PLAN = ReadPlan()


@dataclass(frozen=True, eq=False)
class Dependencies:
    """What the shapes' findings on a focus node depend on (made by :func:`kg.pipeline.units.shapereads.dependencies`).

    Attributes:
        plan: What validating a focus node reads, from the focus node.
        object_targets: Predicates whose objects are focus nodes (``sh:targetObjectsOf``, or ``?this``
            as an object in a SPARQL target): such a focus node may have no triple of its own.
        target_nodes: The nodes ``sh:targetNode`` names.
        schema: Predicates read wherever they are asserted (``rdfs:subClassOf`` for class membership).
    """

    plan: ReadPlan
    object_targets: frozenset[URIRef | None]
    target_nodes: frozenset[Node]
    schema: frozenset[URIRef]

    @functools.cached_property
    def deep_forward(self) -> frozenset[URIRef | None]:
        """The predicates read forward from a node other than the focus node (None: every predicate)."""
        return frozenset(step.predicate for depth, step in self.plan.hops() if depth and not step.inverse)

    @functools.cached_property
    def inverse(self) -> frozenset[URIRef | None]:
        """The predicates read backwards, towards any node (None: every predicate)."""
        return frozenset(step.predicate for _, step in self.plan.hops() if step.inverse) | self.object_targets

    def read_from_elsewhere(self, predicate: Node) -> bool:
        """Whether a triple with this predicate may be read when validating a unit it is not in."""
        return (
            predicate in self.schema
            or predicate in self.deep_forward
            or predicate in self.inverse
            or None in self.deep_forward
            or None in self.inverse
        )
