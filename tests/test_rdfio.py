"""The fast writers give the bytes rdflib's own serializers give.

:func:`kg.rdfio.to_trig` writes graphs without blank nodes with its own Turtle writer and
:func:`kg.rdfio.to_nquads` writes rows with rdflib's N-Triples row writer, so that a build does not
spend its time in rdflib's store. Here rdflib's serializers are the reference: each graph is
serialized by rdflib (Turtle, N-Triples) on its own, the way the writers did it before, and the
bytes must be the same, on the frozen corpus with its inferences and on a synthetic corpus whose
names, numbers and dates differ from the real ones.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kg import namespaces, rdfio
from kg.build import build_dataset
from kg.reasoning import with_inferences

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
        text = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix")).strip("\n")
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
        lines.extend(line[: -len(" .")] + f" {name.n3()} .\n" for line in text.splitlines() if line.strip())
    return "".join(sorted(lines)).encode("utf-8")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("synthetic")
    subprocess.run([sys.executable, str(REPO / "bench" / "synthetic.py"), "12", str(folder)], check=True)
    return with_inferences(build_dataset(folder).dataset)[0]


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
