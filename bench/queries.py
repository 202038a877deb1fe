"""End-to-end time of `kg query` for every named query, cold and warm.

For each dataset (the real corpus, built with its inferences; and built files
of synthetic corpora given with ``--data LABEL=FILE``, for example the
5,000-article corpus of ``bench/synthetic.py`` built with ``kg build
--no-reason --no-check``, because OWL RL reasoning and SHACL at that size take hours) it measures:

- *load*: once per dataset, the first `kg query` process with an empty cache
  folder, which loads the built file into an Oxigraph store and answers;
- *cold*, per named query: a new `kg query NAME --data FILE` process with the
  store already cached: Python start-up, opening the store, answering and
  printing, i.e. what a researcher waits for at the terminal;
- *warm*, per named query: the same query again in a process that already
  has the store open (:class:`kg.engine.OxigraphEngine`, as in a notebook),
  the median of ``--repeat`` runs.

All are wall-clock times from ``time.perf_counter``.

Usage: ``python bench/queries.py [--data LABEL=FILE]... [--no-real] [--repeat 3] [--timeout 600] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.engine import open_engine  # noqa: E402
from kg.querying import run  # noqa: E402
from kg.querylib import NamedQuery, library  # noqa: E402

#: values for the queries' required parameters, on the real corpus; on a synthetic corpus every
#: entity id and article stem gets the prefix of its first synthetic article (see params_for)
REQUIRED = {
    "actor-statements": {"actor": "kgd:islamic-state"},
    "article-facts": {"article": "kgd:article/000_97a337defbf8726c"},
    "entity-card": {"entity": "kgd:iran"},
    "entity-search": {"name": "Iran"},
}
SYNTHETIC_PREFIX = "s00000-"


def params_for(query: NamedQuery, synthetic: bool) -> dict[str, str]:
    """Parameters that make the query answer on this dataset: required ones, and entity defaults renamed."""
    params = dict(REQUIRED.get(query.name, {}))
    for p in query.parameters:
        if p.default and p.default.startswith("kgd:") and p.name not in params:
            params[p.name] = p.default
    if not synthetic:
        return params
    renamed = {}
    for key, value in params.items():
        if value.startswith("kgd:article/"):
            value = f"kgd:article/{SYNTHETIC_PREFIX.replace('-', '_')}{value[len('kgd:article/') :]}"
        elif value.startswith("kgd:"):
            value = f"kgd:{SYNTHETIC_PREFIX}{value[4:]}"
        renamed[key] = value
    return renamed


def kg_query(name: str, data: Path, params: dict[str, str], timeout: float | None = None) -> float | None:
    """Seconds for one `kg query` process (the cache folder comes from KG_CACHE_DIR); None past the timeout."""
    args = [sys.executable, "-m", "kg", "query", name, "--data", str(data)]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    start = time.perf_counter()
    try:
        result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{name}: {result.stderr.strip()}")
    return elapsed


def measure(label: str, data: Path, synthetic: bool, repeat: int, timeout: float) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    named = [q for q in library().values() if not q.is_check]
    with tempfile.TemporaryDirectory(prefix="kg-cache-") as cache:
        os.environ["KG_CACHE_DIR"] = cache
        load = kg_query("articles", data, {})
        assert load is not None
        print(f"{label}: load into a new store and answer 'articles': {load:.2f} s", flush=True)
        rows.append({"dataset": label, "query": "(load)", "cold_s": round(load, 3), "warm_s": None})
        engine, hit = open_engine(data)
        assert hit, "the store should be in the cache after the first query"
        for query in sorted(named, key=lambda q: q.name):
            params = params_for(query, synthetic)
            cold = kg_query(query.name, data, params, timeout)
            if cold is None:  # the warm run would take as long: record the limit instead
                rows.append({"dataset": label, "query": query.name, "cold_s": f">{timeout:g}", "warm_s": None})
                print(f"{label:<18} {query.name:<26} cold > {timeout:g} s (stopped; warm not run)", flush=True)
                continue
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                result, _ = run(engine, query.name, params)
                times.append(time.perf_counter() - start)
            warm = statistics.median(times)
            answered = len(result.rows) if result.kind != "graph" else len(result.graph or [])
            rows.append(
                {
                    "dataset": label,
                    "query": query.name,
                    "cold_s": round(cold, 3),
                    "warm_s": round(warm, 4),
                    "rows": answered,
                }
            )
            print(
                f"{label:<18} {query.name:<26} cold {cold:7.3f} s  warm {warm:8.4f} s  {answered:>6} rows", flush=True
            )
        del engine
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="LABEL=FILE",
        help="a built synthetic dataset (N-Quads or TriG) to measure, e.g. 'synthetic 5000=x.nq'",
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real corpus")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query (median printed)")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="stop a cold `kg query` after this many seconds (default: 600)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-queries-") as tmp:
        if not args.no_real:
            subprocess.run(
                [sys.executable, "-m", "kg", "build", "--out", tmp], check=True, capture_output=True, cwd=ROOT
            )
            rows += measure("real (5 articles)", Path(tmp) / "kerman-kg.nq", False, args.repeat, args.timeout)
    for item in args.data:
        label, _, path = item.partition("=")
        rows += measure(label, Path(path), True, args.repeat, args.timeout)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
