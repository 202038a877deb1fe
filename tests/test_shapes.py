"""The SHACL shapes, tested one by one on fixtures in the style of the W3C SHACL test suite.

Every node shape ``kgs:<Name>`` of ``shapes/*.ttl`` (the data shapes) and of ``shapes/lint/*.ttl``
(the ontology's lint shapes) has a folder ``tests/fixtures/shapes/<Name>/`` (see
``tests/fixtures/README.md``) with

* ``valid.ttl``: data the shape accepts: validating it gives no result from the shape;
* ``invalid.ttl``: data that breaks the shape;
* ``expected.yaml``: the exact results the shape gives on ``invalid.ttl`` (focus node, path,
  constraint component, severity; never the message text), compared as a multiset.

A data fixture is validated as ``kg validate`` does it (:func:`kg.pipeline.validation.validate`: the
fixture as asserted, the ontology merged in, no inference, every data shape run; the quality
checks have fixtures of their own, ``tests/test_checks.py``); a lint fixture is an ontology
graph, linted alone as ``kg.pipeline.lint.lint_ontology`` does it. Only the results whose source shape is
the shape under test, or one of its property shapes, are compared.

Because nothing is inferred, a constraint that repeats a property's range can fail, and each
range of a property of ours is enforced by some property shape (tested below).

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
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node
from ruamel.yaml import YAML

from kg import resources
from kg.pipeline.findings import Finding
from kg.pipeline.lint import lint_ontology, load_lint_shapes
from kg.pipeline.validation import load_shapes, run_shapes, shape_findings, validate
from kg.pipeline.validationview import validation_view
from kg.rdf.ontology import load_ontology

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
    """Every data shapes file of the project, in one graph (read once; tests must not change it)."""
    return load_shapes()


@functools.cache
def lint_shapes_graph() -> Graph:
    """The ontology's lint shapes, in one graph (read once; tests must not change it)."""
    return load_lint_shapes()


@functools.cache
def all_shapes_graph() -> Graph:
    """The data shapes and the lint shapes together: what the shapes lint below checks."""
    graph = Graph()
    for triple in shapes_graph():
        graph.add(triple)
    for triple in lint_shapes_graph():
        graph.add(triple)
    return graph


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
    """Every finding of a fixture file (cached per file): linted alone for a lint shape, else validated.

    A data fixture gets every data shape and every quality check, as kg validate runs them; a lint
    fixture is an ontology graph, linted alone.
    """
    if path.parent.name in LINT_SHAPE_NAMES:
        return tuple(lint_ontology(Graph().parse(path, format="turtle"), shapes=lint_shapes_graph()).findings)
    return tuple(validate(load_data(path), shapes=shapes_graph()).findings)


def shapes_for(name: str) -> Graph:
    """The shapes graph a node shape lives in: the lint shapes for a lint shape, else the data shapes."""
    return lint_shapes_graph() if name in LINT_SHAPE_NAMES else shapes_graph()


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


LINT_SHAPE_NAMES = frozenset(node_shape_names(lint_shapes_graph()))
SHAPE_NAMES = sorted(node_shape_names(shapes_graph()) | LINT_SHAPE_NAMES)


# ----------------------------------------------------------------------------- fixture coverage


def test_every_node_shape_has_a_fixture_folder() -> None:
    """One fixture folder per kgs: node shape (data or lint), none for a shape that does not exist, at least 20."""
    shapes = set(SHAPE_NAMES)
    assert LINT_SHAPE_NAMES and not LINT_SHAPE_NAMES & node_shape_names(shapes_graph())  # two apart sets
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
    if has_declarative_target(shapes_for(name), shape):
        data = Graph().parse(path, format="turtle")
        assert declared_focus_nodes(data, shapes_for(name), shape), f"{name}/valid.ttl gives kgs:{name} no focus node"
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


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_valid_fixture_gives_no_result_at_all(name: str) -> None:
    """valid.ttl is clean data: no result from any shape or quality check, so it shows what good data is."""
    results = findings_for(fixture_file(name, "valid.ttl"))
    assert not results, "\n".join(f"{f.shape}: {f.focus} {f.path} [{f.component}] {f.message}" for f in results)


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_invalid_fixture_breaks_no_other_shape(name: str) -> None:
    """invalid.ttl breaks its own shape and no other (a quality check that restates a count may fire too)."""
    others = [
        f
        for f in findings_for(fixture_file(name, "invalid.ttl"))
        if not f.shape.startswith("checks/") and f not in from_shape((f,), name)
    ]
    assert not others, "\n".join(f"{f.shape}: {f.focus} {f.path} [{f.component}]" for f in others)


def path_properties(shapes: Graph, path: Node) -> set[Node]:
    """The properties a property shape's path reaches directly: the path itself, or each of its alternatives."""
    alternatives = shapes.value(path, SH.alternativePath)
    return set(Collection(shapes, alternatives)) if alternatives is not None else {path}


def enforced_classes(shapes: Graph) -> dict[Node, set[Node]]:
    """For each property, the classes some property shape requires of its values (sh:class, or each of an sh:or)."""
    enforced: dict[Node, set[Node]] = {}
    for shape, path in shapes.subject_objects(SH.path):
        classes = set(shapes.objects(shape, SH["class"]))
        for alternatives in shapes.objects(shape, SH["or"]):
            for member in Collection(shapes, alternatives):  # type: ignore[arg-type]
                classes |= set(shapes.objects(member, SH["class"]))
        if shapes.value(shape, SH["in"]) is not None:
            classes.add(SH["in"])  # a closed list of values is stricter than any class
        for prop in path_properties(shapes, path):
            enforced.setdefault(prop, set()).update(classes)
    return enforced


def test_every_range_of_ours_is_enforced_by_a_shape() -> None:
    """Each object property of ours whose rdfs:range is a class of ours has a property shape requiring that class.

    Nothing is inferred when the data is validated, so the range of a property types nothing: only a
    shape's sh:class (or sh:in) catches a value of the wrong kind, such as a place as a speaker.
    """
    ontology, shapes = ontology_graph(), shapes_graph()
    enforced = enforced_classes(shapes)
    kgo = "https://w3id.org/kerman-kg/ontology#"
    ranges = {
        (prop, rng)
        for prop in ontology.subjects(RDF.type, OWL.ObjectProperty)
        for rng in ontology.objects(prop, RDFS.range)
        if str(prop).startswith(kgo) and str(rng).startswith(kgo)
    }
    assert len(ranges) > 30  # the ontology was read
    missing = sorted(
        f"{prop} (range {rng})"
        for prop, rng in ranges
        if not enforced.get(prop, set()) & ({SH["in"]} | set(ontology.transitive_subjects(RDFS.subClassOf, rng)))
    )
    assert not missing, "ranges no shape enforces:\n" + "\n".join(missing)


def test_range_check_catches_an_unenforced_range() -> None:
    """The range test reads alternative paths and would miss a property that no shape names."""
    shapes = Graph().parse(
        format="turtle",
        data="""
            @prefix sh: <http://www.w3.org/ns/shacl#> .
            @prefix ex: <https://example.org/> .
            ex:S a sh:NodeShape ; sh:targetClass ex:C ;
                sh:property [ sh:path [ sh:alternativePath ( ex:a ex:b ) ] ; sh:class ex:D ; sh:message "m" ] .
        """,
    )
    enforced = enforced_classes(shapes)
    ex = Namespace("https://example.org/")
    assert enforced == {ex.a: {ex.D}, ex.b: {ex.D}}
    assert ex.c not in enforced


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


# ----------------------------------------------------------------------------- the two SHACL engines


def engine_findings(data: Graph, shapes: Graph, engine: str) -> list[tuple[str | None, ...]]:
    """Every finding one SHACL engine gives on a graph, with every field a person reads, sorted."""
    report = run_shapes(data, shapes, engine=engine)
    return sorted(
        (f.severity, f.shape, f.focus, f.path, f.component, f.value, f.message)
        for f in shape_findings(report, shapes, data)
    )


@pytest.mark.slow
def test_both_engines_give_the_same_results_on_every_fixture() -> None:
    """pyshacl-turbo, which validation prefers when installed, reports exactly what pySHACL reports.

    On every data fixture of the shapes and of the checks (the lint fixtures with the lint shapes), the
    findings agree field by field, messages included; the real corpus is compared in test_validation.py.
    """
    pytest.importorskip("pyshacl_turbo", reason="pyshacl-turbo is not installed: only pySHACL is used")
    fixtures = sorted(FIXTURES.glob("*/*.ttl")) + sorted((FIXTURES.parent / "checks").glob("*/*.ttl"))
    assert len(fixtures) >= 2 * len(SHAPE_NAMES)
    differ = []
    for path in fixtures:
        lint = path.parent.name in LINT_SHAPE_NAMES
        data = Graph().parse(path, format="turtle") if lint else validation_view(load_data(path), ontology_graph())
        shapes = lint_shapes_graph() if lint else shapes_graph()
        if engine_findings(data, shapes, "pyshacl") != engine_findings(data, shapes, "pyshacl_turbo"):
            differ.append(str(path.relative_to(FIXTURES.parent)))
    assert not differ, f"the engines differ on {differ}"


# ----------------------------------------------------------------------------- the ontology lint, a step of its own


def test_project_ontology_passes_the_lint() -> None:
    """The project's ontology, linted alone, gives no result; the summary names kg lint."""
    report = lint_ontology()
    assert report.findings == [] and report.conforms
    assert report.tool == "kg lint" and report.triples == len(ontology_graph())


def test_data_validation_does_not_lint_the_ontology() -> None:
    """kg validate runs no lint shape: a data file with a half-made ontology term is not linted as an ontology."""
    assert not LINT_SHAPE_NAMES & node_shape_names(load_shapes())
    dataset = load_data(fixture_file("OntologyTermShape", "invalid.ttl"))
    assert validate(dataset).findings == []
    assert lint_ontology(Graph().parse(fixture_file("OntologyTermShape", "invalid.ttl"), format="turtle")).violations


# ----------------------------------------------------------------------------- shapes lint


def test_shapes_pass_meta_shacl() -> None:
    """The shapes graphs (data and lint) conform to the W3C SHACL-SHACL shapes (pySHACL's meta-SHACL)."""
    failure = meta_shacl_failure(all_shapes_graph())
    assert failure is None, failure


def test_shapes_use_only_shacl_vocabulary() -> None:
    """Every sh: term used in shapes/*.ttl (subject, predicate or object) is defined by the SHACL vocabulary."""
    vocabulary = shacl_vocabulary()
    assert {SH.NodeShape, SH.datatype, SH.SPARQLTarget, SH.select} <= vocabulary  # the vocabulary was read
    unknown = unknown_shacl_terms(all_shapes_graph(), vocabulary)
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
    shapes = all_shapes_graph()
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
    shapes = all_shapes_graph()
    unlabelled = sorted(str(s) for s in shapes.subjects(RDF.type, SH.NodeShape) if shapes.value(s, RDFS.label) is None)
    assert not unlabelled, f"node shapes without rdfs:label: {unlabelled}"
