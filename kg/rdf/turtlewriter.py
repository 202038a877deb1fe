"""Turtle for a graph without blank nodes, byte for byte as rdflib's Turtle serializer writes it, fast.

:class:`TurtleWriter` writes the body of each graph :func:`kg.rdf.rdfio.to_trig` puts between braces, from
rdflib triples (:meth:`TurtleWriter.graph`) or from string triples (:meth:`TurtleWriter.graph_strings`,
:data:`kg.rdf.ntriples.NTriple`), without rdflib's in-memory store; a graph with blank nodes (the
ontology's lists and restrictions) is left to rdflib's serializer, which nests them.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Collection, Mapping
from operator import itemgetter

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from kg.rdf import namespaces
from kg.rdf.ntriples import NTriple, Triple, parse_nt_term, sort_key, unescape

_TYPE_NAME = str(RDF.type)
_LABEL_NAME = str(RDFS.label)
_CLASS_NAME = str(RDFS.Class)
_NIL_NAME = str(RDF.nil)
_TYPE_NT = RDF.type.n3()
_LABEL_NT = RDFS.label.n3()
_CLASS_NT = RDFS.Class.n3()
_NIL_NT = RDF.nil.n3()


def _iri_order(term: str) -> str:
    """What an IRI in N-Triples form sorts by: its IRI (``<a>`` sorts after ``<a/b>`` as text, ``a`` before ``a/b``)."""
    return term[1:-1]


def _string_order(objects: list[str]) -> list[str] | None:
    """Objects in rdflib's order of terms, worked out from their text, or None when that needs the terms.

    IRIs come first, by IRI; then literals without a datatype: those without a language tag, then
    by language tag, then by their characters. Literals with a datatype (compared by value, with ties)
    and language tags with capitals (rdflib's equality ignores their case, which can tie two literals)
    need rdflib's terms.
    """
    keys: list[tuple[int, str, str]] = []
    for term in objects:
        first = term[0]
        if first == "<":
            keys.append((0, "", term[1:-1]))
        elif first != '"':
            return None
        elif term[-1] == '"':
            keys.append((1, "", unescape(term[1:-1])))
        else:
            end = term.rfind('"')
            language = term[end + 2 :]
            if term[end + 1] != "@" or not language.islower():
                return None
            keys.append((1, language, unescape(term[1:end])))
    return [term for _, term in sorted(zip(keys, objects, strict=True))]


class _NotPlain(Exception):
    """An IRI that :meth:`TurtleWriter._split` leaves to rdflib's namespace manager."""


#: printable ASCII without the characters rdflib refuses in an IRI (``<>" {}|\\^```)
_PLAIN_IRI = re.compile(r"[A-Za-z][!#-;=?-\[\]_a-z~]*")
#: the ASCII characters rdflib's ``split_uri`` takes as name characters, and those a name cannot start with
_NAME_CHARACTERS = string.ascii_letters + string.digits + "_-.%()"
_NAME_NOT_START = "-.%()"
_XMLNS = "http://www.w3.org/XML/1998/namespace"


class TurtleWriter:
    """Turtle for a graph without blank nodes, byte for byte as rdflib's Turtle serializer writes it.

    rdflib's serializer asks its in-memory store for every subject's triples and every name's prefix;
    at a million triples that is most of a build's time. This writer takes the triples as a list and
    follows the same rules (``rdflib.plugins.serializers.turtle.TurtleSerializer``): subjects typed
    ``rdfs:Class`` first, then by how often they are referenced as objects, then by IRI; ``rdf:type``
    and ``rdfs:label`` first, then predicates and objects in rdflib's order; names are prefixed only
    with the bound prefixes; literals as rdflib writes them. A test compares both on built data.

    :meth:`graph` takes rdflib triples, :meth:`graph_strings` string triples (:data:`~kg.rdf.ntriples.NTriple`); both
    give the same text. A writer keeps the names and literals it has written, so one writer serves a
    whole file.
    """

    def __init__(self, extra_prefixes: Mapping[str, str] | None = None) -> None:
        graph = Graph(bind_namespaces="core")
        bound = [str(ns) for _, ns in graph.namespaces()]
        namespaces.bind(graph)
        for prefix, ns in (extra_prefixes or {}).items():
            graph.bind(prefix, ns, override=True, replace=True)
        bound += [str(ns) for ns in [*namespaces.PREFIXES.values(), *(extra_prefixes or {}).values()]]
        self._namespaces = graph.namespace_manager
        #: every namespace ever bound, longest first: rdflib's namespace manager keeps them all (replaced ones
        #: too) in the trie it looks longer namespaces up in
        self._known = sorted(set(bound), key=len, reverse=True)
        self._prefix_of = {ns: p for ns in self._known if (p := self._namespaces.store.prefix(URIRef(ns))) is not None}
        self._names: dict[str, str] = {}
        #: IRI in N-Triples form -> as written in Turtle (rdf:nil as "()", as rdflib writes it)
        self._iri_labels: dict[str, str] = {_NIL_NT: "()"}
        #: literal with a datatype in N-Triples form -> as written in Turtle
        self._literal_labels: dict[str, str] = {}
        #: literal in N-Triples form -> its rdflib term, for rdflib's order of mixed objects
        self._terms: dict[str, Node] = {}
        #: a subject's predicates as given -> in the order they are written
        self._predicate_orders: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def name(self, uri: URIRef) -> str:
        """The prefixed name rdflib would write for an IRI, or the IRI in angle brackets."""
        found = self._names.get(str(uri))
        if found is None:
            found = self._names[str(uri)] = self._pname(uri) or uri.n3()
        return found

    def _pname(self, uri: URIRef) -> str | None:
        try:
            split = self._split(str(uri))
        except _NotPlain:
            split = self._rdflib_split(uri)
        if split is None:
            return None
        prefix, local = split
        local = local.replace("(", "\\(").replace(")", "\\)")
        local = TurtleSerializer.LOCALNAME_PECRENT_CHARACTER_REQUIRING_ESCAPE_REGEX.sub("\\%", local)
        if local.endswith("."):
            return None
        return f"{prefix}:{local}"

    def _rdflib_split(self, uri: URIRef) -> tuple[str, str] | None:
        """The prefix and local name rdflib's namespace manager gives an IRI, None when no bound prefix fits."""
        try:
            prefix, _, local = self._namespaces.compute_qname(uri, generate=False)
        except Exception:  # rdflib raises several kinds when no bound prefix fits
            bound = self._namespaces.store.prefix(uri)
            if bound is None:
                return None
            prefix, local = bound, ""
        return prefix, local

    def _split(self, iri: str) -> tuple[str, str] | None:
        """What :meth:`_rdflib_split` gives a plain ASCII IRI, without rdflib's namespace manager.

        The manager splits an IRI after its last character that cannot be in an XML name (at the first
        letter, digit or ``_`` after it), takes the longest bound namespace that is a longer prefix of the
        IRI instead when there is one, and inserts every namespace it splits off into its trie of
        namespaces: with an IRI space per article that trie grows wide, and each insertion walks it.

        Raises:
            _NotPlain: for an IRI with other characters, one rdflib cannot split, or an XML namespace name.
        """
        if not _PLAIN_IRI.fullmatch(iri) or iri.startswith(_XMLNS):
            raise _NotPlain(iri)
        head = iri.rstrip(_NAME_CHARACTERS)
        start = len(iri) - len(iri[len(head) :].lstrip(_NAME_NOT_START))
        if not head or start == len(iri):
            raise _NotPlain(iri)
        namespace = iri[:start]
        for known in self._known:
            if iri.startswith(known):
                if len(known) > len(namespace):
                    namespace = known
                break
        prefix = self._prefix_of.get(namespace)
        if prefix is None:
            prefix = self._prefix_of.get(iri)  # the IRI itself bound as a namespace
            return None if prefix is None else (prefix, "")
        return prefix, iri[len(namespace) :]

    def _label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return node._literal_n3(use_plain=True, qname_callback=self.name)
        if str(node) == _NIL_NAME:
            return "()"
        return self.name(node)  # type: ignore[arg-type]

    def _iri_label(self, term: str) -> str:
        """An IRI in N-Triples form as :meth:`_label` writes it."""
        found = self._iri_labels.get(term)
        if found is None:
            if not term.startswith("<"):
                raise ValueError(f"a string graph has a blank node, {term}: give that graph as rdflib triples")
            found = self._iri_labels[term] = self._pname(URIRef(term[1:-1])) or term
        return found

    def _literal_label(self, term: str) -> str:
        """A literal in N-Triples form as :meth:`_label` writes it (rdflib's Turtle form)."""
        if "\\n" not in term and (term[-1] == '"' or term[term.rfind('"') + 1] == "@"):
            # without a line break, rdflib escapes a string for Turtle as for N-Triples
            return term
        found = self._literal_labels.get(term)
        if found is None:
            literal = parse_nt_term(term)
            assert isinstance(literal, Literal)
            found = literal._literal_n3(use_plain=True, qname_callback=self.name)
            if term.endswith(">"):  # kept: values with a datatype recur (numbers, dates), texts with line breaks not
                self._literal_labels[term] = found
        return found

    def _term(self, term: str) -> Node:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = parse_nt_term(term)
        return found

    def _node_label(self, term: str) -> str:
        return self._literal_label(term) if term.startswith('"') else self._iri_label(term)

    def _ordered(self, objects: list[str]) -> list[str]:
        """Several objects of one subject and predicate in the order :meth:`graph` writes them."""
        found = _string_order(objects)
        if found is not None:
            return found
        # rdflib's order of mixed terms, as graph() gets it: sorted by kind and N3 first, then by rdflib's order
        # (a stable sort: literals it cannot tell apart keep the first order)
        pairs = [(self._term(term), term) for term in objects]
        pairs.sort(key=lambda pair: sort_key(pair[0]))
        pairs.sort(key=lambda pair: pair[0])  # type: ignore[arg-type,return-value]
        return [term for _, term in pairs]

    def graph(self, triples: Collection[Triple]) -> str:
        """The Turtle body of the graph (no prefixes), as :func:`~kg.rdf.rdfio.to_trig` puts it between braces."""
        # Subjects and predicates of a graph without blank nodes are IRIs, grouped and sorted here by their
        # strings: rdflib orders IRIs as strings, and its equality, called on every hit of a dict keyed by
        # terms, would cost more than the rest of the work. Objects keep rdflib's order (mixed kinds).
        by_subject: dict[str, tuple[Node, dict[str, tuple[Node, list[Node]]]]] = {}
        references: dict[str, int] = {}
        classes = []
        for s, p, o in triples:
            entry = by_subject.get(str(s))
            if entry is None:
                entry = by_subject[str(s)] = (s, {})
            prop = entry[1].get(str(p))
            if prop is None:
                prop = entry[1][str(p)] = (p, [])
            prop[1].append(o)
            if not isinstance(o, Literal):
                references[str(o)] = references.get(str(o), 0) + 1
                if str(p) == _TYPE_NAME and str(o) == _CLASS_NAME:
                    classes.append(str(s))
        classes.sort()
        first = set(classes)
        rest = sorted((references.get(key, 0), key) for key in by_subject if key not in first)
        blocks = []
        for key in [*classes, *(k for _, k in rest)]:
            subject, properties = by_subject[key]
            order = [k for k in (_TYPE_NAME, _LABEL_NAME) if k in properties]
            order += sorted(k for k in properties if k not in (_TYPE_NAME, _LABEL_NAME))
            text = [self._label(subject)]
            for n, predicate_key in enumerate(order):
                predicate, objects = properties[predicate_key]
                text.append(" ;\n    " if n else " ")
                text.append("a" if predicate_key == _TYPE_NAME else self._label(predicate))
                if len(objects) > 1:
                    # rdflib's order of mixed terms, from the order the old writer added them in (canonical):
                    # rdflib's sort leaves literals it cannot compare in the order it found them
                    objects = sorted(sorted(objects, key=sort_key))  # type: ignore[type-var]
                text.append(" " + self._label(objects[0]))
                for obj in objects[1:]:
                    text.append(",\n        " + self._label(obj))
            text.append(" .")
            blocks.append("".join(text))
        return "\n\n".join(blocks)

    def graph_strings(self, triples: Collection[NTriple]) -> str:
        """The Turtle body of a graph given as string triples: the text :meth:`graph` writes for the same triples.

        IRIs are written from their text (their prefixed names kept by the writer); literals as well, except
        those rdflib writes differently in Turtle (numbers, booleans and other datatypes, line breaks), which
        are parsed once into rdflib terms. Several objects of one subject and predicate are sorted from their
        text when they are IRIs and literals without a datatype, and as rdflib terms otherwise.

        Raises:
            ValueError: when a triple has a blank node (give such a graph as rdflib triples).
        """
        by_subject: dict[str, dict[str, list[str]]] = {}
        for s, p, o in triples:
            properties = by_subject.get(s)
            if properties is None:
                by_subject[s] = {p: [o]}
            else:
                objects = properties.get(p)
                if objects is None:
                    properties[p] = [o]
                else:
                    objects.append(o)
        # how often each term is an object (literals too: they are never subjects); counted in C
        references = Counter(map(itemgetter(2), triples))
        classes = []
        for s, properties in by_subject.items():
            types = properties.get(_TYPE_NT)
            if types is not None and _CLASS_NT in types:
                classes += [s] * types.count(_CLASS_NT)  # once per triple, as graph() lists them
        classes.sort(key=_iri_order)
        first = set(classes)
        rest = sorted((references.get(key, 0), key[1:-1], key) for key in by_subject if key not in first)
        label = self._iri_labels.get
        iri_label, node_label, orders = self._iri_label, self._node_label, self._predicate_orders
        text: list[str] = []
        for key in [*classes, *(k for _, _, k in rest)]:
            properties = by_subject[key]
            predicates = tuple(properties)
            order = orders.get(predicates)
            if order is None:
                order = orders[predicates] = _predicate_order(predicates)
            text.append(label(key) or iri_label(key))
            separator = " "
            for predicate, written in order:
                objects = properties[predicate]
                if len(objects) > 1:
                    objects = self._ordered(objects)
                text.append(separator)
                text.append(written or label(predicate) or iri_label(predicate))
                separator = " ;\n    "
                obj = objects[0]
                text.append(" " + (label(obj) or node_label(obj)))
                for obj in objects[1:]:
                    text.append(",\n        " + (label(obj) or node_label(obj)))
            text.append(" .\n\n")
        if text:
            text[-1] = " ."
        return "".join(text)


def _predicate_order(predicates: tuple[str, ...]) -> list[tuple[str, str]]:
    """A subject's predicates in N-Triples form in the order :meth:`TurtleWriter.graph` writes them, with
    ``"a"`` for rdf:type and ``""`` for the others (written by their prefixed names)."""
    order = [(k, "a" if k == _TYPE_NT else "") for k in (_TYPE_NT, _LABEL_NT) if k in predicates]
    order += [(k, "") for k in sorted(set(predicates) - {_TYPE_NT, _LABEL_NT}, key=_iri_order)]
    return order
