"""Reading an annotation file and checking what it says: its keys, review states, ids and references.

An annotation file (``<stem>.facts.yaml``, documented in ``corpus/README.md``) may hold the keys listed
here, fact by fact and body by body. :class:`AnnotationReader` holds what the mapping of one article has
read so far (its article-local entities, its facts by id, the items left out for review) and checks every
reference against it: entities against the article's local entities and the registry, classes and
properties against the ontology, statement references against the article's own facts, every piece of
text against the quote. A failed check raises :class:`~kg.errors.InputError` with the file and line; the
mapper (:class:`kg.curation.annotations.ArticleMapper`) collects them fact by fact, so one run reports
them all.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from rdflib import Graph, Literal, URIRef

from kg.curation import dates
from kg.curation.corpus import Article
from kg.curation.registry import Entity
from kg.curation.yamlsrc import Node
from kg.errors import InputError
from kg.rdf import iris
from kg.rdf.namespaces import KGO, KGO_NS
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
    "title": KGO.publishedTitle,
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


class AnnotationReader:
    """What the mapping of one article's annotation file has read so far, and the checks of what it reads."""

    def __init__(self, article: Article, vocabulary: Vocabulary, ontology: Graph, registry: dict[str, Entity]) -> None:
        self.article = article
        self.vocabulary = vocabulary
        self.ontology = ontology
        self.registry = registry
        self.local: dict[str, Entity] = {}
        self.facts: dict[str, tuple[str, Node]] = {}
        self.errors: list[InputError] = []
        self.unreviewed: dict[str, tuple[str, int]] = {}

    # ------------------------------------------------------------- review

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

    # ----------------------------------------------------------- literals

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

    # -------------------------------------------------------- references

    def _slug(self, node: Node) -> str:
        slug = node.text("id")
        if not iris.SLUG.match(slug):
            raise node.error(f"id '{slug}' must be lower-case letters and digits joined by '-'")
        return slug

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
                + (self._not_built(name) or suggest(name, known))
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
                f"'{name}' is not a statement fact of this file" + (self._not_built(name) or suggest(name, statements))
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
            raise node.error(f"'{name}' is not one of the allowed classes here" + suggest(name, allowed))
        return cls

    def _local_names(self, terms: Iterable[URIRef]) -> list[str]:
        return [str(t)[len(str(KGO)) :] for t in terms]


def _a(noun: str) -> str:
    """The noun with its indefinite article: a Person, an ArmedGroup."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def suggest(name: str, candidates: Iterable[str]) -> str:
    """'; did you mean ...?' with the candidates close to name, or '' when none is."""
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
