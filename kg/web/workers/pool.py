"""The query workers of ``kg serve``: every query runs in a process of its own that can be stopped.

A SPARQL engine cannot be interrupted from outside once it is sorting or
aggregating, and a thread cannot be killed, so ``kg serve`` never runs a query
in its own process. :class:`WorkerPool` keeps worker processes in two lanes
(:mod:`kg.web.workers.lanes`, their queues in :mod:`kg.web.workers.lanequeues`): ``--fast-workers`` in the fast lane,
which runs every job first within ``--fast-budget``, and ``--workers`` in the heavy lane, at the
lowest CPU priority, for the jobs that need longer. Workers are forked from a
fork server, so a worker that was killed is replaced in a few tens of
milliseconds; each cuts itself off from the network, opens the store read-only and caps its
address space before it answers jobs from a pipe (:mod:`kg.web.workers.process`), and runs them with
a :class:`kg.web.workers.executor.Executor`.

The server sends a job (:class:`kg.web.workers.jobs.QueryJob`, :class:`kg.web.workers.jobs.NamedQueryJob` or
:class:`kg.web.workers.jobs.ResourceJob`) to an idle worker and awaits the answer without blocking
its event loop (it watches the pipe with ``loop.add_reader``), so other
requests go on being served by the other workers. If the answer does not come
within the fast lane's budget, or in the heavy lane within what is left of
``--timeout``, the server kills the worker (SIGKILL: the sort, the aggregate,
whatever it was doing, stops at once) and starts a replacement in the
background; the job goes on to the heavy lane, or, past ``--timeout``, is
answered 503 naming the limit. A request that waits longer than
``--queue-timeout`` for a worker is answered 503 with ``Retry-After``. A
worker that runs out of memory either raises MemoryError (it answers 503
naming the memory limit and retires) or, when the allocation fails inside
Oxigraph, aborts; the server sees the pipe close and answers the same 503.
Answers with more than ``--max-rows`` rows (or triples) are refused with 413
before they are written, and answers larger than ``--max-bytes`` bytes with
413 once written, in the worker. A large answer comes back as a file of the pool's spool folder,
which holds at most :data:`SPOOLED_ANSWERS` times ``--max-bytes`` of answers not yet read.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.web.workers.jobs import Job, Limits, QueryJob, Reply, ResourceJob, memory_limit_message, time_limit_message
from kg.web.workers.lanequeues import Lane, Worker
from kg.web.workers.lanes import (
    FAST,
    HEAVY,
    HEAVY_NICENESS,
    ClientSlots,
    LanePolicy,
    LaneSettings,
    client_key,
    fingerprint,
)
from kg.web.workers.process import WorkerSettings, worker_context, worker_main
from kg.web.workers.sandbox import Isolation

if TYPE_CHECKING:
    from kg.stores.remotestore import RemoteTarget


# ---------------------------------------------------------------------- the pool


class WorkerError(RuntimeError):
    """A worker that could not be started."""


#: the answers waiting in the spool folder for their clients, in multiples of --max-bytes, beyond which a
#: new large answer is refused (503) rather than stored
SPOOLED_ANSWERS = 8
_GUARD_STRENGTH = {"none": 0, "remote": 1, "seccomp": 2, "netns": 3}


class WorkerPool:
    """Query workers over the store at ``store`` (or the remote store ``remote``) in two lanes, each query under
    ``limits``.

    ``size`` workers make the heavy lane, ``lanes.fast_workers`` the fast lane (see :mod:`kg.web.workers.lanes`).
    Use from one event loop: ``await pool.start()``, ``await pool.run(job, client=...)``,
    ``await pool.close()``.
    """

    def __init__(
        self,
        store: Path,
        limits: Limits,
        size: int,
        start_timeout: float = 180.0,
        lanes: LaneSettings | None = None,
        remote: RemoteTarget | None = None,
    ) -> None:
        self.store = store
        self.remote = remote
        self.limits = limits
        self.size = size
        self.start_timeout = start_timeout
        self.settings = lanes if lanes is not None else LaneSettings()
        self.policy = LanePolicy(self.settings)
        self._context = worker_context(remote is not None)
        self._lanes: dict[str, Lane] = {}
        self._slots = ClientSlots(self.settings.client_heavy)
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False
        self._closed = False
        self.spool: Path | None = None
        #: the weakest network guard a worker reported (kg.web.workers.sandbox), None before any started
        self.isolation: Isolation | None = None

    @property
    def fast(self) -> Lane:
        return self._lanes[FAST]

    @property
    def heavy(self) -> Lane:
        return self._lanes[HEAVY]

    async def start(self) -> None:
        """Start the workers of both lanes and wait until each has opened the store; WorkerError if one
        cannot. Warns on standard error when the workers could not be cut off from the network.

        Does nothing when the pool has been started already.
        """
        if self._started:
            return
        self._started = True
        # glibc reserves 64 MB of address space per malloc arena, and makes more arenas when threads
        # contend (RocksDB starts several): that would eat the --memory-mb cap unevenly. Two are plenty
        # for a worker that runs one query at a time. The fork server and the workers inherit the environment.
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        import tempfile

        self.spool = Path(tempfile.mkdtemp(prefix="kg-serve-answers-"))  # mode 0700: this user's only
        fast = self.settings.fast_workers
        self._lanes = {
            FAST: Lane(FAST, fast, 0, trial_cap=self.settings.trial_workers),  # one kept for sure jobs
            HEAVY: Lane(HEAVY, self.size, HEAVY_NICENESS),
        }
        spawning = [self._spawn(lane) for lane in self._lanes.values() for _ in range(lane.size)]
        results = await asyncio.gather(*spawning, return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            await self.close()
            raise WorkerError(str(errors[0]))
        if self.isolation is not None and self.isolation.guard == "none":
            print(
                "kg serve: warning: the query workers could not be cut off from the network "
                f"({self.isolation.detail}); only the refusal of SERVICE keeps queries from making requests",
                file=sys.stderr,
            )

    async def _spawn(self, lane: Lane) -> Worker:
        """Start a worker for this lane, wait until it is ready, and put it among the lane's idle workers."""
        parent_end, child_end = self._context.Pipe(duplex=True)
        budget = min(self.settings.fast_budget, self.limits.timeout) if lane.name == FAST else self.limits.timeout
        settings = WorkerSettings(
            str(self.store),
            self.limits,
            os.getpid(),
            lane.niceness,
            str(self.spool) if self.spool else None,
            self.remote,
            budget + 1.0,  # the server stops the worker at its budget; the request to the store gives up just after
        )
        process = self._context.Process(
            target=worker_main, args=(child_end, settings), name=f"kg-serve-{lane.name}-worker", daemon=True
        )
        process.start()
        child_end.close()
        worker = Worker(process, parent_end)
        lane.workers.add(worker)
        try:
            if not await worker.readable(self.start_timeout):
                raise WorkerError(f"a query worker did not start within {self.start_timeout:g} s")
            try:
                message = parent_end.recv()
            except (EOFError, OSError) as exc:
                raise WorkerError(f"a query worker stopped while starting (exit code {process.exitcode})") from exc
            if message[0] != "ready":
                raise WorkerError(f"a query worker could not start: {message[1]}")
        except BaseException:
            self._discard(lane, worker)
            raise
        self._note_isolation(Isolation(*message[2:4]))
        if self._closed:
            self._discard(lane, worker)
        else:
            lane.put(worker)
        return worker

    def _note_isolation(self, isolation: Isolation) -> None:
        if self.isolation is None or _GUARD_STRENGTH[isolation.guard] < _GUARD_STRENGTH[self.isolation.guard]:
            self.isolation = isolation

    def _discard(self, lane: Lane, worker: Worker) -> None:
        worker.kill()
        lane.workers.discard(worker)
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(worker.reap))
        self._tasks.add(task)  # type: ignore[arg-type]
        task.add_done_callback(self._tasks.discard)  # type: ignore[arg-type]

    def _replace(self, lane: Lane, worker: Worker) -> None:
        """Kill a worker and start another for its lane in the background."""
        self._discard(lane, worker)
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._respawn(lane))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _respawn(self, lane: Lane) -> None:
        delay = 0.5
        while not self._closed:
            try:
                await self._spawn(lane)
            except WorkerError as exc:
                print(f"kg serve: could not restart a query worker ({exc}); retrying", file=sys.stderr)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            return

    # ------------------------------------------------------------------ running jobs

    async def run(self, job: Job, client: str = "") -> Reply:
        """Run a job for the client at this address, in the fast lane first (see :mod:`kg.web.workers.lanes`),
        within the time and memory limits; always a Reply."""
        if not self._started or self._closed or not self._lanes:
            return Reply.text(503, "the server is not ready (its query workers are not running)")
        who = client_key(client)
        mark = fingerprint(job)
        spent = 0.0
        if self.policy.lane(mark, who, isinstance(job, QueryJob)) == FAST:
            outcome = await self._run_fast(job, mark, who)
            if isinstance(outcome, Reply):
                return self._checked(outcome)
            spent = outcome
        return self._checked(await self._run_heavy(job, mark, who, self.limits.timeout - spent))

    async def _run_fast(self, job: Job, mark: bytes, who: str) -> Reply | float:
        """The job's reply from the fast lane, or the seconds it ran there before it was stopped."""
        lane = self.fast
        trial = not isinstance(job, ResourceJob) and not self.policy.known_cheap(mark)
        worker = await lane.get(self.settings.queue_timeout, trial)
        if worker is None:
            return self._busy(
                f"all {lane.size} fast-lane query workers stayed busy for {self.settings.queue_timeout:g} s "
                "(the server's --queue-timeout); try again shortly",
                self.settings.fast_budget,
            )
        try:
            if self.policy.lane(mark, who, isinstance(job, QueryJob)) != FAST:  # found heavy while it waited
                lane.put(worker)
                return 0.0
            budget = min(self.settings.fast_budget, self.limits.timeout)
            reply = await self._exchange(lane, worker, job, budget)
        finally:
            if trial:
                lane.end_trial()
        if reply is None:
            lane.stopped += 1
            self.policy.demoted(mark, who)
            if budget >= self.limits.timeout:
                return Reply.text(503, time_limit_message(self.limits))
            return budget
        if reply.retire:  # out of memory: heavy, whatever its time
            self.policy.remember(mark)
        else:
            self.policy.remember_cheap(mark)
        return reply

    async def _run_heavy(self, job: Job, mark: bytes, who: str, seconds: float) -> Reply:
        """The job's reply from the heavy lane, in one of the client's slots, within ``seconds``."""
        lane = self.heavy
        if seconds <= 0:
            return Reply.text(503, time_limit_message(self.limits))
        loop = asyncio.get_running_loop()
        queued = loop.time()
        wait = self.settings.queue_timeout
        try:
            async with asyncio.timeout(wait):
                await self._slots.acquire(who)
        except TimeoutError:
            return self._busy(
                f"this client already runs {self._slots.per_client} heavy quer"
                f"{'y' if self._slots.per_client == 1 else 'ies'} (the server's --client-heavy) and none "
                f"finished within {wait:g} s (--queue-timeout); try again when they have",
                self.limits.timeout,
            )
        try:
            worker = await lane.get(wait - (loop.time() - queued))
            if worker is None:
                return self._busy(
                    f"all {lane.size} heavy-lane query workers stayed busy for {wait:g} s "
                    "(the server's --queue-timeout); try again shortly",
                    self.limits.timeout,
                )
            reply = await self._exchange(lane, worker, job, seconds)
        finally:
            self._slots.release(who)
        if reply is None:
            lane.stopped += 1
            self.policy.remember(mark)
            return Reply.text(503, time_limit_message(self.limits))
        if reply.retire:
            self.policy.remember(mark)
        return reply

    async def _exchange(self, lane: Lane, worker: Worker, job: Job, seconds: float) -> Reply | None:
        """Send the job to the worker and await its reply for at most ``seconds``; None when the time ran
        out. A worker that timed out, failed or must retire is replaced; any other goes back to idle."""
        try:
            try:
                worker.conn.send(job)
            except OSError:  # the worker died while idle
                self._replace(lane, worker)
                return Reply.text(503, "a query worker had stopped; it is being restarted: try again")
            if not await worker.readable(seconds):
                self._replace(lane, worker)
                return None
            try:
                reply: Reply = await asyncio.to_thread(worker.conn.recv)
            except (EOFError, OSError):
                self._replace(lane, worker)
                return Reply.text(503, memory_limit_message(self.limits), retire=True)
        except BaseException:
            self._replace(lane, worker)  # cancelled or failed mid-job: the worker's state is unknown
            raise
        if reply.retire:
            self._replace(lane, worker)
        else:
            lane.put(worker)
        return reply

    def _busy(self, message: str, retry_after: float) -> Reply:
        reply = Reply.text(503, message)
        reply.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return reply

    def _checked(self, reply: Reply) -> Reply:
        """The reply, unless its answer would take the spool folder over its bound (then a 503)."""
        if reply.path is None:
            return reply
        spooled = self.spooled_bytes()
        bound = SPOOLED_ANSWERS * self.limits.max_bytes
        if spooled <= bound:
            return reply
        with contextlib.suppress(OSError):
            os.unlink(reply.path)
        return self._busy(
            f"the server holds {spooled // 2**20} MB of answers that other clients have not read yet, its "
            f"limit ({SPOOLED_ANSWERS} times --max-bytes); try again shortly",
            self.limits.timeout,
        )

    def spooled_bytes(self) -> int:
        """The bytes of the answers in the spool folder (written, not yet sent in full)."""
        total = 0
        if self.spool is not None:
            with contextlib.suppress(OSError), os.scandir(self.spool) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        total += entry.stat().st_size
        return total

    def status(self) -> dict[str, Any]:
        """The workers for /status: the heavy lane's size, running and idle workers (the ``--workers``),
        both lanes in detail, the network guard of the workers, and the answers spooled."""
        heavy = self._lanes.get(HEAVY)
        return {
            "size": self.size,
            "running": len(heavy.workers) if heavy else 0,
            "idle": len(heavy.idle) if heavy else 0,
            "lanes": {name: lane.status() for name, lane in self._lanes.items()},
            "network_guard": self.isolation.guard if self.isolation else "none",
            **self.policy.status(),
            "spooled_bytes": self.spooled_bytes(),
        }

    async def close(self) -> None:
        """Stop every worker and remove the spool folder."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        workers = [w for lane in self._lanes.values() for w in lane.workers]
        for worker in workers:
            worker.kill()
        await asyncio.gather(*(asyncio.to_thread(w.reap) for w in workers), return_exceptions=True)
        for lane in self._lanes.values():
            lane.workers.clear()
        if self.spool is not None:
            import shutil

            shutil.rmtree(self.spool, ignore_errors=True)
