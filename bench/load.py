"""A load test of `kg serve` on loopback: latency percentiles and throughput per named query.

For each dataset (the real corpus, built with its inferences; and built files
given with ``--data LABEL=FILE``, for example the 5,000-article synthetic
corpus built with ``kg build --no-reason --no-check``) it starts a real ``kg serve`` on a
free loopback port, waits for its announcement, and then, for every named
query in turn, sends ``--requests`` requests for ``/queries/NAME`` (SPARQL
JSON results, or Turtle for a CONSTRUCT) from ``--clients`` concurrent clients, each with its own
keep-alive HTTP connection. One unmeasured request per query comes first.

Per query it prints the number of answers by status, the 50th, 95th and 99th
percentile of the latency (wall clock from sending the request to reading the
whole answer, ``time.perf_counter``) and the throughput (answered requests
divided by the wall-clock time of the whole batch). The clients run in this
process (threads) on the same machine as the server, so they take CPU from it:
the figures are a floor, not a ceiling.

Usage: ``python bench/load.py [--data LABEL=FILE]... [--no-real] [--clients 8] [--requests 200]
[--workers 2] [--json FILE] [--queries NAME,...]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.queries import params_for  # noqa: E402
from kg.querylib import NamedQuery, library  # noqa: E402

ANNOUNCEMENT = re.compile(r"listening on (http://\S+?)/? ")
#: SELECT/ASK answers as SPARQL JSON; CONSTRUCT/DESCRIBE (entity-card) as Turtle
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


@contextmanager
def server(data: Path | None, workers: int, extra: list[str], wait: float) -> Iterator[str]:
    """A running `kg serve` on a free loopback port; yields its base URL (no trailing slash)."""
    args = [sys.executable, "-m", "kg", "serve", "--port", "0", "--workers", str(workers), *extra]
    if data is not None:
        args += ["--data", str(data)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        deadline = time.monotonic() + wait
        url = None
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"kg serve did not announce its address within {wait:g} s") from None
            if line is None:
                err = proc.stderr.read() if proc.stderr else ""
                raise RuntimeError(f"kg serve exited with status {proc.wait()}: {err.strip()}")
            match = ANNOUNCEMENT.search(line)
            if match:
                url = match.group(1).rstrip("/")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def batch(url: str, path: str, clients: int, requests: int) -> tuple[list[float], Counter[int], float]:
    """Send `requests` GETs of path from `clients` threads; latencies (s), statuses, wall time (s)."""
    parts = urlsplit(url)
    todo: queue.Queue[int] = queue.Queue()
    for i in range(requests):
        todo.put(i)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        try:
            while True:
                try:
                    todo.get_nowait()
                except queue.Empty:
                    return
                start = time.perf_counter()
                conn.request("GET", path, headers={"Accept": ACCEPT})
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] += 1
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, by linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure(
    label: str, data: Path | None, synthetic: bool, queries: list[NamedQuery], args: argparse.Namespace
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    extra = ["--timeout", str(args.timeout), "--max-rows", str(args.max_rows)]
    with server(data, args.workers, extra, args.wait) as url:
        print(f"{label}: kg serve at {url}, {args.workers} workers; {args.clients} clients", file=sys.stderr)
        for q in queries:
            params = params_for(q, synthetic)
            path = f"/queries/{q.name}" + (f"?{urlencode(params)}" if params else "")
            batch(url, path, 1, 1)  # unmeasured: the first answer of a query
            latencies, statuses, wall = batch(url, path, args.clients, args.requests)
            ok = statuses.get(200, 0)
            row: dict[str, object] = {
                "dataset": label,
                "query": q.name,
                "requests": len(latencies),
                "ok": ok,
                "other": ", ".join(f"{s}x{n}" for s, n in sorted(statuses.items()) if s != 200) or "",
                "p50_ms": round(percentile(latencies, 50) * 1000, 1),
                "p95_ms": round(percentile(latencies, 95) * 1000, 1),
                "p99_ms": round(percentile(latencies, 99) * 1000, 1),
                "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
                "req_per_s": round(ok / wall, 1),
            }
            rows.append(row)
            print(
                f"  {q.name:<34} {row['p50_ms']:>9} {row['p95_ms']:>9} {row['p99_ms']:>9} ms "
                f"{row['req_per_s']:>8} req/s  {ok}/{len(latencies)} ok {row['other']}",
                file=sys.stderr,
                flush=True,
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", action="append", default=[], metavar="LABEL=FILE", help="a built dataset file")
    parser.add_argument("--no-real", action="store_true", help="skip the real corpus")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default: 8)")
    parser.add_argument("--requests", type=int, default=200, help="requests per query (default: 200)")
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers (default: 2)")
    parser.add_argument("--timeout", type=float, default=10.0, help="kg serve --timeout (default: 10)")
    parser.add_argument("--max-rows", type=int, default=10000, help="kg serve --max-rows (default: 10000)")
    parser.add_argument("--wait", type=float, default=1800.0, help="seconds to wait for the server to start")
    parser.add_argument("--queries", default="", help="comma-separated names (default: every named query)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args()
    if args.clients < 1 or args.requests < 1:
        parser.error("--clients and --requests must be at least 1")

    named = [q for q in library().values() if not q.is_check]
    if args.queries:
        wanted = set(args.queries.split(","))
        unknown = wanted - {q.name for q in named}
        if unknown:
            parser.error(f"unknown queries: {', '.join(sorted(unknown))}")
        named = [q for q in named if q.name in wanted]

    datasets: list[tuple[str, Path | None, bool]] = []
    if not args.no_real:
        datasets.append(("real corpus", None, False))
    for spec in args.data:
        label, sep, file = spec.partition("=")
        if not sep or not Path(file).is_file():
            parser.error(f"--data needs LABEL=FILE with an existing file, not '{spec}'")
        datasets.append((label, Path(file), True))
    if not datasets:
        parser.error("nothing to measure: give --data or leave out --no-real")

    os.environ.setdefault("KG_CACHE_DIR", tempfile.mkdtemp(prefix="kg-load-"))
    print(f"cache folder: {os.environ['KG_CACHE_DIR']}", file=sys.stderr)
    rows: list[dict[str, object]] = []
    for label, data, synthetic in datasets:
        rows += measure(label, data, synthetic, named, args)
    header = ("dataset", "query", "requests", "ok", "other", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "req_per_s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
