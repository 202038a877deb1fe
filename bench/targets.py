"""The targets of issue 13, measured end to end, beside a reference run of another checkout.

Every step is a ``kg`` command run in its own process, as a researcher runs it; for each the
script reports the process's CPU time (user + system, from ``os.wait4``), its wall time and its
peak resident memory. With ``--reference DIR`` (a checkout of an earlier commit, e.g. made with
``git worktree add /tmp/ref <commit>``) the same steps run with that code too, in the same
command, and the table puts both side by side with their ratio; a regression shows as a ratio
above 1.

Steps, for the real corpus and for each synthetic size (``bench/synthetic.py``):

- ``build``: ``kg build --corpus C --out B`` (reasoning, shapes and checks included) for the real
  corpus; ``kg build --no-check`` (reasoning included) for synthetic corpora, which are then
  validated by the next step;
- ``validate``: ``kg validate B/kerman-kg.nq`` (synthetic only);
- ``build-checked``: ``kg build`` with its shapes and checks (the default) into a second folder;
- ``rebuild-one``: one article's annotation changed (a fact's label), then the same ``kg build`` again
  (synthetic only): what a curator waits for after an edit, validation included;
- ``query-cold``: ``kg query NAME`` in a new process over the built store (real corpus only), for
  two named queries.

Targets (issue 13): real corpus build <= 3 s and query cold <= 0.5 s; at 5,000 articles build <= 120 s
and <= 4 GB, validate <= 120 s, rebuild-one <= 10 s. They are printed beside the figures; nothing here
passes or fails.

Usage: ``python bench/targets.py [--sizes 500] [--reference /tmp/ref] [--timeout 900] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    ("real", "build"): "<= 3 s",
    ("real", "query-cold"): "<= 0.5 s",
    ("synthetic", "build"): "<= 120 s, <= 4 GB at 5,000",
    ("synthetic", "validate"): "<= 120 s at 5,000",
    ("synthetic", "build-checked"): "",
    ("synthetic", "rebuild-one"): "<= 10 s at 5,000",
}
QUERIES = ("death-toll-range", "claims-of-responsibility")


@dataclass
class Run:
    """One command of one step, with one checkout's code."""

    code: str  # "this" or "reference"
    corpus: str
    step: str
    status: str  # ok, failed, timeout
    cpu: float | None = None
    wall: float | None = None
    peak_mib: float | None = None
    note: str = ""


def timed(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[str, float, float, float, str]:
    """Run a command; its status, CPU seconds, wall seconds, peak MiB and the end of its standard error."""
    err = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    deadline = started + timeout
    status = "ok"
    while True:
        pid, code, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pid, code, usage = os.wait4(process.pid, 0)
            status = "timeout"
            break
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if status == "ok" and os.waitstatus_to_exitcode(code) != 0:
        status = "failed"
    err.seek(0)
    tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return status, usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, tail[0][:160]


def kg(checkout: Path) -> list[str]:
    """The kg command line of a checkout: its folder comes first on PYTHONPATH (see :func:`environment`)."""
    return [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())"]


def environment(checkout: Path, scratch: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "KG_CACHE_DIR": str(scratch / "cache"),
        "KG_BUILD_DIR": str(scratch / "default-build"),
    }


def reads_build_folder(checkout: Path) -> bool:
    """Whether that checkout's kg query reads a build folder (--build), or keeps a cache of its own."""
    return (checkout / "kg" / "buildfolder.py").is_file()


def change_one_article(corpus: Path) -> None:
    """Change the label of the first fact of the first article: a curator's edit."""
    facts = sorted((corpus / "articles").glob("*.facts.yaml"))[0]
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("label:", "label: edited", 1) if "label:" in text else text + "\n# edited\n")


def measure(code: str, checkout: Path, corpus_name: str, corpus: Path, timeout: float) -> list[Run]:
    runs: list[Run] = []
    scratch = Path(tempfile.mkdtemp(prefix=f"kg-targets-{code}-"))
    try:
        env = environment(checkout, scratch)
        work = scratch / "corpus"
        shutil.copytree(corpus, work)
        out = scratch / "build"

        def step(name: str, *args: str) -> Run:
            status, cpu, wall, peak, tail = timed([*kg(checkout), *args], scratch, env, timeout)
            run = Run(code, corpus_name, name, status, cpu, wall, peak, "" if status == "ok" else tail)
            runs.append(run)
            return run

        real = corpus_name == "real"
        build_args = ["build", "--corpus", str(work), "--out", str(out)] + ([] if real else ["--no-check"])
        built = step("build", *build_args)
        if built.status != "ok":
            return runs
        if real:
            for query in QUERIES:
                nquads = str(out / "kerman-kg.nq")
                source = ["--build", str(out)] if reads_build_folder(checkout) else ["--data", nquads]
                step("query-cold-warmup", "query", query, *source)  # the first opens or caches the store
                runs.pop()
                step("query-cold", "query", query, *source).note = query
            return runs
        step("validate", "validate", str(out / "kerman-kg.nq"))
        # a curator's loop: a checked build (shapes and checks included, as kg build does by default), one
        # article edited, and the same command again
        checked_args = ["build", "--corpus", str(work), "--out", str(scratch / "checked")]
        if step("build-checked", *checked_args).status not in ("ok", "failed"):
            runs.append(Run(code, corpus_name, "rebuild-one", "skipped", note="build-checked did not finish"))
            return runs
        change_one_article(work)
        step("rebuild-one", *checked_args)
        return runs
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{unit}" if value < 10 else f"{value:.0f}{unit}"


def table(runs: list[Run]) -> str:
    keys: list[tuple[str, str, str]] = []
    for r in runs:
        key = (r.corpus, r.step, r.note if r.step == "query-cold" else "")
        if key not in keys:
            keys.append(key)
    lines = [
        "| corpus | step | CPU s | wall s | peak MiB | reference CPU s | reference wall s | CPU ratio | target "
        "| note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for corpus, step, detail in keys:

        def pick(code: str, corpus: str = corpus, step: str = step, detail: str = detail) -> Run | None:
            return next(
                (
                    r
                    for r in runs
                    if (r.code, r.corpus, r.step) == (code, corpus, step)
                    and (r.note if r.step == "query-cold" else "") == detail
                ),
                None,
            )

        this, ref = pick("this"), pick("reference")
        ratio = (
            f"{this.cpu / ref.cpu:.2f}"
            if this and ref and this.cpu and ref.cpu and this.status == ref.status == "ok"
            else "-"
        )
        target = TARGETS.get(("real" if corpus == "real" else "synthetic", step), "")
        notes = "; ".join(
            x
            for x in (
                detail,
                this.status if this and this.status != "ok" else "",
                f"reference {ref.status}" if ref and ref.status != "ok" else "",
                this.note if this and this.status != "ok" else "",
            )
            if x
        )
        lines.append(
            f"| {corpus} | {step} | {fmt(this.cpu if this else None)} | {fmt(this.wall if this else None)} | "
            f"{fmt(this.peak_mib if this else None)} | {fmt(ref.cpu if ref else None)} | "
            f"{fmt(ref.wall if ref else None)} | {ratio} | {target} | {notes} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500", help="synthetic corpus sizes, comma-separated (default: 500)")
    parser.add_argument("--reference", type=Path, default=None, help="a checkout of earlier code to run beside")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a command is stopped")
    parser.add_argument("--json", type=Path, default=None, help="also write every run as JSON here")
    parser.add_argument(
        "--earlier",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="runs written earlier with --json, shown in the table too (e.g. a reference measured once); their "
        "runs of a code measured again now are left out",
    )
    parser.add_argument(
        "--no-this", action="store_true", help="measure only the reference (to keep its runs with --json)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    codes = ([] if args.no_this else [("this", ROOT)]) + (
        [("reference", args.reference.resolve())] if args.reference else []
    )
    corpora = Path(tempfile.mkdtemp(prefix="kg-targets-corpora-"))
    measured = {code for code, _ in codes}
    runs: list[Run] = [
        Run(**r)
        for path in args.earlier
        for r in json.loads(path.read_text(encoding="utf-8"))
        if r["code"] not in measured
    ]
    try:
        sources = [("real", ROOT / "corpus")]
        for n in sizes:
            folder = corpora / f"synthetic-{n}"
            subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(n), str(folder)], check=True)
            sources.append((f"synthetic-{n}", folder))
        for name, corpus in sources:
            for code, checkout in codes:
                print(f"targets: {name} with {code}'s code ({checkout})...", file=sys.stderr, flush=True)
                runs.extend(measure(code, checkout, name, corpus, args.timeout))
    finally:
        shutil.rmtree(corpora, ignore_errors=True)
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
