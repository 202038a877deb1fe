"""The README's examples run, so they cannot rot."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DOCS
from rdflib import RDF, Dataset, URIRef

README = Path(__file__).resolve().parent.parent / "README.md"


def blocks(language: str, page: Path = README) -> list[str]:
    """The code blocks of a language in the README (or one of the pages of docs/)."""
    return re.findall(rf"```{language}\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


def death_tolls(dataset: Dataset) -> list[int]:
    """Every death toll of the Kerman bombings, read without the query library."""
    kgo = "https://w3id.org/kerman-kg/ontology#"
    attack = URIRef("https://w3id.org/kerman-kg/id/kerman-bombings")
    return [
        int(count)
        for report in dataset.subjects(RDF.type, URIRef(kgo + "DeathToll"))
        if (report, URIRef(kgo + "casualtiesOf"), attack) in dataset
        for count in dataset.objects(report, URIRef(kgo + "figureValue"))
    ]


@pytest.mark.slow
def test_readme_python_example_runs(build_dir: Path, dataset: Dataset) -> None:
    (code,) = blocks("python", DOCS / "querying.md")
    workdir = build_dir.parent / "readme-example"
    shutil.copytree(build_dir, workdir / "build", dirs_exist_ok=True)
    result = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert int(lines[0]) > 1000
    tolls = death_tolls(dataset)
    assert lines[1].split() == [str(min(tolls)), str(max(tolls))]


def test_readme_sparql_example_answers(dataset: Dataset) -> None:
    (query,) = blocks("sparql", DOCS / "modelling.md")
    rows = list(dataset.query(query))
    assert len(rows) == len(death_tolls(dataset))
    assert {"103", "nearly 100", "more than 80", "at least 84"} <= {str(r.figure) for r in rows}  # the five's
    assert all(str(r.quote) and str(r.givenBy) for r in rows)


@pytest.mark.parametrize("command", ["kg build", "python -m pytest"])
def test_readme_names_the_two_commands(command: str) -> None:
    shell = "\n".join(blocks("sh"))
    assert command in shell


def test_ci_runs_the_readme_commands_as_written() -> None:
    """.ci/run must run the README's two commands exactly as the README gives them."""
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    commands = [block.strip() for block in blocks("sh")[:2]]
    assert len(commands) == 2 and commands[0].endswith("kg build && kg serve")
    for command in commands:
        assert command in ci, f".ci/run does not run the README command: {command}"
