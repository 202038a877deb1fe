"""The build on triple stores: push time, and every named query and check timed there beside the embedded engine.

What it measures, for one built dataset (a synthetic corpus of ``--articles N`` built here with ``kg build
--no-check``, or a built file given with ``--data FILE``):

- *load*: the embedded engine's store made from the file (Oxigraph's bulk loader, as ``kg query --data``
  does the first time), wall seconds;
- *push*, per store: :func:`kg.stores.push.push` of the file into a private Oxigraph server and a private Virtuoso
  (each started in a temporary folder, on loopback ports, and removed after), i.e. what ``kg push`` does:
  read the file, PUT every graph over the Graph Store Protocol, then count each graph in the store. The
  table gives the wall time of the whole call, the part after reading the file (sending and the count
  check, which ``kg push`` reports) and the triples per second of that part, and whether the store's counts
  match the build's;
- *queries*, per named query and check: :func:`kg.sparql.querying.run` (the function ``kg query`` calls) on the
  embedded engine (:class:`kg.sparql.engine.OxigraphEngine` over the store made from the file) and on a
  :class:`kg.stores.endpoint.RemoteEngine` per store, the same text with the same parameters. Parameter values are
  chosen as ``bench/queries.py`` chooses them (its :data:`REQUIRED` and :func:`params_for`, imported): a
  query with parameter values runs once per value of ``--values`` different synthetic articles (the
  entities of article 0, 5, 10...; on the real corpus, the same values again), a listing (no parameter
  values) ``--repeat`` times; each of those ``--repeat`` times over. p50 and p95 (nearest rank) are over
  those runs. A run past a quarter of ``--timeout`` is not repeated (its p50 and p95 are that one run).

Times. For a store it is the *wall* time of the request as this process sees it (``time.perf_counter``):
the store does the work in another process, so this process's CPU time says nothing about it. It includes
the HTTP round trip on loopback, the store writing the answer and this process parsing it into rdflib terms.
For the embedded engine the table gives wall time too, so that the ratios compare like with like, and the
JSON has its CPU time (``time.process_time`` of the process that answers) beside it. The embedded engine
runs in a worker process of its own (``multiprocessing``, spawned once and again after a timeout), so that a
query past ``--timeout`` can be stopped: Oxigraph's evaluation cannot be interrupted from Python. A remote
query past ``--timeout`` is abandoned by the client (an httpx read timeout, through
:class:`kg.stores.http.Connection`'s ``answer_timeout``); Virtuoso is also sent ``timeout`` (milliseconds, its
endpoint's own per-query limit) so that it stops working on the query too; Oxigraph server is not told
(``oxigraph serve --timeout-s`` would, but the launcher does not pass it), and may go on evaluating an
abandoned query for a while, which can slow the next ones. Such a run is shown as ``> S s`` and the
benchmark goes on with the next query.

Rows. Each store's answer to the first run of a query is compared with the embedded engine's as a
multiset: SELECT rows as tuples of N-Triples terms (blank nodes made anonymous), ASK as its boolean,
CONSTRUCT and DESCRIBE as triples. ``=`` means equal; ``count`` means as many rows but other values (the
first differing row of each side is printed to standard error); ``N/M`` means a different number of rows
(the store's, the embedded engine's). A mismatch is reported, never hidden; a query is not retried on
another store when it fails.

The stores: the launchers of ``tests/stores.py`` (``oxigraph_server`` with the union default graph, as the
docs/stores.md runs it; ``virtuoso``, Debian's 7.2 with its row and time limits off, account ``dba``/``dba`` on
loopback only). That module lives in the tests folder; this script puts ``tests/`` at the front of
``sys.path`` to import it (as ``stores``; this file's own name, so ``tests/`` must come before ``bench/``).
Virtuoso's buffers: the package's file gives it 10,000 pages (80 MB), which a large build does not fit in;
``--virtuoso-buffers`` (default 340,000 pages, 2.6 GiB, the file's line for 4 GB of free memory) is written
into a copy of that file which the launcher then reads (``KG_VIRTUOSO_INI``); 0 keeps the package's.

Progress goes to standard error, the table to standard output, the figures to ``--json FILE``.

Usage::

    python bench/stores.py [--articles N | --data FILE] [--stores oxigraph,virtuoso] [--repeat R]
        [--values V] [--timeout S] [--json FILE] [--queries NAME,...] [--virtuoso-buffers PAGES]

For example ``python bench/stores.py --articles 50 --json /tmp/stores50.json`` (the corpus is written and
built in a temporary folder, removed at the end), or ``python bench/stores.py --data
/tmp/b5000/kerman-kg.nq --repeat 1 --values 3 --timeout 60`` on a build made before.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from kg.sparql.engine import Result, open_engine, store_path  # noqa: E402
from kg.sparql.querying import run  # noqa: E402
from kg.sparql.querylib import NamedQuery, library  # noqa: E402
from kg.stores.endpoint import RemoteEngine  # noqa: E402
from kg.stores.http import PASSWORD_VARIABLE, Connection, Credentials, StoreError  # noqa: E402
from kg.stores.push import ProgressLine, push  # noqa: E402
from queries import p95, params_for  # noqa: E402  (bench/queries.py)

STORES = ("oxigraph", "virtuoso")
#: Virtuoso's pages of 8 KB (NumberOfBuffers) unless --virtuoso-buffers says otherwise; dirty pages at 3/4
VIRTUOSO_BUFFERS = 340_000
#: a run longer than this share of the timeout is not repeated
ONCE_AFTER = 0.25


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def launchers(virtuoso_buffers: int, folder: Path) -> ModuleType:
    """``tests/stores.py`` (the stores' launchers), imported with ``tests/`` first on ``sys.path``; when
    ``virtuoso_buffers`` is set, it reads a copy of the package's virtuoso.ini with those buffers."""
    sys.path.insert(0, str(ROOT / "tests"))
    sys.modules.pop("stores", None)
    if virtuoso_buffers:
        template = Path(os.environ.get("KG_VIRTUOSO_INI", "/etc/virtuoso-opensource-7/virtuoso.ini"))
        if template.is_file():
            import importlib

            module = importlib.import_module("stores")
            text = module.configured(
                template.read_text(encoding="utf-8"),
                {
                    ("Parameters", "NumberOfBuffers"): str(virtuoso_buffers),
                    ("Parameters", "MaxDirtyBuffers"): str(virtuoso_buffers * 3 // 4),
                },
            )
            copy = folder / "virtuoso-template.ini"
            copy.write_text(text, encoding="utf-8")
            os.environ["KG_VIRTUOSO_INI"] = str(copy)
            sys.modules.pop("stores", None)
    import stores

    assert Path(stores.__file__).parent == ROOT / "tests", stores.__file__
    return stores


# ----------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Answer:
    """An answer reduced to what two engines can be compared on."""

    kind: str
    size: int
    digest: str
    #: the sorted canonical rows (kept for the first run, to show a difference)
    rows: tuple[str, ...] = ()


def _term(term: Any) -> str:
    if term is None:
        return "UNDEF"
    text = term.n3()
    return "_:b" if text.startswith("_:") else text


def answer_of(result: Result, keep: bool) -> Answer:
    """The answer as a multiset of canonical lines (blank nodes anonymous), its size and digest."""
    if result.kind == "ask":
        lines = [str(bool(result.boolean))]
    elif result.kind == "graph":
        lines = [" ".join(_term(t) for t in triple) for triple in (result.graph or [])]
    else:
        lines = ["\t".join(_term(t) for t in row) for row in result.rows]
    lines.sort()
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    size = len(lines) if result.kind != "ask" else int(bool(result.boolean))
    return Answer(result.kind, size, digest, tuple(lines) if keep else ())


def compared(mine: Answer | None, embedded: Answer | None) -> str:
    """``=``, ``count`` (as many rows, other values), ``N/M`` (store/embedded rows), or ``-`` (not both)."""
    if mine is None or embedded is None:
        return "-"
    if mine.digest == embedded.digest:
        return "="
    if mine.size == embedded.size:
        return "count"
    return f"{mine.size}/{embedded.size}"


def first_difference(mine: Answer, embedded: Answer) -> tuple[str | None, str | None]:
    """A line only the store gave and one only the embedded engine gave (None when there is none)."""
    a, b = set(mine.rows), set(embedded.rows)
    only_store = sorted(a - b)
    only_embedded = sorted(b - a)
    return (only_store[0] if only_store else None), (only_embedded[0] if only_embedded else None)


# ----------------------------------------------------------------------------- the engines


@dataclass
class Outcome:
    """One run: seconds, or why there are none."""

    wall: float | None = None
    cpu: float | None = None
    answer: Answer | None = None
    timeout: bool = False
    error: str | None = None


def _embedded_worker(data: str, cache: str, pipe: Pipe) -> None:
    """The embedded engine in its own process: runs (name, params) and answers with times and the answer."""
    os.environ["KG_CACHE_DIR"] = cache
    engine, _ = open_engine(Path(data))
    pipe.send("ready")
    while True:
        message = pipe.recv()
        if message is None:
            return
        name, params, keep = message
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            result, _ = run(engine, name, params)
        except Exception as error:  # reported as the run's outcome
            pipe.send(("error", f"{type(error).__name__}: {error}"))
            continue
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        pipe.send(("ok", wall, cpu, answer_of(result, keep)))


class Embedded:
    """The embedded engine, in a worker process that is replaced when a query outlives the timeout."""

    name = "embedded"

    def __init__(self, data: Path, cache: Path, timeout: float) -> None:
        self.data, self.cache, self.timeout = data, cache, timeout
        self.context = multiprocessing.get_context("spawn")
        self.process: Any = None
        self.pipe: Pipe | None = None
        self._start()

    def _start(self) -> None:
        mine, theirs = self.context.Pipe()
        self.process = self.context.Process(
            target=_embedded_worker, args=(str(self.data), str(self.cache), theirs), daemon=True
        )
        self.process.start()
        self.pipe = mine
        if not mine.poll(600) or mine.recv() != "ready":
            raise RuntimeError("the embedded engine's worker did not start")

    def _restart(self) -> None:
        self.process.kill()
        self.process.join()
        self._start()

    def run(self, name: str, params: dict[str, str], keep: bool) -> Outcome:
        assert self.pipe is not None
        self.pipe.send((name, params, keep))
        if not self.pipe.poll(self.timeout):
            self._restart()
            return Outcome(timeout=True)
        try:
            reply = self.pipe.recv()
        except EOFError:  # the worker died (out of memory, say): a new one for the next query
            code = self.process.exitcode
            self._restart()
            return Outcome(error=f"the embedded engine's worker stopped (exit code {code})")
        if reply[0] == "error":
            return Outcome(error=reply[1])
        return Outcome(wall=reply[1], cpu=reply[2], answer=reply[3])

    def close(self) -> None:
        if self.pipe is not None:
            with contextlib.suppress(OSError):
                self.pipe.send(None)
        if self.process is not None:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()


class Remote:
    """A store's query endpoint through :class:`kg.stores.endpoint.RemoteEngine`, with the timeout on each answer."""

    def __init__(self, name: str, endpoint: str, credentials: Credentials, timeout: float) -> None:
        self.name, self.timeout = name, timeout
        self.connection = Connection(credentials, answer_timeout=timeout)
        self.engine = RemoteEngine(self.connection, endpoint, union=True)

    def run(self, name: str, params: dict[str, str], keep: bool) -> Outcome:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            result, _ = run(self.engine, name, params)
        except StoreError as error:
            wall = time.perf_counter() - wall
            if error.status is None and wall >= self.timeout * 0.95:
                return Outcome(timeout=True)
            return Outcome(error=str(error))
        except Exception as error:  # reported as the run's outcome
            return Outcome(error=f"{type(error).__name__}: {error}")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        return Outcome(wall=wall, cpu=cpu, answer=answer_of(result, keep))

    def close(self) -> None:
        self.connection.close()


# ----------------------------------------------------------------------------- measuring


@dataclass
class Cell:
    """One query on one engine: its runs."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    first: Answer | None = None
    timeout: bool = False
    error: str | None = None

    def p50(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    def p95(self) -> float | None:
        return p95(self.walls) if self.walls else None

    def figures(self) -> dict[str, object]:
        out: dict[str, object] = {"runs": len(self.walls), "wall_s": [round(w, 4) for w in self.walls]}
        if self.cpus:
            out["cpu_s"] = [round(c, 4) for c in self.cpus]
        if self.walls:
            out["p50_s"] = round(self.p50() or 0.0, 4)
            out["p95_s"] = round(self.p95() or 0.0, 4)
        if self.first is not None:
            out["rows"] = self.first.size
        if self.timeout:
            out["timeout"] = True
        if self.error:
            out["error"] = self.error
        return out


def runs_of(query: NamedQuery, synthetic: bool, repeat: int, values: int) -> list[dict[str, str]]:
    """The parameters of each run: ``values`` synthetic articles' for a query with parameter values, none for
    a listing; the whole ``repeat`` times."""
    first = params_for(query, synthetic)
    if not first:
        return [first] * repeat
    each = [params_for(query, synthetic, 5 * i) if synthetic else first for i in range(values)]
    return each * repeat


def measure(
    key: str, engine: Embedded | Remote, runs: list[dict[str, str]], timeout: float
) -> tuple[Cell, list[Answer | None]]:
    """Every run of the query (its library key: ``checks/NAME`` for a check) on the engine, stopping at a
    timeout or an error, or after one long run."""
    cell = Cell()
    answers: list[Answer | None] = []
    for index, params in enumerate(runs):
        outcome = engine.run(key, params, keep=index == 0)
        if outcome.timeout:
            cell.timeout = True
            break
        if outcome.error is not None:
            cell.error = outcome.error
            break
        assert outcome.wall is not None
        cell.walls.append(outcome.wall)
        if outcome.cpu is not None and isinstance(engine, Embedded):
            cell.cpus.append(outcome.cpu)
        answers.append(outcome.answer)
        if index == 0:
            cell.first = outcome.answer
        if outcome.wall > timeout * ONCE_AFTER:
            break
    return cell, answers


def synthetic_dataset(engine: Embedded) -> bool:
    """Whether the dataset is a synthetic corpus (article 0's copy of the main attack is there)."""
    outcome = engine.run("entity-card", {"entity": "kgd:s00000-kerman-bombings"}, keep=False)
    return outcome.answer is not None and outcome.answer.size > 0


# ----------------------------------------------------------------------------- pushing


def pushed_into(name: str, url: str, data: Path, user: str | None) -> dict[str, object]:
    """Push the file into the store with :func:`kg.stores.push.push`; its figures (and mismatches, if any)."""
    log(f"push into {name}: {url}")
    started = time.perf_counter()
    pushed = push(url, data=data, user=user, progress=ProgressLine())
    total = time.perf_counter() - started
    figures: dict[str, object] = {
        "store": name,
        "triples": pushed.triples,
        "graphs": len(pushed.graphs),
        "wall_s": round(total, 2),
        "send_and_count_s": round(pushed.seconds, 2),
        "triples_per_s": round(pushed.triples / pushed.seconds) if pushed.seconds > 0 else None,
        "counts_match": not pushed.mismatches,
    }
    if pushed.mismatches:
        figures["mismatches"] = [{"graph": m.graph, "store": m.store, "build": m.build} for m in pushed.mismatches[:20]]
        log(f"push into {name}: the store's counts differ from the build's in {len(pushed.mismatches)} graph(s)")
    log(
        f"push into {name}: {pushed.triples:,} triples in {len(pushed.graphs):,} graphs, {total:.1f} s wall "
        f"({pushed.seconds:.1f} s sending and counting, {figures['triples_per_s']} triples/s)"
    )
    return figures


@contextlib.contextmanager
def password(secret: str) -> Iterator[None]:
    """``KG_STORE_PASSWORD`` set for the block (the private Virtuoso's loopback account), then as before."""
    before = os.environ.get(PASSWORD_VARIABLE)
    os.environ[PASSWORD_VARIABLE] = secret
    try:
        yield
    finally:
        if before is None:
            del os.environ[PASSWORD_VARIABLE]
        else:
            os.environ[PASSWORD_VARIABLE] = before


# ----------------------------------------------------------------------------- the table


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def pair(cell: Cell, timeout: float) -> str:
    if cell.timeout and not cell.walls:
        return f"> {timeout:g} s"
    if cell.error and not cell.walls:
        return "error"
    text = f"{seconds(cell.p50())} / {seconds(cell.p95())}"
    return text + (" (then > limit)" if cell.timeout else "")


def ratio(store: Cell, embedded: Cell) -> str:
    a, b = store.p50(), embedded.p50()
    if a is None or b is None or b <= 0:
        return "-"
    return f"{a / b:.1f}"


def table(rows: list[dict[str, Any]], names: list[str], timeout: float) -> list[str]:
    """The Markdown table: query, embedded p50/p95 (wall; CPU p50), each store's p50/p95 and ratio, rows."""
    head = ["query", "rows", "embedded p50 / p95 s", "embedded CPU p50 s"]
    for name in names:
        head += [f"{name} p50 / p95 s", f"{name} ratio"]
    head.append("rows equal (" + ", ".join(names) + ")")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        embedded: Cell = row["cells"]["embedded"]
        cpu = statistics.median(embedded.cpus) if embedded.cpus else None
        rows_text = str(embedded.first.size) if embedded.first is not None else "-"
        cells = [row["query"], rows_text, pair(embedded, timeout), seconds(cpu)]
        for name in names:
            cells += [pair(row["cells"][name], timeout), ratio(row["cells"][name], embedded)]
        cells.append(", ".join(row["equal"][name] for name in names))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def summary(rows: list[dict[str, Any]], names: list[str], timeout: float) -> list[str]:
    """Per store: the sum of p50s over the queries every engine answered, the median ratio, timeouts,
    errors and mismatches."""
    engines = ["embedded", *names]
    answered = [r for r in rows if all(r["cells"][e].walls for e in engines)]
    lines = [f"queries answered by every engine: {len(answered)} of {len(rows)}"]
    for engine in engines:
        total = sum(r["cells"][engine].p50() or 0.0 for r in answered)
        timeouts = [r["query"] for r in rows if r["cells"][engine].timeout]
        errors = [r["query"] for r in rows if r["cells"][engine].error]
        text = f"{engine}: sum of p50 {total:.2f} s"
        if engine != "embedded":
            ratios = [
                (r["cells"][engine].p50() or 0.0) / (r["cells"]["embedded"].p50() or 1e-9)
                for r in answered
                if (r["cells"]["embedded"].p50() or 0.0) > 0
            ]
            if ratios:
                text += f", median ratio to embedded {statistics.median(ratios):.1f}"
            unequal = [
                f"{r['query']} (first run {r['equal'][engine]}; {r['differing'][engine][0]} of "
                f"{r['differing'][engine][1]} runs differ)"
                for r in rows
                if r["equal"][engine] not in ("=", "-") or r["differing"][engine][0]
            ]
            text += f"; rows differ: {', '.join(unequal) if unequal else 'none'}"
        text += f"; past {timeout:g} s: {', '.join(timeouts) if timeouts else 'none'}"
        if errors:
            text += f"; errors: {', '.join(errors)}"
        lines.append(text)
    return lines


# ----------------------------------------------------------------------------- main


def build_corpus(articles: int, folder: Path) -> Path:
    """Write a synthetic corpus of that many articles and build it (``kg build --no-check``); its N-Quads."""
    corpus, out = folder / "corpus", folder / "build"
    log(f"writing a synthetic corpus of {articles} articles and building it (kg build --no-check)")
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(articles), str(corpus)], check=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--no-check", "--corpus", str(corpus), "--out", str(out)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    log(f"built in {time.perf_counter() - started:.1f} s")
    return out / "kerman-kg.nq"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--articles", type=int, default=None, help="build a synthetic corpus of N articles (50)")
    source.add_argument("--data", type=Path, default=None, help="a built file (N-Quads, TriG) instead")
    parser.add_argument("--stores", default=",".join(STORES), help="the stores, comma-separated (default: both)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each listing, and of each parameter value")
    parser.add_argument("--values", type=int, default=8, help="parameter values per query that takes them (p95)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a query may take (default: 120)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("--queries", default="", metavar="NAME,...", help="only these named queries and checks")
    parser.add_argument(
        "--virtuoso-buffers",
        type=int,
        default=VIRTUOSO_BUFFERS,
        help=f"Virtuoso's NumberOfBuffers, pages of 8 KB (default {VIRTUOSO_BUFFERS:,}; 0: the package's)",
    )
    args = parser.parse_args()
    names = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = sorted(set(names) - set(STORES))
    if unknown:
        parser.error(f"unknown store(s) {', '.join(unknown)}; known: {', '.join(STORES)}")
    only = {n.strip() for n in args.queries.split(",") if n.strip()}
    queries = sorted((k, q) for k, q in library().items() if not only or k in only or q.name in only)
    missing = only - {k for k, _ in queries} - {q.name for _, q in queries}
    if missing:
        parser.error(f"no named query or check called {', '.join(sorted(missing))}")

    arguments = {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()}
    report: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "arguments": arguments}
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-bench-stores-")))
        data = args.data if args.data is not None else build_corpus(args.articles or 50, folder)
        report["data"] = str(data)
        tests_stores = launchers(args.virtuoso_buffers if "virtuoso" in names else 0, folder)

        # the embedded engine's store, made from the file in a private cache folder
        cache = folder / "cache"
        os.environ["KG_CACHE_DIR"] = str(cache)
        started = time.perf_counter()
        store_path(data)
        report["load_s"] = round(time.perf_counter() - started, 2)
        log(f"embedded: the file loaded into a new store in {report['load_s']} s")
        embedded = Embedded(data, cache, args.timeout)
        stack.callback(embedded.close)
        synthetic = synthetic_dataset(embedded)
        report["synthetic"] = synthetic

        engines: dict[str, Embedded | Remote] = {"embedded": embedded}
        report["push"] = []
        for name in names:
            try:
                with contextlib.ExitStack() as attempt:  # the store stops at once when its push fails
                    if name == "oxigraph":
                        server = attempt.enter_context(tests_stores.oxigraph_server(folder / "oxigraph", union=True))
                        report["push"].append(pushed_into(name, server.store, data, None))
                        engines[name] = Remote(name, server.query, Credentials(), args.timeout)
                    else:
                        virtuoso = attempt.enter_context(tests_stores.virtuoso(folder / "virtuoso"))
                        user, secret = tests_stores.DBA
                        with password(secret):
                            report["push"].append(pushed_into(name, virtuoso.graph_store, data, user))
                        # Virtuoso's own per-query limit, in milliseconds, a little past the client's
                        endpoint = f"{virtuoso.sparql}?timeout={int(args.timeout * 1000) + 1000}"
                        engines[name] = Remote(name, endpoint, Credentials(user, secret), args.timeout)
                    stack.enter_context(attempt.pop_all())  # running until the queries are done
            except (StoreError, tests_stores.StoreFailed, tests_stores.StoreMissing) as error:
                report["push"].append({"store": name, "error": str(error)})
                log(f"{name}: left out of the queries: {error}")
                continue
            stack.callback(engines[name].close)
        names = [name for name in names if name in engines]

        rows: list[dict[str, Any]] = []
        for key, query in queries:
            runs = runs_of(query, synthetic, args.repeat, args.values)
            row: dict[str, Any] = {"query": key, "check": query.is_check, "cells": {}, "equal": {}, "differing": {}}
            answers: dict[str, list[Answer | None]] = {}
            for name, engine in engines.items():
                cell, answers[name] = measure(key, engine, runs, args.timeout)
                row["cells"][name] = cell
                log(
                    f"{key:<42} {name:<9} {pair(cell, args.timeout):<22} "
                    f"{len(cell.walls)} run(s){'; ' + cell.error if cell.error else ''}"
                )
            embedded_first = row["cells"]["embedded"].first
            for name in names:
                mine = row["cells"][name].first
                row["equal"][name] = compared(mine, embedded_first)
                pairs = list(zip(answers[name], answers["embedded"], strict=False))  # the same parameters, run by run
                row["differing"][name] = [sum(compared(a, b) not in ("=", "-") for a, b in pairs), len(pairs)]
                if mine is not None and embedded_first is not None and row["equal"][name] != "=":
                    store_only, embedded_only = first_difference(mine, embedded_first)
                    log(f"  {name} differs: {mine.size} rows against {embedded_first.size}")
                    log(f"    only in {name}: {store_only}")
                    log(f"    only embedded: {embedded_only}")
            rows.append(row)

    report["queries"] = [
        {
            "query": r["query"],
            "check": r["check"],
            "params": runs_of(query, bool(report["synthetic"]), 1, args.values),
            "equal": r["equal"],
            "runs_differing": r["differing"],
            **{name: cell.figures() for name, cell in r["cells"].items()},
        }
        for r, (_, query) in zip(rows, queries, strict=True)
    ]
    print(f"dataset: {report['data']}; embedded load {report['load_s']} s")
    for p in report["push"]:
        if "error" in p:
            print(f"push into {p['store']}: failed: {p['error']}")
            continue
        print(
            f"push into {p['store']}: {p['triples']:,} triples, {p['graphs']:,} graphs: {p['wall_s']} s wall, "
            f"{p['send_and_count_s']} s sending and counting ({p['triples_per_s']} triples/s); "
            f"counts {'match' if p['counts_match'] else 'DIFFER'}"
        )
    print()
    print("\n".join(table(rows, names, args.timeout)))
    print()
    report["summary"] = summary(rows, names, args.timeout)
    print("\n".join(report["summary"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
