"""The fast writers give the bytes rdflib's own serializers give, from rdflib terms and from strings.

:func:`kg.rdf.rdfio.to_trig` writes graphs without blank nodes with its own Turtle writer and
:func:`kg.rdf.rdfio.to_nquads` writes rows with rdflib's N-Triples row writer, so that a build does not
spend its time in rdflib's store. Here rdflib's serializers are the reference: each graph is
serialized by rdflib (Turtle, N-Triples) on its own, the way the writers did it before, and the
bytes must be the same, on the frozen corpus with its inferences and on a synthetic corpus whose
names, numbers and dates differ from the real ones.

The string writers (:func:`kg.rdf.rdfio.to_trig_strings`, :func:`kg.rdf.rdfio.to_nquads_strings`,
:meth:`kg.rdf.turtlewriter.TurtleWriter.graph_strings`) take triples as N-Triples text, as an incremental build
keeps them: they must give the same bytes as the writers of rdflib terms, on the same data, on the
text read back from the N-Quads file, and on literals chosen to be awkward.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.plugins.serializers.nt import _nt_row

from kg.rdf import iris, namespaces, ntriples, rdfio, turtlewriter
from kg.rdf.ntriples import NTriple, Triple

REPO = Path(__file__).resolve().parent.parent


def reference_trig(dataset: Dataset) -> bytes:
    """TriG as rdflib writes each graph (Turtle), with the project's prefixes once at the top."""
    parts = [f"@prefix {p}: <{ns}> .\n" for p, ns in namespaces.PREFIXES.items()]
    for name, triples in sorted(rdfio.graph_triples(dataset).items()):
        graph = Graph(bind_namespaces="core")
        namespaces.bind(graph)
        for triple in rdfio.canonical_triples(triples):
            graph.add(triple)
        body = graph.serialize(format="turtle")
        text = "\n".join(line for line in body.split("\n") if not line.startswith("@prefix")).strip("\n")
        parts.append(f"\n{graph.namespace_manager.normalizeUri(name)} {{\n{text}\n}}\n")
    return "".join(parts).encode("utf-8")


def reference_nquads(dataset: Dataset) -> bytes:
    """N-Quads as rdflib's N-Triples serializer writes each graph, the graph's name added, lines sorted."""
    lines: list[str] = []
    for name, triples in rdfio.graph_triples(dataset).items():
        graph = Graph()
        for triple in rdfio.canonical_triples(triples):
            graph.add(triple)
        text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        lines.extend(line[: -len(" .")] + f" {name.n3()} .\n" for line in text.split("\n") if line.strip())
    return "".join(sorted(lines)).encode("utf-8")


@pytest.fixture(params=["frozen", pytest.param("synthetic", marks=pytest.mark.slow)])
def data(request: pytest.FixtureRequest) -> Dataset:
    """The frozen corpus with its inferences, and (with the slow tests) a synthetic corpus."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def test_trig_is_what_rdflib_writes(data: Dataset) -> None:
    expected = reference_trig(data)
    assert rdfio.to_trig(data) == expected
    assert rdfio.to_trig(rdfio.graph_triples(data)) == expected  # from plain sets of triples too


def test_nquads_are_what_rdflib_writes(data: Dataset) -> None:
    assert rdfio.to_nquads(data) == reference_nquads(data)


def test_the_turtle_writer_on_awkward_terms() -> None:
    """Literals with quotes, newlines and language tags, numbers, several objects, names no prefix fits."""
    g = URIRef("https://w3id.org/kerman-kg/graph/test")
    s = URIRef("https://w3id.org/kerman-kg/id/x")
    other = URIRef("https://example.org/a/b(c)")
    dataset = Dataset()
    graph = dataset.graph(g)
    for triple in [
        (s, RDFS.label, Literal('say "no"\nthen\tgo', lang="en")),
        (s, RDFS.label, Literal("plain")),
        (s, RDFS.comment, Literal(5)),
        (s, RDFS.comment, Literal("5", datatype=XSD.nonNegativeInteger)),
        (s, RDFS.comment, Literal("2024-01-03", datatype=XSD.date)),
        (s, RDFS.seeAlso, other),
        (other, RDFS.seeAlso, s),
        (URIRef("https://w3id.org/kerman-kg/id/ends."), RDFS.seeAlso, s),
    ]:
        graph.add(triple)
    assert rdfio.to_trig(dataset) == reference_trig(dataset)
    assert rdfio.to_nquads(dataset) == reference_nquads(dataset)


def as_strings(dataset: Dataset) -> tuple[dict[str, list[NTriple]], dict[URIRef, list[Triple]]]:
    """The dataset's graphs without blank nodes as string triples, and those with blank nodes as rdflib triples."""
    strings: dict[str, list[NTriple]] = {}
    terms: dict[URIRef, list[Triple]] = {}
    for name, triples in rdfio.graph_triples(dataset).items():
        if any(isinstance(term, BNode) for triple in triples for term in triple):
            terms[name] = triples
        else:
            strings[name.n3()] = [ntriples.nt_triple(triple) for triple in triples]
    return strings, terms


def read_back(nquads: bytes) -> dict[str, list[NTriple]]:
    """The string triples of an N-Quads file, by graph, as an incremental build would read its text back."""
    graphs: dict[str, list[NTriple]] = defaultdict(list)
    for line in nquads.decode("utf-8").split("\n")[:-1]:  # not splitlines(): a literal may hold U+2028
        name, triple = ntriples.split_nq_row(line)
        graphs[name].append(triple)
    return graphs


def test_string_writers_give_the_bytes_of_the_term_writers(data: Dataset) -> None:
    strings, terms = as_strings(data)
    assert set(terms) == {iris.ONTOLOGY_GRAPH}  # only the ontology has blank nodes: the rest is written from text
    assert len(strings) >= 8 and sum(map(len, strings.values())) > 5000
    trig = rdfio.to_trig(data)
    assert rdfio.to_trig_strings(strings, rdflib_graphs=terms) == trig  # rdflib's, by the test above
    nquads = rdfio.to_nquads(data)
    assert rdfio.to_nquads_strings(strings, rdflib_graphs=terms) == nquads
    # the text read back from the N-Quads file: what an incremental build keeps
    text = {name: rows for name, rows in read_back(nquads).items() if name != iris.ONTOLOGY_GRAPH.n3()}
    assert text.keys() == strings.keys()
    assert rdfio.to_trig_strings(text, rdflib_graphs=terms) == trig
    assert rdfio.to_nquads_strings(text, rdflib_graphs=terms) == nquads


def test_string_writers_take_extra_prefixes_and_any_order(data: Dataset) -> None:
    extra = {"art": iris.ENTITY_NS + "article/", "ex": "https://example.org/"}
    strings, terms = as_strings(data)
    reversed_graphs = {name: list(reversed(rows)) for name, rows in reversed(strings.items())}
    assert rdfio.to_trig_strings(reversed_graphs, extra, rdflib_graphs=terms) == rdfio.to_trig(data, extra)
    assert rdfio.to_nquads_strings(reversed_graphs, rdflib_graphs=terms) == rdfio.to_nquads(data)


def test_trig_is_its_header_and_a_block_per_graph(data: Dataset) -> None:
    extra = {"art": iris.ENTITY_NS + "article/"}
    writer = turtlewriter.TurtleWriter(extra)
    strings, terms = as_strings(data)
    blocks = []
    for name, triples in sorted(rdfio.graph_triples(data).items()):
        if name in terms:
            body = rdfio.to_trig({name: triples}, extra).decode("utf-8").split("{\n", 1)[1].rsplit("\n}", 1)[0]
            blocks.append(rdfio.trig_block(name, body, extra))  # named by its URIRef
        else:
            blocks.append(rdfio.trig_block(name.n3(), writer.graph_strings(strings[name.n3()]), extra))
    text = rdfio.trig_header(extra) + "".join(blocks)
    assert text.encode("utf-8") == rdfio.to_trig(data, extra)
    assert "\nart:" in text  # the extra prefix names the articles


def test_string_triples_are_rows_of_rdflibs_row_writer(data: Dataset) -> None:
    checked = 0
    for triples in rdfio.graph_triples(data).values():
        for triple in triples:
            row = _nt_row(triple)
            s, p, o = ntriples.nt_triple(triple)
            assert f"{s} {p} {o} .\n" == row
            assert ntriples.split_nt_row(row) == ntriples.split_nt_row(row[: -len(" .\n")]) == (s, p, o)
            parsed = tuple(ntriples.parse_nt_term(term) for term in (s, p, o))
            assert parsed == triple and ntriples.nt_triple(parsed) == (s, p, o)  # type: ignore[arg-type]
            checked += 1
    assert checked > 5000


SUBJECT = URIRef("https://w3id.org/kerman-kg/id/x")
#: literals rdflib writes in Turtle otherwise than in N-Triples, or sorts by value, or both
AWKWARD_LITERALS = [
    Literal('say "no"\nthen\tgo', lang="en"),
    Literal("line one\nline two"),
    Literal('ends with a quote\n"'),
    Literal('three quotes """ and a line\nbreak'),
    Literal("carriage\rreturn"),
    Literal("a backslash \\ and \\n, not a line break"),
    Literal("a backslash \\ and\na line break \\"),
    Literal("trailing backslash \\"),
    Literal('quotes "inside" and \\"escaped\\"'),
    Literal("Kermān — كرمان, 🙂, \u2028, \u00e9"),
    Literal("plain"),
    Literal(""),
    Literal("plain", datatype=XSD.string),
    Literal("colour", lang="en-GB"),
    Literal("color", lang="en-us"),
    Literal("couleur", lang="fr"),
    Literal("a", lang="EN"),
    Literal("a", lang="en"),
    Literal(5),
    Literal(-0),
    Literal("01", datatype=XSD.integer, normalize=False),
    Literal("+5", datatype=XSD.integer, normalize=False),
    Literal("five", datatype=XSD.integer),
    Literal(True),
    Literal(False),
    Literal("1", datatype=XSD.boolean, normalize=False),
    Literal(1.5),
    Literal(1.0),
    Literal(0.1),
    Literal("1e3", datatype=XSD.double, normalize=False),
    Literal("INF", datatype=XSD.double),
    Literal("NaN", datatype=XSD.double),
    Literal("1.5", datatype=XSD.float),
    Literal(Decimal("1.50")),
    Literal("3", datatype=XSD.decimal, normalize=False),
    Literal("-0.0", datatype=XSD.decimal),
    Literal("5", datatype=XSD.nonNegativeInteger),
    Literal("007", datatype=XSD.nonNegativeInteger, normalize=False),
    Literal("-1", datatype=XSD.nonNegativeInteger),
    Literal(date(2024, 1, 3)),
    Literal("2024-01-03", datatype=XSD.date),
    Literal("2024-01-03T10:00:00Z", datatype=XSD.dateTime),
    Literal("2024-01-03T10:00:00", datatype=XSD.dateTime),
    Literal("2024-13-45", datatype=XSD.date),
    Literal("2024", datatype=XSD.gYear),
    Literal("x", datatype=URIRef("https://example.org/dt#thing")),
    Literal("y", datatype=URIRef(iris.ONTOLOGY_NS + "Thing")),
    Literal("z", datatype=URIRef("https://w3id.org/kerman-kg/id/ends.")),
]
#: IRIs whose order as text differs from their order with angle brackets, and names no prefix fits
AWKWARD_IRIS = [
    URIRef("https://example.org/a"),
    URIRef("https://example.org/a/b"),
    URIRef("https://example.org/a!"),
    URIRef("https://example.org/a#x"),
    URIRef("https://example.org/a/b(c)"),
    URIRef("https://w3id.org/kerman-kg/id/ends."),
    URIRef("https://w3id.org/kerman-kg/id/article/000_x/claim-1"),
    URIRef("https://w3id.org/kerman-kg/id/with%20space"),
    URIRef(iris.ONTOLOGY_NS + "Event"),
    RDF.nil,
]

#: predicates in a bound namespace (rdflib's serializer would make up ``ns1:`` prefixes for others), ordered by IRI
AWKWARD_PREDICATES = [URIRef(iris.ONTOLOGY_NS + local) for local in ("a", "a-b", "a.b", "a0", "a_b", "b")]


def awkward_triples() -> list[Triple]:
    """Each awkward literal alone, then all of them (and IRIs) as objects of one predicate, and groups in between."""
    triples: list[Triple] = []
    for n, literal in enumerate(AWKWARD_LITERALS):
        triples.append((URIRef(f"{SUBJECT}-{n}"), RDFS.comment, literal))
    sortable = [
        term for term in AWKWARD_LITERALS if str(term).lower() != "nan"
    ]  # rdflib cannot compare NaN with a decimal
    for term in [*sortable, *AWKWARD_IRIS]:
        triples.append((SUBJECT, RDFS.seeAlso, term))
    for term in sortable:  # numbers and dates only: compared by value, with ties
        if term.datatype not in (None, XSD.string):
            triples.append((SUBJECT, RDFS.member, term))
    for term in [*sortable, *AWKWARD_IRIS]:  # IRIs and literals without a datatype: sorted from text
        if isinstance(term, URIRef) or (term.datatype is None and term.language in (None, "en", "fr", "en-us")):
            triples.append((SUBJECT, RDFS.label, term))
    for term in sortable:  # language tags with capitals, beside the same tags without
        if term.language is not None:
            triples.append((SUBJECT, SKOS.altLabel, term))
    for a in AWKWARD_IRIS:  # subjects and predicates ordered by IRI, subjects referenced as often
        triples.append((a, RDF.type, RDFS.Class if a.endswith("b") else URIRef(iris.ONTOLOGY_NS + "Event")))
        for p in AWKWARD_PREDICATES:
            triples.append((a, p, Literal(str(p))))
        triples.append((SUBJECT, RDFS.isDefinedBy, a))
    return triples


def test_graph_strings_writes_awkward_terms_as_graph_does() -> None:
    triples = awkward_triples()
    rows = [ntriples.nt_triple(triple) for triple in triples]
    expected = turtlewriter.TurtleWriter().graph(triples)
    assert turtlewriter.TurtleWriter().graph_strings(rows) == expected
    for seed in range(5):  # in any order: rdflib's order of equal values comes from a first sort by N3
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        assert turtlewriter.TurtleWriter().graph_strings(shuffled) == expected
    for literal in AWKWARD_LITERALS:  # each as rdflib writes it in Turtle, not as N-Triples
        assert literal._literal_n3(use_plain=True, qname_callback=turtlewriter.TurtleWriter().name) in expected
    # and what both write is what rdflib's serializer writes
    dataset = Dataset()
    graph = dataset.graph(URIRef(iris.GRAPH_NS + "test"))
    for triple in triples:
        graph.add(triple)
    strings, terms = as_strings(dataset)
    assert rdfio.to_trig_strings(strings, rdflib_graphs=terms) == rdfio.to_trig(dataset) == reference_trig(dataset)
    assert rdfio.to_nquads_strings(strings, rdflib_graphs=terms) == reference_nquads(dataset)


def test_prefixed_names_are_those_rdflibs_namespace_manager_gives(data: Dataset) -> None:
    found = {str(term) for triples in rdfio.graph_triples(data).values() for t in triples for term in t}
    names = sorted(term for term in found if term.startswith(("http", "urn"))) + [str(i) for i in AWKWARD_IRIS]
    names += ["https://w3id.org/kerman-kg/id/", "https://w3id.org/kerman-kg/id/-x", "urn:x", "https://schema.org"]
    names += ["http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/XML/1998/namespacelang", "https://x.org/a~b"]
    names += ["https://example.org/abc", "https://example.org/a-b", "https://example.org/a.b"]  # longer than the split
    for extra in ({}, {"ex": "https://example.org/a", "kgd": "https://other.org/", "art": iris.ENTITY_NS + "article/"}):
        reference = Graph(bind_namespaces="core")
        namespaces.bind(reference)
        for prefix, ns in extra.items():
            reference.bind(prefix, ns, override=True, replace=True)
        writer = turtlewriter.TurtleWriter(extra)
        compared = 0
        for name in names:
            try:
                prefix, _, local = reference.namespace_manager.compute_qname(name, generate=False)
                expected: tuple[str, str] | None = (prefix, local)
            except Exception:  # no prefix fits: the IRI itself may be a bound namespace
                bound = reference.namespace_manager.store.prefix(URIRef(name))
                expected = None if bound is None else (bound, "")
            try:
                found = writer._split(name)
            except turtlewriter._NotPlain:  # left to rdflib's namespace manager
                continue
            assert found == expected, name
            compared += 1
        assert compared > 0.95 * len(names) and compared > 800


def test_string_graphs_need_iri_names_and_no_blank_nodes() -> None:
    row = (SUBJECT.n3(), RDFS.label.n3(), '"x"')
    with pytest.raises(ValueError, match="N-Triples form"):
        rdfio.to_trig_strings({str(iris.REGISTRY_GRAPH): [row]})
    with pytest.raises(ValueError, match="N-Triples form"):
        rdfio.to_nquads_strings({iris.REGISTRY_GRAPH: [row]})
    with pytest.raises(ValueError, match="both"):
        rdfio.to_trig_strings(
            {iris.REGISTRY_GRAPH.n3(): [row]},
            rdflib_graphs={iris.REGISTRY_GRAPH: [(SUBJECT, RDFS.label, Literal("x"))]},
        )
    for blank in [("_:b0", row[1], row[2]), (row[0], row[1], "_:b0")]:
        with pytest.raises(ValueError, match="blank node"):
            rdfio.to_trig_strings({iris.REGISTRY_GRAPH.n3(): [blank]})
    with pytest.raises(ValueError, match="named graph"):
        ntriples.split_nq_row(f"{row[0]} {row[1]} {row[2]} .\n")
    assert rdfio.to_trig_strings({iris.REGISTRY_GRAPH.n3(): []}) == rdfio.trig_header().encode("utf-8")
