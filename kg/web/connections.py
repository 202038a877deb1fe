"""The HTTP connections of ``kg serve``: what one connection may hold, and for how long.

uvicorn keeps a connection open as long as its client likes: its keep-alive
timeout is reset by any byte received, so a client that sends a request's
head one byte at a time holds the connection forever, and a client that stops
reading an answer holds it, and the answer, forever too. :func:`guarded_protocol`
makes a subclass of uvicorn's h11 protocol (passed as ``http=`` to
``uvicorn.Config``) with three more limits:

- A request timeout (``--request-timeout``). From the moment a connection
  opens, or its previous answer has been written, the client has that many
  seconds to send a complete request head, however it dribbles it; then as
  long again for the request's body, if it has one. Otherwise the
  connection is closed.
- A write timeout (``--write-timeout``). The transport's write buffer has no
  allowance: as soon as the kernel does not take all the server writes, the
  protocol counts the client as not reading, and when that lasts that many
  seconds the connection is cut (``transport.abort``), which stops the
  answer's stream and frees what it held. A client that reads slowly but
  steadily is never cut.
- A hard cap on connections: beyond twice ``--max-connections`` a new
  connection is closed as soon as it is accepted. Up to twice that number
  uvicorn's own ``limit_concurrency`` (``--max-connections``) answers 503 to
  a request while that many connections or requests are open.

:class:`SpooledAnswer` is the response of a large answer, which a query worker
wrote to a file of the pool's spool folder (:mod:`kg.web.workers.process`): it streams the
file in chunks of :data:`CHUNK` bytes, so the server never holds more than a
chunk of it, and deletes the file when the answer was sent, the client went
away, or the connection was cut; should the response never be sent at all,
the file goes when the response object does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from collections.abc import AsyncIterator
from typing import IO, Any

import h11
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

#: the bytes of a spooled answer read and sent at a time
CHUNK = 64 * 1024


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request timeout, a write timeout and a hard cap on connections."""

    request_timeout: float = 10.0
    write_timeout: float = 30.0
    hard_cap: int = 200

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_timer: asyncio.TimerHandle | None = None
        self._request_phase: str | None = None
        self._write_timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------- connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.hard_cap:
            transport.abort()
            return
        # no allowance: pause_writing (and the write timer) as soon as the kernel leaves anything unsent
        transport.set_write_buffer_limits(high=0, low=0)
        self._watch_request(restart=True)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_request_timer()
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._watch_request(restart=True)

    # ---------------------------------------------------------- request timer

    def _watch_request(self, restart: bool = False) -> None:
        """Time the head while the client has not sent one, then the body; nothing once the request is in."""
        state = self.conn.their_state
        phase = "head" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase == self._request_phase and not restart:
            return
        self._stop_request_timer()
        self._request_phase = phase
        if phase is not None:
            self._request_timer = self.loop.call_later(self.request_timeout, self._request_too_slow)

    def _stop_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_too_slow(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        if self.transport.get_write_buffer_size() == 0:
            self.transport.abort()
        else:  # the end of an earlier answer is still going out: let it, within the write timeout
            self.transport.close()
            self.loop.call_later(self.write_timeout, self.transport.abort)

    # ------------------------------------------------------------ write timer

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.write_timeout, self._write_stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _write_stalled(self) -> None:
        self._write_timer = None
        self.transport.abort()


def guarded_protocol(request_timeout: float, write_timeout: float, hard_cap: int) -> type[GuardedH11Protocol]:
    """A :class:`GuardedH11Protocol` class with these limits, for ``uvicorn.Config(http=...)``."""
    limits = {"request_timeout": request_timeout, "write_timeout": write_timeout, "hard_cap": hard_cap}
    return type("GuardedH11Protocol", (GuardedH11Protocol,), limits)


def _discard(file: IO[bytes], path: str) -> None:
    file.close()
    with contextlib.suppress(OSError):
        os.unlink(path)


class SpooledAnswer(StreamingResponse):
    """A large answer streamed from its spool file, which is deleted once the response is over."""

    def __init__(self, path: str, status_code: int, media_type: str, headers: dict[str, str]) -> None:
        self.file = open(path, "rb")  # noqa: SIM115  (closed by the finalizer, whatever happens)
        self._finalizer = weakref.finalize(self, _discard, self.file, path)
        size = os.fstat(self.file.fileno()).st_size
        super().__init__(self._chunks(), status_code, {**headers, "Content-Length": str(size)}, media_type)

    async def _chunks(self) -> AsyncIterator[bytes]:
        while chunk := self.file.read(CHUNK):  # a local file the worker just wrote: no wait worth a thread
            yield chunk

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._finalizer()


__all__ = ["CHUNK", "GuardedH11Protocol", "SpooledAnswer", "guarded_protocol"]
