"""The dataset description: VoID and DCAT, counted from the built graphs.

:func:`dataset_description` reads a built dataset and returns a graph that says what it
is, in the two vocabularies catalogues and crawlers read: VoID (W3C Interest
Group Note "Describing Linked Datasets with the VoID Vocabulary") and DCAT
(W3C Recommendation "Data Catalog Vocabulary", version 3). ``kg build`` writes
it beside the dumps as ``void.ttl`` (:data:`FILE_NAME`); :func:`to_turtle`
gives its bytes.

What it says:

- the dataset (:data:`kg.rdf.iris.DATASET`, ``kgd:dataset``): a ``void:Dataset`` and
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

How things are counted, and from which form of the triples, is :mod:`kg.publishing.voidcounts`.

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
from collections.abc import Collection, Iterable, Mapping
from itertools import compress

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, VOID, XSD
from rdflib.term import Node

from kg.publishing.voidcounts import ENTITY_SPACE, Counts, DatasetFigures, count_entities
from kg.rdf import formatregistry, iris, namespaces, rdfio
from kg.rdf.namespaces import DCAT, KGD, SCHEMA, SPDX
from kg.rdf.ntriples import NTriple, Triple, nt_triple, parse_nt_term

#: the file name of the description that ``kg build`` writes beside the dumps
FILE_NAME = "void.ttl"

CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
#: media type and W3C format IRI (the ones ``void:feature`` uses) by file suffix (kg.rdf.formatregistry)
MEDIA_TYPES: dict[str, tuple[str, URIRef]] = {
    f.suffix: (f.media_type, URIRef(f.w3c_iri)) for f in formatregistry.RDF_FORMATS
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


def _string_dataset(
    dataset: Dataset | rdfio.GraphTriples, string_graphs: rdfio.StringGraphs | None
) -> tuple[list[tuple[str, Collection[NTriple]]], dict[URIRef, list[Triple]]]:
    """The non-empty named graphs as string triples, sorted by IRI, and those given as rdflib triples."""
    rdflib_graphs = rdfio.graph_triples(dataset)
    graphs: dict[str, Collection[NTriple]] = {
        name.n3(): [nt_triple(triple) for triple in triples] for name, triples in rdflib_graphs.items()
    }
    for name, triples in (string_graphs or {}).items():
        if not (name.startswith("<") and name.endswith(">")) or isinstance(name, URIRef):
            raise ValueError(f"a string graph's name must be an IRI in N-Triples form, '<...>': {name!r}")
        if name in graphs:
            raise ValueError(f"graph {name} is given both as strings and as rdflib triples")
        if triples:
            graphs[name] = triples
    return sorted(graphs.items(), key=lambda item: item[0][1:-1]), rdflib_graphs


def _small_graph(
    rdflib_graphs: Mapping[URIRef, list[Triple]], graphs: Mapping[str, Collection[NTriple]], name: URIRef
) -> Graph:
    """One of the graphs as an rdflib Graph, for lookups (the provenance and the ontology graphs)."""
    graph = Graph()
    if name in rdflib_graphs:
        graph.addN((s, p, o, graph) for s, p, o in rdflib_graphs[name])
    else:
        parse = parse_nt_term
        graph.addN((parse(s), parse(p), parse(o), graph) for s, p, o in graphs.get(name.n3(), ()))
    return graph


def dataset_description(
    dataset: Dataset | rdfio.GraphTriples,
    version: str,
    distributions: Mapping[str, bytes] | None = None,
    download_base: str = "",
    sparql_endpoint: URIRef = iris.SPARQL_ENDPOINT,
    titles: Mapping[str, str] | None = None,
    *,
    string_graphs: rdfio.StringGraphs | None = None,
) -> Graph:
    """The VoID and DCAT description of a built dataset.

    Args:
        dataset: The built dataset (as :func:`kg.pipeline.build.build_dataset` and
            :func:`kg.pipeline.reasoning.with_inferences` make it, or as read from a built file), or its named
            graphs as sets of triples (:data:`kg.rdf.rdfio.GraphTriples`, as ``kg build`` has them); with
            ``string_graphs``, the graphs of the dataset that are given as rdflib triples (may be none: ``{}``).
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
        string_graphs: More graphs of the same dataset as string triples (:data:`kg.rdf.rdfio.StringGraphs`:
            graph name in N-Triples form, ``"<https://...>"``, -> :data:`kg.rdf.ntriples.NTriple` triples), as an
            incremental build keeps them. A graph is given either way, not both. The provenance and the
            ontology graphs are read as rdflib graphs: given as strings, they are parsed.

    Returns:
        A new graph with the project's prefixes bound; the dataset is not changed. The same dataset gives
        the same description whichever way its graphs are given.

    Raises:
        ValueError: when a graph is given both ways, a string graph's name is not in N-Triples form, or a
            distribution's suffix is not in :data:`MEDIA_TYPES`.
    """
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    graph.bind("spdx", SPDX)
    graphs, rdflib_graphs = _string_dataset(dataset, string_graphs)
    provenance = _small_graph(rdflib_graphs, dict(graphs), iris.PROVENANCE_GRAPH)
    ontology = _small_graph(rdflib_graphs, dict(graphs), iris.ONTOLOGY_GRAPH)
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
    articles = {name: _article_of(provenance, URIRef(name[1:-1])) for name, _ in graphs}
    figures = DatasetFigures()
    article_values: dict[str, list[tuple[str, str]]] = {}
    for name, g in graphs:
        columns = figures.add(name, g).columns
        article = articles[name]
        if article is not None:  # the article's own statements in its graph: its title and publisher
            subjects, predicates, objects = columns
            article_values[name] = list(
                compress(zip(predicates, objects, strict=True), map(article.n3().__eq__, subjects))
            )
    _add_counts(graph, ds, figures.counts)
    _add_build(graph, ds, provenance)
    for example in EXAMPLE_RESOURCES:
        if example.n3() in figures.subjects:
            add(ds, VOID.exampleResource, example)
    for vocabulary in _vocabularies(figures.properties, figures.classes):
        add(ds, VOID.vocabulary, vocabulary)
    _add_partitions(graph, ds, figures)

    for name_nt, _ in graphs:
        name = URIRef(name_nt[1:-1])
        add(ds, VOID.subset, name)
        add(name, RDF.type, VOID.Dataset)
        add(name, RDF.type, DCAT.Dataset)
        title = provenance.value(name, DCTERMS.title) or Literal(f"Graph {name}", lang="en")
        add(name, DCTERMS.title, title)
        description = provenance.value(name, DCTERMS.description)
        article = articles[name_nt]
        if article is not None:
            add(ds, DCTERMS.source, article)
            add(name, DCTERMS.source, article)
            _add_article(graph, name, article, article_values[name_nt], describe_it=description is None)
            add(name, DCTERMS.rights, Literal(RIGHTS, lang="en"))
        elif description is None and name in GRAPH_DESCRIPTIONS:
            description = Literal(GRAPH_DESCRIPTIONS[name], lang="en")
        if description is not None:
            add(name, DCTERMS.description, description)
        add(name, DCTERMS.license, license_iri)
        add(name, DCAT.version, version_literal)
        add(name, DCTERMS.isPartOf, ds)
        _add_counts(graph, name, figures.graphs[name_nt])

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


def _add_partitions(graph: Graph, ds: URIRef, figures: DatasetFigures) -> None:
    """A class partition per class (its instances) and a property partition per property (its triples)."""
    # blank nodes labelled in the order of their class or property: the same description, the same labels
    for number, cls in enumerate(sorted(figures.instances_of)):
        members = figures.instances_of[cls]
        part = BNode(f"classPartition{number}")
        graph.add((ds, VOID.classPartition, part))
        graph.add((part, VOID["class"], parse_nt_term(cls)))
        entities = count_entities(members)
        graph.add((part, VOID.entities, Literal(entities, datatype=XSD.integer)))
        graph.add((part, VOID.distinctSubjects, Literal(len(members), datatype=XSD.integer)))
    for number, prop in enumerate(sorted(figures.triples_of)):
        triples = figures.triples_of[prop]
        part = BNode(f"propertyPartition{number}")
        graph.add((ds, VOID.propertyPartition, part))
        graph.add((part, VOID.property, parse_nt_term(prop)))
        graph.add((part, VOID.triples, Literal(triples, datatype=XSD.integer)))
        graph.add((part, VOID.distinctSubjects, Literal(len(figures.subjects_of[prop]), datatype=XSD.integer)))
        graph.add((part, VOID.distinctObjects, Literal(len(figures.objects_of[prop]), datatype=XSD.integer)))


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
    if not str(graph_name).startswith(iris.ARTICLE_GRAPH_NS):
        return None
    for source in sorted(provenance.objects(graph_name, PROV.wasDerivedFrom), key=str):
        if isinstance(source, URIRef) and str(source).startswith(iris.ARTICLE_NS):
            return source
    return None


def _add_article(graph: Graph, name: URIRef, article: URIRef, values: list[tuple[str, str]], describe_it: bool) -> None:
    """Say what the article of an article graph is: its title and, where the text states it, its publisher.

    Args:
        values: The predicates and objects (N-Triples forms) of the article's triples in its graph.
    """

    def value(p: URIRef) -> Node | None:
        found = [parse_nt_term(o) for q, o in values if q == p.n3()]
        return min(found, default=None, key=str)

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


def _vocabularies(properties: Iterable[str], classes: Iterable[str]) -> list[URIRef]:
    """The namespaces of the properties and classes (N-Triples forms) used (the project's prefixes where they fit)."""
    known = sorted((str(ns) for ns in namespaces.PREFIXES.values()), key=len, reverse=True)
    found: set[str] = set()
    for term in {*properties, *classes}:
        if not term.startswith("<"):
            continue
        text = term[1:-1]
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
    for number, name in enumerate(sorted(files)):
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
        checksum = BNode(f"checksum{number}")
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary)))


def to_turtle(description: Graph) -> bytes:
    """The description as Turtle: the same graph always gives the same bytes.

    :func:`dataset_description` labels its blank nodes (partitions, checksums) in the order of what they describe, so
    the same counts give the same labels, and rdflib's Turtle serializer sorts subjects, predicates and
    objects (and nests the blank nodes, by label).
    """
    return description.serialize(format="longturtle", encoding="utf-8")


__all__ = ["FILE_NAME", "dataset_description", "to_turtle"]
