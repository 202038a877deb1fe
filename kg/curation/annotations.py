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
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import rdflib.term
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from kg.curation import dates, quotes
from kg.curation.corpus import Article, MetaValue
from kg.curation.figures import QUALIFIERS, parse_figure
from kg.curation.registry import Entity, parse_names, parse_types
from kg.curation.yamlsrc import Node, load_yaml
from kg.errors import InputError
from kg.rdf import iris
from kg.rdf.namespaces import KGO, KGO_NS, NIF, SCHEMA
from kg.rdf.ontology import Vocabulary

FILE_KEYS = {"article", "entities", "facts"}
#: keys every fact and article-local entity may carry about its review (see corpus/README.md, "Drafts")
REVIEW_KEYS = {"review", "drafted"}
#: review states: a draft awaits the curator; accepted and unmarked items are built; rejected ones never are
REVIEW_STATES = ("draft", "accepted", "rejected")
DRAFTED_KEYS = {"rule", "cue", "confidence"}
LOCAL_ENTITY_KEYS = {"id", "type", "label", "quote", "occurrence", "aliases", "note"} | REVIEW_KEYS
FACT_KEYS = {"id", "quote", "occurrence", "note", "relations", "statement", "casualties", "response"} | REVIEW_KEYS
BODIES = ("relations", "statement", "casualties", "response")

#: statement key -> property, for keys whose values are entities
STATEMENT_AGENT_KEYS = {
    "by": KGO.statedBy,
    "accuses": KGO.accuses,
    "denies_involvement_of": KGO.deniesInvolvementOf,
    "threatens": KGO.threatens,
    "attributes_to": KGO.attributesTo,
    "names_perpetrator": KGO.namesPerpetrator,
    "channel": KGO.channel,
}
#: statement key -> property, for keys whose values are text that must be in the quote
STATEMENT_TEXT_KEYS = {
    "words": KGO.words,
    "title": KGO["title"],
    "hedge": KGO.hedge,
    "method_as_written": KGO.methodAsWritten,
}
STATEMENT_KEYS = (
    {"type", "about", "attack_type", "date", "answers", "contradicts"}
    | set(STATEMENT_AGENT_KEYS)
    | set(STATEMENT_TEXT_KEYS)
)
CASUALTY_TYPES = {
    "killed": KGO.DeathToll,
    "injured": KGO.InjuryFigure,
    "killed_and_injured": KGO.CombinedCasualtyFigure,
}
CASUALTY_KEYS = {"type", "of", "figure", "count", "qualifier", "given_by", "stated_in", "hedge"}
RESPONSE_KEYS = {"type", "by", "in_response_to", "destination", "date"}
DATE_KEYS = {"date", "as_written", "relative_to"}

PUBLISHER = "publisher"
#: the id under which an article's curator record is minted (``kgd:article/<stem>/record``)
RECORD = "record"
#: what to do instead, when an entity's type does not fit a key
TYPE_HINTS = {
    "names_perpetrator": "name a group or organisation with attributes_to; names_perpetrator is for persons",
    "by": "a statement's speaker is an agent: a person, group, organisation or state",
}

#: (file, line) of the YAML that produced a node, for reporting problems where the curator can fix them
Origins = dict[URIRef, tuple[Path, int]]


class TripleSink(Protocol):
    """Where the mapper puts triples: a set, or an rdflib Graph."""

    def add(self, triple: tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node], /) -> object: ...


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


class ArticleMapper:
    """Maps one article's annotation file into its named graph."""

    def __init__(
        self,
        article: Article,
        vocabulary: Vocabulary,
        ontology: Graph,
        registry: dict[str, Entity],
        graph: TripleSink,
        records: TripleSink,
    ) -> None:
        self.article = article
        self.vocabulary = vocabulary
        self.ontology = ontology
        self.registry = registry
        self.graph = graph
        self.records = records
        self.article_iri = iris.article(article.id)
        self.local: dict[str, Entity] = {}
        self.facts: dict[str, tuple[str, Node]] = {}
        self.errors: list[InputError] = []
        self.origins: Origins = {}
        self.unreviewed: dict[str, tuple[str, int]] = {}

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

    def _unreviewed(self, node: Node) -> bool:
        """Whether a fact or entity awaits review or was rejected (and so is left out); checks its review keys."""
        if not node.is_mapping():
            return False  # reported by the step that maps it
        try:
            review = node.get("review")
            state = review.text("review") if review is not None else "accepted"
            if state not in REVIEW_STATES:
                assert review is not None
                raise review.error(f"review must be one of {', '.join(REVIEW_STATES)}, not '{state}'")
            drafted = node.get("drafted")
            if drafted is not None:
                drafted.mapping("drafted")
                drafted.only_keys(DRAFTED_KEYS, "drafted")
                confidence = drafted.get("confidence")
                if confidence is not None and not (
                    isinstance(confidence.value, (int, float)) and 0 <= confidence.value <= 1
                ):
                    raise confidence.error("confidence must be a number from 0 to 1")
        except InputError as exc:
            self.errors.append(exc)
            return True
        if state == "accepted":
            return False
        identifier = node.get("id")
        if identifier is not None and isinstance(identifier.value, str):
            self.unreviewed[identifier.value] = (state, node.line)
        return True

    def _not_built(self, name: str) -> str:
        """Why a reference to an unreviewed item fails, or '' when the name is not one."""
        if name not in self.unreviewed:
            return ""
        state, line = self.unreviewed[name]
        if state == "draft":
            return f"; '{name}' is still a draft (review: draft at line {line}): accept it first"
        return f"; '{name}' was rejected (review: rejected at line {line})"

    def _guard(self, step: Callable[[Node], None], node: Node) -> None:
        try:
            step(node)
        except InputError as exc:
            self.errors.append(exc)

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
                        "(type MediaOutlet)" + _suggest(a.publisher.value, list(self.registry)),
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
        r.add((assertion, RDF.type, KGO.Assertion))
        r.add((assertion, RDF.subject, triple[0]))
        r.add((assertion, RDF.predicate, triple[1]))
        r.add((assertion, RDF.object, triple[2]))
        r.add((assertion, KGO.recordedIn, record))
        self.origins[assertion] = (self.article.meta_path, meta.line)
        self.origins.setdefault(record, (self.article.meta_path, 1))

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

    def _register_fact(self, node: Node) -> None:
        node.mapping("a fact")
        node.only_keys(FACT_KEYS, "a fact")
        slug = self._slug(node.require("id", "a fact"))
        if slug in self.facts or slug in self.local or slug in (PUBLISHER, RECORD) or slug.startswith("meta-"):
            raise node.error(f"fact id '{slug}' is used twice in this file, or is reserved")
        bodies = [b for b in BODIES if node.get(b) is not None]
        if len(bodies) != 1:
            raise node.error(
                f"fact '{slug}' must have exactly one of {', '.join(BODIES)}; it has "
                + (", ".join(bodies) if bodies else "none")
            )
        self.facts[slug] = (bodies[0], node)

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
                if prop not in self.vocabulary.object_properties | self.vocabulary.datatype_properties:
                    raise p_node.error(
                        f"unknown property '{prop_name}'"
                        + _suggest(
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

    def _assertion(
        self, slug: str, n: int, triple: tuple[URIRef, URIRef, URIRef | Literal], quote_iris: list[URIRef]
    ) -> URIRef:
        node = iris.in_article(self.article.id, slug, n)
        g = self.graph
        g.add((node, RDF.type, KGO.Assertion))
        g.add((node, RDF.subject, triple[0]))
        g.add((node, RDF.predicate, triple[1]))
        g.add((node, RDF.object, triple[2]))
        g.add((node, KGO.source, self.article_iri))
        for quote_iri in quote_iris:
            g.add((node, KGO.evidence, quote_iri))
        return node

    def _literal(
        self, node: Node, quote_text: tuple[str, ...]
    ) -> tuple[Literal, list[tuple[URIRef, URIRef | Literal]]]:
        if node.is_mapping():
            if node.get("date") is not None:
                return self._date(node, quote_text)
            node.only_keys({"text"}, "a literal")
            return Literal(self._in_quote(node.require("text", "a literal"), quote_text, "text")), []
        return Literal(self._in_quote(node, quote_text, "the value")), []

    def _date(self, node: Node, quote_text: tuple[str, ...]) -> tuple[Literal, list[tuple[URIRef, URIRef | Literal]]]:
        node.mapping("a date")
        node.only_keys(DATE_KEYS, "a date")
        date_node = node.require("date", "a date")
        try:
            value = dates.parse_iso(date_node.date_text("date"))
        except ValueError as exc:
            raise date_node.error(f"bad date: {exc}") from exc
        written_node = node.require("as_written", "a date (how the article puts it)")
        as_written = self._in_quote(written_node, quote_text, "as_written")
        problems = dates.disagreements(value, as_written)
        if problems:
            raise date_node.error("bad date: " + "; ".join(problems))
        extra: list[tuple[URIRef, URIRef | Literal]] = [(KGO.dateAsWritten, Literal(as_written))]
        relative = node.get("relative_to")
        if relative is not None:
            extra.append((KGO.dateRelativeTo, self._entity(relative)))
        return value.literal(), extra

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
        date = body.get("date")
        if date is not None:
            value, extra = self._date(date, quote_text)
            g.add((iri, KGO.statedOn, value))
            for p, o in extra:
                g.add((iri, p, o))
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
        g.add((iri, KGO["count"], Literal(count, datatype=XSD.nonNegativeInteger)))
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
        trigger = body.get("in_response_to")
        if trigger is not None:
            g.add(
                (
                    iri,
                    KGO.inResponseTo,
                    self._entity(trigger, self.vocabulary.ranges.get(KGO.inResponseTo), "in_response_to"),
                )
            )
        destination = body.get("destination")
        if destination is not None:
            g.add(
                (
                    iri,
                    KGO.destination,
                    self._entity(destination, self.vocabulary.ranges.get(KGO.destination), "destination"),
                )
            )
        date = body.get("date")
        if date is not None:
            value, extra = self._date(date, quote_text)
            g.add((iri, KGO.occurredOn, value))
            for p, o in extra:
                g.add((iri, p, o))
        g.add((iri, RDFS.label, Literal(self._statement_label(cls, actors), lang="en")))

    # -------------------------------------------------------- references

    def _slug(self, node: Node) -> str:
        slug = node.text("id")
        if not iris.SLUG.match(slug):
            raise node.error(f"id '{slug}' must be lower-case letters and digits joined by '-'")
        return slug

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

    def _in_quote(self, node: Node, quote_text: tuple[str, ...], what: str) -> str:
        value = node.text(what)
        if not any(value in quote for quote in quote_text):
            shown = " / ".join(repr(q) for q in quote_text)
            raise node.error(f"{what} {value!r} is not part of the fact's quote {shown}")
        return value

    def _entity(self, node: Node, expected: URIRef | None = None, key: str = "") -> URIRef:
        """The entity a reference names; with ``expected``, checked to be able to be one (see Vocabulary.conflict)."""
        name = node.text("an entity reference")
        types: list[URIRef]
        if name in self.local:
            iri, types = self.local[name].iri, self.local[name].types
        elif name == PUBLISHER:
            outlet = self.registry.get(self.article.publisher.value) if self.article.publisher is not None else None
            if outlet is not None:
                iri, types = outlet.iri, outlet.types
            else:
                iri, types = iris.in_article(self.article.id, PUBLISHER), [KGO.MediaOutlet]
        elif name in self.registry:
            iri, types = self.registry[name].iri, self.registry[name].types
        else:
            known = list(self.local) + list(self.registry) + [PUBLISHER]
            raise node.error(
                f"unknown entity '{name}': not in corpus/entities.yaml nor among this file's entities"
                + (self._not_built(name) or _suggest(name, known))
            )
        if expected is not None:
            problem = self.vocabulary.conflict(types, expected)
            if problem is not None:
                kinds = " and ".join(self._local_names(types))
                hint = TYPE_HINTS.get(key)
                wanted = self._local_names([expected])[0]
                raise node.error(
                    f"{key} takes {_a(wanted)}, but '{name}' is {_a(kinds)} ({problem})" + (f": {hint}" if hint else "")
                )
        return iri

    def _statement_ref(self, node: Node) -> URIRef:
        name = node.text("a statement reference")
        kind = self.facts.get(name, (None, None))[0]
        if kind != "statement":
            statements = [f for f, (k, _) in self.facts.items() if k == "statement"]
            raise node.error(
                f"'{name}' is not a statement fact of this file" + (self._not_built(name) or _suggest(name, statements))
            )
        return iris.in_article(self.article.id, name)

    def _entity_or_statement(self, node: Node) -> URIRef:
        name = node.text("about")
        if self.facts.get(name, (None, None))[0] == "statement":
            return iris.in_article(self.article.id, name)
        return self._entity(node)

    def _class(self, node: Node, *roots: URIRef) -> URIRef:
        name = node.text("a class")
        cls = KGO_NS[name]
        if cls not in self.vocabulary.classes or not any(self.vocabulary.is_subclass(cls, r) for r in roots):
            allowed = [c for r in roots for c in self.vocabulary.subclasses_of(r)]
            raise node.error(f"'{name}' is not one of the allowed classes here" + _suggest(name, allowed))
        return cls

    def _local_names(self, terms: Iterable[URIRef]) -> list[str]:
        return [str(t)[len(str(KGO)) :] for t in terms]

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


def _a(noun: str) -> str:
    """The noun with its indefinite article: a Person, an ArmedGroup."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
