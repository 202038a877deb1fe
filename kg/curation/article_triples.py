"""The triples every article's graph starts with and its facts point to: the article, its quotes, its assertions.

Every article gets a ``kgo:Article`` node with its text (NIF) and its metadata. A metadata value the
text itself shows is added with its quote and reified as a ``kgo:Assertion``; one only the curator's
record gives goes into the records graph, reified and attributed to that record (``kgo:CuratorRecord``).
An article without a named publisher gets an unnamed ``kgo:MediaOutlet``, the article's own voice. Every
fact and article-local entity points to ``kgo:Quote`` nodes with their offsets in the text
(:meth:`ArticleTriples._quotes`), and each relation a fact asserts is reified as a ``kgo:Assertion``
carrying its quotes (:meth:`ArticleTriples._assertion`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import rdflib.term
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD

from kg.curation import dates, quotes
from kg.curation.annotation_reader import PUBLISHER, RECORD, AnnotationReader, suggest
from kg.curation.corpus import Article, MetaValue
from kg.curation.registry import Entity
from kg.curation.yamlsrc import Node
from kg.errors import InputError
from kg.rdf import iris
from kg.rdf.namespaces import KGO, NIF, SCHEMA
from kg.rdf.ontology import Vocabulary

#: (file, line) of the YAML that produced a node, for reporting problems where the curator can fix them
Origins = dict[URIRef, tuple[Path, int]]


class TripleSink(Protocol):
    """Where the mapper puts triples: a set, or an rdflib Graph."""

    def add(self, triple: tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node], /) -> object: ...


class ArticleTriples(AnnotationReader):
    """Adds an article's own description, its quotes and its assertions to its graph and the records graph."""

    def __init__(
        self,
        article: Article,
        vocabulary: Vocabulary,
        ontology: Graph,
        registry: dict[str, Entity],
        graph: TripleSink,
        records: TripleSink,
    ) -> None:
        super().__init__(article, vocabulary, ontology, registry)
        self.graph = graph
        self.records = records
        self.article_iri = iris.article(article.id)
        self.origins: Origins = {}

    # ------------------------------------------------------ article itself

    def _add_article_description(self) -> None:
        a, g = self.article, self.graph
        g.add((self.article_iri, RDF.type, KGO.Article))
        g.add((self.article_iri, NIF.isString, Literal(a.text)))
        g.add((self.article_iri, NIF.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)))
        g.add((self.article_iri, NIF.endIndex, Literal(len(a.text), datatype=XSD.nonNegativeInteger)))
        g.add((self.article_iri, KGO.sha256, Literal(a.sha256)))
        g.add((self.article_iri, RDFS.label, Literal(f"article {a.id}: {a.title.value}", lang="en")))
        self.origins[self.article_iri] = (a.meta_path, 1)
        self._meta("title", DCTERMS.title, Literal(a.title.value), a.title)
        if a.byline is not None:
            self._meta("byline", KGO.byline, Literal(a.byline.value), a.byline)
        if a.date_published is not None:
            self._meta(
                "date-published",
                SCHEMA.datePublished,
                dates.parse_iso(a.date_published.value).literal(),
                a.date_published,
            )
        if a.url is not None:
            self._meta("url", SCHEMA.url, URIRef(a.url.value), a.url)
        if a.language is not None:
            self._meta("language", SCHEMA.inLanguage, Literal(a.language.value, datatype=XSD.language), a.language)
        if a.retrieved is not None:
            self._meta("retrieved", KGO.retrievedOn, Literal(a.retrieved.value, datatype=XSD.date), a.retrieved)
        if a.publisher is not None:
            entity = self.registry.get(a.publisher.value)
            if entity is None:
                self.errors.append(
                    InputError(
                        a.meta_path,
                        a.publisher.line,
                        f"publisher names unknown entity '{a.publisher.value}': add the outlet to entities.yaml "
                        "(type MediaOutlet)" + suggest(a.publisher.value, list(self.registry)),
                    )
                )
            else:
                self._meta("publisher", SCHEMA.publisher, entity.iri, a.publisher)
        else:
            unnamed = iris.in_article(a.id, PUBLISHER)
            g.add((unnamed, RDF.type, KGO.MediaOutlet))
            g.add((unnamed, RDFS.label, Literal(f"unnamed publisher of article {a.id}", lang="en")))
            g.add(
                (
                    unnamed,
                    RDFS.comment,
                    Literal(
                        "Neither the text nor the curator's record names its publisher. This node stands for the "
                        "article's own voice: what the article states without attributing it to anyone.",
                        lang="en",
                    ),
                )
            )

    def _meta(self, field_id: str, prop: URIRef, value: URIRef | Literal, meta: MetaValue) -> None:
        """One metadata value: in the article's graph with its quote, or in the records graph from the record."""
        triple = (self.article_iri, prop, value)
        if meta.in_text:
            assert meta.quote is not None and meta.start is not None
            span = quotes.Span(meta.start, meta.start + len(meta.quote), 1)
            quote_iri = self._quote_node(f"meta-{field_id}", meta.quote, span)
            self.graph.add(triple)
            assertion = self._assertion(f"meta-{field_id}", 1, triple, [quote_iri])
            if meta.as_written is not None:
                self.graph.add((assertion, KGO.dateAsWritten, Literal(meta.as_written)))
            self.origins[assertion] = self.origins[quote_iri] = (self.article.meta_path, meta.line)
            return
        record = iris.in_article(self.article.id, RECORD)
        r = self.records
        r.add((record, RDF.type, KGO.CuratorRecord))
        r.add((record, RDFS.label, Literal(f"curator's record of article {self.article.id}", lang="en")))
        r.add((record, KGO.recordOf, self.article_iri))
        r.add((record, PROV.wasAttributedTo, iris.CURATORS))
        r.add(triple)
        assertion = iris.in_article(self.article.id, RECORD, field_id)
        _reify(r, assertion, triple)
        r.add((assertion, KGO.recordedIn, record))
        self.origins[assertion] = (self.article.meta_path, meta.line)
        self.origins.setdefault(record, (self.article.meta_path, 1))

    # ------------------------------------------------------ quotes and assertions

    def _quotes(self, node: Node, slug: str) -> tuple[list[URIRef], tuple[str, ...]]:
        """The fact's quote, or quotes: a string, or a list of strings or {text, occurrence}."""
        quote_node = node.require("quote", f"'{slug}' (a verbatim quote from the article)")
        occurrence_node = node.get("occurrence")
        items = quote_node.seq("quote")
        if not items:
            raise quote_node.error("quote must not be empty")
        if occurrence_node is not None and len(items) > 1:
            raise occurrence_node.error("with several quotes, give each its own {text: ..., occurrence: N}")
        iris_, texts = [], []
        for n, item in enumerate(items, start=1):
            occurrence = occurrence_node.integer("occurrence") if occurrence_node is not None else 1
            if item.is_mapping():
                item.only_keys({"text", "occurrence"}, "a quote")
                found = item.get("occurrence")
                occurrence = found.integer("occurrence") if found is not None else 1
                item = item.require("text", "a quote")
            quote = item.text("quote")
            try:
                span = quotes.locate(self.article.text, quote, occurrence)
            except quotes.QuoteNotFound as exc:
                raise item.error(f"{exc} of {self.article.text_path.name}: {quote!r}") from exc
            quote_iri = self._quote_node(slug if n == 1 else f"{slug}/{n}", quote, span)
            self.origins[quote_iri] = (item.file, item.line)
            iris_.append(quote_iri)
            texts.append(quote)
        return iris_, tuple(texts)

    def _quote_node(self, slug: str, quote: str, span: quotes.Span) -> URIRef:
        iri = iris.in_article(self.article.id, *slug.split("/"), "quote")
        g = self.graph
        g.add((iri, RDF.type, KGO.Quote))
        g.add((iri, NIF.anchorOf, Literal(quote)))
        g.add((iri, NIF.beginIndex, Literal(span.start, datatype=XSD.nonNegativeInteger)))
        g.add((iri, NIF.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger)))
        g.add((iri, NIF.referenceContext, self.article_iri))
        return iri

    def _assertion(
        self, slug: str, n: int, triple: tuple[URIRef, URIRef, URIRef | Literal], quote_iris: list[URIRef]
    ) -> URIRef:
        node = iris.in_article(self.article.id, slug, n)
        g = self.graph
        _reify(g, node, triple)
        g.add((node, KGO.source, self.article_iri))
        for quote_iri in quote_iris:
            g.add((node, KGO.evidence, quote_iri))
        return node


def _reify(sink: TripleSink, node: URIRef, triple: tuple[URIRef, URIRef, URIRef | Literal]) -> None:
    """Make node the ``kgo:Assertion`` of the triple in sink: its type, subject, predicate and object."""
    sink.add((node, RDF.type, KGO.Assertion))
    sink.add((node, RDF.subject, triple[0]))
    sink.add((node, RDF.predicate, triple[1]))
    sink.add((node, RDF.object, triple[2]))
