"""Where ``kg serve`` and ``kg review`` listen, which host names ``kg serve`` answers for, and the middleware
that refuses the others (DNS rebinding).

A request whose ``Host`` header names another host gets 400 (:class:`HostCheck`), which stops DNS
rebinding: a page of another site whose name is re-pointed at 127.0.0.1 cannot make a browser query the
server and read the answer. The names allowed (:func:`allowed_hosts`) are the loopback names (and,
bound elsewhere, the address and this machine's names), or ``--allow-host``.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from kg.web.responses import text_response

if TYPE_CHECKING:
    from kg.web.options import ServeOptions

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to the address (IPv6 when it has a colon), inheritable so that uvicorn's workers
    can take it over; port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def allowed_hosts(options: ServeOptions) -> frozenset[str]:
    """The host names a request's Host header may give: ``--allow-host``, else the loopback names plus,
    for an address that is not loopback, the address and this machine's names. ``*`` allows any."""
    if options.allowed_hosts:
        return frozenset(h.strip().lower().strip("[]") for h in options.allowed_hosts)
    names = set(LOOPBACK_HOSTS)
    if options.host not in LOOPBACK_HOSTS:
        names.add(options.host.lower())
        names.update({socket.gethostname().lower(), socket.getfqdn().lower()})
    return frozenset(names)


def _host_name(header: str) -> str:
    """The host name of a Host header, without its port and IPv6 brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    """ASGI middleware: a request whose Host header names none of the allowed hosts gets 400.

    A page on another site can make a browser send requests to this server, and with DNS rebinding
    (the other site's name re-pointed at 127.0.0.1) read the answers; such requests carry the other
    site's name in their Host header, which this check refuses.
    """

    def __init__(self, app: Any, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and "*" not in self.hosts:
            headers = dict(scope.get("headers") or [])
            host = _host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.hosts:
                response = text_response(
                    400,
                    f"this server does not answer for the host '{host}' (its Host header); it answers for "
                    f"{', '.join(sorted(self.hosts))} (kg serve --allow-host adds names)",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
