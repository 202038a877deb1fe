"""The dataset description: VoID and DCAT, counted from the built graphs.

:func:`describe` reads a built dataset and returns a graph that says what it
is, in the two vocabularies catalogues and crawlers read: VoID (W3C Interest
Group Note "Describing Linked Datasets with the VoID Vocabulary") and DCAT
(W3C Recommendation "Data Catalog Vocabulary", version 3). ``kg build`` writes
it beside the dumps as ``void.ttl`` (:data:`FILE_NAME`); :func:`to_turtle`
gives its bytes.

What it says:

- the dataset (:data:`kg.iris.DATASET`, ``kgd:dataset``): a ``void:Dataset`` and
  ``dcat:Dataset`` with title, description, licence (the ontology header's
  ``dcterms:license``, CC BY 4.0), rights (the article texts belong to their
  publishers), version, its sources (every article, ``dcterms:source``), the
  build activity that made it, the SPARQL endpoint, example resources, the
  vocabularies its triples use, and the TriG and N-Quads files as
  ``dcat:Distribution``\\ s with media type, size and SHA-256;
- every named graph of the dataset as a ``void:subset`` whose IRI is the
  graph's name, with title and description (from ``kgg:provenance``), licence,
  version and, for an article graph, its article as ``dcterms:source``, the
  article's title and publisher where the text states them;
- counts, per graph and for the whole dataset, taken from the graphs
  themselves, never typed in: ``void:triples``, ``void:entities``,
  ``void:distinctSubjects``, ``void:distinctObjects``, ``void:properties``,
  ``void:classes``; and, for the whole dataset, a ``void:classPartition`` per
  class (its instances: ``void:entities`` and ``void:distinctSubjects``) and a
  ``void:propertyPartition`` per property (``void:triples``, distinct subjects
  and objects).

How things are counted. A graph's ``void:triples`` is its number of triples;
the dataset's is the sum over its graphs, i.e. its number of quads (a triple
stated in two graphs counts twice). An *entity* is an IRI in the dataset's
``void:uriSpace``, ``https://w3id.org/kerman-kg/id/`` (``kgd:``: registry
entities, articles, facts, quotes, assertions, article-local entities, the
build), that is the subject of at least one triple: the resources the dataset
describes. Ontology terms (``kgo:``), graph names (``kgg:``), outside IRIs
(Wikidata, vocabularies), blank nodes and literals are not entities. The
dataset's entities, distinct subjects, distinct objects, properties and
classes are counted over the union of its graphs (each counted once), so they
are not the sums of the graphs' figures. Classes are the distinct objects of
``rdf:type``; properties the distinct predicates.

The description is not a graph of the dataset it describes: a description
inside the data cannot count itself, nor give the size and checksum of the
files it is written into, and a publisher can stamp another version on it
without touching the data. The figures are those of the dataset as given,
inferred graph included when it has one.

Download links (``dcat:downloadURL``, ``void:dataDump``) are the file names
resolved against ``download_base``. By default that is empty, so they stay
relative IRIs (``<kerman-kg.trig>``): in ``void.ttl``, which sits beside the
dumps, a parser resolves them against the file's own location. Give an
absolute ``download_base`` when the files are published at a known URL.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, PROV, VOID, XSD
from rdflib.term import Node

from kg import iris, namespaces, rdfio
from kg.namespaces import KGD, SCHEMA
from kg.rdfio import Triple

#: the file name of the description that ``kg build`` writes beside the dumps
FILE_NAME = "void.ttl"

CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: DCAT 3 (rdflib's closed DCAT namespace predates dcat:version)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
#: media type and W3C format IRI (the ones ``void:feature`` uses) by file suffix
MEDIA_TYPES: dict[str, tuple[str, URIRef]] = {
    ".trig": ("application/trig", URIRef("http://www.w3.org/ns/formats/TriG")),
    ".nq": ("application/n-quads", URIRef("http://www.w3.org/ns/formats/N-Quads")),
    ".ttl": ("text/turtle", URIRef("http://www.w3.org/ns/formats/Turtle")),
    ".nt": ("application/n-triples", URIRef("http://www.w3.org/ns/formats/N-Triples")),
    ".jsonld": ("application/ld+json", URIRef("http://www.w3.org/ns/formats/JSON-LD")),
    ".rdf": ("application/rdf+xml", URIRef("http://www.w3.org/ns/formats/RDF_XML")),
}
#: resources worth a first look, listed as ``void:exampleResource`` when the dataset describes them
EXAMPLE_RESOURCES = (KGD["kerman-bombings"], KGD["islamic-state"])
TITLE = "kerman-kg: news reporting on the 2024 Kerman bombings"
DESCRIPTION = (
    "A knowledge graph of what news reporting says about the twin bombings of January 3, 2024 in Kerman, Iran, "
    "at the commemoration of Qasem Soleimani: who did what, who claimed it, who accused whom, who denied, what "
    "casualty figures were reported, and which earlier incidents it is tied to. Every fact carries the verbatim "
    "quote it came from, with its character offsets in the article, and each article's account lives in its own "
    "named graph, so sources that disagree stay side by side."
)
RIGHTS = (
    "The ontology, the entity registry and the curated annotations are licensed under CC BY 4.0. The article "
    "texts (nif:isString of each article) belong to their publishers and are included for research."
)
KEYWORDS = ("Kerman bombings", "Iran", "Islamic State", "terrorism", "news", "claims of responsibility")
#: descriptions of graphs whose provenance record has none
GRAPH_DESCRIPTIONS = {
    iris.ONTOLOGY_GRAPH: "The OWL ontology of the dataset (classes, properties, alignments), as built from ontology/.",
    iris.PROVENANCE_GRAPH: "PROV descriptions of every graph of the dataset and of the build that made them.",
}
ENTITY_SPACE = iris.ENTITY_NS


@dataclass(frozen=True)
class Counts:
    """What :func:`count` finds in a graph or a dataset."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: int


def is_entity(term: Node) -> bool:
    """Whether a subject counts as an entity: an IRI in the dataset's URI space ``kgd:`` (see the module docstring)."""
    return isinstance(term, URIRef) and str(term).startswith(ENTITY_SPACE) and len(term) > len(ENTITY_SPACE)


def count(triples: Iterable[tuple[Node, Node, Node]]) -> Counts:
    """Count triples, entities, distinct subjects and objects, properties and classes.

    Args:
        triples: The triples of one graph, or the quads of a dataset as triples (then every
            triple is counted as often as it is given, and the distinct figures over the union).
    """
    n = 0
    # IRIs are counted by their strings: rdflib's equality, called on every hit of a set of terms, is slow
    subjects: set[object] = set()
    objects: set[object] = set()
    properties: set[str] = set()
    classes: set[object] = set()
    for s, p, o in triples:
        n += 1
        subjects.add(_key(s))
        object_key = _key(o)
        objects.add(object_key)
        properties.add(str(p))
        if str(p) == _TYPE:
            classes.add(object_key)
    entities = sum(
        1 for s in subjects if isinstance(s, str) and s.startswith(ENTITY_SPACE) and len(s) > len(ENTITY_SPACE)
    )
    return Counts(n, entities, len(subjects), len(objects), len(properties), len(classes))


_TYPE = str(RDF.type)


def _key(term: Node) -> object:
    """A term as a set member: an IRI as its string, anything else as itself."""
    return str(term) if term.__class__ is URIRef else term


def _graphs(dataset: Dataset | rdfio.GraphTriples) -> list[tuple[URIRef, list[Triple]]]:
    """The dataset's non-empty named graphs, by name, each as its name and its triples."""
    return sorted(rdfio.graph_triples(dataset).items(), key=lambda item: str(item[0]))


def _small_graph(graphs: list[tuple[URIRef, list[Triple]]], name: URIRef) -> Graph:
    """One of the graphs as an rdflib Graph, for lookups (the provenance and the ontology graphs)."""
    graph = Graph()
    for found, triples in graphs:
        if found == name:
            graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def describe(
    dataset: Dataset | rdfio.GraphTriples,
    version: str,
    distributions: Mapping[str, bytes] | None = None,
    download_base: str = "",
    sparql_endpoint: URIRef = iris.SPARQL_ENDPOINT,
    titles: Mapping[str, str] | None = None,
) -> Graph:
    """The VoID and DCAT description of a built dataset.

    Args:
        dataset: The built dataset (as :func:`kg.build.build_dataset` and
            :func:`kg.reasoning.with_inferences` make it, or as read from a built file), or its named
            graphs as sets of triples (:data:`kg.rdfio.GraphTriples`, as ``kg build`` has them).
        version: The version stamped on the dataset and each graph (``dcat:version``), e.g. ``kg.__version__``.
        distributions: File name -> the file's bytes, for each dump of this dataset (``kerman-kg.trig``,
            ``kerman-kg.nq``); each becomes a ``dcat:Distribution`` with media type, byte size and SHA-256.
            Suffixes must be in :data:`MEDIA_TYPES`.
        download_base: Prefixed to each file name to make its download IRI; empty (the default) leaves
            relative IRIs, which resolve against the location of the description file.
        sparql_endpoint: The IRI of the SPARQL endpoint that serves the dataset. The default,
            ``https://w3id.org/kerman-kg/sparql``, follows the project's IRI scheme: every IRI under
            ``https://w3id.org/kerman-kg/`` stands for the same path on the server, and ``kg serve`` answers
            SPARQL at ``/sparql``.
        titles: File name -> what the file holds, for distributions that are not the whole dataset
            (default: "the whole dataset as <media type>").

    Returns:
        A new graph with the project's prefixes bound; the dataset is not changed.
    """
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    graph.bind("spdx", SPDX)
    graphs = _graphs(dataset)
    provenance = _small_graph(graphs, iris.PROVENANCE_GRAPH)
    ontology = _small_graph(graphs, iris.ONTOLOGY_GRAPH)
    license_iri = ontology.value(iris.ONTOLOGY, DCTERMS.license) or CC_BY_4
    version_literal = Literal(version)
    ds = iris.DATASET

    def add(s: Node, p: Node, o: Node) -> None:
        graph.add((s, p, o))  # type: ignore[arg-type]

    add(ds, RDF.type, VOID.Dataset)
    add(ds, RDF.type, DCAT.Dataset)
    add(ds, DCTERMS.title, Literal(TITLE, lang="en"))
    add(ds, DCTERMS.description, Literal(DESCRIPTION, lang="en"))
    add(ds, DCTERMS.license, license_iri)
    add(ds, DCTERMS.rights, Literal(RIGHTS, lang="en"))
    add(ds, DCAT.version, version_literal)
    add(ds, OWL.versionInfo, version_literal)
    for keyword in KEYWORDS:
        add(ds, DCAT.keyword, Literal(keyword, lang="en"))
    add(ds, VOID.uriSpace, Literal(ENTITY_SPACE))
    add(ds, VOID.sparqlEndpoint, sparql_endpoint)
    _add_counts(graph, ds, count(triple for _, triples in graphs for triple in triples))
    _add_build(graph, ds, provenance)
    wanted = {str(e) for e in EXAMPLE_RESOURCES}
    present = {str(s) for _, triples in graphs for s, _, _ in triples if str(s) in wanted}
    for example in EXAMPLE_RESOURCES:
        if str(example) in present:
            add(ds, VOID.exampleResource, example)
    for vocabulary in _vocabularies(graphs):
        add(ds, VOID.vocabulary, vocabulary)
    _add_partitions(graph, ds, graphs)

    for name, g in graphs:
        add(ds, VOID.subset, name)
        add(name, RDF.type, VOID.Dataset)
        add(name, RDF.type, DCAT.Dataset)
        title = provenance.value(name, DCTERMS.title) or Literal(f"Graph {name}", lang="en")
        add(name, DCTERMS.title, title)
        description = provenance.value(name, DCTERMS.description)
        article = _article_of(provenance, name)
        if article is not None:
            add(ds, DCTERMS.source, article)
            add(name, DCTERMS.source, article)
            _add_article(graph, name, article, g, describe_it=description is None)
            add(name, DCTERMS.rights, Literal(RIGHTS, lang="en"))
        elif description is None and name in GRAPH_DESCRIPTIONS:
            description = Literal(GRAPH_DESCRIPTIONS[name], lang="en")
        if description is not None:
            add(name, DCTERMS.description, description)
        add(name, DCTERMS.license, license_iri)
        add(name, DCAT.version, version_literal)
        add(name, DCTERMS.isPartOf, ds)
        _add_counts(graph, name, count(g))

    _add_distributions(graph, ds, distributions or {}, download_base, titles or {})
    add(sparql_endpoint, RDF.type, DCAT.DataService)
    add(sparql_endpoint, DCTERMS.title, Literal("SPARQL endpoint of kerman-kg (kg serve)", lang="en"))
    add(sparql_endpoint, DCAT.endpointURL, sparql_endpoint)
    add(sparql_endpoint, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/"))
    add(sparql_endpoint, DCAT.servesDataset, ds)
    return graph


def _add_counts(graph: Graph, subject: URIRef, counts: Counts) -> None:
    for prop, value in (
        (VOID.triples, counts.triples),
        (VOID.entities, counts.entities),
        (VOID.distinctSubjects, counts.distinct_subjects),
        (VOID.distinctObjects, counts.distinct_objects),
        (VOID.properties, counts.properties),
        (VOID.classes, counts.classes),
    ):
        graph.add((subject, prop, Literal(value, datatype=XSD.integer)))


def _add_partitions(graph: Graph, ds: URIRef, graphs: list[tuple[URIRef, list[Triple]]]) -> None:
    """A class partition per class (its instances) and a property partition per property (its triples)."""
    instances: dict[object, set[object]] = defaultdict(set)
    by_property: dict[str, list[tuple[object, object]]] = defaultdict(list)
    terms: dict[object, Node] = {}
    for _, g in graphs:
        for s, p, o in g:
            by_property[str(p)].append((_key(s), _key(o)))
            terms.setdefault(str(p), p)
            if str(p) == _TYPE:
                cls = _key(o)
                instances[cls].add(_key(s))
                terms.setdefault(cls, o)
    for cls, members in instances.items():
        part = BNode()
        graph.add((ds, VOID.classPartition, part))
        graph.add((part, VOID["class"], terms[cls]))
        entities = sum(1 for m in members if type(m) is str and is_entity(URIRef(m)))
        graph.add((part, VOID.entities, Literal(entities, datatype=XSD.integer)))
        graph.add((part, VOID.distinctSubjects, Literal(len(members), datatype=XSD.integer)))
    for prop, pairs in by_property.items():
        part = BNode()
        graph.add((ds, VOID.propertyPartition, part))
        graph.add((part, VOID.property, terms[prop]))
        graph.add((part, VOID.triples, Literal(len(pairs), datatype=XSD.integer)))
        graph.add((part, VOID.distinctSubjects, Literal(len({s for s, _ in pairs}), datatype=XSD.integer)))
        graph.add((part, VOID.distinctObjects, Literal(len({o for _, o in pairs}), datatype=XSD.integer)))


def _add_build(graph: Graph, ds: URIRef, provenance: Graph) -> None:
    """Link the dataset to the build activity and its agent, and date it when the build was dated."""
    for activity in sorted(provenance.subjects(RDF.type, PROV.Activity), key=str):
        if not str(activity).startswith(iris.BUILD_ACTIVITY_NS):
            continue
        graph.add((ds, PROV.wasGeneratedBy, activity))
        ended = provenance.value(activity, PROV.endedAtTime)
        if ended is not None:
            graph.add((ds, DCTERMS.modified, ended))
    for agent in sorted(provenance.subjects(RDF.type, PROV.Agent), key=str):
        graph.add((ds, DCTERMS.creator, agent))


def _article_of(provenance: Graph, graph_name: URIRef) -> URIRef | None:
    """The article an article graph was drawn from, as its provenance record says."""
    if not str(graph_name).startswith(iris.GRAPH_NS + "article/"):
        return None
    for source in sorted(provenance.objects(graph_name, PROV.wasDerivedFrom), key=str):
        if isinstance(source, URIRef) and str(source).startswith(iris.ENTITY_NS + "article/"):
            return source
    return None


def _add_article(graph: Graph, name: URIRef, article: URIRef, article_graph: list[Triple], describe_it: bool) -> None:
    """Say what the article of an article graph is: its title and, where the text states it, its publisher."""

    def value(p: URIRef) -> Node | None:
        return min((o for s, q, o in article_graph if q == p and s == article), default=None, key=str)

    title = value(DCTERMS.title)
    if describe_it:
        text = (
            "Everything drawn from one article: the article with its text, every quote, and every fact, statement "
            "and casualty figure the article reports, each with the quote it rests on."
        )
        if title is not None:
            text += f" The article's title: {title}"
        graph.add((name, DCTERMS.description, Literal(text, lang="en")))
    publisher = value(SCHEMA.publisher)
    if isinstance(publisher, URIRef):
        graph.add((name, DCTERMS.publisher, publisher))


def _vocabularies(graphs: list[tuple[URIRef, list[Triple]]]) -> list[URIRef]:
    """The namespaces of the properties and classes the graphs use (the project's prefixes where they fit)."""
    known = sorted((str(ns) for ns in namespaces.PREFIXES.values()), key=len, reverse=True)
    found: set[str] = set()
    for _, g in graphs:
        for _, p, o in g:
            for term in (p, o) if str(p) == _TYPE else (p,):
                if not isinstance(term, URIRef):
                    continue
                text = str(term)
                ns = next((k for k in known if text.startswith(k)), None)
                if ns is None:
                    cut = max(text.rfind("#"), text.rfind("/"))
                    ns = text[: cut + 1]
                found.add(ns)
    # our own instance and graph namespaces are not vocabularies
    found -= {iris.ENTITY_NS, iris.GRAPH_NS}
    return [URIRef(ns) for ns in sorted(found)]


def _add_distributions(
    graph: Graph, ds: URIRef, files: Mapping[str, bytes], download_base: str, titles: Mapping[str, str]
) -> None:
    for name in sorted(files):
        suffix = name[name.rfind(".") :].lower()
        if suffix not in MEDIA_TYPES:
            raise ValueError(f"{name}: no media type known for '{suffix}' (known: {', '.join(sorted(MEDIA_TYPES))})")
        media_type, format_iri = MEDIA_TYPES[suffix]
        content = files[name]
        dist = iris.distribution(name)
        url = URIRef(download_base + name)
        graph.add((ds, DCAT.distribution, dist))
        graph.add((ds, VOID.dataDump, url))
        graph.add((ds, VOID.feature, format_iri))
        graph.add((dist, RDF.type, DCAT.Distribution))
        title = titles.get(name, f"the whole dataset as {media_type}")
        graph.add((dist, DCTERMS.title, Literal(f"{name}: {title}", lang="en")))
        graph.add((dist, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + media_type)))
        graph.add((dist, DCTERMS.format, format_iri))
        graph.add((dist, DCAT.downloadURL, url))
        graph.add((dist, DCAT.accessURL, url))
        graph.add((dist, DCAT.byteSize, Literal(len(content), datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary)))


def to_turtle(description: Graph) -> bytes:
    """The description as Turtle: the same graph always gives the same bytes.

    Blank nodes (the checksums) get labels computed from the graph's content, and rdflib's
    Turtle serializer sorts subjects, predicates and objects.
    """
    canonical = Graph(bind_namespaces="core")
    for prefix, ns in description.namespaces():
        canonical.bind(prefix, ns, override=True, replace=True)
    for triple in to_canonical_graph(description):
        canonical.add(triple)
    return canonical.serialize(format="longturtle", encoding="utf-8")


__all__ = ["FILE_NAME", "Counts", "count", "describe", "is_entity", "to_turtle"]
