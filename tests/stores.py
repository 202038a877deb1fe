"""The triple stores the tests (and ``bench/stores.py``) run the build on: private servers on free loopback
ports in a temporary folder, stopped and removed after.

:func:`oxigraph_server` starts ``oxigraph serve`` (the ``oxigraph`` command of the ``test`` extra), its
default graph the union of its graphs unless asked otherwise, as docs/stores.md runs it.

:func:`virtuoso` starts Debian's ``virtuoso-t`` (package ``virtuoso-opensource``, 7.2) with a ``virtuoso.ini``
generated from the package's own (``/etc/virtuoso-opensource-7/virtuoso.ini``): the database, log and
transaction files in the temporary folder, the SQL (isql) and HTTP listeners bound to ``127.0.0.1`` on
ports free at the time, the SPARQL endpoint's row limit (``ResultSetMaxRows``, 10,000 in the package's
file) raised so that no answer is cut short, and its time limits (``MaxQueryCostEstimationTime``,
``MaxQueryExecutionTime``) off, so that a query is neither refused on an estimate nor answered with the
rows found when time ran out. It waits until the SPARQL endpoint answers.

Both raise :class:`StoreMissing` when the command is not installed (the tests' :func:`require` turns that
into a skip that says what to install, or a failure in CI, so that a CI image that lost a store cannot
pass quietly) and :class:`StoreFailed`, with the end of the server's log, when it does not start. This
module does not import pytest, so that the benchmark can start the same servers.

:func:`put_graph` replaces one graph of a store over the Graph Store Protocol; ``kg push`` is what loads
the build.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


class StoreMissing(Exception):
    """A store's command is not installed here: the message says what to install."""


class StoreFailed(Exception):
    """A store did not start: the message ends with its log."""


VIRTUOSO = shutil.which(os.environ.get("KG_VIRTUOSO", "virtuoso-t"))  # None when missing
TEMPLATE_INI = Path(os.environ.get("KG_VIRTUOSO_INI", "/etc/virtuoso-opensource-7/virtuoso.ini"))
#: the account of a new Virtuoso database (its password is only ever used on loopback, in a temporary folder)
DBA = ("dba", "dba")
#: rows a SPARQL answer may have (the package's file says 10,000, fewer than some listings of a large build)
RESULT_ROWS = 1_000_000
START_SECONDS = 120.0  # a new database is created on first start; a busy CI machine takes its time
STOP_SECONDS = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def missing() -> str | None:
    """Why Virtuoso cannot run here (None when it can)."""
    if VIRTUOSO is None:
        return "virtuoso-t is not installed (apt-get install virtuoso-opensource, or set KG_VIRTUOSO)"
    if not TEMPLATE_INI.is_file():
        return f"no Virtuoso configuration to start from at {TEMPLATE_INI} (set KG_VIRTUOSO_INI)"
    return None


def configured(template: str, settings: Mapping[tuple[str, str], str]) -> str:
    """The ini text with each ``(section, key)`` set to its value, comments and layout kept.

    A key that the template's section lacks is added at the end of that section; a section it lacks is a
    ValueError (a template that changed shape should fail here, not start a Virtuoso on the wrong ports).
    """
    pending = dict(settings)
    lines = template.splitlines()
    out: list[str] = []
    section = ""

    def close_section() -> None:
        for (name, key), value in list(pending.items()):
            if name == section:
                out.append(f"{key} = {value}")
                del pending[(name, key)]

    for line in lines:
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            close_section()
            section = header.group(1).strip()
            out.append(line)
            continue
        setting = re.match(r"^\s*([A-Za-z0-9_]+)\s*=", line)
        if setting and (section, setting.group(1)) in pending:
            out.append(f"{setting.group(1)} = {pending.pop((section, setting.group(1)))}")
        else:
            out.append(line)
    close_section()
    if pending:
        raise ValueError(f"the template has no section for {sorted(pending)}")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its folder, ports and endpoints."""

    folder: Path
    http_port: int
    sql_port: int

    @property
    def sparql(self) -> str:
        """The SPARQL 1.1 Protocol endpoint."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint that accepts writes (digest authentication)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    @property
    def log(self) -> Path:
        return self.folder / "virtuoso.log"


def settings(folder: Path, http_port: int, sql_port: int) -> dict[tuple[str, str], str]:
    """What the generated virtuoso.ini changes in the package's: paths, loopback ports, the row limit."""
    db = folder / "db"
    return {
        ("Database", "DatabaseFile"): str(db / "virtuoso.db"),
        ("Database", "ErrorLogFile"): str(folder / "virtuoso.log"),
        ("Database", "LockFile"): str(db / "virtuoso.lck"),
        ("Database", "TransactionFile"): str(db / "virtuoso.trx"),
        ("Database", "xa_persistent_file"): str(db / "virtuoso.pxa"),
        ("TempDatabase", "DatabaseFile"): str(db / "virtuoso-temp.db"),
        ("TempDatabase", "TransactionFile"): str(db / "virtuoso-temp.trx"),
        ("Parameters", "ServerPort"): f"127.0.0.1:{sql_port}",
        ("Parameters", "DirsAllowed"): ".",
        ("HTTPServer", "ServerPort"): f"127.0.0.1:{http_port}",
        ("SPARQL", "ResultSetMaxRows"): str(RESULT_ROWS),
        # no refusal on the planner's estimate (400 s in the package's file, which refuses listings of a few
        # hundred articles), and no time limit, past which Virtuoso answers with the rows found so far
        ("SPARQL", "MaxQueryCostEstimationTime"): "0",
        ("SPARQL", "MaxQueryExecutionTime"): "0",
    }


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start a Virtuoso in ``folder`` (which must not exist), yield it once its SPARQL endpoint answers, then stop
    it and remove its files."""
    reason = missing()
    if reason is not None or VIRTUOSO is None:
        raise StoreMissing(reason)
    (folder / "db").mkdir(parents=True)
    server = Virtuoso(folder, http_port=free_port(), sql_port=free_port())
    ini = folder / "virtuoso.ini"
    ini.write_text(
        configured(TEMPLATE_INI.read_text(encoding="utf-8"), settings(folder, server.http_port, server.sql_port)),
        encoding="utf-8",
    )
    output = (folder / "virtuoso.out").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+configfile", str(ini), "+foreground"],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that stopping it stops everything it started
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(server.sparql):
            if process.poll() is not None or time.monotonic() > deadline:
                what = "stopped" if process.poll() is not None else f"did not answer within {START_SECONDS:.0f} s"
                raise StoreFailed(f"Virtuoso {what}; its log ends with:\n{_tail(server)}")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)
        output.close()
        shutil.rmtree(folder, ignore_errors=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (Virtuoso shuts down cleanly), then SIGKILL to its process group if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_SECONDS)


def _tail(server: Virtuoso, lines: int = 30) -> str:
    found = [path for path in (server.log, server.folder / "virtuoso.out") if path.is_file()]
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in found)
    return "\n".join(text.splitlines()[-lines:]) or "(no log)"


def put_graph(graph_store: str, graph: str, data: bytes, media_type: str, auth: httpx.Auth | None = None) -> None:
    """Replace one named graph of a store with the data (Graph Store Protocol ``PUT``; Oxigraph server names the
    graph with ``graph``, Virtuoso with ``graph-uri``: both are sent)."""
    response = httpx.put(
        graph_store,
        params={"graph": graph} if "/sparql-graph-crud" not in graph_store else {"graph-uri": graph},
        content=data,
        headers={"Content-Type": media_type},
        auth=auth,
        timeout=300,
    )
    if response.status_code not in (200, 201, 204):
        raise StoreFailed(f"PUT {graph}: {response.status_code} {response.text[:300]}")


# ----------------------------------------------------------------------------- Oxigraph server


def oxigraph_command() -> str | None:
    """The oxigraph command of this environment (beside the Python that runs, else on the PATH)."""
    import sys

    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@dataclass(frozen=True)
class OxigraphServer:
    """A running Oxigraph server: its Graph Store URL and its query and update endpoints."""

    base: str

    @property
    def store(self) -> str:
        return self.base + "/store"

    @property
    def query(self) -> str:
        return self.base + "/query"

    def clear(self) -> None:
        httpx.post(self.base + "/update", data={"update": "CLEAR ALL"}, timeout=30).raise_for_status()


@contextmanager
def oxigraph_server(folder: Path, union: bool = True) -> Iterator[OxigraphServer]:
    """Start ``oxigraph serve`` on its own database in ``folder``, its default graph the union of its graphs
    unless ``union`` is false; yield it once it listens, then stop it."""
    command = oxigraph_command()
    if command is None:
        raise StoreMissing("the oxigraph command is not installed (pip install '.[test]' installs it)")
    port = free_port()
    args = [command, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        args + (["--union-default-graph"] if union else []), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise StoreFailed(f"oxigraph serve stopped at once: {output}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise StoreFailed("oxigraph serve did not listen within 30 s") from None
                time.sleep(0.05)
        yield OxigraphServer(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=30)
