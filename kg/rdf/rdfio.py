"""Reading and writing datasets: deterministic bytes, atomic files.

:func:`to_nquads` and :func:`to_trig` turn a dataset into bytes that depend
only on its content (graphs and triples are added to a fresh dataset in
sorted order, blank nodes get labels computed from the graph's content, and
N-Quads lines are sorted),
so the same build gives the same bytes and a diff shows what changed in
meaning. :func:`write_outputs` writes every file to a temporary name in the
target folder first and renames them into place only when all are written,
so a failed build never leaves half-written output. :func:`load_dataset`
reads TriG, N-Quads, Turtle, N-Triples, JSON-LD or RDF/XML back.

The string writers, :func:`to_trig_strings`, :func:`to_nquads_strings` and
:meth:`TurtleWriter.graph_strings`, give the same bytes from *string triples*
(:data:`NTriple`: each term written in N-Triples syntax, exactly as rdflib's
N-Triples row writer writes it), so that an incremental build can keep each
article's triples as N-Triples text and assemble the files from that text
without making an rdflib term per triple (about 12 microseconds each). Only
graphs without blank nodes are given as strings; the others (the ontology's
lists and restrictions) are given beside them as rdflib triples.
:func:`nt_triple`, :func:`split_nt_row`, :func:`split_nq_row` and
:func:`parse_nt_term` convert between the two.
"""

from __future__ import annotations

import functools
import os
import re
import string
import tempfile
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from operator import itemgetter
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.nt import _nt_row, _quoteLiteral
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from kg.errors import InputError
from kg.rdf import formatregistry, namespaces, readers

TRIG = "kerman-kg.trig"
NQUADS = "kerman-kg.nq"

#: rdflib's parser name by file suffix, for every suffix an RDF file may have (kg.rdf.formatregistry)
FORMATS_BY_SUFFIX = {suffix: f.rdflib for f in formatregistry.RDF_FORMATS for suffix in f.suffixes()}


Triple = tuple[Node, Node, Node]
#: a dataset as plain data: graph name -> its triples (what the build produces and the writers take)
GraphTriples = Mapping[URIRef, Collection[Triple]]
#: a triple as text: its three terms in N-Triples syntax exactly as rdflib's N-Triples row writer writes them,
#: so that ``f"{s} {p} {o} .\n"`` is the row ``_nt_row`` writes (IRIs ``<...>``, literals ``"..."``, ``"..."@en``
#: or ``"..."^^<datatype>``, with ``\\``, ``\n``, ``\r`` and ``"`` escaped and every other character as it is)
NTriple = tuple[str, str, str]
#: a dataset as text: graph name in N-Triples form (``"<https://...>"``) -> its string triples (no blank nodes)
StringGraphs = Mapping[str, Collection[NTriple]]


def nt_triple(triple: Triple) -> NTriple:
    """An rdflib triple as a string triple: each term as rdflib's N-Triples row writer writes it."""
    s, p, o = triple
    return s.n3(), p.n3(), _quoteLiteral(o) if isinstance(o, Literal) else o.n3()


def split_nt_row(line: str) -> NTriple:
    """One N-Triples line (with or without its closing ``" .\\n"``) as a string triple.

    The subject and the predicate end at the first two spaces (IRIs and blank node labels have none);
    the object is the rest.
    """
    s, p, o = line.removesuffix("\n").removesuffix(" .").split(" ", 2)
    return s, p, o


def split_nq_row(line: str) -> tuple[str, NTriple]:
    """One N-Quads line of a named graph, as :func:`to_nquads` writes it, as its graph's name and its string triple.

    Raises:
        ValueError: when the line has no graph name (a quad of the default graph, or not a quad).
    """
    body, _, graph = line.removesuffix("\n").removesuffix(" .").rpartition(" ")
    if not (graph.startswith("<") and graph.endswith(">") or graph.startswith("_:")) or '"' in graph:
        raise ValueError(f"not an N-Quads line of a named graph: {line!r}")
    return graph, split_nt_row(body)


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(escaped: str) -> str:
    """The characters of an N-Triples string (between its quotes)."""
    if "\\" not in escaped:
        return escaped

    def character(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ESCAPED.get(match.group(3), match.group(0))

    return _ESCAPE.sub(character, escaped)


def parse_nt_term(text: str) -> Node:
    """The rdflib term of a term in N-Triples form: ``<iri>``, ``_:label`` or a literal.

    A literal keeps its lexical form as written (``"01"^^xsd:integer`` stays ``01``), so that
    :func:`nt_triple` of the result gives ``text`` back.
    """
    if text.startswith("<"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    end = text.rfind('"')
    if not text.startswith('"') or end < 1:
        raise ValueError(f"not an N-Triples term: {text!r}")
    lexical, tail = _unescape(text[1:end]), text[end + 1 :]
    if tail.startswith("@"):
        return Literal(lexical, lang=tail[1:])
    if tail.startswith("^^<") and tail.endswith(">"):
        return Literal(lexical, datatype=URIRef(tail[3:-1]), normalize=False)
    if tail:
        raise ValueError(f"not an N-Triples term: {text!r}")
    return Literal(lexical)


def _sort_key(term: Node) -> tuple[str, str]:
    return (type(term).__name__, term.n3())


def graph_triples(data: Dataset | GraphTriples) -> dict[URIRef, list[Triple]]:
    """The non-empty named graphs of a dataset (or of a mapping already), by name, in one pass over its quads."""
    if not isinstance(data, Dataset):
        return {name: list(triples) for name, triples in data.items() if triples}
    found: dict[URIRef, list[Triple]] = {}
    default = data.default_graph.identifier
    for s, p, o, g in data.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name != default and isinstance(name, URIRef):
            found.setdefault(name, []).append((s, p, o))
    return found


def _has_blank_nodes(triples: Collection[Triple]) -> bool:
    return any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in triples)


def canonical_triples(source: Graph | Collection[Triple]) -> list[Triple]:
    """The triples in sorted order, blank nodes labelled from the graph's content."""
    triples: Collection[Triple] = source if not isinstance(source, Graph) else list(source)
    if _has_blank_nodes(triples):
        graph = source if isinstance(source, Graph) else _graph_of(triples)
        triples = list(to_canonical_graph(graph))  # blank node labels from content, not from chance
    return sorted(triples, key=lambda t: tuple(_sort_key(x) for x in t))


def canonical_copy(dataset: Dataset) -> Dataset:
    """A copy of the dataset whose graphs and triples were inserted in sorted order."""
    copy = Dataset()
    namespaces.bind(copy)
    for name, triples in sorted(graph_triples(dataset).items()):
        target = copy.graph(name)
        for triple in canonical_triples(triples):
            target.add(triple)
    return copy


def _graph_of(triples: Iterable[Triple]) -> Graph:
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    for triple in triples:
        graph.add(triple)
    return graph


def _string_graphs(graphs: StringGraphs, rdflib_graphs: GraphTriples | None) -> dict[URIRef, list[Triple]]:
    """The rdflib graphs, non-empty, after checking that the string graphs' names are IRIs named once."""
    found = graph_triples(rdflib_graphs or {})
    for name in graphs:
        if not (name.startswith("<") and name.endswith(">")) or isinstance(name, URIRef):
            raise ValueError(f"a string graph's name must be an IRI in N-Triples form, '<...>': {name!r}")
        if URIRef(name[1:-1]) in found:
            raise ValueError(f"graph {name} is given both as strings and as rdflib triples")
    return found


def to_nquads(data: Dataset | GraphTriples) -> bytes:
    """The dataset as N-Quads, one line per quad, lines sorted.

    Each line is written by rdflib's own N-Triples row writer with the graph's name added, so the
    bytes are those of rdflib's serializer without building a graph per named graph; blank nodes
    are labelled from their graph's content first.
    """
    return to_nquads_strings({}, rdflib_graphs=graph_triples(data))


def to_nquads_strings(graphs: StringGraphs, *, rdflib_graphs: GraphTriples | None = None) -> bytes:
    """The dataset as N-Quads from string triples: the bytes :func:`to_nquads` writes for the same dataset.

    Args:
        graphs: Graph name in N-Triples form (``"<https://...>"``) -> its string triples
            (:data:`NTriple`; no blank nodes). Empty graphs are left out, as :func:`to_nquads` leaves them.
        rdflib_graphs: More graphs of the same dataset given as rdflib triples, blank nodes allowed
            (labelled from their graph's content, as :func:`to_nquads` labels them).

    Raises:
        ValueError: when a graph's name is not in N-Triples form or a graph is given both ways.
    """
    rdflib_part = _string_graphs(graphs, rdflib_graphs)
    lines: list[str] = []
    for name, rows in graphs.items():
        tail = f" {name} .\n"
        lines.extend([f"{s} {p} {o}{tail}" for s, p, o in rows])
    for uri, triples in rdflib_part.items():
        tail = " " + uri.n3() + " .\n"
        terms = canonical_triples(triples) if _has_blank_nodes(triples) else triples
        lines.extend(_nt_row(triple)[: -len(" .\n")] + tail for triple in terms)
    lines.sort()
    return "".join(lines).encode("utf-8")


def trig_header(extra_prefixes: Mapping[str, str] | None = None) -> str:
    """The ``@prefix`` lines that start :func:`to_trig`'s output: the project's prefixes, then extra_prefixes."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in {**namespaces.PREFIXES, **(extra_prefixes or {})}.items())


def trig_block(name: str, body: str, extra_prefixes: Mapping[str, str] | None = None) -> str:
    """One named graph of :func:`to_trig`'s output: its name, then its Turtle body between braces.

    Args:
        name: The graph's IRI, as an rdflib ``URIRef`` or as a plain string in N-Triples form
            (``"<https://w3id.org/kerman-kg/graph/...>"``); it is written as a prefixed name where a prefix fits.
        body: The graph's triples as :meth:`TurtleWriter.graph_strings` (or :meth:`TurtleWriter.graph`) writes them.
        extra_prefixes: The extra prefixes given to :func:`trig_header` (they may give the name a prefix).

    Returns:
        The text :func:`to_trig` writes for the graph; the file is :func:`trig_header` followed by the
        blocks of its non-empty graphs, in the order of their IRIs.
    """
    writer = _name_writer(tuple((extra_prefixes or {}).items()))
    written = writer.name(name if isinstance(name, URIRef) else URIRef(_iri_of(name)))
    return f"\n{written} {{\n{body}\n}}\n"


def _iri_of(name: str) -> str:
    if not (name.startswith("<") and name.endswith(">")):
        raise ValueError(f"an IRI in N-Triples form ('<...>') or a URIRef is needed: {name!r}")
    return name[1:-1]


@functools.lru_cache(maxsize=8)
def _name_writer(extra_prefixes: tuple[tuple[str, str], ...]) -> TurtleWriter:
    """A writer for graph names, one per prefix map (it keeps the names it wrote)."""
    return TurtleWriter(dict(extra_prefixes))


def to_trig(data: Dataset | GraphTriples, extra_prefixes: dict[str, str] | None = None) -> bytes:
    """The dataset as TriG with the project's prefixes (and extra_prefixes, if given), graphs in IRI order.

    Each graph is written as rdflib's Turtle serializer writes it (subjects least referenced first,
    ``a`` and ``rdfs:label`` first, objects sorted, prefixed names where the project's prefixes allow),
    by :class:`TurtleWriter`; a graph with blank nodes (the ontology's lists and restrictions) goes through
    rdflib's serializer itself, which nests them. The text is :func:`trig_header` followed by a
    :func:`trig_block` per graph.
    """
    return to_trig_strings({}, extra_prefixes, rdflib_graphs=graph_triples(data))


def to_trig_strings(
    graphs: StringGraphs,
    extra_prefixes: Mapping[str, str] | None = None,
    *,
    rdflib_graphs: GraphTriples | None = None,
) -> bytes:
    """The dataset as TriG from string triples: the bytes :func:`to_trig` writes for the same dataset.

    Args:
        graphs: Graph name in N-Triples form (``"<https://...>"``) -> its string triples
            (:data:`NTriple`; no blank nodes), written by :meth:`TurtleWriter.graph_strings`.
            Empty graphs are left out, as :func:`to_trig` leaves them.
        extra_prefixes: Prefixes bound after the project's, as for :func:`to_trig`.
        rdflib_graphs: More graphs of the same dataset given as rdflib triples, blank nodes allowed
            (the ontology graph), written as :func:`to_trig` writes them.

    Raises:
        ValueError: when a graph's name is not in N-Triples form, a graph is given both ways, or a
            string graph has a blank node.
    """
    extra = dict(extra_prefixes or {})
    rdflib_part = _string_graphs(graphs, rdflib_graphs)
    writer = TurtleWriter(extra)
    named: list[tuple[str, str | URIRef]] = [(name[1:-1], name) for name, rows in graphs.items() if rows]
    named += [(str(uri), uri) for uri in rdflib_part]
    parts = [trig_header(extra)]
    for _, name in sorted(named, key=lambda item: item[0]):
        if isinstance(name, URIRef):
            body = _rdflib_body(rdflib_part[name], writer, extra)
        else:
            body = writer.graph_strings(graphs[name])
        parts.append(trig_block(name, body, extra))
    return "".join(parts).encode("utf-8")


def _rdflib_body(triples: Collection[Triple], writer: TurtleWriter, extra_prefixes: Mapping[str, str]) -> str:
    """The Turtle body of a graph given as rdflib triples; one with blank nodes through rdflib's serializer."""
    if not _has_blank_nodes(triples):
        return writer.graph(triples)
    graph = _graph_of(canonical_triples(triples))
    for prefix, ns in extra_prefixes.items():
        graph.bind(prefix, ns, override=True, replace=True)
    body = graph.serialize(format="turtle")
    # split at line feeds only (str.splitlines also splits at U+2028 and other characters a literal may hold);
    # no re-indenting: a multi-line literal's lines are part of its value
    lines = [line for line in body.split("\n") if not line.startswith("@prefix")]
    return "\n".join(lines).strip("\n")


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
            keys.append((1, "", _unescape(term[1:-1])))
        else:
            end = term.rfind('"')
            language = term[end + 2 :]
            if term[end + 1] != "@" or not language.islower():
                return None
            keys.append((1, language, _unescape(term[1:end])))
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

    :meth:`graph` takes rdflib triples, :meth:`graph_strings` string triples (:data:`NTriple`); both
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
        pairs.sort(key=lambda pair: _sort_key(pair[0]))
        pairs.sort(key=lambda pair: pair[0])  # type: ignore[arg-type,return-value]
        return [term for _, term in pairs]

    def graph(self, triples: Collection[Triple]) -> str:
        """The Turtle body of the graph (no prefixes), as :func:`to_trig` puts it between braces."""
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
                    objects = sorted(sorted(objects, key=_sort_key))  # type: ignore[type-var]
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


def write_outputs(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write files into out_dir atomically: all are written to temporary names, then renamed.

    Returns:
        The paths written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((Path(tmp_name), out_dir / name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.chmod(tmp_name, 0o666 & ~current_umask())
    except BaseException:
        for staged_tmp, _ in staged:
            staged_tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return [final for _, final in staged]


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    current = os.umask(0)
    os.umask(current)
    return current


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, by its suffix."""
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{path}: cannot tell the RDF format from the suffix '{path.suffix}'; "
            f"known: {', '.join(sorted(FORMATS_BY_SUFFIX))}"
        )
    return fmt


def load_dataset(path: Path) -> Dataset:
    """Parse an RDF file (TriG, N-Quads, Turtle, N-Triples, JSON-LD or RDF/XML) into a dataset, as
    :func:`parse_into` reads it.

    Raises:
        InputError: the file is not valid RDF, or breaks a rule of :mod:`kg.rdf.readers`.
    """
    dataset = Dataset(default_union=True)
    namespaces.bind(dataset)
    parse_into(dataset, path)
    return dataset


def rdf_files(paths: list[Path]) -> list[Path]:
    """The RDF files named, folders expanded to the RDF files under them (by suffix), sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS_BY_SUFFIX)
            if not inside:
                raise InputError(
                    path, None, "no RDF files (" + ", ".join(sorted(FORMATS_BY_SUFFIX)) + ") in this folder"
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(path, None, "no such file or folder")
    return found


def parse_into(dataset: Dataset, path: Path) -> None:
    """Parse one RDF file into the dataset: its named graphs as they are, its other triples (all of a
    single-graph format's) into a graph named after the file (:func:`kg.rdf.readers.file_graph`).

    The file is read by :func:`kg.rdf.readers.read` (Oxigraph's parsers; no JSON-LD context fetched; XML
    entity expansion bounded) and added only once all of it is read, so a bad file adds nothing.

    Raises:
        InputError: with the parser's line and message when the file is not valid RDF, or when it breaks
            a rule of :mod:`kg.rdf.readers`.
    """
    try:
        fmt = rdf_format(path)
    except ValueError as exc:
        raise InputError(path, None, str(exc).split(": ", 1)[-1]) from exc
    parsed = readers.read(path, fmt)
    for prefix, namespace in parsed.prefixes.items():
        dataset.bind(prefix, namespace, override=False)
    by_graph: dict[Node, list[Triple]] = {}
    for s, p, o, g in parsed.quads:
        triples = by_graph.get(g)
        if triples is None:
            triples = by_graph[g] = []
        triples.append((s, p, o))
    for name, triples in by_graph.items():
        # each graph's own addN: the dataset's looks its graph up anew for every quad
        graph = dataset.graph(name)  # type: ignore[arg-type]
        graph.addN((s, p, o, graph) for s, p, o in triples)
