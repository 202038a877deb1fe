"""Building the dataset: ontology + registry + articles -> named graphs.

:func:`build_dataset` reads a corpus folder and the ontology, checks
everything, and returns an rdflib :class:`~rdflib.Dataset` with:

- one graph per article (``kgg:article/<stem>``): the article, its quotes,
  and every fact drawn from it, and nothing else;
- ``kgg:registry``: canonical entities, labels, aliases, and place
  containment the curators added (knowledge from outside the articles);
- ``kgg:background``: Wikidata links (``skos:exactMatch``), only for items in
  the confirmed list;
- ``kgg:ontology``: the ontology;
- ``kgg:provenance``: PROV descriptions of every graph and of the build.

All input problems are collected and raised together as
:class:`~kg.errors.BuildFailed`; nothing is returned half-built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from kg import __version__, resources
from kg.curation.annotations import ArticleMapper
from kg.curation.article_triples import Origins, TripleSink
from kg.curation.corpus import Article, CorpusLayout, load_article
from kg.curation.registry import Entity, load_registry, load_wikidata, unused_aliases
from kg.errors import BuildFailed, InputError
from kg.rdf import iris, namespaces
from kg.rdf.namespaces import KGO, WD
from kg.rdf.ntriples import Triple
from kg.rdf.ontology import Vocabulary, load_ontology, ontology_files

SOFTWARE = URIRef(iris.ENTITY_NS + "software/kerman-kg")


@dataclass
class Summary:
    """What a build produced, for the command line and tests."""

    articles: int = 0
    graphs: int = 0
    triples: int = 0
    entities: int = 0
    article_local_entities: int = 0
    statements_by_type: Counter[str] = field(default_factory=Counter)
    casualty_reports: int = 0
    assertions: int = 0
    quotes: int = 0
    #: facts and entities left out of the graph: awaiting review (draft), and rejected
    drafts: int = 0
    rejected: int = 0


@dataclass
class BuildResult:
    """A built dataset, with what the curator check needs to point back at the input.

    The graphs are plain sets of triples (what the writers, the reasoner and the store take); the rdflib
    :attr:`dataset` is made from them only when someone asks for it.
    """

    graphs: dict[URIRef, set[Triple]]
    summary: Summary
    articles: list[Article] = field(default_factory=list)
    registry: dict[str, Entity] = field(default_factory=dict)
    #: the file and line of the YAML that produced each fact, assertion, quote and entity
    origins: Origins = field(default_factory=dict)
    _dataset: Dataset | None = field(default=None, repr=False)

    @property
    def dataset(self) -> Dataset:
        """The graphs as an rdflib Dataset whose default graph is their union (made on first use)."""
        if self._dataset is None:
            self._dataset = as_dataset(self.graphs)
        return self._dataset


def as_dataset(graphs: Mapping[URIRef, Iterable[Triple]]) -> Dataset:
    """An rdflib Dataset (default graph: the union) holding the named graphs given as sets of triples."""
    dataset = Dataset(default_union=True)
    namespaces.bind(dataset)
    for name, triples in graphs.items():
        graph = dataset.graph(name)
        graph.addN((s, p, o, graph) for s, p, o in triples)
    return dataset


def build_dataset(
    corpus: Path | None = None,
    ontology: Path | None = None,
    build_time: dt.datetime | None = None,
) -> BuildResult:
    """Build the dataset from a corpus folder (default: the embedded corpus).

    Args:
        corpus: A corpus folder (see :mod:`kg.curation.corpus`).
        ontology: The ontology folder (default: the project's).
        build_time: Recorded as the build's end time when given; omitted otherwise so
            that the same input gives the same bytes. ``SOURCE_DATE_EPOCH`` also sets it.

    Raises:
        BuildFailed: with every input error found.
    """
    layout = CorpusLayout(corpus or resources.corpus_dir())
    ontology_dir = ontology or resources.ontology_dir()
    errors: list[InputError] = []
    try:
        layout.check()
        onto_graph = load_ontology(ontology_dir)
        vocabulary = Vocabulary.from_graph(onto_graph)
        wikidata = load_wikidata(layout.wikidata)
        registry = load_registry(layout.registry, vocabulary, wikidata)
        stems = layout.article_stems()
    except InputError as exc:
        raise BuildFailed([exc]) from exc

    articles: list[Article] = []
    for stem in stems:
        try:
            articles.append(load_article(layout, stem))
        except InputError as exc:
            errors.append(exc)
    if not errors:  # with an article missing, an alias only it uses would look unused
        errors.extend(unused_aliases(registry, [a.text for a in articles]))

    graphs: dict[URIRef, set[Triple]] = {}
    summary = Summary()
    records = graphs[iris.RECORDS_GRAPH] = set()
    origins: Origins = {entity.iri: (entity.file, entity.line) for entity in registry.values()}
    for article in articles:
        graph = graphs[iris.article_graph(article.id)] = set()
        facts = ArticleMapper(article, vocabulary, onto_graph, registry, graph, records).run()
        errors.extend(facts.errors)
        origins.update(facts.origins)
        summary.article_local_entities += len(facts.local_entities)
        summary.drafts += sum(1 for state in facts.unreviewed.values() if state == "draft")
        summary.rejected += sum(1 for state in facts.unreviewed.values() if state == "rejected")
    if errors:
        raise BuildFailed(errors)

    add_registry(graphs.setdefault(iris.REGISTRY_GRAPH, set()), registry)
    add_background(graphs.setdefault(iris.BACKGROUND_GRAPH, set()), registry)
    graphs[iris.ONTOLOGY_GRAPH] = set(onto_graph)  # type: ignore[arg-type]
    provenance = graphs.setdefault(iris.PROVENANCE_GRAPH, set())
    add_provenance(provenance, layout, articles, ontology_dir, build_time, len(records) > 0)
    graphs = {name: triples for name, triples in graphs.items() if triples}
    _summarise(graphs, articles, registry, summary)
    return BuildResult(graphs, summary, articles, registry, origins)


def add_registry(graph: TripleSink, registry: dict[str, Entity]) -> None:
    for entity in registry.values():
        for cls in entity.types:
            graph.add((entity.iri, RDF.type, cls))
        graph.add((entity.iri, RDFS.label, Literal(entity.label, lang="en")))
        for name in entity.aliases + entity.other_names:
            if name != entity.label:
                graph.add((entity.iri, SKOS.altLabel, Literal(name, lang="en")))
        for place, _ in entity.located_in:
            graph.add((entity.iri, KGO.locatedIn, registry[place].iri))
        if entity.note:
            graph.add((entity.iri, RDFS.comment, Literal(entity.note, lang="en")))


def add_background(graph: TripleSink, registry: dict[str, Entity]) -> None:
    for entity in registry.values():
        if entity.wikidata:
            graph.add((entity.iri, SKOS.exactMatch, WD[entity.wikidata]))


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


def _build_time(given: dt.datetime | None) -> dt.datetime | None:
    if given is not None:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return None


def add_provenance(
    graph: TripleSink,
    layout: CorpusLayout,
    articles: list[Article],
    ontology_dir: Path,
    build_time: dt.datetime | None,
    has_records: bool,
) -> None:
    inputs = [layout.registry, layout.wikidata, *ontology_files(ontology_dir)]
    for a in articles:
        inputs += [a.text_path, a.meta_path, a.facts_path]
    digest = _digest(inputs)
    activity = URIRef(iris.BUILD_ACTIVITY_NS + digest[:16])
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"kg build of inputs {digest[:16]}", lang="en")))
    graph.add((activity, DCTERMS.identifier, Literal(f"sha256:{digest}")))
    graph.add((activity, PROV.wasAssociatedWith, SOFTWARE))
    when = _build_time(build_time)
    if when is not None:
        stamp = Literal(when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)
        graph.add((activity, PROV.endedAtTime, stamp))
    graph.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
    graph.add((SOFTWARE, RDFS.label, Literal(f"kerman-kg {__version__}", lang="en")))

    def record_graph(g: URIRef, title: str, *sources: URIRef) -> None:
        graph.add((g, RDF.type, PROV.Entity))
        graph.add((g, DCTERMS.title, Literal(title, lang="en")))
        graph.add((g, PROV.wasGeneratedBy, activity))
        for s in sources:
            graph.add((g, PROV.wasDerivedFrom, s))
        if when is not None:
            graph.add((g, PROV.generatedAtTime, stamp))

    for a in articles:
        g = iris.article_graph(a.id)
        graph.add((g, RDF.type, KGO.ArticleGraph))
        record_graph(g, f"Facts drawn from article {a.id}", iris.article(a.id))
        graph.add((activity, PROV.used, iris.article(a.id)))
        graph.add((iris.article(a.id), RDF.type, KGO.Article))
        graph.add((iris.article(a.id), KGO.sha256, Literal(a.sha256)))
    curators = iris.CURATORS
    graph.add((curators, RDF.type, PROV.Agent))
    graph.add((curators, RDFS.label, Literal("kerman-kg curators", lang="en")))

    def curated(g: URIRef, title: str, description: str, *sources: URIRef) -> None:
        """A graph of knowledge from outside the articles, attributed to the curators."""
        record_graph(g, title, *sources)
        graph.add((g, PROV.wasAttributedTo, curators))
        graph.add((g, DCTERMS.description, Literal(description, lang="en")))

    curated(
        iris.REGISTRY_GRAPH,
        "Entity registry: canonical entities, labels, aliases and place containment",
        "Knowledge from outside the articles, curated by the project: one canonical entity per real thing, "
        "its canonical label, every spelling the articles use, and what places are located in.",
    )
    curated(
        iris.BACKGROUND_GRAPH,
        "Background links: Wikidata items from the confirmed list",
        "skos:exactMatch links to Wikidata, only for items listed in the project's confirmed list "
        "(corpus/wikidata.tsv).",
        URIRef("https://www.wikidata.org/"),
    )
    if has_records:
        curated(
            iris.RECORDS_GRAPH,
            "Curators' records: what the curators know of each article from outside its text",
            "Metadata the curators recorded for articles without the text stating it (URL, language, retrieval "
            "date, and title, publisher, byline or publication date where the text does not give them), in each "
            "article's metadata record (corpus/articles/<stem>.meta.yaml). Each value is reified as a "
            "kgo:Assertion recorded in (kgo:recordedIn) that article's kgo:CuratorRecord, never resting on a quote.",
        )
    record_graph(iris.ONTOLOGY_GRAPH, "The Kerman KG ontology", iris.ONTOLOGY)
    record_graph(iris.PROVENANCE_GRAPH, "Provenance of the graphs of this dataset")


def _summarise(
    graphs: dict[URIRef, set[Triple]], articles: list[Article], registry: dict[str, Entity], summary: Summary
) -> None:
    summary.articles = len(articles)
    summary.graphs = len(graphs)
    summary.triples = sum(len(g) for g in graphs.values())
    summary.entities = len(registry) + summary.article_local_entities
    for article in articles:
        counts, statements = article_counts(graphs.get(iris.article_graph(article.id), set()))
        summary.assertions += counts["assertions"]
        summary.quotes += counts["quotes"]
        summary.casualty_reports += counts["casualty_reports"]
        summary.statements_by_type.update(statements)


def article_counts(triples: Iterable[Triple]) -> tuple[dict[str, int], Counter[str]]:
    """What the build summary counts of an article's graph: assertions, quotes, casualty reports, and statements
    by type (a node typed with a kgo: class that states something, kgo:statedBy)."""
    kgo = str(KGO)
    # terms compared as strings: rdflib's equality is slow, and these are all IRIs
    rdf_type, stated_by = str(RDF.type), str(KGO.statedBy)
    figures = {kgo + name for name in ("DeathToll", "InjuryFigure", "CombinedCasualtyFigure")}
    assertion, quote = str(KGO.Assertion), str(KGO.Quote)
    triples = list(triples)
    speakers = {str(s) for s, p, _ in triples if str(p) == stated_by}
    counts = {"assertions": 0, "quotes": 0, "casualty_reports": 0}
    statements: Counter[str] = Counter()
    for node, p, cls in triples:
        if str(p) != rdf_type or not str(cls).startswith(kgo):
            continue
        name = str(cls)
        if name == assertion:
            counts["assertions"] += 1
        elif name == quote:
            counts["quotes"] += 1
        elif name in figures:
            counts["casualty_reports"] += 1
        elif str(node) in speakers:
            statements[name[len(kgo) :]] += 1
    return counts, statements
