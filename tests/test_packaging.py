"""The wheel ships the ontology, corpus, shapes and queries as package data, and kg serve's static files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_contains_the_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = tmp_path.glob("kerman_kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"kg/cli/__init__.py", "kg/_data/ontology/kerman-kg.ttl", "kg/_data/corpus/entities.yaml"}
    expected |= {"kg/_data/corpus/wikidata.tsv", "kg/_data/corpus/README.md"}
    expected.add("kg/context.jsonld")
    for source in sorted((REPO / "corpus" / "articles").iterdir()):
        expected.add(f"kg/_data/corpus/articles/{source.name}")
    for source in sorted((REPO / "ontology" / "modules").iterdir()):
        expected.add(f"kg/_data/ontology/modules/{source.name}")
    # the query page of kg serve works offline: its scripts, styles and the vendored editor ship in the wheel
    static = REPO / "kg" / "static"
    assets = {f"kg/{path.relative_to(static.parent).as_posix()}" for path in static.rglob("*") if path.is_file()}
    assert {"kg/static/query.js", "kg/static/vendor/codemirror/lib/codemirror.js"} <= assets
    assert {"kg/static/vendor/codemirror/LICENSE", "kg/static/vendor/codemirror/mode/sparql/sparql.js"} <= assets
    expected |= assets
    assert len(expected) > 20
    assert expected <= names, sorted(expected - names)
    assert any(name.endswith("entry_points.txt") for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kg = kg.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
