"""What a query worker reads from the store for people: labels, terms, and what a resource's page shows.

:class:`PageReader` is the part of the worker's :class:`kg.web.workers.executor.Executor` that turns the
store's quads into the structures of :mod:`kg.web.pages`: an IRI's label (English or untagged first,
read many at once from a remote store), a term with its label, and a resource's view (its statements
in both directions, the quotes it was drawn from, an article's text, a graph's subjects, the
ontology's terms), each within ``--max-rows``. It reads the store with the calls that an Oxigraph
store and a :class:`kg.stores.remotestore.RemoteStore` both answer.

Worker processes import this module before their memory cap: pyoxigraph and rdflib are used through
the Executor's attributes, never imported here at module level.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kg.rdf.prefixes import BOUND
from kg.web.workers.jobs import TooManyRows

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.web import pages
    from kg.web.workers.jobs import Limits

# namespaces as plain strings (kg.rdf.prefixes imports no rdflib)
RDF_TYPE = BOUND["rdf"] + "type"
RDFS = BOUND["rdfs"]
SKOS = BOUND["skos"]
KGO = BOUND["kgo"]
NIF = BOUND["nif"]
DCTERMS = BOUND["dcterms"]
SCHEMA = BOUND["schema"]
XSD_STRING = BOUND["xsd"] + "string"
#: the properties that give an IRI's label on pages, best first (an odd rank: not English)
LABEL_RANKS = {RDFS + "label": 0, SKOS + "prefLabel": 2, DCTERMS + "title": 4}
#: the IRIs whose labels one request to a remote store reads
LABEL_BATCH = 200


class PageReader:
    """Labels, terms and resource views read from the store; the base of :class:`kg.web.workers.executor.Executor`,
    which opens the store and sets these attributes."""

    #: the pyoxigraph module, imported by the Executor
    ox: Any
    #: the Oxigraph store, opened read-only, or a :class:`kg.stores.remotestore.RemoteStore`
    store: Any
    limits: Limits
    #: the labels read so far, by IRI (None: the IRI has none)
    _labels: dict[str, str | None]

    def _exists(self, node: ox.NamedNode) -> bool:
        store = self.store
        return (
            next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None
            or next(iter(store.quads_for_pattern(None, None, node, None)), None) is not None
            or store.contains_named_graph(node)
        )

    def _about(self, node: ox.NamedNode) -> Iterator[tuple[Any, Any, Any]]:
        """The triples of a resource's data document: as subject, as object, and a graph's contents."""
        from kg.rdf import iris

        seen: set[tuple[Any, Any, Any]] = set()
        quads: list[Iterable[Any]] = [
            self.store.quads_for_pattern(node, None, None, None),
            self.store.quads_for_pattern(None, None, node, None),
        ]
        if self.store.contains_named_graph(node):
            quads.append(self.store.quads_for_pattern(None, None, None, node))
        if node.value == str(iris.ONTOLOGY):  # the ontology's document is the whole ontology
            quads.append(self.store.quads_for_pattern(None, None, None, self.ox.NamedNode(str(iris.ONTOLOGY_GRAPH))))
        for source in quads:
            for quad in source:
                triple = (quad.subject, quad.predicate, quad.object)
                if triple not in seen:
                    if len(seen) >= self.limits.max_rows:
                        raise TooManyRows
                    seen.add(triple)
                    yield triple

    def label(self, iri: str) -> str | None:
        """An IRI's rdfs:label (English or untagged first), or an article's title."""
        if iri not in self._labels:
            ox = self.ox
            node = ox.NamedNode(iri)
            quads = [
                q for prop in LABEL_RANKS for q in self.store.quads_for_pattern(node, ox.NamedNode(prop), None, None)
            ]
            self._labels[iri] = self._best_label(quads)
        return self._labels[iri]

    def _best_label(self, quads: Iterable[Any]) -> str | None:
        """The label of :data:`LABEL_RANKS`'s best rank among these quads (English or untagged first)."""
        found: list[tuple[int, str]] = []
        for quad in quads:
            rank = LABEL_RANKS.get(quad.predicate.value)
            if rank is not None and isinstance(quad.object, self.ox.Literal):
                lang = quad.object.language
                found.append((rank + (0 if lang in (None, "", "en") else 1), quad.object.value))
        return min(found)[1] if found else None

    def prefetch_labels(self, terms: Iterable[Any]) -> None:
        """Read the labels of these terms' IRIs at once, when the store can (a remote store: one request for
        many IRIs rather than three for each); a local store reads each when it is asked for."""
        fetch = getattr(self.store, "quads_for_subjects", None)
        if fetch is None:
            return
        wanted = sorted({t.value for t in terms if isinstance(t, self.ox.NamedNode) and t.value not in self._labels})
        for start in range(0, len(wanted), LABEL_BATCH):
            batch = wanted[start : start + LABEL_BATCH]
            found: dict[str, list[Any]] = {iri: [] for iri in batch}
            for quad in fetch([self.ox.NamedNode(i) for i in batch], [self.ox.NamedNode(p) for p in LABEL_RANKS]):
                found[quad.subject.value].append(quad)
            for iri, quads in found.items():
                self._labels[iri] = self._best_label(quads)

    def term(self, term: Any) -> pages.Term | None:
        """An Oxigraph term as a page term, IRIs with their labels."""
        from kg.web import pages

        ox = self.ox
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return pages.Term("iri", term.value, label=self.label(term.value))
        if isinstance(term, ox.BlankNode):
            return pages.Term("bnode", term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            return pages.Term(
                "literal",
                term.value,
                lang=term.language or None,
                datatype=None if term.language or datatype == XSD_STRING else datatype,
            )
        return pages.Term("literal", str(term))

    def resource_view(self, node: ox.NamedNode) -> pages.ResourceView:
        """Everything a resource's page shows, read from the store."""
        from kg.web import pages

        ox = self.ox
        store = self.store
        limit = self.limits.max_rows
        view = pages.ResourceView(iri=node.value, label=self.label(node.value))
        outgoing: dict[tuple[Any, Any], list[Any]] = {}
        incoming: dict[tuple[Any, Any], list[Any]] = {}
        for quads, target, flip in (
            (store.quads_for_pattern(node, None, None, None), outgoing, False),
            (store.quads_for_pattern(None, None, node, None), incoming, True),
        ):
            for quad in quads:
                key = (quad.predicate, quad.subject if flip else quad.object)
                if key not in target and len(target) >= limit:
                    view.truncated = True
                    break
                target.setdefault(key, []).append(quad.graph_name)
        self.prefetch_labels(
            term
            for found in (outgoing, incoming)
            for (predicate, other), graphs in found.items()
            for term in (predicate, other, *graphs)
        )
        values: dict[str, list[Any]] = {}
        for predicate, obj in outgoing:
            values.setdefault(predicate.value, []).append(obj)
        view.types = sorted(
            (t for t in (self.term(o) for o in values.get(RDF_TYPE, [])) if t is not None), key=_term_key
        )
        view.aliases = sorted(o.value for o in values.get(SKOS + "altLabel", []) if isinstance(o, ox.Literal))
        view.comments = sorted(o.value for o in values.get(RDFS + "comment", []) + values.get(SKOS + "definition", []))
        view.sources = [t for t in (self.term(o) for o in values.get(KGO + "source", [])) if t is not None]
        for quote in values.get(KGO + "evidence", []):
            view.quotes.append(self._quote(quote))
        view.quotes.sort(key=lambda q: (q.begin if q.begin is not None else -1, q.iri))
        texts = [o.value for o in values.get(NIF + "isString", []) if isinstance(o, ox.Literal)]
        if texts:
            metadata = []
            for name, prop in (
                ("publisher", SCHEMA + "publisher"),
                ("byline", KGO + "byline"),
                ("published", SCHEMA + "datePublished"),
                ("URL", SCHEMA + "url"),
                ("language", SCHEMA + "inLanguage"),
                ("retrieved", KGO + "retrievedOn"),
                ("SHA-256", KGO + "sha256"),
            ):
                for value in values.get(prop, []):
                    term = self.term(value)
                    if term is not None:
                        metadata.append((name, term))
            titles = [o.value for o in values.get(DCTERMS + "title", [])]
            unique = sorted(set(metadata), key=lambda item: (item[0], item[1].value))
            view.article = pages.ArticleText(titles[0] if titles else None, texts[0], tuple(unique))
        shown_elsewhere = {NIF + "isString"}
        view.outgoing = self._statements(outgoing, skip=shown_elsewhere)
        view.incoming = self._statements(incoming)
        if store.contains_named_graph(node):
            subjects: set[str] = set()
            size = 0
            for quad in store.quads_for_pattern(None, None, None, node):
                size += 1
                if isinstance(quad.subject, ox.NamedNode):
                    subjects.add(quad.subject.value)
            view.graph_size = size
            shown = sorted(subjects)[:limit]
            self.prefetch_labels(ox.NamedNode(s) for s in shown)
            view.truncated = view.truncated or len(subjects) > limit
            view.graph_subjects = [pages.Term("iri", s, label=self.label(s)) for s in shown]
        if node.value == pages.ONTOLOGY:
            view.ontology_terms = self._ontology_terms()
        return view

    def _quote(self, quote: Any) -> pages.Quote:
        from kg.web import pages

        ox = self.ox
        props: dict[str, Any] = {}
        if isinstance(quote, ox.NamedNode):
            for quad in self.store.quads_for_pattern(quote, None, None, None):
                props.setdefault(quad.predicate.value, quad.object)
        text = props.get(NIF + "anchorOf")
        begin, end = props.get(NIF + "beginIndex"), props.get(NIF + "endIndex")
        article = props.get(NIF + "referenceContext")
        return pages.Quote(
            iri=quote.value,
            text=text.value if text is not None else "",
            begin=_int(begin),
            end=_int(end),
            article=self.term(article) if article is not None else None,
        )

    def _statements(self, found: dict[tuple[Any, Any], list[Any]], skip: Collection[str] = ()) -> list[pages.Statement]:
        from kg.rdf.namespaces import display_name
        from kg.web import pages

        out = []
        for (predicate, other), graphs in found.items():
            if predicate.value in skip:
                continue
            p, o = self.term(predicate), self.term(other)
            assert p is not None and o is not None
            named = {self.term(g) for g in graphs if not isinstance(g, self.ox.DefaultGraph)}
            gs = tuple(sorted((g for g in named if g is not None), key=_term_key))
            out.append(pages.Statement(p, o, gs))
        out.sort(key=lambda s: ((s.predicate.label or display_name(s.predicate.value)).casefold(), _term_key(s.other)))
        return out

    def _ontology_terms(self) -> list[pages.OntologyTerm]:
        from kg.rdf import iris
        from kg.web import pages

        ox = self.ox
        graph = ox.NamedNode(str(iris.ONTOLOGY_GRAPH))
        props: dict[str, dict[str, list[Any]]] = {}
        for quad in self.store.quads_for_pattern(None, None, None, graph):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(iris.ONTOLOGY_NS):
                props.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
        self.prefetch_labels(
            [ox.NamedNode(iri) for iri in props]
            + [o for p in props.values() for objects in p.values() for o in objects]
        )
        terms = []
        for iri in sorted(props):
            p = props[iri]

            def terms_of(*names: str, p: dict[str, list[Any]] = p) -> tuple[pages.Term, ...]:
                found = [self.term(o) for name in names for o in p.get(name, []) if isinstance(o, ox.NamedNode)]
                return tuple(sorted({t for t in found if t is not None}, key=_term_key))

            comments = tuple(
                o.value
                for name in (SKOS + "definition", RDFS + "comment")
                for o in p.get(name, [])
                if isinstance(o, ox.Literal)
            )
            terms.append(
                pages.OntologyTerm(
                    iri=iri,
                    label=self.label(iri),
                    kinds=terms_of(RDF_TYPE),
                    comments=comments,
                    parents=terms_of(RDFS + "subClassOf", RDFS + "subPropertyOf"),
                    domains=terms_of(RDFS + "domain"),
                    ranges=terms_of(RDFS + "range"),
                )
            )
        return terms


def _term_key(term: pages.Term) -> tuple[str, str]:
    return ((term.label or term.value).casefold(), term.value)


def _int(term: Any) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None
