"""The review server's application: the page, its static files, and the API through which every decision is
written, behind the checks that keep it to the page the server gave out.

The server serves one article of one corpus folder: ``/review/<stem>`` is its page, ``/static/`` its script
and stylesheets (``kg/static/``: nothing comes from elsewhere), and ``/api/`` the calls the page makes, all
JSON:

``GET /api/articles/<stem>``
    The article as the page shows it: its text, the metadata record, every item of the annotation file (with
    its review state, its description in words, where its quotes are, its lines), the progress, and what the
    forms offer (the registry's entities with their names, the ontology's classes and properties).
``GET /api/articles/<stem>/check`` (``?rules=1`` for the full check)
    The curator check (:func:`kg.curation.check.check_corpus`) of the whole corpus, its problems for this article
    grouped by the item whose lines they name. Without ``rules`` only the build's own checks run (quotes,
    references, types, dates: a fraction of a second); with it the SHACL shapes and quality checks too.
``POST /api/articles/<stem>/<section>/<id>/review``, ``PUT /api/articles/<stem>/<section>/<id>``, ``POST
/api/articles/<stem>/<section>``
    A decision on a fact or an article-local entity (``section`` is ``facts`` or ``entities``): its review
    state (``{"state": "accepted"}``), an edit (``{"item": {...}, "passages": [...]}``), a new item.
``POST /api/articles/<stem>/meta``, ``POST /api/articles/<stem>/meta/accept``, ``PUT /api/articles/<stem>/meta``
    The metadata record: a draft one created (as ``kg draft`` writes it), accepted (its ``review: draft``
    line deleted), or some of its fields set.
``POST /api/articles/<stem>/build``
    The full check and, when it passes, the build, written into the review's own folder (``--out``, by
    default a new temporary folder, never ``build/``); answers with the article's summary and its facts as
    the built graph holds them (the named query ``article-facts``).
``POST /api/query-page``
    Starts ``kg serve --data`` on the last build, on a free loopback port, and answers with its address, so
    the page can link to the article's graph in the query page; it is stopped with the review server.

Safety
------

- Loopback only: the server binds 127.0.0.1 or ::1 (``--host`` refuses anything else), and answers only
  requests whose ``Host`` is its own loopback address and port, so a web page that rebinds a name to
  127.0.0.1 gets nothing.
- No cross-site requests: every ``/api/`` call must carry the server's random token (made at start, handed
  only to the page, in a ``<meta>`` element) in the ``X-Review-Token`` header; a write must also be JSON, and
  a request that names another ``Origin`` (or that the browser marks ``Sec-Fetch-Site: cross-site``) is
  refused. No CORS header is ever sent, so no other site's script can read an answer.
- Only the article's files: an article is named by its stem (letters, digits, ``_``, ``-``), never a path,
  and the server answers only for the one it was started with; it writes nothing but
  ``articles/<stem>.facts.yaml`` and ``articles/<stem>.meta.yaml`` of that corpus, each checked to resolve
  directly inside its ``articles/`` folder and not to be a link (:func:`kg.review.files.article_files`),
  and the build's output into its own folder.
- No lost edit: each write names the SHA-256 of the file as the page loaded it, and is refused (409, nothing
  written) when the file changed since, in another tab or an editor; a file is replaced atomically, so a
  failed write leaves it as it was, and the page says so.
- Its pages carry a Content-Security-Policy that allows only the server's own scripts, styles and requests.
- Errors without internals: a bad request gets a 4xx with a message in JSON; an unexpected error is logged on
  the server's standard error and answered with a plain 500 message.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import sys
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from kg import resources
from kg.review import page, passages
from kg.review.document import AnnotationFile
from kg.review.files import ReviewError, require_unchanged, write_if_unchanged
from kg.review.meta_record import MetaRecord
from kg.review.session import Review

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

MAX_BODY = 1024 * 1024
STATIC_DIR = resources.static_dir()
TOKEN_HEADER = "X-Review-Token"
HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
        "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def _json(status: int, payload: dict[str, Any]) -> Response:
    from starlette.responses import JSONResponse

    return JSONResponse(payload, status_code=status, headers=COMMON_HEADERS)


def _error(status: int, message: str) -> Response:
    return _json(status, {"error": message})


async def _read_json(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ReviewError(415, "send the change as JSON (Content-Type: application/json)")
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise ReviewError(413, f"the request is larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ReviewError(413, f"the request is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        payload = json.loads(b"".join(chunks).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReviewError(400, f"the request is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise ReviewError(400, "the request is a JSON object")
    return payload


def _digest(payload: dict[str, Any], key: str = "digest") -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise ReviewError(
            400, f"say which version of the file the change is for ('{key}': the SHA-256 the page loaded)"
        )
    return value


def create_app(review: Review) -> Starlette:
    """The review server's Starlette application (``review.allowed_hosts`` must name its address)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
    from starlette.responses import RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    class Guard(BaseHTTPMiddleware):
        """Host, token and origin checks before any handler runs (see the module docstring)."""

        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            host = request.headers.get("host", "")
            if host not in review.allowed_hosts:
                return _error(403, f"this server answers only at its own loopback address, not at '{host[:100]}'")
            if request.url.path.startswith("/api/"):
                token = request.headers.get(TOKEN_HEADER, "")
                if not hmac.compare_digest(token.encode("utf-8"), review.token.encode("utf-8")):
                    return _error(
                        403,
                        f"refused: the request does not carry this review server's token ({TOKEN_HEADER}); only the "
                        "review page the server gave out may read or change the files",
                    )
                origin = request.headers.get("origin")
                if origin is not None and origin not in {f"http://{h}" for h in review.allowed_hosts}:
                    return _error(
                        403, f"refused: a request from another site ({origin[:100]}) may not change the files"
                    )
                if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
                    return _error(403, "refused: a cross-site request may not change the files")
            return await call_next(request)

    lock = review.write_lock

    async def page_handler(request: Request) -> Response:
        stem = request.path_params["stem"]
        try:
            review.files(stem)
        except ReviewError as exc:
            return _html(exc.status, page.error_page(exc.message))
        return _html(200, page.review_page(stem, review.token))

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers=COMMON_HEADERS)

    async def index(request: Request) -> Response:
        return RedirectResponse(f"/review/{review.stem}", status_code=303, headers=COMMON_HEADERS)

    async def state(request: Request) -> Response:
        return _json(200, await run_in_threadpool(review.state, request.path_params["stem"]))

    async def check(request: Request) -> Response:
        full = request.query_params.get("rules", "") in ("1", "true", "yes")
        return _json(200, await run_in_threadpool(review.check, request.path_params["stem"], full))

    async def write_facts(stem: str, change: Callable[[AnnotationFile], str], digest: str, message: str) -> Response:
        files = review.files(stem)
        async with lock:
            annotation = AnnotationFile.read(files.facts, stem)
            if annotation.digest != digest:
                require_unchanged(files.facts, digest)
            text = change(annotation)
            write_if_unchanged(files.facts, text, digest)
            if annotation.written is not None:
                review._read[files.facts] = annotation.written
        return _json(200, {"message": message, "state": await run_in_threadpool(review.state, stem)})

    async def set_review(request: Request) -> Response:
        stem, section, item_id = (request.path_params[k] for k in ("stem", "section", "item"))
        payload = await _read_json(request)
        state_ = payload.get("state")
        if not isinstance(state_, str):
            raise ReviewError(400, "say the review state: draft, accepted or rejected")
        return await write_facts(
            stem,
            lambda a: a.with_review(section, item_id, state_),
            _digest(payload),
            f"{item_id}: {state_}",
        )

    async def edit_item(request: Request) -> Response:
        stem, section, item_id = (request.path_params[k] for k in ("stem", "section", "item"))
        payload = await _read_json(request)
        item = _with_passages(payload, _article_text(review, stem))
        accept = payload.get("accept") is True
        return await write_facts(
            stem,
            lambda a: a.with_item(section, item_id, item, "accepted" if accept else None),
            _digest(payload),
            f"{item_id}: saved" + (" and accepted" if accept else ""),
        )

    async def add_item(request: Request) -> Response:
        stem, section = request.path_params["stem"], request.path_params["section"]
        payload = await _read_json(request)
        item = _with_passages(payload, _article_text(review, stem))
        item.setdefault("review", "accepted")
        name = str(item.get("id"))
        return await write_facts(
            stem,
            lambda a: a.with_new_item(section, item, f"{stem}.txt"),
            _digest(payload),
            f"{name}: added",
        )

    async def write_meta(stem: str, change: Callable[[MetaRecord], str], digest: str, message: str) -> Response:
        files = review.files(stem)
        async with lock:
            record = MetaRecord.read(files.meta)
            if record.digest != digest:
                require_unchanged(files.meta, digest)
            write_if_unchanged(files.meta, change(record), digest)
        return _json(200, {"message": message, "state": await run_in_threadpool(review.state, stem)})

    async def create_meta(request: Request) -> Response:
        from kg.curation.corpus import read_text
        from kg.drafting.draft import draft_meta

        stem = request.path_params["stem"]
        payload = await _read_json(request)
        files = review.files(stem)
        text, sha = read_text(files.text)

        def change(record: MetaRecord) -> str:
            if record.text is not None:
                raise ReviewError(409, f"{files.meta.name} exists already")
            return draft_meta(files.text, text, sha)

        return await write_meta(stem, change, _digest(payload), "drafted the metadata record: check it, then accept it")

    async def accept_meta(request: Request) -> Response:
        stem = request.path_params["stem"]
        payload = await _read_json(request)
        return await write_meta(stem, lambda r: r.accepted(), _digest(payload), "metadata record accepted")

    async def edit_meta(request: Request) -> Response:
        stem = request.path_params["stem"]
        payload = await _read_json(request)
        fields = payload.get("fields")
        return await write_meta(stem, lambda r: r.with_fields(fields), _digest(payload), "metadata record saved")

    async def build(request: Request) -> Response:
        stem = request.path_params["stem"]
        await _read_json(request)
        return _json(200, await run_in_threadpool(review.build, stem))

    async def query_page(request: Request) -> Response:
        await _read_json(request)
        return _json(200, {"url": await run_in_threadpool(review.query_page)})

    async def refuse(request: Request, exc: Exception) -> Response:
        if isinstance(exc, ReviewError):
            return _error(exc.status, exc.message)
        if isinstance(exc, HTTPException):
            return _error(exc.status_code, f"{exc.detail}: {request.url.path[:200]}")
        import traceback

        print(f"kg review: internal error:\n{traceback.format_exc()}", file=sys.stderr)
        return _error(500, "internal error: the server could not do this; nothing was written")

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await run_in_threadpool(review.stop_query_page)

    api = "/api/articles/{stem}"
    routes = [
        Route("/", index),
        Route("/favicon.ico", no_icon),
        Route("/review/{stem}", page_handler),
        Route(api, state),
        Route(api + "/check", check),
        Route(api + "/build", build, methods=["POST"]),
        Route(api + "/meta", create_meta, methods=["POST"]),
        Route(api + "/meta", edit_meta, methods=["PUT"]),
        Route(api + "/meta/accept", accept_meta, methods=["POST"]),
        Route(api + "/{section}", add_item, methods=["POST"]),
        Route(api + "/{section}/{item}", edit_item, methods=["PUT"]),
        Route(api + "/{section}/{item}/review", set_review, methods=["POST"]),
        Route("/api/query-page", query_page, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard)],
        lifespan=lifespan,
        exception_handlers={ReviewError: refuse, HTTPException: refuse, Exception: refuse},
    )
    return app


def _with_passages(payload: dict[str, Any], text: str) -> dict[str, Any]:
    """The item of a request, with the quote of the passages the curator selected when there are any."""
    item = payload.get("item")
    if not isinstance(item, dict):
        raise ReviewError(400, 'send the item: {"item": {...}}')
    item = dict(item)
    if payload.get("passages") is not None:
        item.pop("occurrence", None)
        item.update(passages.passages(text, payload["passages"]))
    return item


def _article_text(review: Review, stem: str) -> str:
    from kg.curation.corpus import read_text
    from kg.errors import InputError

    try:
        return read_text(review.files(stem).text)[0]
    except InputError as exc:
        raise ReviewError(409, f"the article cannot be reviewed: {exc.message}") from exc


def _html(status: int, body: str) -> Response:
    from starlette.responses import HTMLResponse

    return HTMLResponse(body, status_code=status, headers={**COMMON_HEADERS, **HTML_HEADERS})
