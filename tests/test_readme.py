"""The README's examples run, so they cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset

README = Path(__file__).resolve().parent.parent / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_python_example_runs(tmp_path: Path) -> None:
    (code,) = blocks("python")
    build = subprocess.run([sys.executable, "-m", "kg", "build"], cwd=tmp_path, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert int(lines[0]) > 1000
    assert lines[1].split() == ["80", "103"]


def test_readme_sparql_example_answers(dataset: Dataset) -> None:
    (query,) = blocks("sparql")
    rows = list(dataset.query(query))
    assert len(rows) == 6
    assert {str(r.figure) for r in rows} == {"103", "nearly 100", "more than 80", "at least 84"}
    assert all(str(r.quote) for r in rows)


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
