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

``--starvation`` measures something else: whether cheap requests keep
answering while heavy queries run (issue 14). On one server (the real corpus),
two cheap clients, each one request at a time on its own keep-alive
connection, send for ``--seconds`` a cheap ASK (``/sparql``) and fetch a
resource page (``/page/kerman-bombings``), first on the idle server (the
reference) and then while ``--heavy-clients`` clients (16) send heavy queries
nonstop (:data:`HEAVY_QUERIES`, each client going round them from a different
one; a client sends its next query as soon as it has an answer, whatever the
status). It prints, per phase and kind of request, the answers by status and
the 50th, 95th and 99th percentile and the largest latency, the heavy
requests' statuses, how many jobs the fast lane stopped, and the processor
time the server process and its workers used in the phase (``/proc``: the
server's own time, its live descendants' time (the fork server and the
workers), and the time of those already reaped, which Linux adds to their
parent's). ``--server-args`` passes options to ``kg serve`` (for example
``"--fast-workers 0 --client-heavy 2"`` for a server without a fast lane).

Usage: ``python bench/load.py --starvation [--seconds 30] [--heavy-clients 16] [--server-args "..."]``

``--dossier`` measures the work of an attack's page on the server (issue 17): in this process, on the
store of a build of the real corpus (built into a temporary folder, or ``--build DIR``) opened read-only
as a query worker opens it (:class:`kg.web.workers.executor.Executor`), it runs ``--requests`` times (after one
unmeasured run) the dossier alone (:func:`kg.web.dossier.gather.gather` and
:func:`kg.web.dossier.page.dossier_section`),
the whole page job of the attack (``/page/kerman-bombings``: the dossier and the table of triples), and,
as the reference, the page job of an entity without a dossier (``/page/islamic-state``). It prints the
median and the 95th percentile of the processor time (``time.process_time``: this process, all its
threads) and of the wall-clock time of each, in milliseconds.

Usage: ``python bench/load.py --dossier [--requests 50] [--build DIR]``
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
from kg.sparql.querylib import NamedQuery, library  # noqa: E402

ANNOUNCEMENT = re.compile(r"listening on (http://\S+?)/? ")
#: SELECT/ASK answers as SPARQL JSON; CONSTRUCT/DESCRIBE (entity-card) as Turtle
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


@contextmanager
def server(data: Path | None, workers: int, extra: list[str], wait: float) -> Iterator[tuple[str, int]]:
    """A running `kg serve` on a free loopback port; yields its base URL (no trailing slash) and its pid."""
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
        yield url, proc.pid
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
    with server(data, args.workers, extra, args.wait) as (url, _):
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


#: the heavy queries of the starvation scenario: each counts or sorts a product of the whole graph
HEAVY_QUERIES = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?a != ?g) }",
    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(?c) ?f LIMIT 5",
)
CHEAP_ASK = "ASK { kgd:kerman-bombings a kgo:Attack }"
CHEAP_PAGE = "/page/kerman-bombings"


def cpu_seconds(pid: int) -> tuple[float, float]:
    """Processor time (user + system, seconds) of the process, and of all its descendants: the live ones
    (the fork server and the workers it forked) and those already reaped (which Linux adds to the parent's
    children's time)."""
    tick = os.sysconf("SC_CLK_TCK")

    def times(p: int) -> tuple[float, float, list[int]]:
        with open(f"/proc/{p}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        try:
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as listing:
                children = [int(c) for c in listing.read().split()]
        except OSError:
            children = []
        return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick, children

    own, reaped, pending = times(pid)
    descendants = reaped
    while pending:
        child = pending.pop()
        try:
            used, reaped, grandchildren = times(child)
        except OSError:  # ended meanwhile
            continue
        descendants += used + reaped
        pending += grandchildren
    return own, descendants


def cheap_client(url: str, kind: str, stop: threading.Event, out: list[tuple[str, float, int]]) -> None:
    """Send one cheap request after another until stop is set; record (kind, seconds, status)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    body = urlencode({"query": CHEAP_ASK})
    try:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                if kind == "ask":
                    conn.request(
                        "POST",
                        "/sparql",
                        body=body,
                        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
                    )
                else:
                    conn.request("GET", CHEAP_PAGE, headers={"Accept": "text/html"})
                response = conn.getresponse()
                response.read()
                status = response.status
                again = response.getheader("connection", "").lower() == "close"
            except (OSError, http.client.HTTPException):
                status, again = 0, True
            out.append((kind, time.perf_counter() - start, status))
            if again:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    finally:
        conn.close()


def heavy_client(url: str, first: int, stop: threading.Event, statuses: Counter[str], lock: threading.Lock) -> None:
    """Send heavy queries nonstop (going round HEAVY_QUERIES from `first`) until stop is set; count the
    answers by status, a 503 by its reason (the time limit, or no worker or client slot free in time)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    turn = first
    try:
        while not stop.is_set():
            query = HEAVY_QUERIES[turn % len(HEAVY_QUERIES)]
            turn += 1
            try:
                conn.request(
                    "POST",
                    "/sparql",
                    body=urlencode({"query": query}),
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
                )
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                status = str(response.status)
                if response.status == 503:
                    status += " time limit" if "time limit" in text else " busy"
                again = response.getheader("connection", "").lower() == "close"
            except (OSError, http.client.HTTPException):
                status, again = "no answer", True
            with lock:
                statuses[status] += 1
            if again:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    finally:
        conn.close()


def fast_lane_stops(url: str) -> int | None:
    """How many jobs the server has stopped in its fast lane so far (None when it has no lanes)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("GET", "/status")
        lanes = json.loads(conn.getresponse().read())["workers"].get("lanes", {})
    finally:
        conn.close()
    return lanes["fast"]["stopped"] if "fast" in lanes else None


def starvation_phase(url: str, pid: int, seconds: float, heavy_clients: int) -> dict[str, object]:
    """Cheap requests for `seconds`, with `heavy_clients` clients sending heavy queries meanwhile."""
    stop = threading.Event()
    samples: list[tuple[str, float, int]] = []
    heavy: Counter[str] = Counter()
    lock = threading.Lock()
    threads = [threading.Thread(target=heavy_client, args=(url, i, stop, heavy, lock)) for i in range(heavy_clients)]
    threads += [threading.Thread(target=cheap_client, args=(url, kind, stop, samples)) for kind in ("ask", "page")]
    stops_before = fast_lane_stops(url)
    cpu_before = cpu_seconds(pid)
    wall = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    cpu_after = cpu_seconds(pid)
    stops = fast_lane_stops(url)
    phase: dict[str, object] = {
        "heavy_clients": heavy_clients,
        "wall_s": round(wall, 1),
        "server_cpu_s": round(cpu_after[0] - cpu_before[0], 1),
        "workers_cpu_s": round(cpu_after[1] - cpu_before[1], 1),
        "heavy": dict(sorted(heavy.items())),
        "fast_lane_stops": None if stops is None or stops_before is None else stops - stops_before,
    }
    for kind in ("ask", "page"):
        latencies = [latency for k, latency, _ in samples if k == kind]
        statuses = Counter(status for k, _, status in samples if k == kind)
        phase[kind] = {
            "requests": len(latencies),
            "statuses": dict(sorted(statuses.items())),
            "p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "p95_ms": round(percentile(latencies, 95) * 1000, 1),
            "p99_ms": round(percentile(latencies, 99) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1),
        }
    return phase


def starvation(args: argparse.Namespace) -> list[dict[str, object]]:
    """The reference phase on the idle server, then the same cheap requests under heavy load."""
    extra = args.server_args.split()
    phases = []
    with server(None, args.workers, extra, args.wait) as (url, pid):
        print(f"kg serve at {url} (pid {pid}), --workers {args.workers} {' '.join(extra)}", file=sys.stderr)
        for heavy_clients in (0, args.heavy_clients):
            phase = starvation_phase(url, pid, args.seconds, heavy_clients)
            phases.append(phase)
            print(json.dumps(phase), file=sys.stderr, flush=True)
    print("| heavy clients | request | requests | statuses | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for phase in phases:
        for kind, label in (("ask", "cheap ASK"), ("page", CHEAP_PAGE)):
            row = phase[kind]
            assert isinstance(row, dict)
            statuses = ", ".join(f"{s}x{n}" for s, n in row["statuses"].items())
            print(
                f"| {phase['heavy_clients']} | {label} | {row['requests']} | {statuses} | {row['p50_ms']} | "
                f"{row['p95_ms']} | {row['p99_ms']} | {row['max_ms']} |"
            )
    print()
    print(
        "| heavy clients | wall s | heavy answers by status | stopped in the fast lane | server CPU s | workers CPU s |"
    )
    print("|---|---|---|---|---|---|")
    for phase in phases:
        heavy = phase["heavy"]
        assert isinstance(heavy, dict)
        by_status = ", ".join(f"{s}x{n}" for s, n in heavy.items()) or "-"
        print(
            f"| {phase['heavy_clients']} | {phase['wall_s']} | {by_status} | {phase['fast_lane_stops']} | "
            f"{phase['server_cpu_s']} | {phase['workers_cpu_s']} |"
        )
    return phases


def dossier_timing(runs: int, build: Path | None) -> list[dict[str, object]]:
    """The processor and wall-clock time of an attack's dossier and pages, in a worker's setting (see above)."""
    from kg.cli import main as kg_main
    from kg.web.dossier import gather as dossier
    from kg.web.dossier import page as dossierpage
    from kg.web.workers.executor import Executor
    from kg.web.workers.jobs import Limits, ResourceJob

    if build is None:
        build = Path(tempfile.mkdtemp(prefix="kg-dossier-")) / "build"
        if kg_main(["build", "--out", str(build)]) != 0:
            raise SystemExit("bench/load.py: the real corpus did not build")
    executor = Executor(str(build / "store"), Limits(timeout=10.0, memory_mb=4096, max_rows=10000))
    attack = "https://w3id.org/kerman-kg/id/kerman-bombings"
    cases = {
        "dossier alone (gather + render)": lambda: dossierpage.dossier_section(dossier.gather(executor.engine, attack)),
        "attack page job (dossier + triples)": lambda: executor.resource(ResourceJob(attack, "page")),
        "reference: page job without a dossier (islamic-state)": lambda: executor.resource(
            ResourceJob("https://w3id.org/kerman-kg/id/islamic-state", "page")
        ),
    }
    results: list[dict[str, object]] = []
    for label, work in cases.items():
        work()  # unmeasured: labels cached, the store's pages read
        cpu: list[float] = []
        wall: list[float] = []
        for _ in range(runs):
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            work()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started_wall) * 1000)
        results.append(
            {
                "case": label,
                "runs": runs,
                "cpu_p50_ms": round(statistics.median(cpu), 1),
                "cpu_p95_ms": round(percentile(cpu, 95), 1),
                "wall_p50_ms": round(statistics.median(wall), 1),
                "wall_p95_ms": round(percentile(wall, 95), 1),
            }
        )
    return results


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
    parser.add_argument("--starvation", action="store_true", help="the starvation scenario instead (see above)")
    parser.add_argument("--seconds", type=float, default=30.0, help="--starvation: seconds per phase (default: 30)")
    parser.add_argument("--heavy-clients", type=int, default=16, help="--starvation: heavy clients (default: 16)")
    parser.add_argument("--server-args", default="", help="--starvation: more options for kg serve, in one string")
    parser.add_argument("--dossier", action="store_true", help="time an attack's dossier instead (see above)")
    parser.add_argument("--build", type=Path, default=None, help="--dossier: a build folder (default: build one)")
    args = parser.parse_args()
    if args.dossier:
        os.environ.setdefault("KG_CACHE_DIR", tempfile.mkdtemp(prefix="kg-load-"))
        timings = dossier_timing(args.requests, args.build)
        header = ("case", "runs", "cpu_p50_ms", "cpu_p95_ms", "wall_p50_ms", "wall_p95_ms")
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in timings:
            print("| " + " | ".join(str(row[h]) for h in header) + " |")
        if args.json:
            args.json.write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
        return
    if args.starvation:
        os.environ.setdefault("KG_CACHE_DIR", tempfile.mkdtemp(prefix="kg-load-"))
        phases = starvation(args)
        if args.json:
            args.json.write_text(json.dumps(phases, indent=2) + "\n", encoding="utf-8")
        return
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
