"""Time of every named query, cold and warm, how it grows with the corpus, and the p95 of the parameterized ones.

For each dataset (the real corpus, built with its inferences; and built files of synthetic corpora
given with ``--data LABEL=FILE``, for example ``bench/synthetic.py 500 DIR`` built with ``kg build
--no-check --corpus DIR --out OUT``) it measures:

- *load*: once per dataset, the first `kg query` process with an empty cache folder, which loads the
  built file into an Oxigraph store and answers;
- *cold*, per named query: a new `kg query NAME --data FILE` process with the store already cached:
  Python start-up, opening the store, answering and printing, i.e. what a researcher waits for at the
  terminal;
- *warm*, per named query: the same query again in a process that already has the store open
  (:class:`kg.sparql.engine.OxigraphEngine`, as in a notebook or behind ``kg serve``), the median of
  ``--repeat`` runs, with its documented parameters (the defaults; the required ones from
  :data:`REQUIRED`);
- *p95*, per query with parameter values (a default or a required parameter; a query whose
  parameters are all optional is a listing, measured by *warm*): the 95th percentile of warm runs over
  ``--values`` different parameter values (on a synthetic corpus, the entities of different synthetic
  articles: synthetic article *i* has its own copy of every entity, ``kgd:s0000i-islamic-state``; on
  the real corpus, ``--values`` runs of the same values). A cold run past a quarter of ``--timeout``
  skips the p95.

Times are CPU seconds of the process that answers (``time.process_time`` in this process,
``RUSAGE_CHILDREN`` for a `kg query` process), which a busy machine disturbs far less than the wall
time; the wall time is printed too. After the datasets, a table puts each query's warm CPU time at
every size side by side with the growth exponent ``k`` of ``time ~ articles^k`` between the two
largest sizes, and flags a query whose time per article grows more than 1.5 times (``superlinear``).
Queries under :data:`NOISE` seconds at both sizes are not flagged. ``--compare FILE`` adds the warm
CPU times of an earlier ``--json`` run (measured before a change, say) beside today's.

Usage: ``python bench/queries.py [--data LABEL=FILE]... [--no-real] [--repeat 3] [--values 8]
[--timeout 600] [--json FILE] [--compare FILE] [--queries NAME,...]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.sparql.engine import open_engine  # noqa: E402
from kg.sparql.querying import run  # noqa: E402
from kg.sparql.querylib import NamedQuery, library  # noqa: E402

#: values for the queries' required parameters, on the real corpus; on a synthetic corpus every
#: entity id and article stem gets the prefix of a synthetic article (see params_for)
REQUIRED = {
    "actor-statements": {"actor": "kgd:islamic-state"},
    "article-facts": {"article": "kgd:article/000_97a337defbf8726c"},
    "entity-card": {"entity": "kgd:iran"},
    "entity-search": {"name": "Iran"},
}
#: warm CPU seconds below which a query is not flagged for its growth (timer noise)
NOISE = 0.005
#: time per article growing more than this many times between two sizes is flagged
SUPERLINEAR = 1.5


def params_for(query: NamedQuery, synthetic: bool, article: int = 0) -> dict[str, str]:
    """Parameters that make the query answer on this dataset: required ones and entity defaults, on a
    synthetic corpus those of synthetic article ``article`` (a multiple of 5 has a copy of each real article's
    first article, whose stem the article parameters name)."""
    params = dict(REQUIRED.get(query.name, {}))
    for p in query.parameters:
        if p.default and p.default.startswith("kgd:") and p.name not in params:
            params[p.name] = p.default
    if not synthetic:
        return params
    prefix = f"s{article:05d}-"
    renamed = {}
    for key, value in params.items():
        if value.startswith("kgd:article/"):
            value = f"kgd:article/{prefix.replace('-', '_')}{value[len('kgd:article/') :]}"
        elif value.startswith("kgd:"):
            value = f"kgd:{prefix}{value[4:]}"
        elif query.name == "entity-search":
            value = f"Person S{article:05d}"  # every synthetic person's name starts so
        renamed[key] = value
    return renamed


def kg_query(name: str, data: Path, params: dict[str, str], timeout: float | None = None) -> tuple[float, float] | None:
    """CPU and wall seconds of one `kg query` process (the cache folder comes from KG_CACHE_DIR); None past
    the timeout."""
    args = [sys.executable, "-m", "kg", "query", name, "--data", str(data)]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{name}: {result.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def warm_run(engine: Any, name: str, params: dict[str, str]) -> tuple[float, float, int]:
    """CPU and wall seconds of one run in this process, and the size of the answer."""
    cpu, wall = time.process_time(), time.perf_counter()
    result, _ = run(engine, name, params)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    answered = len(result.rows) if result.kind != "graph" else len(result.graph or [])
    return cpu, wall, answered


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def article_count(engine: Any) -> int:
    rows = engine.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kgo:Article }").rows
    return int(rows[0][0])


def measure(
    label: str, data: Path, synthetic: bool, repeat: int, values: int, timeout: float, only: set[str] | None = None
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    named = [q for q in library().values() if not q.is_check and (not only or q.name in only)]
    with tempfile.TemporaryDirectory(prefix="kg-cache-") as cache:
        os.environ["KG_CACHE_DIR"] = cache
        load = kg_query("articles", data, {})
        assert load is not None
        engine, hit = open_engine(data)
        assert hit, "the store should be in the cache after the first query"
        articles = article_count(engine)
        print(
            f"{label}: {articles} articles; load into a new store and answer 'articles': "
            f"{load[0]:.2f} s CPU, {load[1]:.2f} s wall",
            flush=True,
        )
        rows.append(
            {
                "dataset": label,
                "articles": articles,
                "query": "(load)",
                "cold_cpu_s": round(load[0], 3),
                "cold_wall_s": round(load[1], 3),
            }
        )
        for query in sorted(named, key=lambda q: q.name):
            params = params_for(query, synthetic)
            row: dict[str, object] = {"dataset": label, "articles": articles, "query": query.name, "params": params}
            cold = kg_query(query.name, data, params, timeout)
            if cold is None:  # the warm runs would take as long: record the limit instead
                row.update({"cold_cpu_s": f">{timeout:g}", "warm_cpu_s": None})
                rows.append(row)
                print(f"{label:<12} {query.name:<26} cold > {timeout:g} s wall (stopped; warm not run)", flush=True)
                continue
            warm = [warm_run(engine, query.name, params) for _ in range(repeat)]
            row.update(
                {
                    "cold_cpu_s": round(cold[0], 3),
                    "cold_wall_s": round(cold[1], 3),
                    "warm_cpu_s": round(statistics.median(w[0] for w in warm), 4),
                    "warm_wall_s": round(statistics.median(w[1] for w in warm), 4),
                    "rows": warm[0][2],
                }
            )
            line = (
                f"{label:<12} {query.name:<26} cold {cold[0]:6.2f} s  warm {row['warm_cpu_s']:8.4f} s "
                f"(wall {row['warm_wall_s']:8.4f})  {warm[0][2]:>6} rows"
            )
            if params and cold[1] < timeout / 4:  # a query with parameter values (not only optional ones)
                samples = [
                    warm_run(engine, query.name, params_for(query, synthetic, 5 * i))
                    for i in range(values if synthetic else 1)
                    for _ in range(1 if synthetic else values)
                ]
                row["p95_cpu_s"] = round(p95([s[0] for s in samples]), 4)
                row["p95_wall_s"] = round(p95([s[1] for s in samples]), 4)
                row["p95_runs"] = len(samples)
                line += f"  p95 {row['p95_cpu_s']:8.4f} s over {len(samples)} runs"
            rows.append(row)
            print(line, flush=True)
        del engine
    return rows


def growth(rows: list[dict[str, object]], previous: dict[tuple[str, str], object]) -> None:
    """Print each query's warm CPU time at every size side by side, its growth between the two largest,
    and the figures of an earlier run."""
    sizes = sorted({int(str(r["articles"])) for r in rows if r["query"] != "(load)"})
    if not sizes:
        return
    by_query: dict[str, dict[int, object]] = {}
    labels: dict[int, str] = {}
    for r in rows:
        if r["query"] == "(load)":
            continue
        size = int(str(r["articles"]))
        labels[size] = str(r["dataset"])
        by_query.setdefault(str(r["query"]), {})[size] = r.get("warm_cpu_s") or r.get("cold_cpu_s")
    header = "".join(f"{labels[s][:14]:>16}" for s in sizes)
    extra = "".join(f"{('before ' + labels[s])[:18]:>20}" for s in sizes) if previous else ""
    print(f"\nwarm CPU seconds by size (articles: {', '.join(map(str, sizes))}){extra and '; before: an earlier run'}")
    print(f"{'query':<26}{header}{extra}  growth")
    for name in sorted(by_query):
        cells = by_query[name]
        text = "".join(f"{_cell(cells.get(s)):>16}" for s in sizes)
        before = "".join(f"{_cell(previous.get((name, labels[s]))):>20}" for s in sizes) if previous else ""
        print(f"{name:<26}{text}{before}  {_growth(cells, sizes)}")


def _cell(value: object) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{float(str(value)):.4f}"


def _growth(cells: dict[int, object], sizes: list[int]) -> str:
    """k of time ~ N^k between the two largest sizes measured, flagged when time per article grows > 1.5x."""
    measured = [s for s in sizes if isinstance(cells.get(s), (int, float))]
    if len(measured) < 2:
        return ""
    small, large = measured[-2], measured[-1]
    t_small, t_large = float(str(cells[small])), float(str(cells[large]))
    if max(t_small, t_large) < NOISE:
        return "(under the noise)"
    k = math.log(max(t_large, 1e-6) / max(t_small, 1e-6)) / math.log(large / small)
    per_article = (t_large / large) / (t_small / small) if t_small > 0 else math.inf
    flag = "  SUPERLINEAR" if per_article > SUPERLINEAR and t_large >= NOISE else ""
    return f"k = {k:.2f}{flag}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="LABEL=FILE",
        help="a built synthetic dataset (N-Quads or TriG) to measure, e.g. 'synthetic 500=x.nq'",
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real corpus")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query (median printed)")
    parser.add_argument("--values", type=int, default=8, help="parameter values per parameterized query for the p95")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="stop a cold `kg query` after this many seconds (default: 600)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("--compare", type=Path, default=None, help="the --json of an earlier run, shown beside")
    parser.add_argument("--queries", default="", metavar="NAME,...", help="measure only these named queries")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    only = {name.strip() for name in args.queries.split(",") if name.strip()} or None
    with tempfile.TemporaryDirectory(prefix="kg-bench-queries-") as tmp:
        if not args.no_real:
            subprocess.run(
                [sys.executable, "-m", "kg", "build", "--out", tmp], check=True, capture_output=True, cwd=ROOT
            )
            rows += measure("real", Path(tmp) / "kerman-kg.nq", False, args.repeat, args.values, args.timeout, only)
    for item in args.data:
        label, _, path = item.partition("=")
        rows += measure(label, Path(path), True, args.repeat, args.values, args.timeout, only)
    previous: dict[tuple[str, str], object] = {}
    if args.compare:
        for r in json.loads(args.compare.read_text(encoding="utf-8")):
            previous[(r["query"], r["dataset"])] = r.get("warm_cpu_s") or r.get("cold_cpu_s")
    growth(rows, previous)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
