"""kg.sparql.querytext: a named query's text with its parameters written in runs as the bound query does.

Every named query (not the checks, which have no parameters) is run over the cached store with its parameters
bound from outside (Oxigraph's substitutions), as ``kg query`` runs it (the values written into the text by
:func:`kg.sparql.valuesblock.bound_query`), and as the text the query page loads, with the parameters written in as a
commented VALUES block; the answers must be the same multiset of rows (CONSTRUCT: the same graph).
Both with the example's parameters of each query's header and with the defaults alone.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kg.sparql.engine import OxigraphEngine, Result, open_engine
from kg.sparql.querying import bind
from kg.sparql.querylib import library
from kg.sparql.querytext import example_params, group_start, sparql_term, written_out

NAMED = {name: q for name, q in library().items() if not q.is_check}


@pytest.fixture(scope="module")
def engine() -> OxigraphEngine:
    return open_engine()[0]


class SubstitutingEngine(OxigraphEngine):
    """Oxigraph with the parameters bound from outside only (substitutions), never written into the text."""

    def query(self, text: str, bindings: dict[str, Node] | None = None, base_iri: str | None = None) -> Result:
        from unittest import mock

        from kg.sparql import engine

        with mock.patch.object(engine, "bound_query", lambda text, values: (text, dict(values))):
            return super().query(text, bindings)


def same_answer(engine: OxigraphEngine, name: str, params: dict[str, str]) -> str:
    """The written-out text, after checking it answers as the query with its parameters bound from outside
    (Oxigraph's substitutions) does, and as kg query runs it."""
    query = NAMED[name]
    bindings, _ = bind(engine, query, params)
    text = written_out(query, bindings)
    bound, written = SubstitutingEngine(engine.store).query(query.text, bindings), engine.query(text)
    as_kg_runs_it = engine.query(query.text, bindings)
    assert Counter(as_kg_runs_it.rows) == Counter(bound.rows)
    assert bound.kind == written.kind
    if bound.kind == "graph":
        assert bound.graph is not None and written.graph is not None
        assert len(bound.graph) > 0
        assert isomorphic(bound.graph, written.graph)
    elif bound.kind == "ask":
        assert bound.boolean == written.boolean
    else:
        assert Counter(bound.rows) == Counter(written.rows)
        assert list(bound.variables) == list(written.variables)
    return text


def test_every_named_query_has_an_example() -> None:
    assert len(NAMED) >= 20
    with_params = [name for name, q in NAMED.items() if q.parameters]
    assert len(with_params) >= 15
    for name in with_params:
        assert example_params(NAMED[name]), f"{name}: the header's example gives no --param"


@pytest.mark.parametrize("name", sorted(NAMED))
def test_written_out_text_answers_as_the_bound_query(engine: OxigraphEngine, name: str) -> None:
    query = NAMED[name]
    text = same_answer(engine, name, example_params(query))
    if query.parameters:
        assert "VALUES" in text and text != query.text
    if all(p.default is not None or not p.required for p in query.parameters):
        same_answer(engine, name, {})  # the defaults alone


def test_values_block_placement() -> None:
    query = NAMED["claims-of-responsibility"]
    text = written_out(query, {"attack": URIRef("https://w3id.org/kerman-kg/id/kerman-bombings")})
    where = text.index("WHERE {\n")
    block = text[where + len("WHERE {\n") :]
    assert block.startswith("  # parameters (edit the values to change them):\n")
    assert "  VALUES ?attack { kgd:kerman-bombings }\n" in block
    assert "#   article: only claims reported by this article (not bound: add ?article to VALUES" in block
    assert text.replace(text[where + len("WHERE {\n") : text.index("  ?claim a kgo:")], "") == query.text


def test_group_start_skips_comments_strings_and_templates() -> None:
    text = '# WHERE { in a comment\nCONSTRUCT { ?s ?p "WHERE {" } WHERE { ?s ?p ?o }'
    assert text[group_start(text) :] == " ?s ?p ?o }"
    assert group_start("ASK { ?s ?p ?o }") == len("ASK {")
    with pytest.raises(ValueError):
        group_start("DESCRIBE <https://example.org/x>")


def test_sparql_terms() -> None:
    assert sparql_term(URIRef("https://w3id.org/kerman-kg/id/kerman-bombings")) == "kgd:kerman-bombings"
    article = "https://w3id.org/kerman-kg/id/article/003_89f"  # "/" would need escaping in a prefixed name
    assert sparql_term(URIRef(article)) == f"<{article}>"
    assert sparql_term(URIRef('urn:x-kerman-kg:unknown:a>b"c')) == "<urn:x-kerman-kg:unknown:a%3Eb%22c>"
    assert sparql_term(Literal('say "hi"')) == '"say \\"hi\\""'
    assert sparql_term(Literal(3)) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
