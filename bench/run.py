"""Time building, reasoning and validating on the real corpus and on synthetic corpora.

For the real corpus and for synthetic corpora of each size (``--sizes``, made
by ``bench/synthetic.py`` in a temporary folder), every step (``--steps``)
runs in a fresh Python subprocess, so that its peak memory is its own:

- ``build``: :func:`kg.pipeline.build.build_dataset` plus writing TriG and N-Quads with
  :mod:`kg.rdf.rdfio` to a temporary folder;
- ``reason``: ``kg.pipeline.reasoning.infer(dataset)`` (the OWL 2 RL rules the ontology
  calls for, run to a fixpoint), whose ``.graph`` holds the inferred triples kept;
- ``reason-owlrl``: ``kg.pipeline.reasoning.infer_owlrl(dataset)``, the same with owlrl:
  the reference the ``reason`` row is read against (the note says whether both
  kept the same triples);
- ``validate``: ``kg.pipeline.validation.validate(dataset)`` (the SHACL shapes, on
  pyshacl-turbo or pySHACL, and the quality checks on Oxigraph, over what was
  asserted) on the dataset with its inferences (``kg.pipeline.reasoning.with_inferences``,
  not timed; validation leaves the inferred graph out); its report's
  ``conforms`` and number of violations are shown.

For reason and validate the subprocess first builds its input (not timed).
Each row gives the triples going into the step and coming out of it, the wall
time of the step (``time.perf_counter``), the subprocess's peak resident
memory (``ru_maxrss``, which includes building the input) and its resident
memory when the timed part started. A step that runs longer than
``--timeout`` seconds is stopped and reported as a timeout; a step whose
module does not exist yet is reported as unavailable. After the table, a
growth analysis compares seconds per article between sizes.

Usage: ``python bench/run.py [--sizes 5,500,5000] [--steps build,reason,validate]
[--timeout 1800] [--json FILE]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import importlib
import json
import math
import os
import platform
import resource
import selectors
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

STEPS = ("build", "reason", "reason-owlrl", "validate")
SYNTHETIC = Path(__file__).resolve().parent / "synthetic.py"
#: Seconds per article may grow by this factor between two sizes before a step is called superlinear.
SUPERLINEAR = 1.5
CHILD = "_child"


@dataclass
class Result:
    """One step on one corpus."""

    corpus: str
    articles: int
    step: str
    status: str  # ok, timeout, unavailable, error, skipped
    seconds: float | None = None
    triples_in: int | None = None
    triples_out: int | None = None
    peak_mib: float | None = None
    start_mib: float | None = None
    limit: float | None = None  # the timeout, when the step was stopped
    note: str = ""


# ------------------------------------------------------------ in the subprocess


class Unavailable(Exception):
    """The module or function a step needs does not exist (yet)."""


def _function(module: str, name: str) -> Callable[..., Any]:
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise Unavailable(f"{module} does not exist") from exc
    if not hasattr(found, name):
        raise Unavailable(f"{module} has no {name}()")
    return getattr(found, name)  # type: ignore[no-any-return]


def _rss_mib() -> float:
    """Current resident memory of this process (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def _triples(dataset: Any) -> int:
    return sum(len(graph) for graph in dataset.graphs())


def _built(corpus: Path) -> Any:
    from kg.pipeline.build import build_dataset

    return build_dataset(corpus).dataset


class Protocol:
    """What the subprocess tells the parent: 'ready' when the timed part starts, then the result."""

    def __init__(self) -> None:
        self.out: TextIO = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)  # anything the libraries print goes to stderr
        self.start_mib = math.nan

    def ready(self) -> None:
        self.start_mib = _rss_mib()
        self.out.write("ready\n")
        self.out.flush()

    def result(self, fields: dict[str, Any]) -> None:
        fields["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        fields["start_mib"] = self.start_mib
        self.out.write(json.dumps(fields) + "\n")
        self.out.flush()


def _build_step(corpus: Path, protocol: Protocol) -> dict[str, Any]:
    from kg.pipeline.build import build_dataset
    from kg.rdf import rdfio

    protocol.ready()
    start = time.perf_counter()
    dataset = build_dataset(corpus).dataset
    built = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kerman-bench-out-") as out:
        rdfio.write_outputs(Path(out), {rdfio.TRIG: rdfio.to_trig(dataset), rdfio.NQUADS: rdfio.to_nquads(dataset)})
    end = time.perf_counter()
    return {
        "seconds": end - start,
        "triples_out": _triples(dataset),
        "note": f"build_dataset {built - start:.1f} s, TriG+N-Quads {end - built:.1f} s",
    }


def _reason_step(corpus: Path, protocol: Protocol) -> dict[str, Any]:
    infer = _function("kg.pipeline.reasoning", "infer")
    dataset = _built(corpus)
    triples_in = _triples(dataset)
    protocol.ready()
    start = time.perf_counter()
    inference = infer(dataset)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "triples_in": triples_in,
        "triples_out": len(inference.graph),
        "note": f"derived {inference.derived:,} triples before filtering",
    }


def _reason_owlrl_step(corpus: Path, protocol: Protocol) -> dict[str, Any]:
    infer_owlrl = _function("kg.pipeline.reasoning", "infer_owlrl")
    infer = _function("kg.pipeline.reasoning", "infer")
    dataset = _built(corpus)
    triples_in = _triples(dataset)
    protocol.ready()
    start = time.perf_counter()
    inference = infer_owlrl(dataset)
    seconds = time.perf_counter() - start
    same = set(inference.graph) == set(infer(dataset).graph)
    return {
        "seconds": seconds,
        "triples_in": triples_in,
        "triples_out": len(inference.graph),
        "note": f"owlrl derived {inference.derived:,} triples before filtering; "
        + ("the same kept triples as reason" if same else "NOT the same kept triples as reason"),
    }


def _validate_step(corpus: Path, protocol: Protocol) -> dict[str, Any]:
    validate = _function("kg.pipeline.validation", "validate")
    with_inferences = _function("kg.pipeline.reasoning", "with_inferences")
    dataset, _ = with_inferences(_built(corpus))
    triples_in = _triples(dataset)
    protocol.ready()
    start = time.perf_counter()
    report = validate(dataset)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "triples_in": triples_in,
        "note": f"conforms={report.conforms}, {len(report.violations)} violation(s), "
        f"validated view {report.triples:,} triples",
    }


def _error_note(exc: Exception, max_mib: int) -> str:
    if isinstance(exc, MemoryError) or (isinstance(exc, OSError) and exc.errno == errno.ENOMEM):
        return f"out of memory (limit {max_mib} MiB)"
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {message}"[:300]


CHILD_STEPS: dict[str, Callable[[Path, Protocol], dict[str, Any]]] = {
    "build": _build_step,
    "reason": _reason_step,
    "reason-owlrl": _reason_owlrl_step,
    "validate": _validate_step,
}


def child(step: str, corpus: Path, max_mib: int) -> int:
    """Run one step in this (fresh) process, its address space capped at max_mib, and report it to the parent."""
    warnings.simplefilter("ignore")
    resource.setrlimit(resource.RLIMIT_AS, (max_mib * 1024 * 1024, max_mib * 1024 * 1024))
    protocol = Protocol()
    try:
        fields = {"status": "ok", **CHILD_STEPS[step](corpus, protocol)}
    except Unavailable as exc:
        fields = {"status": "unavailable", "note": str(exc)}
    except Exception as exc:  # a failing step is a result, not a crash of the benchmark
        fields = {"status": "error", "note": _error_note(exc, max_mib)}
    protocol.result(fields)
    return 0


# ------------------------------------------------------------------ the parent


class Lines:
    """Lines from a subprocess's pipe, each awaited until a deadline."""

    def __init__(self, stream: Any) -> None:
        self.fd = stream.fileno()
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.fd, selectors.EVENT_READ)

    def next(self, deadline: float) -> str | None:
        """The next line; None at end of file; TimeoutError when the deadline passes."""
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.selector.select(remaining):
                raise TimeoutError
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8")


@dataclass(frozen=True)
class Sandbox:
    """How long a step may run (seconds), how much memory it may take (MiB), where its temporary files go."""

    seconds: float
    mib: int
    tmpdir: Path


def run_step(step: str, corpus: Path, name: str, articles: int, sandbox: Sandbox) -> Result:
    """Run one step in a fresh subprocess, stopping it after the time limit."""
    timeout = sandbox.seconds
    result = Result(name, articles, step, "error")
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-B", __file__, CHILD, step, str(corpus), str(sandbox.mib)],
            env={**os.environ, "TMPDIR": str(sandbox.tmpdir)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        lines = Lines(proc.stdout)
        phase = "while building its input" if step != "build" else "while starting"
        try:
            line = lines.next(time.monotonic() + timeout)
            if line == "ready":
                phase = ""
                line = lines.next(time.monotonic() + timeout)
        except TimeoutError:
            proc.kill()
            proc.wait()
            result.status = "timeout"
            result.limit = timeout
            result.note = f"timeout after {timeout:g} s {phase}".strip()
            return result
        proc.wait()
        if line is None:
            stderr.seek(0)
            tail = stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:]
            result.note = f"the subprocess died (exit {proc.returncode}): {' '.join(tail)}"
            return result
    fields = json.loads(line)
    for key, value in fields.items():
        setattr(result, key, value)
    return result


def generate(n: int, workdir: Path) -> Path:
    """Write a synthetic corpus of n articles into workdir."""
    out = workdir / f"synthetic-{n}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-B", str(SYNTHETIC), str(n), str(out)], check=True, stdout=subprocess.DEVNULL)
    print(f"generated {out.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return out


def real_corpus() -> Path:
    from kg import resources

    return resources.corpus_dir()


def run_corpus(name: str, corpus: Path, steps: list[str], sandbox: Sandbox) -> list[Result]:
    """Every step on one corpus; reason and validate are skipped when its build failed or timed out."""
    articles = len(list((corpus / "articles").glob("*.txt")))
    results: list[Result] = []
    for step in steps:
        failed_build = next((r for r in results if r.step == "build" and r.status in ("timeout", "error")), None)
        if failed_build is not None:
            results.append(Result(name, articles, step, "skipped", note=f"build: {failed_build.note}"))
        else:
            results.append(run_step(step, corpus, name, articles, sandbox))
        print(f"  {name} {step}: {describe(results[-1])}", flush=True)
    return results


# ------------------------------------------------------------------- reporting


def describe(result: Result) -> str:
    if result.status == "ok" and result.seconds is not None:
        return f"{result.seconds:.2f} s"
    if result.status == "timeout":
        return result.note
    return f"{result.status}: {result.note}" if result.note else result.status


def _number(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def table(results: list[Result]) -> str:
    """The figures as a Markdown table."""
    head = "| corpus | articles | step | triples in | triples out | seconds | peak MiB | MiB at start | note |"
    lines = [head, "|" + " --- |" * 9]
    for r in results:
        seconds = _number(r.seconds, 2) if r.status == "ok" else (r.note if r.status == "timeout" else r.status)
        note = r.note if r.status != "timeout" else ""
        lines.append(
            f"| {r.corpus} | {r.articles} | {r.step} | {_number(r.triples_in)} | {_number(r.triples_out)} "
            f"| {seconds} | {_number(r.peak_mib)} | {_number(r.start_mib)} | {note} |"
        )
    return "\n".join(lines)


def growth(results: list[Result]) -> list[dict[str, Any]]:
    """Seconds per article between consecutive synthetic sizes, and between the smallest and the largest."""
    findings = []
    for step in dict.fromkeys(r.step for r in results):
        timed = (r for r in results if r.step == step and r.status in ("ok", "timeout"))
        rows = sorted((r for r in timed if r.corpus.startswith("synthetic")), key=lambda r: r.articles)
        pairs = list(zip(rows, rows[1:], strict=False))
        if len(rows) > 2:
            pairs.append((rows[0], rows[-1]))
        for small, large in pairs:
            if small.status != "ok" or small.seconds is None:
                continue
            findings.append(_compare(step, small, large))
    return findings


def _compare(step: str, small: Result, large: Result) -> dict[str, Any]:
    assert small.seconds is not None
    timed_out = large.status == "timeout"
    large_seconds = large.limit if timed_out else large.seconds
    assert large_seconds is not None
    per_small, per_large = small.seconds / small.articles, large_seconds / large.articles
    ratio = per_large / per_small
    exponent = math.log(large_seconds / small.seconds) / math.log(large.articles / small.articles)
    if ratio > SUPERLINEAR:
        verdict = "superlinear" + (" (at least: the larger size timed out)" if timed_out else "")
    elif timed_out:
        verdict = "unknown (the larger size timed out)"
    else:
        verdict = "linear or better"
    return {
        "step": step,
        "from_articles": small.articles,
        "to_articles": large.articles,
        "seconds_per_article": [per_small, per_large],
        "ratio": ratio,
        "exponent": exponent,
        "lower_bound": timed_out,
        "verdict": verdict,
    }


def growth_text(findings: list[dict[str, Any]]) -> str:
    lines = [f"Growth: seconds per article between sizes (superlinear when it grows more than {SUPERLINEAR}x)"]
    if not findings:
        lines.append("- (needs results at two synthetic sizes or more)")
    for f in findings:
        at_least = ">=" if f["lower_bound"] else ""
        small, large = f["seconds_per_article"]
        lines.append(
            f"- {f['step']}: {f['from_articles']} -> {f['to_articles']} articles: {small:.3f} -> {at_least}{large:.3f} "
            f"s/article (x{at_least}{f['ratio']:.2f}, time ~ N^{at_least}{f['exponent']:.2f}): {f['verdict']}"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    import rdflib

    import kg

    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:")), 0)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gib": round(total / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "rdflib": rdflib.__version__,
        "kerman_kg": kg.__version__,
    }


# ---------------------------------------------------------------------- driver


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,500,5000", help="synthetic corpus sizes, comma-separated")
    parser.add_argument("--steps", default=",".join(STEPS), help="steps to time, comma-separated")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds after which a step is stopped")
    parser.add_argument(
        "--max-memory",
        type=int,
        default=None,
        metavar="MIB",
        help="address-space limit of each step's subprocess (default: 3/4 of the physical memory)",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures here")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [CHILD]:
        return child(argv[1], Path(argv[2]), int(argv[3]))
    parser = _parser()
    args = parser.parse_args(argv)
    steps = [s for s in args.steps.split(",") if s]
    if not steps or set(steps) - set(STEPS):
        parser.error(f"--steps: choose from {', '.join(STEPS)}")
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        parser.error("--sizes: comma-separated whole numbers")
    info = machine()
    mib = args.max_memory or int(info["memory_gib"] * 1024 * 3 / 4)
    print(f"{info['date']}: {info['nproc']} CPUs, {info['memory_gib']} GiB, Python {info['python']}", flush=True)
    print(f"each step: at most {args.timeout:g} s and {mib} MiB", flush=True)
    with tempfile.TemporaryDirectory(prefix="kerman-bench-") as workdir:
        sandbox = Sandbox(args.timeout, mib, Path(workdir))
        results = run_corpus("real", real_corpus(), steps, sandbox)
        for n in sizes:
            corpus = generate(n, sandbox.tmpdir)
            results += run_corpus(f"synthetic-{n}", corpus, steps, sandbox)
    findings = growth(results)
    print()
    print(table(results))
    print()
    print(growth_text(findings))
    if args.json is not None:
        report = {
            "machine": info,
            "argv": argv,
            "limits": {"timeout_s": args.timeout, "max_memory_mib": mib},
            "results": [asdict(r) for r in results],
            "growth": findings,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
