"""Ontology lint: every term labelled, defined and isDefinedBy; the header complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

import kg
from kg import resources
from kg.rdf import iris
from kg.rdf.namespaces import KGO, KGO_NS
from kg.rdf.ontology import load_ontology, ontology_files

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(resources.ontology_dir())


def our_terms(ontology: Graph) -> list[URIRef]:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO))}
    return sorted(terms)


def test_there_are_terms(ontology: Graph) -> None:
    assert len(our_terms(ontology)) > 80


@pytest.mark.parametrize("check", ["label", "definition", "isDefinedBy", "typed"])
def test_every_term_is_labelled_defined_and_typed(ontology: Graph, check: str) -> None:
    problems = []
    for term in our_terms(ontology):
        if check == "label":
            labels = list(ontology.objects(term, RDFS.label))
            if len(labels) != 1 or not isinstance(labels[0], Literal) or labels[0].language != "en":
                problems.append(f"{term}: needs exactly one English rdfs:label, has {labels}")
        elif check == "definition":
            definitions = [d for d in ontology.objects(term, SKOS.definition) if isinstance(d, Literal)]
            if len(definitions) != 1 or len(str(definitions[0])) < 20:
                problems.append(f"{term}: needs one skos:definition written out, has {definitions}")
        elif check == "isDefinedBy":
            if set(ontology.objects(term, RDFS.isDefinedBy)) != {iris.ONTOLOGY}:
                problems.append(f"{term}: rdfs:isDefinedBy must be {iris.ONTOLOGY}")
        else:
            types = set(ontology.objects(term, RDF.type))
            if not types & {*TERM_TYPES, OWL.NamedIndividual, KGO.FigureQualifier, SKOS.ConceptScheme}:
                problems.append(f"{term}: declared with no OWL type ({types})")
    assert problems == []


def test_naming_conventions(ontology: Graph) -> None:
    problems = []
    for term in our_terms(ontology):
        name = str(term)[len(str(KGO)) :]
        is_class = (term, RDF.type, OWL.Class) in ontology
        is_property = any((term, RDF.type, t) in ontology for t in TERM_TYPES[1:])
        if is_class and not name[0].isupper():
            problems.append(f"class {name} must be UpperCamelCase")
        if is_property and not name[0].islower():
            problems.append(f"property {name} must be lowerCamelCase")
        if "_" in name or "-" in name:
            problems.append(f"{name} must be camel case")
    assert problems == []


def test_header_is_complete(ontology: Graph) -> None:
    onto = iris.ONTOLOGY
    assert (onto, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, OWL.versionInfo, RDFS.label):
        assert ontology.value(onto, prop) is not None, f"header lacks {prop}"
    assert isinstance(ontology.value(onto, DCTERMS.license), URIRef), "license must be an IRI"
    assert isinstance(ontology.value(onto, OWL.versionIRI), URIRef)


def test_umbrella_imports_every_module(ontology: Graph) -> None:
    """The edit source imports each module; the ontology as kg reads it has them as parts, and no import an OWL
    tool would try to fetch."""
    files = ontology_files(resources.ontology_dir())
    modules = set()
    for path in files:
        g = Graph().parse(path, format="turtle")
        modules |= {s for s in g.subjects(RDF.type, OWL.Ontology) if s != iris.ONTOLOGY}
    umbrella = Graph().parse(resources.ontology_dir() / "kerman-kg.ttl", format="turtle")
    assert modules and modules == set(umbrella.objects(iris.ONTOLOGY, OWL.imports))
    assert set(ontology.objects(iris.ONTOLOGY, DCTERMS.hasPart)) == modules
    assert not [o for o in ontology.objects(iris.ONTOLOGY, OWL.imports) if str(o).startswith(str(iris.ONTOLOGY))]


def test_the_version_is_stamped_from_the_package(ontology: Graph) -> None:
    """One source for the version: the package's; the edit source writes none, and a release restamps it."""
    umbrella = Graph().parse(resources.ontology_dir() / "kerman-kg.ttl", format="turtle")
    assert not [o for p in (OWL.versionInfo, OWL.versionIRI) for o in umbrella.objects(iris.ONTOLOGY, p)]
    assert list(ontology.objects(iris.ONTOLOGY, OWL.versionInfo)) == [Literal(kg.__version__)]
    assert list(ontology.objects(iris.ONTOLOGY, OWL.versionIRI)) == [URIRef(f"{iris.ONTOLOGY}/{kg.__version__}")]
    release = load_ontology(resources.ontology_dir(), version="9.9.9")
    assert list(release.objects(iris.ONTOLOGY, OWL.versionInfo)) == [Literal("9.9.9")]


def test_every_term_the_data_uses_is_declared(dataset, ontology: Graph) -> None:  # type: ignore[no-untyped-def]
    declared = set(our_terms(ontology))
    used = set()
    for s, p, o, _graph in dataset.quads((None, None, None, None)):
        for term in (s, p, o) if p != RDF.type else (p, o):
            if isinstance(term, URIRef) and str(term).startswith(str(KGO)):
                used.add(term)
    assert used and used <= declared, sorted(used - declared)


def test_the_generated_terms_are_up_to_date(ontology: Graph) -> None:
    """kg/rdf/terms.py is generated from the ontology: after an edit, ``python -m kg.rdf.ontology``."""
    from kg.rdf.ontology import terms_module

    generated = terms_module(ontology)
    assert (Path(kg.__file__).parent / "rdf" / "terms.py").read_text(encoding="utf-8") == generated, (
        "kg/rdf/terms.py is out of date: run python -m kg.rdf.ontology"
    )


def test_a_misspelt_term_fails_where_it_is_named() -> None:
    from kg.rdf.terms import KGO

    assert KGO.Attack == KGO_NS.Attack and KGO.title == KGO_NS["title"] and KGO.atLeast in our_terms_of_kgo()
    with pytest.raises(AttributeError):
        KGO.Atack  # noqa: B018
    assert KGO_NS["Atack"] == URIRef(str(KGO_NS) + "Atack")  # names read from data: checked by the Vocabulary


def our_terms_of_kgo() -> set[URIRef]:
    from kg.rdf.terms import KGO

    return {URIRef(str(KGO) + name) for name in KGO.__annotations__}
