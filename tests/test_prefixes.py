"""The one table of namespaces (kg.rdf.prefixes): plain strings that need no import, spelt as the vocabularies
spell them, and the source of the prefix map bound on every graph."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.rdf import namespaces, prefixes


def test_the_table_imports_nothing() -> None:
    """A query worker reads it before its memory cap, when rdflib must not be imported yet."""
    tree = ast.parse(Path(prefixes.__file__).read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [node.module for node in imports if isinstance(node, ast.ImportFrom)] == ["__future__"]
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, kg.web.workers.pagereader, kg.rdf.formatregistry; print('rdflib' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"


def test_the_w3c_namespaces_are_spelt_as_rdflib_spells_them() -> None:
    expected = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV}
    assert {prefix: prefixes.BOUND[prefix] for prefix in expected} == {p: str(ns) for p, ns in expected.items()}


def test_every_graph_is_bound_with_the_table_and_nothing_else_of_ours() -> None:
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    assert {prefix: bound[prefix] for prefix in prefixes.BOUND} == prefixes.BOUND
    assert not set(prefixes.UNBOUND) & set(bound), "an unbound vocabulary is bound on the dataset's graphs"
    assert all(namespace.startswith(("http://", "https://")) for namespace in prefixes.UNBOUND.values())
