"""Safe readers (:mod:`kg.rdf.readers`): what a file given to ``kg`` can make it do.

Every defect of issue 14 (part 5) is a test here that failed before the readers changed:

- a JSON-LD document that names a remote context made ``kg query --data``, ``kg validate``,
  ``kg export --data`` and ``kg serve --data`` connect out (a loopback listener here counts the
  connections: none may be accepted), and a ``file:`` context was read (here a named pipe, which
  would block the reader until the test's timeout);
- JSON-LD triples outside a named graph were dropped by the query store and the exports;
- an RDF/XML entity bomb of 1 KB took gigabytes and crashed ``kg query``, and ran for minutes in
  ``kg validate`` (the commands run here in a subprocess with a time limit and, on Linux, a 2 GiB
  address-space limit, and must give a clear error);
- a 4 MB N-Triples literal took minutes to validate (rdflib's N-Triples reader matched its line
  again for every 8 KB read; the files are read by Oxigraph now).

The test data is made by the tests themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import conftest
import pytest
from listeners import Listener
from rdflib import Literal, URIRef

from kg import resources
from kg.errors import InputError
from kg.rdf import jsonld_contexts, rdfio, readers, xml_entities
from kg.sparql import engine

EX = "https://example.org/"
#: the address space a command under attack may take (a normal run needs well under 1 GiB)
MEMORY_LIMIT = 2 * 1024**3
#: seconds a command may take here; every one takes about one when it works
TIMEOUT = 60


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m kg`` with a time limit and, on Linux, a memory limit; TimeoutExpired fails the test."""
    return conftest.run_kg(
        *args, env=env, timeout=TIMEOUT, preexec_fn=_limit_memory if sys.platform == "linux" else None
    )


def assert_clear_error(result: subprocess.CompletedProcess[str], where: str, *words: str) -> None:
    """The command stopped on bad input (exit 1 or 2), naming the file and line, without a traceback."""
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert f"error: {where}" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# ------------------------------------------------------------------------------ JSON-LD contexts


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def named_context_document(path: Path, context: object) -> Path:
    """A JSON-LD document whose context (on line 2) is the value given, with one triple if it is read."""
    path.write_text(
        '{\n  "@context": ' + json.dumps(context) + ',\n  "@id": "https://example.org/a",\n  "name": "a"\n}\n',
        encoding="utf-8",
    )
    return path


COMMANDS = {
    "query": ("query", "--data", "{file}", "ASK { ?s ?p ?o }"),
    "validate": ("validate", "{file}"),
    "export": ("export", "--data", "{file}", "--format", "nquads"),
    "serve": ("serve", "--data", "{file}", "--port", "0"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_remote_context_is_never_fetched(tmp_path: Path, listener: Listener, command: str) -> None:
    document = named_context_document(tmp_path / "remote.jsonld", listener.url("/context.jsonld"))
    result = run_kg(*(arg.replace("{file}", str(document)) for arg in COMMANDS[command]))
    assert listener.accepted == 0
    context = listener.url("/context.jsonld")
    assert_clear_error(result, f"{document}:2:", context, "never fetches", jsonld_contexts.CONTEXTS_VARIABLE)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("spelling", ["file-iri", "relative", "import"])
def test_a_file_context_is_not_read(tmp_path: Path, spelling: str) -> None:
    """The context is a named pipe nobody writes to: reading it would block until the timeout."""
    pipe = tmp_path / "context.jsonld"
    os.mkfifo(pipe)
    context: object = {
        "file-iri": pipe.as_uri(),
        "relative": "context.jsonld",
        "import": {"@import": pipe.as_uri()},
    }[spelling]
    document = named_context_document(tmp_path / "local.jsonld", context)
    result = run_kg("validate", str(document))
    assert_clear_error(result, f"{document}:2:", pipe.as_uri(), "never fetches")


def test_the_projects_own_context_is_the_shipped_file() -> None:
    assert jsonld_contexts.CONTEXT_IRI == "https://w3id.org/kerman-kg/context.jsonld"
    assert resources.context_file().is_file()


def test_a_document_naming_the_projects_context_reads_as_with_it_inline(tmp_path: Path, listener: Listener) -> None:
    body = {"id": "kgd:kerman-bombings", "type": "Bombing", "label": "Kerman bombings"}
    inline = json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]
    named = tmp_path / "named.jsonld"
    named.write_text(json.dumps({"@context": jsonld_contexts.CONTEXT_IRI, **body}), encoding="utf-8")
    written = tmp_path / "inline.jsonld"
    written.write_text(json.dumps({"@context": inline, **body}), encoding="utf-8")
    triples = rdfio.graph_triples(rdfio.load_dataset(named))
    assert len(next(iter(triples.values()))) == 2
    assert sorted(next(iter(triples.values()))) == sorted(
        next(iter(rdfio.graph_triples(rdfio.load_dataset(written)).values()))
    )
    result = run_kg("query", "--data", str(named), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "2"]


def test_a_context_is_read_from_the_copy_the_user_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    iri = "https://example.org/context.jsonld"
    copy = tmp_path / "copy.jsonld"
    copy.write_text(json.dumps({"@context": {"name": EX + "name"}}), encoding="utf-8")
    document = named_context_document(tmp_path / "doc.jsonld", iri)
    with pytest.raises(InputError, match="never fetches"):
        rdfio.load_dataset(document)
    monkeypatch.setenv(jsonld_contexts.CONTEXTS_VARIABLE, json.dumps({iri: str(copy)}))
    (triples,) = rdfio.graph_triples(rdfio.load_dataset(document)).values()
    assert triples == [(URIRef(EX + "a"), URIRef(EX + "name"), Literal("a"))]


def test_the_query_store_of_a_file_is_kept_apart_for_each_named_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    iri = "https://example.org/context.jsonld"
    copy = tmp_path / "copy.jsonld"
    document = named_context_document(tmp_path / "doc.jsonld", iri)
    monkeypatch.setenv(jsonld_contexts.CONTEXTS_VARIABLE, json.dumps({iri: str(copy)}))
    stores = []
    for property_name in ("name", "title"):
        copy.write_text(json.dumps({"@context": {"name": EX + property_name}}), encoding="utf-8")
        stores.append(engine.store_path(document)[0])
    assert stores[0] != stores[1]


@pytest.mark.parametrize(
    ("setting", "words"),
    [("not json", "is not valid JSON"), ('["a list"]', "is not a JSON object")],
)
def test_a_bad_list_of_named_copies_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, words: str
) -> None:
    monkeypatch.setenv(jsonld_contexts.CONTEXTS_VARIABLE, setting)
    document = named_context_document(tmp_path / "doc.jsonld", "https://example.org/context.jsonld")
    with pytest.raises(InputError, match=words) as raised:
        rdfio.load_dataset(document)
    assert jsonld_contexts.CONTEXTS_VARIABLE in str(raised.value)


def test_a_context_that_names_itself_is_an_error_not_a_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    iri = "https://example.org/context.jsonld"
    copy = tmp_path / "copy.jsonld"
    copy.write_text(json.dumps({"@context": [{"name": EX + "name"}, iri]}), encoding="utf-8")
    monkeypatch.setenv(jsonld_contexts.CONTEXTS_VARIABLE, json.dumps({iri: str(copy)}))
    with pytest.raises(InputError, match="names itself"):
        rdfio.load_dataset(named_context_document(tmp_path / "doc.jsonld", iri))


def test_a_json_literal_is_data_not_a_context(tmp_path: Path) -> None:
    document = tmp_path / "literal.jsonld"
    value = {"@context": "https://example.org/not-a-context"}
    document.write_text(
        json.dumps({"@id": EX + "a", EX + "data": {"@value": value, "@type": "@json"}}), encoding="utf-8"
    )
    (triples,) = rdfio.graph_triples(rdfio.load_dataset(document)).values()
    assert [json.loads(str(o)) for _, _, o in triples] == [value]


# --------------------------------------------------------------------------------- default graph


def default_graph_document(path: Path, count: int) -> Path:
    """A dataset file with count triples outside any named graph, in the format its suffix says."""
    if path.suffix == ".jsonld":
        nodes = [{"@id": f"{EX}s{n}", f"{EX}p": n} for n in range(count)]
        path.write_text(json.dumps({"@context": {"@vocab": EX}, "@graph": nodes}), encoding="utf-8")
    else:
        path.write_text("".join(f'<{EX}s{n}> <{EX}p> "{n}" .\n' for n in range(count)), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".jsonld", ".trig", ".nq"])
def test_triples_outside_a_named_graph_go_into_the_files_graph(tmp_path: Path, suffix: str) -> None:
    document = default_graph_document(tmp_path / f"default{suffix}", 100)
    graphs = rdfio.graph_triples(rdfio.load_dataset(document))
    assert {name: len(triples) for name, triples in graphs.items()} == {URIRef(document.resolve().as_uri()): 100}
    assert len(rdfio.to_nquads(rdfio.load_dataset(document)).splitlines()) == 100


def test_kg_query_and_export_keep_the_default_graph_of_a_jsonld_file(tmp_path: Path) -> None:
    document = default_graph_document(tmp_path / "default.jsonld", 100)
    answer = run_kg("query", "--data", str(document), "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.split() == ["n", "100"]
    exported = run_kg("export", "--data", str(document), "--format", "nquads")
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == 100


# ----------------------------------------------------------------------------- RDF/XML entities

XML_DECLARATION = '<?xml version="1.0"?>\n'
#: an RDF/XML document of one triple, ex:a ex:p "{text}", on its second line
RDF_XML_DOCUMENT = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">\n'
    '<rdf:Description rdf:about="https://example.org/a"><ex:p>{text}</ex:p></rdf:Description>\n</rdf:RDF>\n'
)


def rdf_xml(path: Path, declarations: list[str], text: str) -> Path:
    """An RDF/XML file whose document type declaration (lines 2 on) declares the entities given, one a line."""
    subset = "".join(d + "\n" for d in declarations)
    path.write_text(f"{XML_DECLARATION}<!DOCTYPE rdf:RDF [\n{subset}]>\n" + RDF_XML_DOCUMENT.format(text=text))
    return path


def billion_laughs(path: Path) -> Path:
    """Ten entities each made of ten of the one before: 1 KB that expands to 3 GB."""
    declarations = ['<!ENTITY lol "lol">', '<!ENTITY lol1 "' + "&lol;" * 10 + '">']
    declarations += [f'<!ENTITY lol{n} "' + f"&lol{n - 1};" * 10 + '">' for n in range(2, 10)]
    return rdf_xml(path, declarations, "&lol9;")


def quadratic_blowup(path: Path) -> Path:
    """One 20 KB entity referenced 20,000 times: 80 KB that expands to 400 MB."""
    return rdf_xml(path, ['<!ENTITY a "' + "x" * 20_000 + '">'], "&a;" * 20_000)


def test_entity_declarations_that_nest_too_far_are_refused_where_they_pass_the_limit(tmp_path: Path) -> None:
    bomb = billion_laughs(tmp_path / "lol.rdf")
    with pytest.raises(InputError, match="entity bomb") as raised:
        xml_entities.check_entities(bomb)
    # lol{n} is 3 * 10**n bytes: lol7 (30 MB, on line 10) is the first to pass 16 MiB
    assert raised.value.line == 10
    assert "'lol7'" in raised.value.message


def test_an_entity_referenced_too_often_is_refused_at_the_reference_that_passes_the_limit(tmp_path: Path) -> None:
    bomb = quadratic_blowup(tmp_path / "quadratic.rdf")
    with pytest.raises(InputError, match="entity bomb") as raised:
        xml_entities.check_entities(bomb)
    assert raised.value.line == 6


def test_an_entity_redefined_from_itself_counts_at_its_expanded_length(tmp_path: Path) -> None:
    """Oxigraph expands a declaration when it reads it, and a later one replaces an earlier one of the same name."""
    declarations = ['<!ENTITY a "aaaaaaaaaa">'] + ['<!ENTITY a "&a;&a;">'] * 30
    with pytest.raises(InputError, match="entity bomb"):
        xml_entities.check_entities(rdf_xml(tmp_path / "doubling.rdf", declarations, "&a;"))


@pytest.mark.parametrize(
    "declaration", ['<!ENTITY secret SYSTEM "file:///etc/hostname">', '<!ENTITY % secret PUBLIC "-//x" "x.dtd">']
)
def test_an_external_entity_is_refused(tmp_path: Path, declaration: str) -> None:
    with pytest.raises(InputError, match="never reads a file or URL") as raised:
        rdfio.load_dataset(rdf_xml(tmp_path / "external.rdf", [declaration], "&secret;"))
    assert raised.value.line == 3


def test_entities_that_abbreviate_namespaces_are_read(tmp_path: Path) -> None:
    """As Protégé writes RDF/XML: an entity per namespace, referenced in attributes and text."""
    document = rdf_xml(tmp_path / "protege.rdf", [f'<!ENTITY ex "{EX}">'], "&ex;b " * 1000)
    (triples,) = rdfio.graph_triples(rdfio.load_dataset(document)).values()
    assert triples == [(URIRef(EX + "a"), URIRef(EX + "p"), Literal(f"{EX}b " * 1000))]


BOMBS = {"billion-laughs": billion_laughs, "quadratic": quadratic_blowup}
BOMB_COMMANDS = {
    "query": ("query", "--data", "{file}", "ASK { ?s ?p ?o }"),
    "validate": ("validate", "{file}"),
    "export": ("export", "--data", "{file}", "--format", "nquads", "--out", "{out}"),
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
@pytest.mark.parametrize("command", sorted(BOMB_COMMANDS))
def test_an_entity_bomb_is_a_clear_error_in_bounded_time_and_memory(tmp_path: Path, bomb: str, command: str) -> None:
    document = BOMBS[bomb](tmp_path / f"{bomb}.rdf")
    out = tmp_path / "out.nq"
    result = run_kg(
        *(arg.replace("{file}", str(document)).replace("{out}", str(out)) for arg in BOMB_COMMANDS[command])
    )
    assert_clear_error(result, f"{document}:", "entity bomb")
    assert not out.exists()


def test_the_memory_limit_leaves_room_for_an_ordinary_rdf_xml_file(tmp_path: Path) -> None:
    document = rdf_xml(tmp_path / "protege.rdf", [f'<!ENTITY ex "{EX}">'], "&ex;b")
    result = run_kg("query", "--data", str(document), "SELECT ?o { ?s ?p ?o }", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["o", f"{EX}b"]


def test_an_ill_formed_rdf_xml_file_names_its_line(tmp_path: Path) -> None:
    document = tmp_path / "bad.rdf"
    document.write_text(XML_DECLARATION + RDF_XML_DOCUMENT.format(text="<ex:q>"))
    with pytest.raises(InputError, match="not valid xml") as raised:
        rdfio.load_dataset(document)
    assert raised.value.line == 3


# -------------------------------------------------------------------------------- large literals


def large_literal_document(path: Path, length: int) -> Path:
    """One triple whose object is a literal of length characters, in the format the suffix says."""
    text = "a" * length
    subject, predicate = f"{EX}a", f"{EX}p"
    written = {
        ".nt": f'<{subject}> <{predicate}> "{text}" .\n',
        ".nq": f'<{subject}> <{predicate}> "{text}" <{EX}g> .\n',
        ".ttl": f'<{subject}> <{predicate}> """{text}""" .\n',
        ".trig": f'<{EX}g> {{ <{subject}> <{predicate}> "{text}" . }}\n',
        ".jsonld": json.dumps({"@id": subject, predicate: text}),
        ".rdf": XML_DECLARATION + RDF_XML_DOCUMENT.format(text=text),
    }[path.suffix]
    path.write_text(written, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".nt", ".nq", ".ttl", ".trig", ".jsonld", ".rdf"])
def test_a_large_literal_is_read_whole(tmp_path: Path, suffix: str) -> None:
    document = large_literal_document(tmp_path / f"large{suffix}", 1_000_000)
    (triples,) = rdfio.graph_triples(rdfio.load_dataset(document)).values()
    assert [len(o) for _, _, o in triples] == [1_000_000]


def test_kg_validate_reads_a_4_mb_literal_within_the_time_limit(tmp_path: Path) -> None:
    document = large_literal_document(tmp_path / "large.nt", 4_000_000)
    result = run_kg("validate", str(document))
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------- other errors


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.jsonld", '{\n  "@id": "https://example.org/a",\n  "https://example.org/p": [1,,]\n}\n', 3),
        ("bad.nt", f"<{EX}a> <{EX}b> <{EX}c> .\n<{EX}a> <{EX}b> oops .\n", 2),
    ],
)
def test_a_syntax_error_names_file_and_line_and_a_bad_file_adds_nothing(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    document = tmp_path / name
    document.write_text(text, encoding="utf-8")
    dataset = rdfio.load_dataset(default_graph_document(tmp_path / "good.nq", 3))
    with pytest.raises(InputError, match="not valid") as raised:
        rdfio.parse_into(dataset, document)
    assert (raised.value.file, raised.value.line) == (document, line)
    assert len(rdfio.to_nquads(dataset).splitlines()) == 3


def test_every_format_kg_reads_has_an_oxigraph_parser() -> None:
    assert set(rdfio.FORMATS_BY_SUFFIX.values()) == set(readers.OXIGRAPH_FORMATS)
