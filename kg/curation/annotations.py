"""Turning one article's curated annotations into the triples of its graph.

An annotation file (``<stem>.facts.yaml``, documented in ``corpus/README.md``)
lists article-local ``entities`` and ``facts``. Each fact has an ``id``, a
verbatim ``quote`` and exactly one body:

- ``relations``: plain triples the article asserts about registry entities,
  written ``[subject, property, object]``; each is added to the graph and
  reified as a ``kgo:Assertion`` carrying the quote;
- ``statement``: something an agent said (claim, accusation, denial...);
- ``casualties``: a casualty figure;
- ``response``: an action taken in response (a day of mourning...).

Every fact node gets ``kgo:source`` (the article) and ``kgo:evidence`` (a
``kgo:Quote`` with its offsets). Every reference is checked: entities against
the article's local entities and the registry, classes and properties against
the ontology, statement references against the article's own facts, every
piece of text against the quote. Problems are collected as
:class:`~kg.errors.InputError` with the file and line, fact by fact, so one
run reports them all.

:class:`ArticleMapper` maps the entities and facts; it stands on
:class:`~kg.curation.article_triples.ArticleTriples` (the article's own
description, its quotes and assertions) and on
:class:`~kg.curation.annotation_reader.AnnotationReader` (the keys a file may
hold and the checks of every reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from kg.curation.annotation_reader import (
    CASUALTY_KEYS,
    CASUALTY_TYPES,
    FILE_KEYS,
    LOCAL_ENTITY_KEYS,
    PUBLISHER,
    RECORD,
    RESPONSE_KEYS,
    STATEMENT_AGENT_KEYS,
    STATEMENT_KEYS,
    STATEMENT_TEXT_KEYS,
    suggest,
)
from kg.curation.article_triples import ArticleTriples, Origins, TripleSink
from kg.curation.figures import QUALIFIERS, parse_figure
from kg.curation.registry import Entity, parse_names, parse_types
from kg.curation.yamlsrc import Node, load_yaml
from kg.errors import InputError
from kg.rdf import iris
from kg.rdf.namespaces import KGO, KGO_NS


@dataclass
class ArticleFacts:
    """The outcome of mapping one annotation file."""

    graph: TripleSink
    local_entities: dict[str, Entity] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)
    fact_kinds: dict[str, str] = field(default_factory=dict)
    origins: Origins = field(default_factory=dict)
    #: ids of the facts and entities left out because they await review (draft) or were rejected
    unreviewed: dict[str, str] = field(default_factory=dict)


class ArticleMapper(ArticleTriples):
    """Maps one article's annotation file into its named graph."""

    # ------------------------------------------------------------- driver

    def run(self) -> ArticleFacts:
        try:
            root = load_yaml(self.article.facts_path).mapping("an annotation file")
            root.only_keys(FILE_KEYS, "an annotation file")
            named = root.require("article", "an annotation file").text("article")
            if named != self.article.text_path.name:
                raise root.require("article", "").error(
                    f"article is '{named}' but this file annotates {self.article.text_path.name}"
                )
        except InputError as exc:
            self.errors.append(exc)
            return self._result()
        self._add_article_description()
        entities = root.get("entities")
        entity_nodes = entities.seq("entities") if entities is not None else []
        facts_node = root.get("facts")
        fact_nodes = facts_node.seq("facts") if facts_node is not None else []
        if not fact_nodes:
            self.errors.append(root.error("an annotation file needs a non-empty list of 'facts'"))
        # drafts and rejected items never reach the graph: set them aside before anything refers to them
        reviewed_entities = [n for n in entity_nodes if not self._unreviewed(n)]
        reviewed_facts = [n for n in fact_nodes if not self._unreviewed(n)]
        for node in reviewed_entities:
            self._guard(self._local_entity, node)
        for node in reviewed_facts:
            self._guard(self._register_fact, node)
        for _, node in self.facts.values():  # only facts whose id and body are sound
            self._guard(self._fact, node)
        return self._result()

    def _result(self) -> ArticleFacts:
        kinds = {fid: kind for fid, (kind, _) in self.facts.items()}
        unreviewed = {slug: state for slug, (state, _) in self.unreviewed.items()}
        return ArticleFacts(self.graph, self.local, self.errors, kinds, self.origins, unreviewed)

    # ------------------------------------------------------ local entities

    def _local_entity(self, node: Node) -> None:
        node.mapping("an article-local entity")
        node.only_keys(LOCAL_ENTITY_KEYS, "an article-local entity")
        slug = self._slug(node.require("id", "an article-local entity"))
        if slug in self.local or slug in (PUBLISHER, RECORD):
            raise node.error(f"id '{slug}' is used twice in this file, or is reserved")
        quote_iris, _ = self._quotes(node, slug)
        entity = Entity(
            slug=slug,
            iri=iris.in_article(self.article.id, slug),
            types=parse_types(node.require("type", f"entity '{slug}'"), self.vocabulary, "type"),
            label=node.require("label", f"entity '{slug}'").text("label"),
            file=node.file,
            line=node.line,
            aliases=parse_names(node.get("aliases"), "aliases"),
            article=self.article.id,
        )
        self.local[slug] = entity
        self.origins[entity.iri] = (node.file, node.line)
        g = self.graph
        for cls in entity.types:
            g.add((entity.iri, RDF.type, cls))
        g.add((entity.iri, RDFS.label, Literal(entity.label, lang="en")))
        for alias in entity.aliases:
            g.add((entity.iri, SKOS.altLabel, Literal(alias, lang="en")))
        note = node.get("note")
        if note is not None:
            g.add((entity.iri, RDFS.comment, Literal(note.text("note"), lang="en")))
        g.add((entity.iri, KGO.source, self.article_iri))
        for quote_iri in quote_iris:
            g.add((entity.iri, KGO.evidence, quote_iri))

    # ------------------------------------------------------------- facts

    def _fact(self, node: Node) -> None:
        slug = str(node.value["id"])
        kind, _ = self.facts[slug]
        quote_iris, quote_text = self._quotes(node, slug)
        body = node.require(kind, f"fact '{slug}'")
        fact_iri = iris.in_article(self.article.id, slug)
        self.origins[fact_iri] = (node.file, node.line)
        if kind == "relations":
            self._relations(slug, body, quote_text, quote_iris)
            return
        if kind == "statement":
            self._statement(fact_iri, body, quote_text)
        elif kind == "casualties":
            self._casualties(fact_iri, body, quote_text)
        else:
            self._response(fact_iri, body, quote_text)
        self.graph.add((fact_iri, KGO.source, self.article_iri))
        for quote_iri in quote_iris:
            self.graph.add((fact_iri, KGO.evidence, quote_iri))

    # -------------------------------------------------------- relations

    def _relations(self, slug: str, body: Node, quote_text: tuple[str, ...], quote_iris: list[URIRef]) -> None:
        items = body.seq("relations")
        if not items:
            raise body.error("relations must list at least one [subject, property, object]")
        for n, item in enumerate(items, start=1):
            if not isinstance(item.value, list) or len(item.value) != 3:
                raise item.error("a relation is written [subject, property, object]")
            s_node, p_node, o_node = item.seq("a relation")
            prop_name = p_node.text("property")
            extra: list[tuple[URIRef, URIRef | Literal]] = []
            triple: tuple[URIRef, URIRef, URIRef | Literal]
            if prop_name == "a":
                cls = self._class(o_node, KGO.Event, KGO.Agent, KGO.Place, KGO.Position)
                triple = (self._entity(s_node, cls, "the subject of 'a'"), RDF.type, cls)
            else:
                prop = KGO_NS[prop_name]
                if prop in self.vocabulary.replacements:
                    new_name = str(self.vocabulary.replacements[prop])[len(str(KGO_NS)) :]
                    raise p_node.error(
                        f"the property '{prop_name}' is deprecated: write '{new_name}' instead "
                        "(the ontology renamed it; the old name is kept only for data already published)"
                    )
                if prop not in self.vocabulary.object_properties | self.vocabulary.datatype_properties:
                    raise p_node.error(
                        f"unknown property '{prop_name}'"
                        + suggest(
                            prop_name,
                            self._local_names(self.vocabulary.object_properties | self.vocabulary.datatype_properties),
                        )
                    )
                subject = self._entity(s_node, self.vocabulary.domains.get(prop), f"the subject of {prop_name}")
                if prop in self.vocabulary.object_properties:
                    triple = (subject, prop, self._entity(o_node, self.vocabulary.ranges.get(prop), prop_name))
                else:
                    value, extra = self._literal(o_node, quote_text)
                    triple = (subject, prop, value)
            self.graph.add(triple)
            assertion = self._assertion(slug, n, triple, quote_iris)
            self.origins[assertion] = (item.file, item.line)
            for p, o in extra:
                self.graph.add((assertion, p, o))

    # -------------------------------------------------------- statements

    def _statement(self, iri: URIRef, body: Node, quote_text: tuple[str, ...]) -> None:
        body.mapping("a statement")
        body.only_keys(STATEMENT_KEYS, "a statement")
        g = self.graph
        cls = self._class(body.require("type", "a statement"), KGO.Statement)
        g.add((iri, RDF.type, cls))
        body.require("by", "a statement (who said it)")
        speakers: list[URIRef] = []
        for key, prop in STATEMENT_AGENT_KEYS.items():
            values = body.get(key)
            for item in values.seq(key) if values is not None else []:
                target = self._entity(item, self.vocabulary.ranges.get(prop), key)
                g.add((iri, prop, target))
                if key == "by":
                    speakers.append(target)
        for key, prop in STATEMENT_TEXT_KEYS.items():
            values = body.get(key)
            for item in values.seq(key) if values is not None else []:
                g.add((iri, prop, Literal(self._in_quote(item, quote_text, key))))
        about = body.get("about")
        for item in about.seq("about") if about is not None else []:
            g.add((iri, KGO.about, self._entity_or_statement(item)))
        attack_type = body.get("attack_type")
        if attack_type is not None:
            g.add((iri, KGO.attackTypeAsStated, self._class(attack_type, KGO.Attack)))
        for key, prop in (("answers", KGO.answers), ("contradicts", KGO.contradicts)):
            refs = body.get(key)
            for item in refs.seq(key) if refs is not None else []:
                g.add((iri, prop, self._statement_ref(item)))
        self._add_date(iri, KGO.statedOn, body, quote_text)
        g.add((iri, RDFS.label, Literal(self._statement_label(cls, speakers), lang="en")))

    # -------------------------------------------------------- casualties

    def _casualties(self, iri: URIRef, body: Node, quote_text: tuple[str, ...]) -> None:
        body.mapping("a casualty figure")
        body.only_keys(CASUALTY_KEYS, "a casualty figure")
        g = self.graph
        type_node = body.require("type", "a casualty figure")
        kind = type_node.text("type")
        if kind not in CASUALTY_TYPES:
            raise type_node.error(f"casualty type must be one of {', '.join(CASUALTY_TYPES)}, not '{kind}'")
        g.add((iri, RDF.type, CASUALTY_TYPES[kind]))
        g.add(
            (
                iri,
                KGO.casualtiesOf,
                self._entity(
                    body.require("of", "a casualty figure (which event)"),
                    self.vocabulary.ranges.get(KGO.casualtiesOf),
                    "of",
                ),
            )
        )
        figure_node = body.require("figure", "a casualty figure (as written)")
        as_written = self._in_quote(figure_node, quote_text, "figure")
        count_node, qualifier_node = body.get("count"), body.get("qualifier")
        try:
            parsed = parse_figure(as_written)
            number_as_written, count, qualifier = parsed.number_as_written, parsed.count, parsed.qualifier
        except ValueError as exc:
            if count_node is None or qualifier_node is None:
                raise figure_node.error(str(exc)) from exc
            number_as_written, count, qualifier = as_written, -1, "exactly"
        if count_node is not None:
            given = count_node.integer("count")
            if count >= 0 and given != count:
                raise count_node.error(f"count {given} differs from the number written in '{as_written}' ({count})")
            count = given
        if count < 0:
            raise body.error("count must not be negative")
        if qualifier_node is not None:
            qualifier = qualifier_node.text("qualifier")
            if qualifier not in QUALIFIERS:
                raise qualifier_node.error(f"qualifier must be one of {', '.join(sorted(QUALIFIERS))}")
        g.add((iri, KGO.figureAsWritten, Literal(as_written)))
        g.add((iri, KGO.numberAsWritten, Literal(number_as_written)))
        g.add((iri, KGO.figureValue, Literal(count, datatype=XSD.nonNegativeInteger)))
        g.add((iri, KGO.qualifier, KGO_NS[qualifier]))
        giver = self._entity(
            body.require("given_by", "a casualty figure (who gave it; 'publisher' for the article's own voice)"),
            self.vocabulary.ranges.get(KGO.givenBy),
            "given_by",
        )
        g.add((iri, KGO.givenBy, giver))
        stated_in = body.get("stated_in")
        if stated_in is not None:
            g.add((iri, KGO.statedIn, self._statement_ref(stated_in)))
        hedge = body.get("hedge")
        if hedge is not None:
            g.add((iri, KGO.hedge, Literal(self._in_quote(hedge, quote_text, "hedge"))))
        label = f"{kind.replace('_', ' and ')}: {as_written} (given by {self._label(giver)})"
        g.add((iri, RDFS.label, Literal(label, lang="en")))

    # --------------------------------------------------------- responses

    def _response(self, iri: URIRef, body: Node, quote_text: tuple[str, ...]) -> None:
        body.mapping("a response")
        body.only_keys(RESPONSE_KEYS, "a response")
        g = self.graph
        cls = self._class(body.require("type", "a response"), KGO.Response)
        g.add((iri, RDF.type, cls))
        actors = []
        for item in body.require("by", "a response (who acted)").seq("by"):
            actor = self._entity(item, self.vocabulary.ranges.get(KGO.carriedOutBy), "by")
            actors.append(actor)
            g.add((iri, KGO.carriedOutBy, actor))
        self._add_entity(iri, KGO.inResponseTo, body, "in_response_to")
        self._add_entity(iri, KGO.destination, body, "destination")
        self._add_date(iri, KGO.occurredOn, body, quote_text)
        g.add((iri, RDFS.label, Literal(self._statement_label(cls, actors), lang="en")))

    # ------------------------------------------------------ optional keys

    def _add_entity(self, iri: URIRef, prop: URIRef, body: Node, key: str) -> None:
        """The body's optional key that names one entity, as prop (checked against prop's range)."""
        named = body.get(key)
        if named is not None:
            self.graph.add((iri, prop, self._entity(named, self.vocabulary.ranges.get(prop), key)))

    def _add_date(self, iri: URIRef, prop: URIRef, body: Node, quote_text: tuple[str, ...]) -> None:
        """The body's optional date, as prop, with how the article writes it (and what it is relative to)."""
        date = body.get("date")
        if date is not None:
            value, extra = self._date(date, quote_text)
            self.graph.add((iri, prop, value))
            for p, o in extra:
                self.graph.add((iri, p, o))

    # ------------------------------------------------------------- labels

    def _label(self, iri: URIRef) -> str:
        for entity in self.local.values():  # a handful per article
            if entity.iri == iri:
                return entity.label
        slug = str(iri)[len(iris.ENTITY_NS) :] if str(iri).startswith(iris.ENTITY_NS) else None
        if slug is not None and slug in self.registry and self.registry[slug].iri == iri:
            return self.registry[slug].label  # by key: a scan of the registry per label made builds quadratic
        if iri == iris.in_article(self.article.id, PUBLISHER):
            return "the article's unnamed publisher"
        return str(iri)

    def _statement_label(self, cls: URIRef, agents: list[URIRef]) -> str:
        cls_label = str(self.ontology.value(cls, RDFS.label) or cls)
        who = " and ".join(self._label(a) for a in agents)
        return f"{cls_label} by {who} (article {self.article.id})"
