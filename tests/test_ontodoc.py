"""Ontology documentation: the HTML page shows every term with its definition; the diagram has the core model."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import IN_CI
from rdflib import Graph
from rdflib.namespace import SKOS

from kg import resources
from kg.cli import main
from kg.publishing import ontodoc
from kg.rdf import iris
from kg.rdf.namespaces import KGO
from kg.rdf.ontology import load_ontology

CORE = ("Statement", "ClaimOfResponsibility", "Accusation", "CasualtyReport", "Quote", "Article", "Agent")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(resources.ontology_dir())


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ontodoc.Docs]:
    out = tmp_path_factory.mktemp("docs")
    return out, ontodoc.write_docs(out)


def page_text(path: Path) -> str:
    """The page's text without tags, entities resolved, white space collapsed."""
    text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(html.unescape(text).split())


def test_the_page_shows_every_class_and_property_with_its_definition(
    docs: tuple[Path, ontodoc.Docs], ontology: Graph
) -> None:
    out, _ = docs
    text = page_text(out / ontodoc.HTML_NAME)
    terms = ontodoc.term_texts(ontology)
    assert len(terms) > 80
    missing = []
    for term, (label, definition) in terms.items():
        for part in (str(term), label, " ".join(definition.split())):
            if part not in text:
                missing.append(f"{term}: {part[:60]}")
    assert missing == []


def test_the_page_has_the_header_hierarchy_modules_and_individuals(
    docs: tuple[Path, ontodoc.Docs], ontology: Graph
) -> None:
    out, written = docs
    page = (out / ontodoc.HTML_NAME).read_text(encoding="utf-8")
    text = page_text(out / ontodoc.HTML_NAME)
    assert "<title>Kerman KG ontology</title>" in page
    assert str(iris.ONTOLOGY) in text and "creativecommons.org/licenses/by/4.0" in text
    assert "Sub Class Of" in text and "Super Class Of" in text and "Domain" in text and "Range" in text
    assert "Kerman KG ontology: statements module" in text
    assert str(KGO.atLeast) in text and str(ontology.value(KGO.atLeast, SKOS.definition)) in text
    if written.missing:  # no Graphviz here (in CI it is there: test_the_diagram_renders_as_svg_and_png)
        assert "Render <code>core-model.dot</code> with Graphviz" in page and "<img" not in page
    else:
        assert 'src="core-model.svg"' in page


def test_the_diagram_has_the_core_classes_and_edges(docs: tuple[Path, ontodoc.Docs]) -> None:
    out, _ = docs
    dot = (out / "core-model.dot").read_text(encoding="utf-8")
    for name in CORE:
        assert re.search(rf'^  "{name}" \[label=<', dot, re.M), name
    assert '"ClaimOfResponsibility" -> "Statement" [arrowhead=empty' in dot
    assert re.search(r'"Statement" -> "Agent" \[label="[^"]*statedBy', dot)
    assert re.search(r'"CasualtyReport" -> "Event" \[label="[^"]*casualtiesOf', dot)
    assert re.search(r'"any" -> "Quote" \[label="[^"]*evidence', dot)


def test_the_diagram_renders_as_svg_and_png(docs: tuple[Path, ontodoc.Docs]) -> None:
    out, written = docs
    if ontodoc.dot_program() is None:
        if IN_CI:
            pytest.fail("Graphviz's dot must be installed in CI (.ci/run installs graphviz)")
        pytest.skip("Graphviz's dot is not installed")
    assert written.missing == []
    svg = ET.parse(out / "core-model.svg").getroot()
    assert svg.tag.endswith("svg")
    labels = {t.text for t in svg.iter() if t.tag.endswith("text")}
    assert set(CORE) <= labels
    assert (out / "core-model.png").read_bytes().startswith(b"\x89PNG")


def test_without_dot_only_the_dot_file_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ontodoc, "dot_program", lambda: None)
    docs = ontodoc.write_docs(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["core-model.dot", "ontology.html"]
    assert [p.name for p in docs.missing] == ["core-model.svg", "core-model.png"]
    assert "<img" not in (tmp_path / ontodoc.HTML_NAME).read_text(encoding="utf-8")


def test_docs_are_deterministic(docs: tuple[Path, ontodoc.Docs], ontology: Graph) -> None:
    out, written = docs
    diagram = None if written.missing else "core-model.svg"
    assert ontodoc.diagram_dot(ontology) == (out / "core-model.dot").read_text(encoding="utf-8")
    assert ontodoc.html_page(ontology, diagram) == (out / ontodoc.HTML_NAME).read_text(encoding="utf-8")


def test_kg_docs_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--out", str(tmp_path / "docs")]) == 0
    assert (tmp_path / "docs" / ontodoc.HTML_NAME).is_file()
    assert str(tmp_path / "docs" / "core-model.dot") in capsys.readouterr().out


def test_a_version_can_be_stamped_on_the_page(ontology: Graph) -> None:
    page = ontodoc.html_page(ontology, version="2.0.0")
    assert "https://w3id.org/kerman-kg/ontology/2.0.0" in page and "0.1.0" not in page_text_of(page)


def page_text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
