"""Ontology lint: every term labelled, defined and isDefinedBy its module; the headers complete; deprecated terms
kept with their replacements."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

import kg
from kg import resources
from kg.rdf import iris
from kg.rdf.namespaces import KGO, KGO_NS
from kg.rdf.ontology import deprecated_terms, load_ontology, modules, ontology_files

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(resources.ontology_dir())


def our_terms(ontology: Graph) -> list[URIRef]:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO))}
    return sorted(terms)


def module_files() -> dict[URIRef, Graph]:
    """Each module of the edit source (a file whose owl:Ontology is not the umbrella), read alone, by its IRI."""
    found = {}
    for path in ontology_files(resources.ontology_dir()):
        graph = Graph().parse(path, format="turtle")
        for module in graph.subjects(RDF.type, OWL.Ontology):
            if module != iris.ONTOLOGY and isinstance(module, URIRef):
                found[module] = graph
    return found


def declaring_module() -> dict[URIRef, URIRef]:
    """Each term of ours, by the module whose file declares it (gives it a type)."""
    return {
        term: module
        for module, graph in module_files().items()
        for term in graph.subjects(RDF.type, None)
        if isinstance(term, URIRef) and str(term).startswith(str(KGO))
    }


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
            if set(ontology.objects(term, RDFS.isDefinedBy)) != {declaring_module()[term]}:
                problems.append(f"{term}: rdfs:isDefinedBy must be {declaring_module()[term]}, the module declaring it")
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


def test_each_module_is_headed_and_imports_the_modules_whose_terms_it_uses(ontology: Graph) -> None:
    """SOSA-style module headers in the edit source: title, description, part of the umbrella, and imports of
    exactly the modules whose terms it names; as kg reads the ontology, those imports are dcterms:requires."""
    files = module_files()
    declared = declaring_module()
    assert files and set(files) == set(modules(ontology))
    for module, graph in files.items():
        for prop in (DCTERMS.title, DCTERMS.description):
            assert graph.value(module, prop) is not None, f"{module} lacks {prop}"
        assert graph.value(module, DCTERMS.isPartOf) == iris.ONTOLOGY
        named = {o for triple in graph for o in triple if isinstance(o, URIRef) and o in declared}
        uses = {declared[term] for term in named} - {module}
        assert set(graph.objects(module, OWL.imports)) == uses, module
        assert set(ontology.objects(module, DCTERMS.requires)) == uses
        assert not list(ontology.objects(module, OWL.imports))


def test_the_catalog_maps_every_module_to_its_file() -> None:
    """ontology/catalog-v001.xml, for OWL editors, maps each module's IRI to the file that declares it."""
    import xml.etree.ElementTree as ET

    folder = resources.ontology_dir()
    root = ET.parse(folder / "catalog-v001.xml").getroot()
    mapped = {
        e.get("name"): folder / str(e.get("uri")) for e in root.iter("{urn:oasis:names:tc:entity:xmlns:xml:catalog}uri")
    }
    files = {}
    for path in ontology_files(folder):
        graph = Graph().parse(path, format="turtle")
        files.update({str(m): path for m in graph.subjects(RDF.type, OWL.Ontology) if m != iris.ONTOLOGY})
    assert files and mapped == files


def test_deprecated_terms_point_to_their_replacements(ontology: Graph) -> None:
    """A renamed term stays one release, deprecated: replaced by a current term it is a subproperty (or
    subclass) of, so data that uses it still means the same after reasoning; code cannot name it."""
    deprecated = deprecated_terms(ontology)
    assert deprecated, "no deprecated term: drop this test when the aliases are removed"
    for old, new in deprecated.items():
        assert new is not None and new not in deprecated and new in our_terms(ontology), old
        parents = set(ontology.objects(old, RDFS.subPropertyOf)) | set(ontology.objects(old, RDFS.subClassOf))
        assert new in parents, f"{old} must be a subproperty or subclass of {new}"
        assert str(ontology.value(old, RDFS.label)).endswith("(deprecated)")
        assert old not in our_terms_of_kgo(), f"kg/rdf/terms.py must not offer {old} to code"


def test_data_that_uses_a_deprecated_term_means_the_same_after_reasoning(ontology: Graph) -> None:
    """A graph written with the old name of a term gets the new name in kgg:inferred."""
    from rdflib import Dataset

    from kg.pipeline.reasoning import with_inferences

    dataset = Dataset()
    for triple in ontology:
        dataset.graph(iris.ONTOLOGY_GRAPH).add(triple)
    article = dataset.graph(URIRef("https://w3id.org/kerman-kg/graph/article/old-data"))
    expected = []
    for n, (old, new) in enumerate(sorted(deprecated_terms(ontology).items())):
        subject = URIRef(f"https://w3id.org/kerman-kg/id/old-data/fact-{n}")
        value = Literal("5") if (old, RDF.type, OWL.DatatypeProperty) in ontology else URIRef(f"{subject}-value")
        article.add((subject, old, value))
        expected.append((subject, new, value))
    inferred = with_inferences(dataset)[0].graph(iris.INFERRED_GRAPH)
    assert expected and [triple for triple in expected if triple not in inferred] == []


def test_the_version_is_stamped_from_the_package(ontology: Graph) -> None:
    """One source for the version: the package's; the edit source writes none, and a release restamps it."""
    umbrella = Graph().parse(resources.ontology_dir() / "kerman-kg.ttl", format="turtle")
    assert not [o for p in (OWL.versionInfo, OWL.versionIRI) for o in umbrella.objects(iris.ONTOLOGY, p)]
    assert list(ontology.objects(iris.ONTOLOGY, OWL.versionInfo)) == [Literal(kg.__version__)]
    assert list(ontology.objects(iris.ONTOLOGY, OWL.versionIRI)) == [URIRef(f"{iris.ONTOLOGY}/{kg.__version__}")]
    release = load_ontology(resources.ontology_dir(), version="9.9.9")
    assert list(release.objects(iris.ONTOLOGY, OWL.versionInfo)) == [Literal("9.9.9")]
    for module in modules(release):  # each module's header carries the same version
        assert list(release.objects(module, OWL.versionInfo)) == [Literal("9.9.9")]
        assert list(release.objects(module, OWL.versionIRI)) == [URIRef(f"{module}/9.9.9")]


def test_every_term_the_data_uses_is_declared(dataset, ontology: Graph) -> None:  # type: ignore[no-untyped-def]
    declared = set(our_terms(ontology))
    used = set()
    for s, p, o, _graph in dataset.quads((None, None, None, None)):
        for term in (s, p, o) if p != RDF.type else (p, o):
            if isinstance(term, URIRef) and str(term).startswith(str(KGO)):
                used.add(term)
    assert used and used <= declared, sorted(used - declared)
    data = {
        term
        for s, p, o, graph in dataset.quads((None, None, None, None))
        if graph != iris.ONTOLOGY_GRAPH
        for term in (s, p, o)
        if isinstance(term, URIRef)
    }
    assert not data & deprecated_terms(ontology).keys(), "the build writes a deprecated term"


def test_the_generated_terms_are_up_to_date(ontology: Graph) -> None:
    """kg/rdf/terms.py is generated from the ontology: after an edit, ``python -m kg.rdf.ontology``."""
    from kg.rdf.ontology import terms_module

    generated = terms_module(ontology)
    assert (Path(kg.__file__).parent / "rdf" / "terms.py").read_text(encoding="utf-8") == generated, (
        "kg/rdf/terms.py is out of date: run python -m kg.rdf.ontology"
    )


def test_a_misspelt_term_fails_where_it_is_named() -> None:
    from kg.rdf.terms import KGO

    assert KGO.Attack == KGO_NS.Attack and KGO.publishedTitle == KGO_NS["publishedTitle"]
    assert KGO.atLeast in our_terms_of_kgo()
    with pytest.raises(AttributeError):
        KGO.Atack  # noqa: B018
    assert KGO_NS["Atack"] == URIRef(str(KGO_NS) + "Atack")  # names read from data: checked by the Vocabulary


def our_terms_of_kgo() -> set[URIRef]:
    from kg.rdf.terms import KGO

    return {URIRef(str(KGO) + name) for name in KGO.__annotations__}
