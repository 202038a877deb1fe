"""The curator's workflow: adding an article, metadata from outside the text, and one check that catches everything.

A copy of the corpus gains the sixth test article (tests/fixtures/sixth-article/, written for the
tests) and goes through build, validation, every quality check, the named queries and export. Each
fault a curator can make is then planted in that article's files (or the registry) and must come
back as ``file:line: message`` with exit status 1 (2 for a usage error), no traceback, and the
previous build left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import with_sixth_article
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.cli import main
from kg.curation.check import check_corpus
from kg.publishing import export
from kg.rdf import iris, rdfio
from kg.rdf.namespaces import KGO, NIF, SCHEMA
from kg.sparql.engine import OxigraphEngine
from kg.sparql.querying import run
from kg.sparql.querylib import library
from kg.sparql.querytext import example_params

STEM = "900_test_wire"
ARTICLE = iris.article(STEM)


@pytest.fixture(scope="module")
def six(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the embedded corpus with the sixth article added."""
    import shutil

    from kg import resources

    corpus = tmp_path_factory.mktemp("six") / "corpus"
    shutil.copytree(resources.corpus_dir(), corpus)
    return with_sixth_article(corpus)


@pytest.fixture(scope="module")
def six_built(six: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """'kg build' of the six-article corpus (which runs the curator check before writing)."""
    out = tmp_path_factory.mktemp("six-build")
    assert main(["build", "--corpus", str(six), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def six_dataset(six_built: Path) -> Dataset:
    return rdfio.load_dataset(six_built / rdfio.TRIG)


@pytest.fixture(scope="module")
def six_engine(six_dataset: Dataset) -> OxigraphEngine:
    return OxigraphEngine.from_dataset(six_dataset)


# ----------------------------------------------------------------------------- a sixth article


@pytest.mark.slow
def test_sixth_article_builds_validates_and_passes_every_check(
    six_built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["validate", str(six_built / rdfio.TRIG)]) == 0
    out = capsys.readouterr().out
    assert "0 violation(s)" in out and "Result: conforms" in out


def test_every_quality_check_finds_nothing_in_six_articles(six_engine: OxigraphEngine) -> None:
    checks = [name for name, q in library().items() if q.is_check]
    assert checks
    for name in checks:
        assert run(six_engine, name, {})[0].rows == [], name


def rows_of(engine: OxigraphEngine, name: str, **params: str) -> list[dict[str, object]]:
    result, _ = run(engine, name, params)
    return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def test_every_named_query_answers_over_six_articles(six_engine: OxigraphEngine) -> None:
    named = {name: q for name, q in library().items() if not q.is_check}
    assert named
    for name, query in named.items():
        result, _ = run(six_engine, name, example_params(query))
        assert result.rows or (result.graph is not None and len(result.graph)), name


def test_the_new_articles_facts_answer_beside_the_others(six_engine: OxigraphEngine) -> None:
    figures = rows_of(six_engine, "casualty-figures")
    ours = {(str(r["figure"]), str(r["givenBy"])) for r in figures if r["article"] == ARTICLE}
    assert ours == {("95", str(iris.entity("iranian-officials"))), ("211", str(iris.entity("iranian-officials")))}
    assert {r["article"] for r in figures} - {ARTICLE}, "the other articles' figures are still there"

    claims = rows_of(six_engine, "claims-of-responsibility")
    assert any(r["article"] == ARTICLE and r["channel"] == iris.entity("telegram") for r in claims)
    assert len({r["article"] for r in claims}) > 1

    refusals = rows_of(six_engine, "refusals-to-comment", article=f"kga:{STEM}")
    assert [r["refuser"] for r in refusals] == [iris.in_article(STEM, "interior-ministry-spokesman")]
    assert not any(r["article"] == ARTICLE for r in rows_of(six_engine, "denials")), "declining is no denial"

    low_high = rows_of(six_engine, "death-toll-range", attack="kgd:kerman-bombings")
    assert len(low_high) == 1 and int(str(low_high[0]["high"])) >= 95 >= int(str(low_high[0]["low"]))


def test_the_new_article_exports_as_its_own_graph(six_dataset: Dataset) -> None:
    data = export.export(six_dataset, "nquads", [STEM])
    graph = iris.article_graph(STEM)
    assert data and all(line.endswith(f"<{graph}> .") for line in data.decode("utf-8").splitlines())
    assert f"<{ARTICLE}>".encode() in data


# ----------------------------------------------------------------------------- metadata


def test_metadata_the_text_states_rests_on_its_quote(six_dataset: Dataset) -> None:
    graph = six_dataset.graph(iris.article_graph(STEM))
    assert graph.value(ARTICLE, DCTERMS.title) == Literal("Iran mourns victims of Kerman blasts")
    assert graph.value(ARTICLE, SCHEMA.datePublished) == Literal("2024-02-02", datatype=XSD.date)
    assertion = iris.in_article(STEM, "meta-date-published", 1)
    assert graph.value(assertion, KGO.dateAsWritten) == Literal("February 2, 2024")
    quote = graph.value(assertion, KGO.evidence)
    assert graph.value(quote, NIF.anchorOf) == Literal("February 2, 2024")
    assert graph.value(assertion, KGO.source) == ARTICLE


def test_metadata_from_the_record_is_attributed_to_the_record_not_a_quote(six_dataset: Dataset) -> None:
    records = six_dataset.graph(iris.RECORDS_GRAPH)
    record = iris.in_article(STEM, "record")
    expected = {
        SCHEMA.url: URIRef("https://example.org/test-wire/kerman-blasts"),
        SCHEMA.publisher: iris.entity("test-wire"),
        SCHEMA.inLanguage: Literal("en", datatype=XSD.language),
        KGO.retrievedOn: Literal("2024-02-03", datatype=XSD.date),
    }
    for prop, value in expected.items():
        assert (ARTICLE, prop, value) in records, prop
        assertions = (
            set(records.subjects(RDF.subject, ARTICLE))
            & set(records.subjects(RDF.predicate, prop))
            & set(records.subjects(RDF.object, value))
        )
        assert len(assertions) == 1, prop
        (assertion,) = assertions
        assert records.value(assertion, KGO.recordedIn) == record
        assert records.value(assertion, KGO.evidence) is None and records.value(assertion, KGO.source) is None
        article_graph = six_dataset.graph(iris.article_graph(STEM))
        assert (ARTICLE, prop, value) not in article_graph, "the text does not state it"
    assert (record, KGO.recordOf, ARTICLE) in records
    assert records.value(record, URIRef("http://www.w3.org/ns/prov#wasAttributedTo")) == iris.CURATORS


def test_a_query_tells_the_text_from_the_record(six_engine: OxigraphEngine) -> None:
    rows = rows_of(six_engine, "article-metadata", article=f"kga:{STEM}")
    basis = {str(r["field"]): (str(r["basis"]), r["quote"]) for r in rows}
    assert basis["title"] == ("text", Literal("Iran mourns victims of Kerman blasts"))
    assert basis["datePublished"] == ("text", Literal("February 2, 2024"))
    for field in ("url", "publisher", "inLanguage", "retrievedOn"):
        assert basis[field] == ("curator's record", None), field


def test_title_and_date_from_the_record_go_to_the_records_graph(tmp_path: Path) -> None:
    corpus = corpus_with_sixth(tmp_path)
    meta = corpus / "articles" / f"{STEM}.meta.yaml"
    edit(meta, 'quote: "Iran mourns victims of Kerman blasts"}', "}")
    edit(meta, 'value: "Iran mourns victims of Kerman blasts"', 'value: "Kerman: a nation mourns"')
    edit(
        meta, 'date_published: {date: 2024-02-02, as_written: "February 2, 2024"}', "date_published: {date: 2024-02-01}"
    )
    outcome = check_corpus(corpus, rules=False, reason=False)
    assert outcome.errors == [] and outcome.dataset is not None
    records = outcome.dataset.graph(iris.RECORDS_GRAPH)
    article_graph = outcome.dataset.graph(iris.article_graph(STEM))
    for prop, value in (
        (DCTERMS.title, Literal("Kerman: a nation mourns")),
        (SCHEMA.datePublished, Literal("2024-02-01", datatype=XSD.date)),
    ):
        assert (ARTICLE, prop, value) in records and (ARTICLE, prop, None) not in article_graph
    assert "Kerman: a nation mourns" not in (corpus / "articles" / f"{STEM}.txt").read_text(encoding="utf-8")


def test_a_date_written_out_must_agree_with_its_value(tmp_path: Path) -> None:
    corpus = corpus_with_sixth(tmp_path)
    meta = corpus / "articles" / f"{STEM}.meta.yaml"
    edit(meta, 'as_written: "February 2, 2024"}', 'as_written: "February 2, 2024"}'.replace("2024-", ""))
    edit(meta, "date: 2024-02-02", "date: 2024-02-03")
    outcome = check_corpus(corpus, rules=False, reason=False)
    assert [(p.file, p.line) for p in outcome.errors] == [(meta, line_of(meta, "date_published:"))]
    assert "gives day 2 but 2024-02-03 is day 3" in outcome.errors[0].message


# ----------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    """A mistake planted in a corpus: the file it is in, the text that marks its line, words of the message."""

    plant: Callable[[Path], Path]
    marker: str | None
    words: str


def append_fact(corpus: Path, text: str) -> Path:
    path = corpus / "articles" / f"{STEM}.facts.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, marker: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


def new_article(corpus: Path, stem: str) -> Path:
    """Three files for an article under a given stem, copied from the sixth article."""
    source = corpus / "articles" / STEM
    for suffix in (".txt", ".meta.yaml", ".facts.yaml"):
        target = corpus / "articles" / f"{stem}{suffix}"
        text = Path(f"{source}{suffix}").read_text(encoding="utf-8").replace(f"{STEM}.txt", f"{stem}.txt")
        target.write_text(text, encoding="utf-8")
    return corpus / "articles" / f"{stem}.txt"


def symlinked_article(corpus: Path) -> Path:
    link = corpus / "articles" / "999.txt"
    link.symlink_to("/etc/passwd")
    (corpus / "articles" / "999.meta.yaml").write_text("file: 999.txt\nsha256: x\n", encoding="utf-8")
    (corpus / "articles" / "999.facts.yaml").write_text("article: 999.txt\nfacts: []\n", encoding="utf-8")
    return link


def control_character_in_text(corpus: Path) -> Path:
    path = corpus / "articles" / f"{STEM}.txt"
    return edit(path, "Iranian officials said", "Iranian\x1b[2J officials said")


FAULTS = {
    "a perpetrator stated as a bare relation": Fault(
        lambda c: append_fact(
            c,
            '\n  - id: bare-perpetrator\n    quote: "claimed responsibility for the attack"\n    relations:\n'
            "      - [kerman-bombings, carriedOutBy, isis-k]\n",
        ),
        "[kerman-bombings, carriedOutBy, isis-k]",
        "bare-perpetrator-violation",
    ),
    "a group as a named perpetrator": Fault(
        lambda c: append_fact(
            c,
            '\n  - id: group-named\n    quote: "The Islamic State group claimed responsibility"\n    statement:\n'
            "      type: ClaimOfResponsibility\n      by: islamic-state\n      about: kerman-bombings\n"
            "      names_perpetrator: islamic-state\n",
        ),
        "names_perpetrator: islamic-state",
        "names_perpetrator takes a Person",
    ),
    "an alias no article uses": Fault(
        lambda c: edit(c / "entities.yaml", "label: Test Wire", "aliases: [Test Wyre]\n  label: Test Wire"),
        "aliases: [Test Wyre]",
        "alias 'Test Wyre' of 'test-wire' occurs in no article",
    ),
    "an unknown key": Fault(
        lambda c: edit(
            c / "articles" / f"{STEM}.facts.yaml", "  - id: isis-claim\n", "  - id: isis-claim\n    comment: x\n"
        ),
        "comment: x",
        "unknown key 'comment'",
    ),
    "two bodies": Fault(
        lambda c: append_fact(
            c,
            '\n  - id: two-bodies\n    quote: "95 people were killed"\n    relations: [[kerman-bombings, a, Bombing]]\n'
            '    casualties: {type: killed, of: kerman-bombings, figure: "95", given_by: publisher}\n',
        ),
        "- id: two-bodies",
        "must have exactly one of relations, statement, casualties, response; it has relations, casualties",
    ),
    "a deprecated property": Fault(
        lambda c: append_fact(
            c,
            '\n  - id: deprecated-property\n    quote: "in Kerman"\n    relations:\n'
            "      - [kerman-bombings, authorizedBy, isis-k]\n",
        ),
        "[kerman-bombings, authorizedBy, isis-k]",
        "the property 'authorizedBy' is deprecated: write 'authorisedBy' instead",
    ),
    "a space in an id": Fault(
        lambda c: edit(c / "articles" / f"{STEM}.facts.yaml", "- id: isis-claim", "- id: isis claim"),
        "- id: isis claim",
        "id 'isis claim' must be",
    ),
    "relations given as a string": Fault(
        lambda c: append_fact(
            c, '\n  - id: relations-string\n    quote: "in Kerman"\n    relations: "[kerman-bombings, a, Bombing]"\n'
        ),
        'relations: "[kerman-bombings, a, Bombing]"',
        "a relation is written [subject, property, object]",
    ),
    "a symbolic link among the articles": Fault(symlinked_article, None, "is a symbolic link"),
    "a control character in a label": Fault(
        lambda c: edit(
            c / "articles" / f"{STEM}.facts.yaml",
            "label: a spokesman for Iran's interior ministry (unnamed)",
            'label: "a spokesman\\x00\\x1b[31m (unnamed)"',
        ),
        'label: "a spokesman',
        "a control character (U+0000",
    ),
    "a control character in an article's text": Fault(
        control_character_in_text, "Iranian\x1b[2J officials", "a control character (U+001B at column 8)"
    ),
    "a YAML alias bomb": Fault(
        lambda c: append_fact(
            c,
            '\n  - id: bomb\n    quote: &a ["95 people", "95 people", "95 people"]\n'
            "    note: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n    relations: [*b, *b, *b, *b, *b, *b]\n",
        ),
        "note: &b [*a",
        "YAML aliases (*name) are not accepted",
    ),
    "nesting ten thousand lists deep": Fault(
        lambda c: append_fact(c, "\n  - id: deep\n    note: " + "[" * 10000 + "]" * 10000 + "\n"),
        "note: [[[",
        "nest",
    ),
    "a folder named like an article": Fault(
        lambda c: (c / "articles" / "folder.txt").mkdir() or c / "articles" / "folder.txt",
        None,
        "is not a regular file",
    ),
    "an article name with a space": Fault(lambda c: new_article(c, "my article"), None, "not a usable article name"),
    "an article name with markup": Fault(lambda c: new_article(c, "<b>x<i>"), None, "not a usable article name"),
}


def corpus_with_sixth(tmp_path: Path) -> Path:
    import shutil

    from kg import resources

    corpus = tmp_path / "corpus"
    shutil.copytree(resources.corpus_dir(), corpus)
    return with_sixth_article(corpus)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_reported_at_its_line_and_nothing_is_written(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fault = FAULTS[name]
    corpus = corpus_with_sixth(tmp_path)
    path = fault.plant(corpus)
    out = tmp_path / "out"
    out.mkdir()
    previous = {n: f"previous {n}".encode() for n in (rdfio.TRIG, rdfio.NQUADS, "void.ttl")}
    for n, content in previous.items():
        (out / n).write_bytes(content)
    capsys.readouterr()
    status = main(["build", "--corpus", str(corpus), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1, err
    where = f"{path}:{line_of(path, fault.marker)}:" if fault.marker is not None else f"{path}:"
    assert any(line.startswith(f"error: {where}") and fault.words in line for line in err.splitlines()), err
    assert "Traceback" not in err and "\x1b" not in err and "\x00" not in err
    assert "root:" not in err, "nothing of a linked file is read"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous, "the previous build is intact"


def test_out_naming_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "build"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["build", "--out", str(target)])
    assert exited.value.code == 2
    assert f"--out: {target} is a file" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_kg_check_reports_at_the_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = corpus_with_sixth(tmp_path)
    path = FAULTS["a perpetrator stated as a bare relation"].plant(corpus)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    capsys.readouterr()
    assert main(["check", "--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err
    line = line_of(path, "[kerman-bombings, carriedOutBy, isis-k]")
    assert f"error: {path}:{line}: [checks/bare-perpetrator-violation]" in err
    assert "Fix: Who carried out a contested attack is never a relation" in err
    assert "1 error(s)" in err and "does not pass" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_kg_check_passes_a_sound_corpus(six: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(six)]) == 0
    assert "0 error(s)" in capsys.readouterr().err
