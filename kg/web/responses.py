"""The ends of an HTTP exchange of ``kg serve``: a request's body and client, and a reply as a response.

The request handlers (:mod:`kg.web.app`, :mod:`kg.web.queryroutes`) read a request's body within
:data:`MAX_BODY` bytes, refuse a request with :class:`BadRequest` (the message goes to the client), and
send a worker's :class:`kg.web.workers.jobs.Reply` as a response with the headers every answer carries (and,
on HTML pages, a Content-Security-Policy); a large answer, spooled by the worker, is streamed from its
file (:class:`kg.web.connections.SpooledAnswer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.web.workers.jobs import Reply

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

#: the largest request body (a POSTed query) the server reads
MAX_BODY = 1024 * 1024
HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
}
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff"}


class BadRequest(Exception):
    """A request the server refuses; the message goes to the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def response(reply: Reply, vary: bool = False) -> Response:
    from starlette.responses import Response

    headers = dict(COMMON_HEADERS)
    headers.update(reply.headers)
    if reply.media_type == "text/html":
        headers.update(HTML_HEADERS)
    if vary:
        headers["Vary"] = "Accept"
    if reply.path is not None:  # a large answer, in a file of the workers' spool: streamed, then deleted
        from kg.web.connections import SpooledAnswer

        return SpooledAnswer(reply.path, reply.status, _content_type(reply.media_type), headers)
    return Response(reply.body, status_code=reply.status, media_type=_content_type(reply.media_type), headers=headers)


def client(request: Request) -> str:
    """The address of the client, whose jobs kg.web.workers.lanes counts together."""
    return request.client.host if request.client is not None else ""


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def endpoint_url(request: Request) -> str:
    """The URL of this server's SPARQL endpoint, as the client addressed the server (its Host is checked)."""
    return f"{request.base_url}sparql"


def text_response(status: int, message: str) -> Response:
    return response(Reply.text(status, message))


def html_response(body: str) -> Response:
    return response(Reply(200, "text/html", body.encode("utf-8")), vary=True)


async def read_body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise BadRequest(413, f"the request body is larger than {MAX_BODY} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise BadRequest(413, f"the request body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(400, f"the request body is not UTF-8: {exc}") from exc
