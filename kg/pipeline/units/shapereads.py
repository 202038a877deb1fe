"""What the shapes' findings on a focus node read, read off a shapes graph: :func:`dependencies`.

SHACL decides a focus node's findings from a bounded set of triples, and :func:`dependencies` reads that
set off the shapes, as a :class:`kg.pipeline.units.readplans.ReadPlan`: a tree of hops from the focus node
(:class:`kg.pipeline.units.readplans.Step`: a predicate, forward or inverse) and what is read at the nodes each
hop reaches. Targets read at the focus (``sh:targetClass`` its ``rdf:type``,
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
components, an unknown ``sh:`` parameter, raises :class:`kg.pipeline.units.readplans.UnsupportedShapes`
when the plan is made, so a new shape cannot silently make the units wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection as RDFList
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.pipeline.units.readplans import EMPTY_PLAN, SCHEMA_PREDICATES, Dependencies, ReadPlan, Step, UnsupportedShapes
from kg.pipeline.validation import load_shapes
from kg.rdf.namespaces import SH

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
