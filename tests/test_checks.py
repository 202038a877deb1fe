"""The quality checks, tested one by one on fixtures, as the shapes are (``tests/test_shapes.py``).

Every quality check ``queries/checks/<name>.rq`` (the rules that span nodes, one SPARQL query each)
has a folder ``tests/fixtures/checks/<name>/`` (see ``tests/fixtures/README.md``) with

* ``valid.ttl``: clean data, near misses included: the check returns no row, and nothing else
  (no shape, no other check) reports anything either;
* ``invalid.ttl``: data that breaks the check's rule;
* ``expected.yaml``: the exact rows the check returns on ``invalid.ttl``, every column of each row
  written as ``kg validate`` prints it, compared as a multiset.

Each fixture is read as ``kg validate`` reads a Turtle file and queried as it queries: the data as
asserted plus the ontology, in Oxigraph (:func:`kg.pipeline.validationview.check_store`), with no inference.
The test fails when a check has no folder, when a folder names no check, and when it finds fewer
folders than there are checks.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node
from ruamel.yaml import YAML

from kg.pipeline.findings import Finding
from kg.pipeline.validation import validate
from kg.pipeline.validationview import check_store
from kg.rdf import namespaces
from kg.sparql.engine import OxigraphEngine
from kg.sparql.querylib import NamedQuery, library

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
FIXTURE_FILES = ("valid.ttl", "invalid.ttl", "expected.yaml")

#: A row as compared: each column's value as kg validate prints it (None when unbound), in column order.
Row = tuple[str | None, ...]


@functools.cache
def checks() -> dict[str, NamedQuery]:
    """The quality checks of the library, by file name (``claim-before-attack-violation``)."""
    return {query.name: query for query in library().values() if query.is_check}


def fixture_folders() -> set[str]:
    """The names of the fixture folders under tests/fixtures/checks/."""
    if not FIXTURES.is_dir():
        return set()
    return {path.name for path in FIXTURES.iterdir() if path.is_dir()}


def fixture_file(name: str, filename: str) -> Path:
    """One file of a check's fixture folder; fails the test when it is missing."""
    path = FIXTURES / name / filename
    if not path.is_file():
        pytest.fail(f"missing fixture file {path.relative_to(FIXTURES.parent.parent.parent)}")
    return path


def load_data(path: Path) -> Dataset:
    """A Turtle fixture as a dataset (its triples in the default graph), as kg validate would read it."""
    dataset = Dataset()
    dataset.parse(path, format="turtle")
    return dataset


@functools.cache
def printer() -> Graph:
    """A graph with the project's prefixes bound, to print nodes as kg validate does."""
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    return graph


def shown(value: Node | None) -> str | None:
    """A value as kg validate prints it: a prefixed name, an IRI in angle brackets, or a literal in N3."""
    if value is None:
        return None
    if isinstance(value, URIRef):
        return printer().namespace_manager.normalizeUri(value)
    if isinstance(value, Literal):
        return value.n3(printer().namespace_manager)
    return str(value)


@functools.cache
def rows_of(name: str, path: Path) -> tuple[tuple[str, ...], list[Row]]:
    """The check's columns and the rows it returns on a fixture file (cached)."""
    result = OxigraphEngine(check_store(load_data(path))).query(checks()[name].text)
    return tuple(result.variables), [tuple(shown(value) for value in row) for row in result.rows]


@functools.cache
def findings_for(path: Path) -> tuple[Finding, ...]:
    """Every finding of validating a fixture file as kg validate does: every shape and every check."""
    return tuple(validate(load_data(path)).findings)


def load_expected(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """The rows an expected.yaml lists, checked for shape: a non-empty list of mappings with the check's columns."""
    entries: Any = YAML(typ="safe").load(path)
    assert isinstance(entries, list) and entries, f"{path}: expected a non-empty list of rows"
    rows: list[Row] = []
    for number, entry in enumerate(entries, start=1):
        assert isinstance(entry, dict), f"{path}: row {number} is not a mapping"
        assert list(entry) == list(columns), f"{path}: row {number} has keys {list(entry)}, not {list(columns)}"
        for column, value in entry.items():
            assert value is None or isinstance(value, str), f"{path}: row {number}: {column} must be a string or null"
        rows.append(tuple(entry[column] for column in columns))
    return sorted(rows, key=row_order)


def row_order(row: Row) -> tuple[str, ...]:
    """A total order on rows (unbound values first)."""
    return tuple(value or "" for value in row)


CHECK_NAMES = sorted(checks())


# ----------------------------------------------------------------------------- fixture coverage


def test_every_check_has_a_fixture_folder() -> None:
    """One fixture folder per quality check, none for a check that does not exist, at least 10 in all."""
    folders = fixture_folders()
    assert len(CHECK_NAMES) >= 10, f"only {len(CHECK_NAMES)} quality check(s) in the library"
    assert len(folders) >= len(CHECK_NAMES), f"only {len(folders)} fixture folder(s) under {FIXTURES}"
    assert not set(CHECK_NAMES) - folders, f"checks without a fixture folder: {sorted(set(CHECK_NAMES) - folders)}"
    assert not folders - set(CHECK_NAMES), (
        f"fixture folders for checks that do not exist: {sorted(folders - set(CHECK_NAMES))}"
    )


@pytest.mark.parametrize("name", sorted(fixture_folders()))
def test_fixture_folder_is_complete(name: str) -> None:
    """Each fixture folder holds valid.ttl, invalid.ttl and expected.yaml, and nothing else."""
    present = {path.name for path in (FIXTURES / name).iterdir()}
    assert present == set(FIXTURE_FILES), f"{name}/ holds {sorted(present)}, expected {sorted(FIXTURE_FILES)}"


# ----------------------------------------------------------------------------- per-check fixtures


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_valid_fixture_gives_no_row(name: str) -> None:
    """valid.ttl gives no row from the check."""
    _, rows = rows_of(name, fixture_file(name, "valid.ttl"))
    assert not rows, rows


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_valid_fixture_gives_no_result_at_all(name: str) -> None:
    """valid.ttl is clean data: kg validate finds nothing in it, from any shape or check."""
    results = findings_for(fixture_file(name, "valid.ttl"))
    assert not results, "\n".join(f"{f.shape}: {f.focus} {f.path} [{f.component}] {f.message}" for f in results)


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_invalid_fixture_gives_the_expected_rows(name: str) -> None:
    """invalid.ttl gives exactly the rows of expected.yaml (as a multiset), at least one."""
    columns, rows = rows_of(name, fixture_file(name, "invalid.ttl"))
    assert columns == checks()[name].columns  # the header's columns are the query's
    expected = load_expected(fixture_file(name, "expected.yaml"), columns)
    assert rows, f"{name}/invalid.ttl gives no row from checks/{name}"
    assert sorted(rows, key=row_order) == expected


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_invalid_fixture_is_reported_by_its_check_alone(name: str) -> None:
    """kg validate reports each row of the check as a violation, and no other check fires on invalid.ttl."""
    _, rows = rows_of(name, fixture_file(name, "invalid.ttl"))
    findings = findings_for(fixture_file(name, "invalid.ttl"))
    own = [f for f in findings if f.shape == f"checks/{name}"]
    assert len(own) == len(rows) and all(f.severity == "Violation" for f in own)
    others = sorted({f.shape for f in findings if f.shape.startswith("checks/") and f.shape != f"checks/{name}"})
    assert not others, f"{name}/invalid.ttl also breaks {others}"
