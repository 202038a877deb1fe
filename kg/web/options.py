"""The command line of ``kg serve`` as one value (:class:`ServeOptions`), and the settings it derives.

From the options come the limits of a query (:class:`kg.web.workers.jobs.Limits`), the lanes' settings
(:class:`kg.web.workers.lanes.LaneSettings`) and, with ``--endpoint``, the remote store the server fronts
(:class:`kg.stores.remotestore.RemoteTarget`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.stores.remotestore import RemoteTarget
from kg.web.workers.jobs import Limits
from kg.web.workers.lanes import LaneSettings


@dataclass(frozen=True)
class ServeOptions:
    """The command line of ``kg serve``."""

    host: str = "127.0.0.1"
    port: int = 8000
    data: Path | None = None
    timeout: float = 10.0
    memory_mb: int = 1024
    max_rows: int = 10000
    workers: int = 2
    cors: tuple[str, ...] = ()
    store: Path | None = field(default=None, compare=False)
    #: the build folder to serve when no file is given (default: kg.pipeline.buildfolder.default_folder())
    build: Path | None = None
    #: the names the Host header may give (see :func:`allowed_hosts`); empty for the default
    allowed_hosts: tuple[str, ...] = ()
    #: the bytes an answer may have (413 beyond)
    max_bytes: int = 64 * 1024 * 1024
    #: the fast lane (kg.web.workers.lanes): its workers (0: none, every job in the heavy lane) and each job's
    #: budget in it
    fast_workers: int = 3
    fast_budget: float = 1.0
    #: the longest a request waits for a worker (503 with Retry-After beyond)
    queue_timeout: float = 10.0
    #: heavy-lane jobs one client runs at once (None: half of --workers, at least 1)
    client_heavy: int | None = None
    #: jobs of one client stopped in the fast lane within a minute before its jobs skip the fast lane
    client_demotions: int = 6
    #: seconds a connection has to send a request's head (and then its body) before it is closed
    request_timeout: float = 10.0
    #: seconds a client may leave an answer unread before it is disconnected
    write_timeout: float = 30.0
    #: connections served at once (503 beyond; closed at once beyond twice as many)
    max_connections: int = 100
    #: the remote store's query endpoint to front instead of a local build (``--endpoint``), the user to
    #: authenticate as, whether its default graph is taken as the union of all graphs, and graphs to name
    #: as the default graph instead (see kg.stores.remotestore)
    endpoint: str | None = None
    user: str | None = None
    union: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def remote(self) -> RemoteTarget | None:
        """The remote store this server fronts, None for a local build."""
        if self.endpoint is None:
            return None
        return RemoteTarget(self.endpoint, self.user, self.union, self.default_graphs, self.named_graphs)

    @property
    def limits(self) -> Limits:
        return Limits(self.timeout, self.memory_mb, self.max_rows, self.max_bytes)

    @property
    def lanes(self) -> LaneSettings:
        return LaneSettings(
            fast_workers=self.fast_workers,
            fast_budget=self.fast_budget,
            queue_timeout=self.queue_timeout,
            client_heavy=self.client_heavy if self.client_heavy is not None else max(1, self.workers // 2),
            client_demotions=self.client_demotions,
        )
