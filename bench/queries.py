"""End-to-end time of `kg query` for every named query, cold and warm.

For each dataset (the real corpus, built with its inferences; and synthetic
corpora made by ``bench/synthetic.py``, built with ``--no-reason`` because
OWL RL reasoning at that size takes hours, see ``bench/README.md``) and for
every named query of the library, it runs the real command line,
``python -m kg query NAME --data FILE``, as a new process:

- *cold*: the first run with an empty cache folder, which loads the built
  file into an Oxigraph store (and then answers);
- *warm*: the next run, which opens the cached store and answers.

Both figures are wall-clock times of the whole process (Python start-up
included), measured with ``time.perf_counter``. The cold run is made once per
dataset (with the first query) and then, to charge each query its own cold
cost, once more per query with a fresh cache; warm runs are repeated
``--repeat`` times and the median is printed.

Usage: ``python bench/queries.py [--sizes 5000] [--repeat 3] [--json FILE]``
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

from kg.querylib import library  # noqa: E402


def run_query(name: str, data: Path, cache: Path, params: dict[str, str]) -> float:
    """Seconds for one `kg query` process; raises on failure."""
    args = [sys.executable, "-m", "kg", "query", name, "--data", str(data)]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    env = {**os.environ, "KG_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{name}: {result.stderr.strip()}")
    return elapsed


def build(corpus: Path | None, out: Path, reason: bool) -> Path:
    args = [sys.executable, "-m", "kg", "build", "--out", str(out)]
    if corpus is not None:
        args += ["--corpus", str(corpus)]
    if not reason:
        args.append("--no-reason")
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
    return out / "kerman-kg.nq"


#: values for the queries' required parameters, on the real corpus; on a synthetic corpus every
#: entity id and article stem gets the prefix of its first synthetic article (see params_for)
REQUIRED = {
    "actor-statements": {"actor": "kgd:islamic-state"},
    "article-facts": {"article": "kgd:article/000_97a337defbf8726c"},
    "entity-card": {"entity": "kgd:iran"},
    "entity-search": {"name": "Iran"},
}


def params_for(query: object, synthetic_prefix: str) -> dict[str, str]:
    """Parameters that make the query answer on this dataset: required ones, and entity defaults renamed."""
    params = dict(REQUIRED.get(query.name, {}))  # type: ignore[attr-defined]
    for p in query.parameters:  # type: ignore[attr-defined]
        if p.default and p.default.startswith("kgd:") and p.name not in params:
            params[p.name] = p.default
    if not synthetic_prefix:
        return params
    renamed = {}
    for key, value in params.items():
        if value.startswith("kgd:article/"):
            value = f"kgd:article/{synthetic_prefix.replace('-', '_')}{value[len('kgd:article/') :]}"
        elif value.startswith("kgd:"):
            value = f"kgd:{synthetic_prefix}{value[4:]}"
        renamed[key] = value
    return renamed


def measure(label: str, data: Path, repeat: int, synthetic_prefix: str = "") -> list[dict[str, object]]:
    rows = []
    for name, query in sorted(library().items()):
        if query.is_check:
            continue
        params = params_for(query, synthetic_prefix)
        with tempfile.TemporaryDirectory(prefix="kg-cache-") as cache:
            cold = run_query(name, data, Path(cache), params)
            warm = statistics.median(run_query(name, data, Path(cache), params) for _ in range(repeat))
        rows.append({"dataset": label, "query": name, "cold_s": round(cold, 3), "warm_s": round(warm, 3)})
        print(f"{label:<16} {name:<26} cold {cold:7.3f} s   warm {warm:7.3f} s", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5000", help="synthetic corpus sizes, comma-separated ('' for none)")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query (median printed)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-queries-") as tmp:
        real = build(None, Path(tmp) / "real", reason=True)
        rows += measure("real (5)", real, args.repeat)
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            corpus = Path(tmp) / f"synthetic-{size}"
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "synthetic.py"), str(size), str(corpus)],
                check=True,
                capture_output=True,
            )
            start = time.perf_counter()
            data = build(corpus, Path(tmp) / f"built-{size}", reason=False)
            print(f"built synthetic-{size} (--no-reason) in {time.perf_counter() - start:.1f} s", flush=True)
            rows += measure(f"synthetic ({size})", data, args.repeat, synthetic_prefix="s00000-")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
