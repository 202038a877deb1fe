"""The SHACL validation of a dataset, split article by article so that its findings can be cached.

:func:`kg.pipeline.validation.validate` runs the shapes of ``shapes/*.ttl`` on the whole *validation view*
(every asserted graph and the ontology, see :mod:`kg.pipeline.validation`). This module gives the same
findings unit by unit, so that a build that changes one article re-validates only that article.

**The partition.** A node is *owned by article A* when it is an IRI equal to
``kg.rdf.iris.article(A)`` or starting with ``kg.rdf.iris.article(A) + "/"`` (:class:`Partition`); every
other node (registry entities, graph names, ontology terms, blank nodes, literals) is *shared*.
The *unit* of A is every asserted triple, in any graph, whose subject A owns; the *shared unit* is
every other asserted triple, and the ontology's (the view holds them too). A finding belongs to the
unit that owns its focus node, so the findings of the whole are the disjoint union of the units'.

**What a focus node's findings read.** SHACL decides a focus node's findings from a bounded set of
triples, and :func:`dependencies` reads that set off the shapes, as a :class:`ReadPlan`: a tree of
hops from the focus node (:class:`Step`: a predicate, forward or inverse) and what is read at the
nodes each hop reaches. Targets read at the focus (``sh:targetClass`` its ``rdf:type``,
``sh:targetSubjectsOf`` a forward hop, ``sh:targetObjectsOf`` an inverse one); a property shape's
path adds one hop per predicate (a sequence path chains them, an inverse path goes backwards, an
alternative path merges them, ``sh:zeroOrOnePath`` reads both with and without the hop); at the
value nodes, ``sh:class`` reads their ``rdf:type``, and ``sh:node``, ``sh:property``, ``sh:and``,
``sh:or``, ``sh:xone``, ``sh:not`` and ``sh:qualifiedValueShape`` apply their shapes' plans there;
``sh:equals``, ``sh:disjoint`` and ``sh:lessThan[OrEquals]`` read a hop from the node the shape
applies to, ``sh:closed`` every triple of it. A SPARQL target or constraint is parsed, and each of
its triple patterns must be anchored at ``?this`` (it then reads one hop, forward or inverse) or
use ``rdfs:subClassOf`` only. Class membership (``sh:class``, ``sh:targetClass``) also follows
``rdfs:subClassOf``, which is read wherever it is: every ``rdfs:subClassOf`` triple of the data and
the ontology is context of every unit. Everything else SHACL-core checks (counts, datatypes, node
kinds, patterns, ranges, ``sh:in``, ``sh:hasValue``, lengths, languages) looks at the value nodes
themselves, not at triples. Whatever the decomposition cannot bound, a ``*`` or ``+`` path, a
recursive shape, a SPARQL pattern two hops from ``?this``, SHACL rules, custom constraint
components, an unknown ``sh:`` parameter, raises :class:`UnsupportedShapes` when the plan is made,
so a new shape cannot silently make the units wrong.

**The context, and why it is exact.** The *context* of a unit is every triple of the whole view,
outside the unit, that its plan reads from its focus nodes (:meth:`ContextIndex.for_unit`): with
today's shapes, the ``rdf:type`` triples of the nodes the unit's triples point at (a registry
entity's types in the registry graph, a statement of another article that one answers) and every
``rdfs:subClassOf`` triple. SHACL on ``unit + context`` gives each focus node of the unit exactly
the findings it gets on the whole view: a focus node's findings are a function of the triples its
plan reads, the plan over-approximates what the engine reads (it merges every shape's reads, target
or not), and the unit plus its context holds every triple of the whole that matches each read, and
no triple the whole lacks. The reads from the focus itself are in the unit by definition (a forward
hop from a node A owns gives triples whose subject A owns). Several units can be validated in one
run (:func:`validate_units`) for the same reason: their union is still a subset of the whole that
holds each unit's reads, and each finding goes to the unit that owns its focus node. A finding also
names its focus node by its label, the first ``rdfs:label`` the graph holds: a unit's triples go into
the run's graph first, in the order of the data, so that label is the whole view's. An article unit
gets of the ontology only what it reads (its ``rdfs:subClassOf`` triples, the types of its terms
used as values), which keeps each run about half the size the whole ontology would make it.

**The shared unit** is validated the same way, with the ontology added to it (:func:`shared_findings`).
Its focus nodes may be read from articles: a registry entity is the subject of triples in article
graphs (those are in the shared unit, whose subject is shared, wherever they are asserted), and a
triple of the shared unit points at a node an article owns (the provenance graph's
``prov:wasDerivedFrom`` to an article), whose ``rdf:type`` then lives in that article's unit. What
any unit may read of another unit is bounded by the plan: :func:`exported_triples` of a unit are
its triples whose predicate is read beyond the focus node (with today's shapes: its ``rdf:type``
and ``rdfs:subClassOf`` triples). A caller that keeps each article's exports can compute the shared
context from the shared unit and those exports alone (:func:`shared_context`), without the articles'
other triples.

**In an incremental build.** An article's findings are a function of its unit, its context, the
shapes and the ontology. Build one :class:`ContextIndex` over the new data (or over every unit's
exported triples), give each article its context (a few milliseconds), and validate again only the
articles whose unit or context changed (:func:`unit_findings`, or several at once with
:func:`validate_units`); the others keep their cached findings. The shared unit is validated again
when it changes or its context (:func:`shared_context`, from the cached exports) does. The shared
unit includes the article-graph triples whose subject is a registry entity, so an article that
states such a fact changes the shared unit.

**Findings as JSON.** :func:`finding_to_json` and :func:`finding_from_json` write a
:class:`kg.pipeline.validation.Finding` to a JSON object and back, its ``terms`` as N-Triples terms, exactly.

:func:`validate_by_units` puts it together for the cold path and the tests: every unit's findings,
which together are the shape findings :func:`kg.pipeline.validation.validate` gives on the whole. The
quality checks (``queries/checks/``) span the whole dataset and stay out of this.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, TypeVar

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection as RDFList
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.parsers.ntriples import W3CNTriplesParser, r_literal, r_wspace, unquote, uriquote
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg import resources
from kg.pipeline.reasoning import INFERRED_GRAPH
from kg.pipeline.validation import (
    SH,
    Finding,
    asserted_quads,
    finding_order,
    load_shapes,
    run_shapes,
    shacl_engine,
    shape_findings,
)
from kg.rdf import iris, namespaces
from kg.rdf.ontology import load_ontology

Triple = tuple[Node, Node, Node]
K = TypeVar("K", bound=Hashable)

#: Every article's IRI starts with this (``kgd:article/``): an article's id is the segment that follows.
ARTICLE_IRI_PREFIX = str(iris.article(""))
#: The predicates SHACL reads wherever they are asserted (class membership follows them).
SCHEMA_PREDICATES = frozenset({RDFS.subClassOf})


class UnsupportedShapes(ValueError):
    """The shapes use something whose reads the decomposition cannot bound; validate the whole instead."""


# ----------------------------------------------------------------------------- the partition


class Partition:
    """Which article owns each node: the articles' IRIs and the IRIs under them; every other node is shared.

    Args:
        article_ids: The build's article ids (``BuildResult.articles[i].id``); none may be empty or hold
            a ``/``, which would make two articles own the same IRIs.
    """

    def __init__(self, article_ids: Iterable[str]) -> None:
        ids = frozenset(article_ids)
        bad = sorted(i for i in ids if not i or "/" in i)
        if bad:
            raise ValueError(f"article ids must be non-empty and hold no '/': {bad}")
        self.article_ids = ids

    def owner(self, node: Node) -> str | None:
        """The id of the article that owns the node, or None for a shared node."""
        if isinstance(node, URIRef) and node.startswith(ARTICLE_IRI_PREFIX):
            head = node[len(ARTICLE_IRI_PREFIX) :].split("/", 1)[0]
            if head in self.article_ids:
                return head
        return None

    def is_shared(self, node: Node) -> bool:
        """Whether no article owns the node."""
        return self.owner(node) is None

    def owned_by(self, article_id: str) -> Callable[[Node], bool]:
        """The test "does that article own this node", for :func:`unit_findings` and :meth:`ContextIndex.for_unit`."""
        if article_id not in self.article_ids:
            raise KeyError(f"no article {article_id!r} in the partition")
        return lambda node: self.owner(node) == article_id

    def units(self, triples: Iterable[Triple]) -> dict[str | None, list[Triple]]:
        """The triples split by the owner of their subject: one unit per article (maybe empty), None for the shared.

        Each triple is kept once, in the order first met.
        """
        units: dict[str | None, dict[Triple, None]] = {article: {} for article in sorted(self.article_ids)}
        units[None] = {}
        for triple in triples:
            units[self.owner(triple[0])][triple] = None
        return {owner: list(unit) for owner, unit in units.items()}


def article_ids_in(triples: Iterable[Triple]) -> set[str]:
    """The article ids a set of triples mentions: the first segment after ``kgd:article/`` of every IRI.

    For data that has no build (a test fixture): the partition that makes an article of every one.
    """
    found = set()
    for triple in triples:
        for node in triple:
            if isinstance(node, URIRef) and node.startswith(ARTICLE_IRI_PREFIX):
                head = node[len(ARTICLE_IRI_PREFIX) :].split("/", 1)[0]
                if head:
                    found.add(head)
    return found


# ----------------------------------------------------------------------------- what the shapes read


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
    for prefix, namespace in namespaces.PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return f"<{iri}>"


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
    """What the shapes' findings on a focus node depend on (made by :func:`dependencies`).

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


#: The parameters that look at a value node itself, not at any triple.
_VALUE_ONLY = frozenset(
    SH[name]
    for name in (
        "datatype nodeKind minExclusive minInclusive maxExclusive maxInclusive minLength maxLength pattern flags "
        "languageIn uniqueLang in hasValue minCount maxCount qualifiedMinCount qualifiedMaxCount "
        "qualifiedValueShapesDisjoint ignoredProperties"
    ).split()
)
#: What a shape may carry that is not a constraint.
_NOT_CONSTRAINTS = frozenset(
    SH[name] for name in "message severity deactivated name description order group defaultValue path".split()
)
_TARGETS = frozenset({SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target})
#: The parameters that apply other shapes to the value nodes, and whether their object is a list of shapes.
_NESTED = {SH.node: False, SH["not"]: False, SH.property: False, SH.qualifiedValueShape: False}
_NESTED_LISTS = frozenset({SH["and"], SH["or"], SH.xone})
#: The parameters that compare the value nodes with a property of the node the shape applies to.
_COMPARED = frozenset({SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals})
_KNOWN = _VALUE_ONLY | _NOT_CONSTRAINTS | _TARGETS | _NESTED.keys() | _NESTED_LISTS | _COMPARED
_KNOWN |= {SH["class"], SH.closed, SH.sparql}
#: Features of a shapes graph the decomposition does not handle at all.
_UNSUPPORTED_PREDICATES = frozenset({SH.rule, SH.entailment, SH.condition, SH.js, SH.jsFunctionName})
_UNSUPPORTED_TYPES = frozenset({SH.ConstraintComponent, SH.SPARQLTargetType, SH.JSTarget, SH.JSTargetType})
_THIS = Variable("this")


def dependencies(shapes: Graph | None = None) -> Dependencies:
    """What the shapes' findings on a focus node depend on, read off the shapes (see the module docstring).

    Args:
        shapes: The SHACL shapes (default: the project's, read once and the result kept).

    Raises:
        UnsupportedShapes: When a shape reads something the decomposition cannot bound.
    """
    if shapes is None:
        return _project_dependencies()
    return _ShapeReader(shapes).dependencies()


@functools.cache
def _project_dependencies() -> Dependencies:
    return _ShapeReader(load_shapes()).dependencies()


class _ShapeReader:
    """Derives the read plan of a shapes graph, shape by shape."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.schema: set[URIRef] = set()
        self.object_targets: set[URIRef | None] = set()
        self.target_nodes: set[Node] = set()
        self.plans: dict[Node, ReadPlan] = {}
        self.stack: list[Node] = []
        self.prefixes = {
            str(shapes.value(declaration, SH.prefix)): str(shapes.value(declaration, SH.namespace))
            for declaration in shapes.objects(None, SH.declare)
        }

    def name(self, node: Node) -> str:
        """A shape as an error message names it: its prefixed name, or its node shape and path."""
        if isinstance(node, URIRef):
            return self.shapes.namespace_manager.normalizeUri(node)
        parent = self.shapes.value(None, SH.property, node)
        path = self.shapes.value(node, SH.path)
        if parent is not None:
            return f"{self.name(parent)} / {path.n3(self.shapes.namespace_manager) if path is not None else '?'}"
        return "an anonymous shape"

    def dependencies(self) -> Dependencies:
        """The plan of every shape with a target, from the focus node, and what else the shapes read."""
        for predicate in _UNSUPPORTED_PREDICATES:
            for subject in self.shapes.subjects(predicate, None):
                raise UnsupportedShapes(f"{self.name(subject)} uses {predicate.n3()}, which the decomposition lacks")
        for kind in _UNSUPPORTED_TYPES:
            for subject in self.shapes.subjects(RDF.type, kind):
                raise UnsupportedShapes(f"{self.name(subject)} is a {kind.n3()}, which the decomposition lacks")
        roots: set[Node] = {s for target in _TARGETS for s in self.shapes.subjects(target, None)}
        for kind in (SH.NodeShape, SH.PropertyShape):
            for shape in self.shapes.subjects(RDF.type, kind):
                if (shape, RDF.type, RDFS.Class) in self.shapes or (shape, RDF.type, OWL.Class) in self.shapes:
                    roots.add(shape)  # an implicit class target
        plans = [self.target_plan(shape) for shape in sorted(roots, key=str)]
        plans += [self.shape_plan(shape) for shape in sorted(roots, key=str)]
        return Dependencies(
            ReadPlan.merge(*plans),
            frozenset(self.object_targets),
            frozenset(self.target_nodes),
            frozenset(self.schema),
        )

    def target_plan(self, shape: Node) -> ReadPlan:
        """What deciding whether a node is one of the shape's targets reads from the node."""
        plans = []
        classes = list(self.shapes.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.shapes or (shape, RDF.type, OWL.Class) in self.shapes:
            classes.append(shape)
        if classes:
            self.schema.add(RDFS.subClassOf)
            plans.append(ReadPlan({Step(RDF.type): EMPTY_PLAN}))
        for predicate in self.shapes.objects(shape, SH.targetSubjectsOf):
            plans.append(ReadPlan({Step(self.iri(predicate, shape)): EMPTY_PLAN}))
        for predicate in self.shapes.objects(shape, SH.targetObjectsOf):
            self.object_targets.add(self.iri(predicate, shape))
            plans.append(ReadPlan({Step(self.iri(predicate, shape), inverse=True): EMPTY_PLAN}))
        self.target_nodes.update(self.shapes.objects(shape, SH.targetNode))
        for target in self.shapes.objects(shape, SH.target):
            query = self.shapes.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in self.shapes or query is None:
                raise UnsupportedShapes(f"{self.name(shape)} has an sh:target that is not a SPARQL target")
            plans.append(self.sparql_plan(str(query), shape, target=True))
        return ReadPlan.merge(*plans)

    def iri(self, node: Node, shape: Node) -> URIRef:
        """A property a shape names, which must be an IRI."""
        if not isinstance(node, URIRef):
            raise UnsupportedShapes(f"{self.name(shape)} names a property that is not an IRI: {node!r}")
        return node

    def shape_plan(self, shape: Node) -> ReadPlan:
        """What a shape reads from the node it is applied to (a focus node, or a value node of another shape)."""
        if shape in self.plans:
            return self.plans[shape]
        if shape in self.stack:
            cycle = " -> ".join(self.name(s) for s in self.stack[self.stack.index(shape) :] + [shape])
            raise UnsupportedShapes(f"recursive shapes read without bound: {cycle}")
        self.stack.append(shape)
        unknown = sorted(
            p.n3() for p in set(self.shapes.predicates(shape, None)) if str(p).startswith(str(SH)) and p not in _KNOWN
        )
        if unknown:
            raise UnsupportedShapes(f"{self.name(shape)} uses {', '.join(unknown)}: the decomposition does not know it")
        at_values = []  # read at each value node (the node itself, for a node shape)
        at_node = []  # read at the node the shape applies to
        for parameter, value in self.shapes.predicate_objects(shape):
            if parameter == SH["class"]:
                self.schema.add(RDFS.subClassOf)
                at_values.append(ReadPlan({Step(RDF.type): EMPTY_PLAN}))
            elif parameter in _NESTED:
                at_values.append(self.shape_plan(value))
                if parameter == SH.qualifiedValueShape:
                    at_values.extend(self.qualified_siblings(shape))
            elif parameter in _NESTED_LISTS:
                at_values.extend(self.shape_plan(member) for member in RDFList(self.shapes, value))  # type: ignore[arg-type]
            elif parameter in _COMPARED:
                at_node.append(ReadPlan({Step(self.iri(value, shape)): EMPTY_PLAN}))
            elif parameter == SH.closed and value == Literal(True):
                at_values.append(ReadPlan({Step(None): EMPTY_PLAN}))
            elif parameter == SH.sparql:
                query = self.shapes.value(value, SH.select) or self.shapes.value(value, SH.ask)
                if query is None:
                    raise UnsupportedShapes(f"{self.name(shape)} has a SPARQL constraint with no sh:select or sh:ask")
                if "$PATH" in str(query):
                    raise UnsupportedShapes(f"{self.name(shape)} has a SPARQL constraint on $PATH")
                at_node.append(self.sparql_plan(str(query), shape, target=False))
        values = ReadPlan.merge(*at_values)
        path = self.shapes.value(shape, SH.path)
        plan = ReadPlan.merge(self.path_plan(path, values, shape) if path is not None else values, *at_node)
        self.stack.pop()
        self.plans[shape] = plan
        return plan

    def qualified_siblings(self, shape: Node) -> list[ReadPlan]:
        """With sh:qualifiedValueShapesDisjoint, the qualified value shapes of the shape's siblings apply too."""
        if self.shapes.value(shape, SH.qualifiedValueShapesDisjoint) != Literal(True):
            return []
        return [
            self.shape_plan(sibling_shape)
            for parent in self.shapes.subjects(SH.property, shape)
            for sibling in self.shapes.objects(parent, SH.property)
            if sibling != shape
            for sibling_shape in self.shapes.objects(sibling, SH.qualifiedValueShape)
        ]

    def path_plan(self, path: Node, then: ReadPlan, shape: Node, inverse: bool = False) -> ReadPlan:
        """The plan that follows a SHACL property path from a node, then reads ``then`` at each node it reaches."""
        shapes = self.shapes
        if isinstance(path, URIRef):
            return ReadPlan({Step(path, inverse): then})
        if not isinstance(path, BNode):
            raise UnsupportedShapes(f"{self.name(shape)} has a path that is not an IRI or a blank node: {path!r}")
        if shapes.value(path, RDF.first) is not None:  # a sequence
            members = list(RDFList(shapes, path))
            for member in members if inverse else reversed(members):
                then = self.path_plan(member, then, shape, inverse)
            return then
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            members = list(RDFList(shapes, alternatives))  # type: ignore[arg-type]
            return ReadPlan.merge(*(self.path_plan(member, then, shape, inverse) for member in members))
        inner = shapes.value(path, SH.inversePath)
        if inner is not None:
            return self.path_plan(inner, then, shape, not inverse)
        inner = shapes.value(path, SH.zeroOrOnePath)
        if inner is not None:
            return ReadPlan.merge(then, self.path_plan(inner, then, shape, inverse))
        for unbounded in (SH.zeroOrMorePath, SH.oneOrMorePath):
            if shapes.value(path, unbounded) is not None:
                raise UnsupportedShapes(
                    f"{self.name(shape)} has a {unbounded.n3()}: its values lie any number of hops away, "
                    "so no bounded context holds them"
                )
        raise UnsupportedShapes(f"{self.name(shape)} has a path the decomposition does not know")

    def sparql_plan(self, query: str, shape: Node, target: bool) -> ReadPlan:
        """What a SPARQL target or constraint reads from ``?this``: each pattern must be one hop from it."""
        try:
            algebra = prepareQuery(query, initNs=self.prefixes).algebra
        except Exception as error:  # the parser raises several kinds
            raise UnsupportedShapes(f"{self.name(shape)}: cannot read its SPARQL ({error})") from error
        plans = []
        anchored = False
        for subject, predicate, obj in self.sparql_patterns(algebra, shape):
            if _schema_only(predicate):
                self.schema.add(RDFS.subClassOf)
                if target and obj == _THIS and subject != _THIS:
                    self.object_targets.add(RDFS.subClassOf)
                anchored |= _THIS in (subject, obj)
            elif subject == _THIS:
                plans.append(self.sparql_path_plan(predicate, EMPTY_PLAN, shape, inverse=False))
                anchored = True
            elif obj == _THIS:
                plans.append(self.sparql_path_plan(predicate, EMPTY_PLAN, shape, inverse=True))
                anchored = True
                if target:
                    if isinstance(predicate, Path):
                        raise UnsupportedShapes(f"{self.name(shape)}: a SPARQL target reaches ?this by a path")
                    self.object_targets.add(predicate if isinstance(predicate, URIRef) else None)
            else:
                raise UnsupportedShapes(
                    f"{self.name(shape)}: the SPARQL pattern {subject.n3()} {predicate.n3()} {obj.n3()} is "  # type: ignore[union-attr]
                    "not one hop from ?this: the decomposition reads one hop from the focus node"
                )
        if target and not anchored:
            raise UnsupportedShapes(f"{self.name(shape)}: a SPARQL target that reads no triple of ?this")
        return ReadPlan.merge(*plans)

    def sparql_patterns(self, algebra: object, shape: Node) -> Iterator[tuple[Node, Node, Node]]:
        """Every triple pattern of a query's algebra (those in FILTER EXISTS, OPTIONAL, MINUS and sub-queries too)."""
        if isinstance(algebra, CompValue):
            if algebra.name in ("ServiceGraphPattern", "Graph", "GraphGraphPattern"):
                raise UnsupportedShapes(f"{self.name(shape)}: a SPARQL query with {algebra.name}")
            if algebra.name == "Extend" and algebra.get("var") == _THIS:
                raise UnsupportedShapes(f"{self.name(shape)}: a SPARQL query that binds ?this")
            if algebra.name == "values" and any(_THIS in row for row in algebra.get("res") or ()):
                raise UnsupportedShapes(f"{self.name(shape)}: a SPARQL query that lists values of ?this")
            if algebra.name == "BGP":
                yield from algebra.triples
            elif algebra.name == "TriplesBlock":
                for block in algebra.triples:
                    for i in range(0, len(block), 3):
                        yield block[i], block[i + 1], block[i + 2]
            for value in algebra.values():
                yield from self.sparql_patterns(value, shape)
        elif isinstance(algebra, (list, tuple, set)):
            for value in algebra:
                yield from self.sparql_patterns(value, shape)
        elif isinstance(algebra, dict):
            for value in algebra.values():
                yield from self.sparql_patterns(value, shape)

    def sparql_path_plan(self, path: Node | Path, then: ReadPlan, shape: Node, inverse: bool) -> ReadPlan:
        """The plan of a SPARQL predicate or property path from ``?this``."""
        if isinstance(path, URIRef):
            return ReadPlan({Step(path, inverse): then})
        if isinstance(path, Variable):
            return ReadPlan({Step(None, inverse): then})
        if isinstance(path, InvPath):
            return self.sparql_path_plan(path.arg, then, shape, not inverse)
        if isinstance(path, SequencePath):
            for member in path.args if inverse else reversed(path.args):
                then = self.sparql_path_plan(member, then, shape, inverse)
            return then
        if isinstance(path, AlternativePath):
            return ReadPlan.merge(*(self.sparql_path_plan(member, then, shape, inverse) for member in path.args))
        if isinstance(path, MulPath) and path.mod == "?":
            return ReadPlan.merge(then, self.sparql_path_plan(path.path, then, shape, inverse))
        if isinstance(path, NegatedPath):
            return ReadPlan({Step(None, inverse): then, Step(None, not inverse): then})
        raise UnsupportedShapes(f"{self.name(shape)}: the SPARQL path {path} reads without bound")


def _schema_only(predicate: object) -> bool:
    """Whether a SPARQL predicate or path uses rdfs:subClassOf and nothing else."""
    if isinstance(predicate, URIRef):
        return predicate in SCHEMA_PREDICATES
    if isinstance(predicate, (SequencePath, AlternativePath)):
        return all(_schema_only(member) for member in predicate.args)
    if isinstance(predicate, InvPath):
        return _schema_only(predicate.arg)
    if isinstance(predicate, MulPath):
        return _schema_only(predicate.path)
    return False


# ----------------------------------------------------------------------------- the context of a unit


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
    every ``rdfs:subClassOf`` triple (:attr:`Dependencies.schema`), for a plan deeper than these hops
    what the plan reads from the nodes they reach, and, for shapes with object targets
    (:attr:`Dependencies.object_targets`, none today), the triples of other units whose object the unit
    owns, which no lookup by node names: :meth:`ContextIndex.for_unit` follows it all.
    With today's shapes a unit's lookups are the ``rdf:type`` of the nodes outside it that its triples
    point at through a property with an ``sh:class``.

    Args:
        unit: The unit's triples.
        owned: Whether the unit owns a node (:meth:`Partition.owned_by`, or :meth:`Partition.is_shared`).
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

    It keeps only the triples some unit may read from another (:meth:`Dependencies.read_from_elsewhere`:
    with today's shapes the ``rdf:type`` and ``rdfs:subClassOf`` triples), by subject and, for inverse
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
            owned: Whether the unit owns a node (:meth:`Partition.owned_by`, or :meth:`Partition.is_shared`).

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
    yield from _ontology(ontology)


def _ontology(ontology: Graph | None) -> Graph:
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
    onto = _ontology(ontology)
    index = ContextIndex([*shared_unit, *exports], onto, deps)
    return index.for_unit([*shared_unit, *onto], Partition(article_ids).is_shared)


# ----------------------------------------------------------------------------- validating units


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
        owner: The key of the unit that owns a node (:meth:`Partition.owner`).
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
        context: Its context (:meth:`ContextIndex.for_unit`), which holds what it reads of the ontology.
        owned: Whether the unit owns a node (:meth:`Partition.owned_by`).
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
        context: Its context (:func:`shared_context`).
        article_ids: Every article of the build.
        shapes: The SHACL shapes (default: the project's).
        ontology: The ontology the view merges in (default: the project's); validated with the shared unit.
    """
    partition = Partition(article_ids)
    unit = list({t: None for t in (*shared_unit, *_ontology(ontology))})
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

    Together they are the shape findings :func:`kg.pipeline.validation.validate` gives on the whole. Each
    article's context comes from one :class:`ContextIndex`, the shared unit's from the articles'
    exported triples (:func:`shared_context`), as an incremental build gets them.

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
    onto = _ontology(ontology)
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


# ----------------------------------------------------------------------------- findings as JSON


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


__all__ = [
    "ARTICLE_IRI_PREFIX",
    "ContextIndex",
    "Dependencies",
    "Partition",
    "ReadPlan",
    "Step",
    "Triple",
    "UnsupportedShapes",
    "article_ids_in",
    "asserted_triples",
    "context_nodes",
    "dependencies",
    "exported_triples",
    "finding_from_json",
    "finding_key",
    "finding_to_json",
    "node_from_nt",
    "node_to_nt",
    "shared_context",
    "shared_findings",
    "unit_findings",
    "validate_by_units",
    "validate_units",
]
