"""The server's side of the ``kg serve`` query workers: a worker's process and pipe, and a lane's queue.

A :class:`Worker` is what the server holds of a worker process: the process and the server's end of
its pipe, which it watches without blocking the event loop. A :class:`Lane` holds the workers of one
lane (:mod:`kg.web.workers.lanes`) and the requests waiting for one of them, and hands a worker that comes free
to the first request that may have it. :class:`kg.web.workers.pool.WorkerPool` starts, replaces and stops
the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess


class Worker:
    """A worker process and the server's end of its pipe."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    async def readable(self, timeout: float) -> bool:
        """Wait (without blocking the event loop) until the worker has written or died."""
        if self.conn.poll():
            return True
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = self.conn.fileno()

        def wake() -> None:
            if not ready.done():
                ready.set_result(True)

        loop.add_reader(fd, wake)
        try:
            async with asyncio.timeout(timeout):
                await ready
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(fd)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()

    def reap(self) -> None:
        with contextlib.suppress(Exception):
            self.process.join(5)


class Lane:
    """The workers of one lane: how many there should be, those that run, those idle, and the requests
    waiting for one, served first come first served, except that *trials* (jobs of unknown cost, see
    kg.web.workers.lanes) wait behind the others and hold at most ``trial_cap`` workers at once."""

    def __init__(self, name: str, size: int, niceness: int, trial_cap: int | None = None) -> None:
        self.name = name
        self.size = size
        self.niceness = niceness
        self.trial_cap = size if trial_cap is None else trial_cap
        self.workers: set[Worker] = set()
        self.idle: list[Worker] = []
        self._waiting: dict[bool, deque[asyncio.Future[Worker]]] = {False: deque(), True: deque()}
        self.trials = 0  # trials holding a worker
        self.stopped = 0  # jobs stopped at the lane's time limit

    def put(self, worker: Worker) -> None:
        """A worker is ready for a job: hand it to the first request waiting that may have it."""
        self.idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        while self.idle:
            waiter = self._next_waiter()
            if waiter is None:
                return
            waiter.set_result(self.idle.pop())

    def _next_waiter(self) -> asyncio.Future[Worker] | None:
        for trial in (False, True):
            queue = self._waiting[trial]
            while queue and queue[0].done():  # gave up
                queue.popleft()
            if queue and (not trial or self.trials < self.trial_cap):
                if trial:
                    self.trials += 1
                return queue.popleft()
        return None

    async def get(self, within: float, trial: bool = False) -> Worker | None:
        """A worker for a job, waiting at most ``within`` seconds; None when none came free. A trial must
        call :meth:`end_trial` when it gives its worker back or the worker is replaced."""
        queue = self._waiting[trial]
        ahead = self._waiting[False] if trial else queue
        if self.idle and not any(not w.done() for w in ahead) and (not trial or self.trials < self.trial_cap):
            if trial:
                self.trials += 1
            return self.idle.pop()
        waiter: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        queue.append(waiter)
        try:
            async with asyncio.timeout(max(within, 0.0)):
                return await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():  # handed a worker just as it gave up
                if trial:
                    self.end_trial()
                self.put(waiter.result())
            if isinstance(exc, TimeoutError):
                return None
            raise
        finally:
            with contextlib.suppress(ValueError):
                queue.remove(waiter)

    def end_trial(self) -> None:
        self.trials -= 1
        self._dispatch()

    def status(self) -> dict[str, int]:
        return {
            "size": self.size,
            "running": len(self.workers),
            "idle": len(self.idle),
            "waiting": sum(not w.done() for queue in self._waiting.values() for w in queue),
            "trials": self.trials,
            "stopped": self.stopped,
            "niceness": self.niceness,
        }
