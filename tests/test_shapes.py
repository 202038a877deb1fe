"""The SHACL shapes, tested one by one on fixtures in the style of the W3C SHACL test suite.

Every node shape ``kgs:<Name>`` of ``shapes/*.ttl`` has a folder
``tests/fixtures/shapes/<Name>/`` (see ``tests/fixtures/README.md``) with

* ``valid.ttl``: data the shape accepts: validating it gives no result from the shape;
* ``invalid.ttl``: data that breaks the shape;
* ``expected.yaml``: the exact results the shape gives on ``invalid.ttl`` (focus node, path,
  constraint component, severity; never the message text), compared as a multiset.

Each fixture is validated as ``kg validate`` does it (:func:`kg.validation.validate`: the
ontology merged in, OWL RL inferences recomputed, every shape run); only the results whose
source shape is the shape under test, or one of its property shapes, are compared.

The shapes graph itself is linted: it must pass pySHACL's meta-SHACL validation (the W3C
SHACL-SHACL shapes), use no ``sh:`` term that the SHACL vocabulary lacks (meta-SHACL does not
notice a misspelt parameter such as ``sh:dataType``: a shape with one silently checks nothing),
give every constraint a message, and give every node shape a label.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from pyshacl import validate as shacl_validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node
from ruamel.yaml import YAML

from kg import resources
from kg.ontology import load_ontology
from kg.validation import Finding, load_shapes, validate

SH = Namespace("http://www.w3.org/ns/shacl#")
KGS = Namespace("https://w3id.org/kerman-kg/shapes#")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
FIXTURE_FILES = ("valid.ttl", "invalid.ttl", "expected.yaml")
EXPECTED_KEYS = {"focus", "path", "component", "severity"}
SEVERITIES = {"Violation", "Warning", "Info"}
#: Targets that name their focus nodes declaratively (SHACL core), as opposed to sh:target (SHACL-AF).
DECLARATIVE_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

#: A result as compared: (focus node, path or None, constraint component, severity).
ResultKey = tuple[str, str | None, str, str]


# ----------------------------------------------------------------------------- helpers


@functools.cache
def shapes_graph() -> Graph:
    """Every shapes file of the project, in one graph (read once; tests must not change it)."""
    return load_shapes()


@functools.cache
def ontology_graph() -> Graph:
    """The project's ontology (read once; tests must not change it)."""
    return load_ontology(resources.ontology_dir())


@functools.cache
def shacl_vocabulary_graph() -> Graph:
    """The W3C SHACL vocabulary (shacl.ttl, SHACL-AF terms included) as pySHACL ships it."""
    source = files("pyshacl").joinpath("assets", "shacl.ttl")
    return Graph().parse(data=source.read_text(encoding="utf-8"), format="turtle")


def shacl_vocabulary() -> set[URIRef]:
    """Every term the SHACL vocabulary defines: the ``sh:`` IRIs that are subjects in shacl.ttl."""
    return {s for s in shacl_vocabulary_graph().subjects() if isinstance(s, URIRef) and s.startswith(str(SH))}


def node_shape_names(shapes: Graph) -> set[str]:
    """The local names of the node shapes in the kgs: namespace (``QuoteShape`` for ``kgs:QuoteShape``)."""
    return {
        str(shape)[len(str(KGS)) :]
        for shape in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(shape, URIRef) and shape.startswith(str(KGS))
    }


def fixture_folders() -> set[str]:
    """The names of the fixture folders under tests/fixtures/shapes/."""
    if not FIXTURES.is_dir():
        return set()
    return {path.name for path in FIXTURES.iterdir() if path.is_dir()}


def fixture_file(name: str, filename: str) -> Path:
    """One file of a shape's fixture folder; fails the test when it is missing."""
    path = FIXTURES / name / filename
    if not path.is_file():
        pytest.fail(f"missing fixture file {path.relative_to(FIXTURES.parent.parent.parent)}")
    return path


def load_data(path: Path) -> Dataset:
    """A Turtle fixture as a dataset (its triples in the default graph), as kg validate would read it."""
    dataset = Dataset()
    dataset.parse(path, format="turtle")
    return dataset


@functools.cache
def findings_for(path: Path) -> tuple[Finding, ...]:
    """Every finding of validating a fixture file with all the project's shapes (cached per file)."""
    return tuple(validate(load_data(path), shapes=shapes_graph()).findings)


def from_shape(findings: tuple[Finding, ...], name: str) -> list[Finding]:
    """The findings of node shape ``kgs:<name>`` itself or of one of its property shapes."""
    own = f"kgs:{name}"
    return [f for f in findings if f.shape == own or f.shape.startswith(own + " / ")]


def result_key(finding: Finding) -> ResultKey:
    """What a finding is compared on: focus node, path, constraint component, severity."""
    return (finding.focus, finding.path, finding.component, finding.severity)


def sort_key(key: ResultKey) -> tuple[str, str, str, str]:
    """A total order on result keys (None paths first)."""
    focus, path, component, severity = key
    return (focus, path or "", component, severity)


def load_expected(path: Path) -> list[ResultKey]:
    """The results an expected.yaml lists, checked for shape: a list of {focus, path, component, severity}."""
    entries: Any = YAML(typ="safe").load(path)
    assert isinstance(entries, list) and entries, f"{path}: expected a non-empty list of results"
    keys: list[ResultKey] = []
    for number, entry in enumerate(entries, start=1):
        assert isinstance(entry, dict), f"{path}: result {number} is not a mapping"
        assert set(entry) == EXPECTED_KEYS, (
            f"{path}: result {number} has keys {sorted(entry)}, not {sorted(EXPECTED_KEYS)}"
        )
        focus, result_path, component, severity = (entry[k] for k in ("focus", "path", "component", "severity"))
        assert isinstance(focus, str) and focus, f"{path}: result {number}: focus must be a string"
        assert result_path is None or isinstance(result_path, str), (
            f"{path}: result {number}: path must be a string or null"
        )
        assert isinstance(component, str) and component.endswith("ConstraintComponent"), (
            f"{path}: result {number}: component must be a constraint component's local name"
        )
        assert severity in SEVERITIES, f"{path}: result {number}: severity must be one of {sorted(SEVERITIES)}"
        keys.append((focus, result_path, component, severity))
    return sorted(keys, key=sort_key)


def has_declarative_target(shapes: Graph, shape: URIRef) -> bool:
    """Whether the shape names its targets with SHACL core target declarations (not a SPARQL target)."""
    return any((shape, target, None) in shapes for target in DECLARATIVE_TARGETS)


def declared_focus_nodes(data: Graph, shapes: Graph, shape: URIRef) -> set[Node]:
    """The nodes of a fixture that a shape's core target declarations select.

    Computed on the fixture's own triples plus the ontology (for rdfs:subClassOf), without
    inference: a lower bound of the focus nodes validation sees, which is all an
    "at least one" check needs. Only nodes the fixture mentions count.
    """
    union = Graph()
    for triple in data:
        union.add(triple)
    for triple in ontology_graph():
        union.add(triple)
    mentioned = set(data.subjects()) | set(data.objects())
    nodes: set[Node] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        rows = union.query(
            "SELECT DISTINCT ?node WHERE { ?node a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?class }",
            initBindings={"class": cls},
        )
        nodes |= {row[0] for row in rows}  # type: ignore[index]
    nodes |= set(shapes.objects(shape, SH.targetNode))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes |= set(data.subjects(prop, None))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes |= set(data.objects(None, prop))
    return nodes & mentioned


def unknown_shacl_terms(shapes: Graph, vocabulary: set[URIRef]) -> set[URIRef]:
    """The ``sh:`` terms a shapes graph uses (as subject, predicate or object) that the vocabulary lacks."""
    used = {term for triple in shapes for term in triple if isinstance(term, URIRef) and term.startswith(str(SH))}
    return used - vocabulary


def constraint_parameters(vocabulary: Graph) -> set[URIRef]:
    """The predicates that are constraint parameters in SHACL (sh:pattern, sh:or, sh:minCount...).

    Read from the vocabulary: the sh:path of every sh:parameter of every sh:ConstraintComponent.
    """
    return {
        path
        for component in vocabulary.subjects(RDF.type, SH.ConstraintComponent)
        for parameter in vocabulary.objects(component, SH.parameter)
        for path in vocabulary.objects(parameter, SH.path)
        if isinstance(path, URIRef)
    }


def has_message(shapes: Graph, node: Node) -> bool:
    """Whether a shape or constraint carries a non-empty sh:message."""
    return any(isinstance(m, Literal) and str(m).strip() for m in shapes.objects(node, SH.message))


def meta_shacl_failure(shapes: Graph) -> str | None:
    """pySHACL's meta-SHACL check of a shapes graph: None when it conforms, else pySHACL's report."""
    try:
        shacl_validate(shapes, shacl_graph=None, meta_shacl=True, advanced=True)
    except ReportableRuntimeError as exc:
        return str(exc)
    return None


SHAPE_NAMES = sorted(node_shape_names(shapes_graph()))


# ----------------------------------------------------------------------------- fixture coverage


def test_every_node_shape_has_a_fixture_folder() -> None:
    """One fixture folder per kgs: node shape, none for a shape that does not exist, at least 20 in all."""
    shapes = node_shape_names(shapes_graph())
    folders = fixture_folders()
    assert len(folders) >= 20, f"only {len(folders)} fixture folder(s) under {FIXTURES}"
    assert not shapes - folders, f"node shapes without a fixture folder: {sorted(shapes - folders)}"
    assert not folders - shapes, f"fixture folders for shapes that do not exist: {sorted(folders - shapes)}"


@pytest.mark.parametrize("name", sorted(fixture_folders()))
def test_fixture_folder_is_complete(name: str) -> None:
    """Each fixture folder holds valid.ttl, invalid.ttl and expected.yaml, and nothing else."""
    present = {path.name for path in (FIXTURES / name).iterdir()}
    assert present == set(FIXTURE_FILES), f"{name}/ holds {sorted(present)}, expected {sorted(FIXTURE_FILES)}"


# ----------------------------------------------------------------------------- per-shape fixtures


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_valid_fixture_gives_no_result_from_the_shape(name: str) -> None:
    """valid.ttl gives the shape a focus node (for core targets) and no result from the shape."""
    path = fixture_file(name, "valid.ttl")
    shape = KGS[name]
    if has_declarative_target(shapes_graph(), shape):
        data = Graph().parse(path, format="turtle")
        assert declared_focus_nodes(data, shapes_graph(), shape), f"{name}/valid.ttl gives kgs:{name} no focus node"
    # A shape whose only target is a SPARQL target (SHACL-AF) may select just the suspects its query
    # finds; its valid.ttl then holds the near miss the target must leave alone, with no focus node.
    results = from_shape(findings_for(path), name)
    assert not results, "\n".join(f"{f.focus} {f.path} [{f.component}] {f.message}" for f in results)


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_invalid_fixture_gives_the_expected_results(name: str) -> None:
    """invalid.ttl gives exactly the results of expected.yaml from the shape (as a multiset), at least one."""
    expected = load_expected(fixture_file(name, "expected.yaml"))
    actual = sorted(
        (result_key(f) for f in from_shape(findings_for(fixture_file(name, "invalid.ttl")), name)), key=sort_key
    )
    assert actual, f"{name}/invalid.ttl gives no result from kgs:{name}"
    assert actual == expected


def test_results_are_compared_without_messages() -> None:
    """The comparison key is focus, path, component and severity: two findings differing only in message match."""
    common: dict[str, Any] = {
        "severity": "Violation",
        "shape": "kgs:QuoteShape / nif:anchorOf",
        "shape_label": "quote",
        "focus": "kgd:q",
        "focus_label": "",
        "component": "MinCountConstraintComponent",
        "path": "nif:anchorOf",
    }
    one, two = Finding(message="one", **common), Finding(message="two", **common)
    assert result_key(one) == result_key(two) == ("kgd:q", "nif:anchorOf", "MinCountConstraintComponent", "Violation")
    assert from_shape((one,), "Quote") == []  # a shape's name is matched whole, not as a prefix
    assert from_shape((one,), "QuoteShape") == [one]


# ----------------------------------------------------------------------------- shapes lint


def test_shapes_pass_meta_shacl() -> None:
    """The shapes graph conforms to the W3C SHACL-SHACL shapes (pySHACL's meta-SHACL)."""
    failure = meta_shacl_failure(shapes_graph())
    assert failure is None, failure


def test_shapes_use_only_shacl_vocabulary() -> None:
    """Every sh: term used in shapes/*.ttl (subject, predicate or object) is defined by the SHACL vocabulary."""
    vocabulary = shacl_vocabulary()
    assert {SH.NodeShape, SH.datatype, SH.SPARQLTarget, SH.select} <= vocabulary  # the vocabulary was read
    unknown = unknown_shacl_terms(shapes_graph(), vocabulary)
    assert not unknown, f"sh: terms that SHACL does not define: {sorted(unknown)}"


def test_vocabulary_check_catches_a_misspelt_term() -> None:
    """A shape with sh:dataType (for sh:datatype) passes meta-SHACL but not the vocabulary check."""
    misspelt = Graph().parse(
        format="turtle",
        data="""
            @prefix sh: <http://www.w3.org/ns/shacl#> .
            @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
            @prefix ex: <https://example.org/> .
            ex:CountShape a sh:NodeShape ;
                sh:targetClass ex:Figure ;
                sh:property [ sh:path ex:count ; sh:dataType xsd:integer ; sh:message "A count is an integer." ] .
        """,
    )
    assert unknown_shacl_terms(misspelt, shacl_vocabulary()) == {SH.dataType}
    assert meta_shacl_failure(misspelt) is None  # meta-SHACL alone lets it through


def test_every_constraint_has_a_message() -> None:
    """Every property shape, every SPARQL constraint and every node shape with node-level constraints has a message.

    A node shape's node-level constraints are its SHACL constraint parameters (read from the SHACL
    vocabulary) other than sh:property and sh:sparql, whose shapes and constraints carry their own.
    """
    shapes = shapes_graph()
    missing: list[str] = []
    for owner, prop in shapes.subject_objects(SH.property):
        if not has_message(shapes, prop):
            missing.append(f"property shape {shapes.value(prop, SH.path)} of {owner}")
    for owner, constraint in shapes.subject_objects(SH.sparql):
        if not has_message(shapes, constraint):
            missing.append(f"SPARQL constraint of {owner}")
    node_level = constraint_parameters(shacl_vocabulary_graph()) - {SH.property, SH.sparql}
    assert {SH.pattern, SH["or"], SH.minCount} <= node_level  # the parameters were read
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        used = {p for p in shapes.predicates(shape, None) if p in node_level}
        if used and not has_message(shapes, shape):
            missing.append(f"node shape {shape} (constraints {sorted(used)})")
    assert not missing, "constraints without sh:message:\n" + "\n".join(missing)


def test_every_node_shape_has_a_label() -> None:
    """Every node shape has an rdfs:label, which reports show beside the shape's name."""
    shapes = shapes_graph()
    unlabelled = sorted(str(s) for s in shapes.subjects(RDF.type, SH.NodeShape) if shapes.value(s, RDFS.label) is None)
    assert not unlabelled, f"node shapes without rdfs:label: {unlabelled}"
