"""Which lane a job of ``kg serve`` runs in, so that cheap requests never wait behind heavy queries.

The query workers of :mod:`kg.web.workers.pool` are split in two lanes. The *fast lane*
(``--fast-workers`` processes, 3 by default) runs every job first,
linked-data pages, named queries and clients' queries alike, but only for a
short budget (``--fast-budget``, 1 s by default). Almost every request fits
in it. A job that does not is stopped (its worker killed and replaced, which
takes a few tens of milliseconds: workers are forked from a fork server that
has imported everything) and run again from the start in the *heavy lane*
(the ``--workers`` processes) with what is left of its ``--timeout``. The
heavy lane's workers run at the lowest CPU priority (niceness
:data:`HEAVY_NICENESS`), so that on a small machine the fast lane and the
server still get the processor while heavy queries grind.

The fast lane remembers what it learnt, by *fingerprint* (a hash of
everything in a job: the query, its dataset, its format), in two bounded
least-recently-used sets (``remembered`` entries each, 4,096 by default): a
job that was stopped there, or ran out of memory or time anywhere, goes
straight to the heavy lane next time; a job that was answered within the
budget is *known cheap*. A job whose cost is not known yet, a client's query
or a named query the lane has not answered before, is a *trial*. Trials wait
behind the other jobs and hold at most :attr:`LaneSettings.trial_workers`
fast workers at once (all but one), so the last fast worker is always free
for linked-data pages and known-cheap requests however many new heavy
queries arrive.

A client that sends many *different* heavy queries would still cost a
fast-worker kill each. Two limits bound that:

- Per client: once a client has had ``--client-demotions`` jobs stopped in
  the fast lane within :data:`DEMOTION_WINDOW` seconds, all its jobs that
  are not known cheap go straight to the heavy lane until the oldest of those
  stops falls out of the window. A client is its IP address, or its /64
  network for IPv6 (one host usually holds a whole /64).
- For the whole server: once :data:`DEMOTIONS_PER_TRIAL_WORKER` stops per
  trial worker happened within the window, clients' own SPARQL queries that
  are not known go straight to the heavy lane; named queries and linked-data
  pages, whose shape the server chose, keep the fast lane. So all clients
  together make the trial workers spend at most that many budgets a minute
  each on jobs that turn out heavy (a quarter of their time with the
  default budget of 1 s), plus a restart each.

In the heavy lane one client runs at most ``--client-heavy`` jobs at once
(:class:`ClientSlots`); its other heavy jobs wait for its own slots, not in
front of other clients. No request waits longer than ``--queue-timeout`` for a
slot or a worker, in either lane: it gets 503 with a ``Retry-After`` header.

Everything here is bookkeeping in the server process, with an injectable
clock, so the rules are tested without processes or timing.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: the niceness of the heavy lane's workers (the lowest priority; the fast lane and the server run at 0)
HEAVY_NICENESS = 19
#: the window, in seconds, over which stops in the fast lane are counted
DEMOTION_WINDOW = 60.0
#: stops in the fast lane per window and trial worker beyond which unknown client queries skip it
DEMOTIONS_PER_TRIAL_WORKER = 15
#: the clients whose recent stops are remembered (least recently seen forgotten first)
REMEMBERED_CLIENTS = 4096

FAST = "fast"
HEAVY = "heavy"


@dataclass(frozen=True)
class LaneSettings:
    """How jobs are split between the lanes (the ``kg serve`` options of the same names)."""

    fast_workers: int = 3
    fast_budget: float = 1.0
    queue_timeout: float = 10.0
    client_heavy: int = 1
    client_demotions: int = 6
    remembered: int = 4096

    @property
    def trial_workers(self) -> int:
        """The fast workers that may run trials at once: all but one (kept for sure jobs), at least one."""
        return max(1, self.fast_workers - 1)


def fingerprint(job: object) -> bytes:
    """A short hash of everything in a job (a frozen dataclass), the same for the same job."""
    return hashlib.blake2b(repr(job).encode("utf-8", "backslashreplace"), digest_size=16).digest()


def client_key(host: str | None) -> str:
    """The client a request counts against: its IPv4 address, or its IPv6 /64 network."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass
class LanePolicy:
    """The fast lane's memory of heavy jobs and of who caused stops; decides each job's lane."""

    settings: LaneSettings
    clock: Callable[[], float] = time.monotonic
    _heavy: OrderedDict[bytes, None] = field(default_factory=OrderedDict)
    _cheap: OrderedDict[bytes, None] = field(default_factory=OrderedDict)
    _stops_by_client: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)
    _stops: deque[float] = field(default_factory=deque)

    def lane(self, mark: bytes, client: str, client_query: bool) -> str:
        """FAST or HEAVY for a job with this fingerprint from this client (``client_query``: SPARQL
        text the client wrote, rather than a named query or a page)."""
        if self.settings.fast_workers < 1:
            return HEAVY
        if mark in self._heavy:
            self._heavy.move_to_end(mark)
            return HEAVY
        if self.known_cheap(mark):
            return FAST
        now = self.clock()
        stops = self._stops_by_client.get(client)
        if stops is not None and len(stops) >= self.settings.client_demotions:
            if now - stops[0] < DEMOTION_WINDOW:
                return HEAVY
        if client_query and self._recent_stops(now) >= self.server_demotions:
            return HEAVY
        return FAST

    @property
    def server_demotions(self) -> int:
        return DEMOTIONS_PER_TRIAL_WORKER * self.settings.trial_workers

    def remember(self, mark: bytes) -> None:
        """Send this job straight to the heavy lane from now on."""
        self._cheap.pop(mark, None)
        _remember(self._heavy, mark, self.settings.remembered)

    def remember_cheap(self, mark: bytes) -> None:
        """This job was answered within the fast lane's budget: it keeps the fast lane, never on trial."""
        _remember(self._cheap, mark, self.settings.remembered)

    def known_cheap(self, mark: bytes) -> bool:
        if mark in self._cheap:
            self._cheap.move_to_end(mark)
            return True
        return False

    def demoted(self, mark: bytes, client: str) -> None:
        """A job of this client was stopped at the fast lane's budget: remember it and count the stop."""
        self.remember(mark)
        now = self.clock()
        stops = self._stops_by_client.get(client)
        if stops is None:
            stops = self._stops_by_client[client] = deque(maxlen=max(1, self.settings.client_demotions))
        stops.append(now)
        self._stops_by_client.move_to_end(client)
        while len(self._stops_by_client) > REMEMBERED_CLIENTS:
            self._stops_by_client.popitem(last=False)
        self._stops.append(now)
        self._recent_stops(now)

    def _recent_stops(self, now: float) -> int:
        while self._stops and now - self._stops[0] >= DEMOTION_WINDOW:
            self._stops.popleft()
        return len(self._stops)

    def status(self) -> dict[str, int]:
        return {
            "remembered_heavy": len(self._heavy),
            "remembered_cheap": len(self._cheap),
            "recent_stops": self._recent_stops(self.clock()),
        }


def _remember(marks: OrderedDict[bytes, None], mark: bytes, most: int) -> None:
    marks[mark] = None
    marks.move_to_end(mark)
    while len(marks) > most:
        marks.popitem(last=False)


class _Slot:
    def __init__(self, size: int) -> None:
        self.semaphore = asyncio.Semaphore(size)
        self.users = 0


class ClientSlots:
    """At most ``per_client`` heavy jobs of one client at a time; the others wait for that client's slots.

    Only clients with a job running or waiting have an entry, so the table is as small as the number of
    requests in flight.
    """

    def __init__(self, per_client: int) -> None:
        self.per_client = max(1, per_client)
        self._slots: dict[str, _Slot] = {}

    async def acquire(self, client: str) -> None:
        """Wait for a slot of this client (cancel it, for example with a timeout, to give up)."""
        slot = self._slots.get(client)
        if slot is None:
            slot = self._slots[client] = _Slot(self.per_client)
        slot.users += 1
        try:
            await slot.semaphore.acquire()
        except BaseException:
            self._leave(client, slot)
            raise

    def release(self, client: str) -> None:
        slot = self._slots[client]
        slot.semaphore.release()
        self._leave(client, slot)

    def _leave(self, client: str, slot: _Slot) -> None:
        slot.users -= 1
        if slot.users == 0:
            del self._slots[client]

    def __len__(self) -> int:
        return len(self._slots)


__all__ = [
    "FAST",
    "HEAVY",
    "HEAVY_NICENESS",
    "ClientSlots",
    "LanePolicy",
    "LaneSettings",
    "client_key",
    "fingerprint",
]
