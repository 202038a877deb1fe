"""Copy the sampled W3C SPARQL tests from a clone of w3c/rdf-tests into this folder.

Usage (from the repository's root; RDF_TESTS is a clone of https://github.com/w3c/rdf-tests, bare or not)::

    python tests/w3c/refresh.py RDF_TESTS [--commit REV]

It reads the files at one commit (``git show REV:path``, default HEAD) and writes, keeping rdf-tests'
folder layout under ``tests/w3c/``:

* the protocol suite: ``sparql/sparql11/protocol/manifest.ttl`` as it is, and the data files its tests
  name (``ut:graphData``);
* the evaluation sample (:data:`SAMPLE`): for each folder, its ``manifest.ttl`` (as it is when every entry
  is sampled, else cut down to the sampled entries: the manifest's header and the entries' own statements
  are copied as they are written, only the ``mf:entries`` list is shortened), and every file those entries
  name (query, data, graph data, expected result) or their queries read with FROM and FROM NAMED, byte
  for byte;
* the licences: rdf-tests' ``LICENSE.md`` and the full text of the W3C licences it points to (the copy in
  ``rdf/rdf11/rdf-turtle/LICENSE``), as ``LICENSE.md`` and ``W3C-LICENSES.txt``, and the SPARQL 1.0
  suite's own ``sparql/sparql10/LICENSE``.

A cut-down manifest is checked against the original with rdflib: the same statements about every
sampled entry, nothing about any other, and the entries in the original order. Then put the commit
it prints into ``README.md`` and run ``pytest tests/test_w3c_eval.py tests/test_w3c_protocol.py -m ''``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

HERE = Path(__file__).resolve().parent
SPARQL11 = "sparql/sparql11"
PROTOCOL = f"{SPARQL11}/protocol/manifest.ttl"
LICENCES = {
    "LICENSE.md": "LICENSE.md",
    "rdf/rdf11/rdf-turtle/LICENSE": "W3C-LICENSES.txt",
    "sparql/sparql10/LICENSE": "sparql/sparql10/LICENSE",
}
#: the base the manifests are parsed against here (any absolute IRI would do)
PARSE_BASE = "https://w3c.github.io/rdf-tests/"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

#: folder under sparql/ -> the entries sampled from its manifest (README.md says why these)
SAMPLE: dict[str, list[str]] = {
    "sparql11/aggregates": [
        "agg01",
        "agg03",
        "agg08b",
        "agg-groupconcat-01",
        "agg-avg-01",
        "agg-min-01",
        "agg-err-01",
        "agg-empty-group-count-1",
        "agg-empty-group-count-graph",
        "agg-count-distinct",
    ],
    "sparql11/bind": ["bind01", "bind02", "bind03", "bind04", "bind07", "bind10"],
    "sparql11/bindings": ["values1", "values4", "values7", "inline1", "graph"],
    "sparql11/cast": ["cast-bool", "cast-int"],
    "sparql11/construct": [
        "constructwhere01",
        "constructwhere02",
        "constructwhere03",
        "constructwhere04",
        "constructlist",
    ],
    "sparql11/csv-tsv-res": ["csv01", "tsv01"],
    "sparql11/exists": ["exists01", "exists02", "exists03", "exists-graph-variable"],
    "sparql11/functions": [
        "strdt01",
        "strlang01",
        "round01",
        "concat01",
        "substring01",
        "encode01",
        "replace01",
        "sha256-01",
        "year",
        "tz",
        "in01",
        "coalesce01",
        "bnode01",
        "iri01",
        "if01",
    ],
    "sparql11/grouping": ["group01", "group03", "group04", "group05"],
    "sparql11/json-res": ["jsonres01", "jsonres03"],
    "sparql11/negation": [
        "subset-by-exclusion-nex-1",
        "subset-by-exclusion-minus-1",
        "exists-01",
        "full-minuend",
        "graph-minus",
    ],
    "sparql11/project-expression": ["projexp01", "projexp04", "projexp07"],
    "sparql11/property-path": [
        "pp01",
        "pp06",
        "pp07",
        "pp14",
        "pp34",
        "pp35",
        "pp37",
        "nps_inverse",
        "zero_or_more_set_start",
    ],
    "sparql11/subquery": ["subquery01", "subquery04", "subquery06", "subquery11", "subquery12", "subquery14"],
    "sparql10/dataset": [
        "dawg-dataset-01",
        "dawg-dataset-02",
        "dawg-dataset-03",
        "dawg-dataset-04",
        "dawg-dataset-05",
        "dawg-dataset-06",
        "dawg-dataset-07",
        "dawg-dataset-08",
        "dawg-dataset-11",
        "dawg-dataset-09b",
        "dawg-dataset-10b",
        "dawg-dataset-12b",
    ],
}


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def entries(graph: Graph) -> list[URIRef]:
    """The mf:entries of a manifest graph, in order."""
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest, any=False)
    head = graph.value(manifest, MF.entries)
    return [URIRef(str(entry)) for entry in Collection(graph, head)] if head is not None else []


def description(graph: Graph, entry: URIRef) -> Graph:
    """The concise bounded description of an entry (its statements and those of its blank nodes)."""
    return graph.cbd(entry)


def trim(text: str, keep: list[str]) -> str:
    """The manifest's text with only the kept entries: its header, their statements, a shorter list.

    An entry's statement starts on the line that types it (``:name rdf:type ...``, perhaps indented) and
    runs to the next entry's; the header is everything before the first entry's statement (prefixes,
    comments and the manifest's own statement, whose ``mf:entries ( ... )`` list is rewritten).
    """
    starts = [m.start() for m in re.finditer(r"^[ \t]*:[^\s;]+[ \t]+(?:rdf:type|a)[ \t]", text, re.MULTILINE)]
    header, blocks = text[: starts[0]], [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    wanted = {f":{name}" for name in keep}
    kept = [block for block in blocks if block.split(None, 1)[0] in wanted]
    listing = re.search(r"mf:entries\s*\(([^)]*)\)", header)
    if listing is None:
        raise SystemExit("no mf:entries ( ... ) list in the manifest's header")
    names = [token for token in listing.group(1).split() if token in wanted]
    rewritten = "".join(f"\n        {name}" for name in names) + "\n    "
    header = header[: listing.start(1)] + rewritten + header[listing.end(1) :]
    return header + "".join(kept).rstrip() + "\n"


def check_trimmed(original: str, trimmed: str, keep: list[str], base: str) -> None:
    """Fail unless the cut-down manifest says exactly what the original says about the kept entries."""
    before = Graph().parse(data=original, format="turtle", publicID=base)
    after = Graph().parse(data=trimmed, format="turtle", publicID=base)
    wanted = [entry for entry in entries(before) if entry.split("#")[-1] in keep]
    if len(wanted) != len(keep):
        missing = sorted(set(keep) - {entry.split("#")[-1] for entry in wanted})
        raise SystemExit(f"{base}: no such entries: {', '.join(missing)}")
    if entries(after) != wanted:
        raise SystemExit(f"{base}: the cut-down mf:entries list is not the sample in the manifest's order")
    for entry in wanted:
        if not isomorphic(description(before, entry), description(after, entry)):
            raise SystemExit(f"{base}: the statements about {entry} changed when the manifest was cut down")
    others = {s for s in after.subjects() if isinstance(s, URIRef)} - set(wanted) - {URIRef(base)}
    if others:
        raise SystemExit(f"{base}: the cut-down manifest still describes {sorted(others)}")


#: a FROM or FROM NAMED clause of a query, with the IRI it names
FROM = re.compile(r"\bFROM\s+(?:NAMED\s+)?<([^>]*)>", re.IGNORECASE)


def files_of(graph: Graph, entry: URIRef, folder_iri: str) -> set[str]:
    """The files an evaluation entry names (query, data, graph data, result), relative to its folder."""
    action = graph.value(entry, MF.action)
    named = [graph.value(entry, MF.result)]
    named += [o for p in (QT.query, QT.data, QT.graphData) for o in graph.objects(action, p)]
    relative = set()
    for iri in named:
        if iri is None:
            continue
        if not str(iri).startswith(folder_iri) or "/" in str(iri)[len(folder_iri) :]:
            raise SystemExit(f"{entry} names {iri}, outside its folder")
        relative.add(str(iri)[len(folder_iri) :])
    return relative


def from_files(query: str) -> set[str]:
    """The files of its own folder a query reads with FROM or FROM NAMED (relative IRIs: the older tests
    give a query's data this way only)."""
    names = set(FROM.findall(query))
    outside = {name for name in names if ":" in name or "/" in name}
    if any(not re.match(r"^[a-z][a-z0-9+.-]*:", name, re.IGNORECASE) for name in outside):
        raise SystemExit(f"a query reads {sorted(outside)}, outside its folder")
    return names - outside


def refresh(repo: Path, rev: str) -> str:
    commit = git(repo, "rev-parse", f"{rev}^{{commit}}").decode().strip()

    def show(path: str) -> bytes:
        return git(repo, "show", f"{commit}:{path}")

    shutil.rmtree(HERE / "sparql", ignore_errors=True)
    for source, name in LICENCES.items():
        write(HERE / name, show(source))

    protocol = show(PROTOCOL)
    write(HERE / PROTOCOL, protocol)
    protocol_base = PARSE_BASE + PROTOCOL
    graph = Graph().parse(data=protocol, format="turtle", publicID=protocol_base)
    folder_iri = protocol_base.rsplit("/", 1)[0] + "/"
    for data in sorted({str(o) for o in graph.objects(None, UT.graph)}):
        name = data[len(folder_iri) :]
        write(HERE / SPARQL11 / "protocol" / name, show(f"{SPARQL11}/protocol/{name}"))

    for folder, keep in SAMPLE.items():
        path = f"sparql/{folder}/manifest.ttl"
        base = PARSE_BASE + path
        original = show(path).decode("utf-8")
        before = Graph().parse(data=original, format="turtle", publicID=base)
        listed = [entry.split("#")[-1] for entry in entries(before)]
        trimmed = original if sorted(listed) == sorted(keep) else trim(original, keep)
        check_trimmed(original, trimmed, keep, base)
        write(HERE / path, trimmed.encode("utf-8"))
        graph = Graph().parse(data=trimmed, format="turtle", publicID=base)
        wanted: set[str] = set()
        for entry in entries(graph):
            wanted |= files_of(graph, entry, base.rsplit("/", 1)[0] + "/")
        for name in sorted(wanted):
            content = show(f"sparql/{folder}/{name}")
            write(HERE / "sparql" / folder / name, content)
            if name.endswith(".rq"):
                for read in sorted(from_files(content.decode("utf-8"))):
                    write(HERE / "sparql" / folder / read, show(f"sparql/{folder}/{read}"))
    return commit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, metavar="RDF_TESTS", help="a clone of w3c/rdf-tests (bare or not)")
    parser.add_argument("--commit", default="HEAD", metavar="REV", help="the commit to copy from (default: HEAD)")
    args = parser.parse_args(argv)
    commit = refresh(args.repo, args.commit)
    count = sum(len(keep) for keep in SAMPLE.values())
    print(f"copied the protocol suite and {count} evaluation tests of w3c/rdf-tests at {commit}")
    print("now put that commit into tests/w3c/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
