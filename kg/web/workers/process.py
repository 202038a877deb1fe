"""A ``kg serve`` query worker process: how it starts, what it does before its first job, and its loop.

Workers are forked from a fork server (``multiprocessing``'s ``forkserver``: a fresh interpreter that
imported Oxigraph, rdflib and the modules of :data:`FORKSERVER_PRELOAD` once and inherits no state
from the server), so a worker that was killed is replaced in a few tens of
milliseconds. Each worker first cuts itself off from the network
(:mod:`kg.web.workers.sandbox`: a network namespace of its own, else a seccomp filter; the
guard in effect shows in ``/status``), then opens the Oxigraph store
read-only, caps its own address space with ``setrlimit(RLIMIT_AS)``
(``--memory-mb``: the whole worker, Python, the store and the query together;
workers run with ``MALLOC_ARENA_MAX=2`` so that glibc's per-thread
reservations do not eat the cap), and then answers jobs one at a time from a
pipe (:func:`worker_main`, with a :class:`kg.web.workers.executor.Executor`).

An answer larger than :data:`INLINE_BYTES` does not cross the
pipe: the worker writes it to a file in the pool's spool folder (a private
temporary folder, ``$TMPDIR/kg-serve-answers-*``, removed when the server
stops) and the reply names the file, which the server streams to the client
(:class:`kg.web.connections.SpooledAnswer`) and deletes. So the server process
never holds an answer whole; the spool holds at most :data:`kg.web.workers.pool.SPOOLED_ANSWERS`
times ``--max-bytes`` of answers not yet read (a new large answer beyond that
is a 503), plus those being written. Answers larger than ``--max-bytes`` are refused with 413 here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from kg.web.workers.executor import Executor
from kg.web.workers.jobs import Limits, Reply, bytes_limit_message, memory_limit_message
from kg.web.workers.sandbox import Isolation, isolate_network

if TYPE_CHECKING:
    from kg.stores.remotestore import RemoteTarget


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker is started with: the store, the limits, the server's pid, its lane's CPU niceness, the
    spool folder for large answers (none: every answer crosses the pipe), and, in front of a remote store,
    that store (``store`` is then unused) and the seconds a request to it may take."""

    store: str
    limits: Limits
    parent: int
    niceness: int = 0
    spool: str | None = None
    remote: RemoteTarget | None = None
    budget: float | None = None


def _limit_memory(megabytes: int) -> None:
    """Cap this process's address space; refuse a cap below what the worker already uses."""
    import resource

    used = _address_space_mb()
    if used is not None and used + 64 > megabytes:
        raise RuntimeError(
            f"--memory-mb {megabytes} is too low: a query worker already uses {used} MB of address space "
            "before it runs a query"
        )
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space_mb() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the process that started it dies (the fork server, which stops
    when the server does, or the server itself), so no orphan keeps running a query; and stop at once if
    the server (pid ``parent``) is gone already."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(0)
    except PermissionError:
        pass


def _lower_priority(niceness: int) -> None:
    """Run this worker (and the threads it starts later) at this niceness, if it is lower priority than now."""
    with contextlib.suppress(OSError, AttributeError):
        if niceness > os.getpriority(os.PRIO_PROCESS, 0):
            os.setpriority(os.PRIO_PROCESS, 0, niceness)


#: answers up to this size cross the pipe; larger ones go through a file of the spool folder
INLINE_BYTES = 64 * 1024


def _deliverable(reply: Reply, settings: WorkerSettings) -> Reply:
    """The reply as it may leave the worker: refused (413) beyond ``--max-bytes``, else, when large, its body
    written to a file of the spool folder (the server streams it from there, never holding it whole)."""
    size = len(reply.body)
    if size > settings.limits.max_bytes:
        return Reply.text(413, bytes_limit_message(settings.limits))
    if size <= INLINE_BYTES or settings.spool is None:
        return reply
    import tempfile
    from dataclasses import replace

    path = None
    try:
        descriptor, path = tempfile.mkstemp(prefix="answer-", dir=settings.spool)
        with os.fdopen(descriptor, "wb") as out:
            out.write(reply.body)
    except OSError as exc:
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
        return Reply.text(503, f"the server could not store the answer to send it ({exc.strerror or exc}); try again")
    return replace(reply, body=b"", path=path)


def worker_main(conn: Connection, settings: WorkerSettings) -> None:
    """The body of a worker process: leave the network, open the store, cap memory, then answer jobs until
    told to stop. In front of a remote store the worker must reach it: it stays on the network, and every
    query is checked strictly instead (see :class:`Executor`)."""
    if settings.remote is None:
        isolation = isolate_network()  # first, while this process has one thread and has imported no engine
    else:
        from kg.stores.remotestore import GUARD, GUARD_DETAIL

        isolation = Isolation(GUARD, GUARD_DETAIL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which stops its workers
    _die_with_parent(settings.parent)
    _lower_priority(settings.niceness)  # before the store starts its threads, which inherit it
    try:
        executor = Executor(settings.store, settings.limits, settings.remote, settings.budget)
        _limit_memory(settings.limits.memory_mb)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid(), isolation.guard, isolation.detail))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply = _deliverable(executor.run(job), settings)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(Reply.text(503, memory_limit_message(settings.limits), retire=True))
            return
        except (BrokenPipeError, OSError):
            return
        if reply.retire:
            return


#: what the fork server imports once, so that a worker forked from it starts in a few tens of milliseconds
#: (the SPARQL grammar alone takes a quarter of a second to build)
FORKSERVER_PRELOAD = [
    "kg.web.workers.pool",  # the pool, and through it this module, the executor and the page reader
    "pyoxigraph",
    "rdflib",
    "rdflib.plugins.sparql.parser",
    "kg.sparql.engine",
    "kg.sparql.answers",
    "kg.web.pages",
    "kg.sparql.querycheck",
    "kg.sparql.querying",
]


#: what the fork server imports besides when the workers front a remote store
REMOTE_PRELOAD = ["httpx", "kg.stores.http", "kg.stores.endpoint", "kg.stores.remotestore"]


def worker_context(remote: bool = False) -> Any:
    """How workers start: forked from a fork server that has imported what they need (spawned afresh where
    there is no fork server)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD + (REMOTE_PRELOAD if remote else []))
    return context
