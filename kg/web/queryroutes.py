"""The named queries over HTTP: ``/queries`` lists the library, ``/queries/NAME`` answers one query.

``/queries`` and ``/queries/NAME?param=value``
    The named queries of :mod:`kg.sparql.querylib` (JSON for programs, HTML for
    browsers), and one query's answer, with the same formats plus HTML. An
    entity parameter takes an IRI, a prefixed name or a name or alias. An
    unknown query is a 404 with close matches; an unknown parameter a 400.
    A SELECT answer comes a page at a time: ``limit`` rows (default
    :data:`DEFAULT_LIMIT`, at most ``--max-rows``) after ``offset`` rows
    (default 0); a bad value is a 400 naming it. When more rows follow, the
    answer carries a ``Link: <...>; rel="next"`` header with the next page's
    URL and a ``KG-Note`` header (and, in HTML, a note) saying so. Every named
    query orders its rows completely, so pages never overlap.
    ``format=sparql`` (or ``Accept: application/sparql-query``) gives the
    query's text instead, with its parameters written in as a VALUES block
    (:mod:`kg.sparql.querytext`): the given ones, or with none given the example's
    of the query's header; the defaults fill the rest. The query page loads
    its examples this way.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from kg.sparql.querycheck import inspect_query
from kg.web import querypages
from kg.web.negotiation import FORMAT_FIELDS, negotiate, prefers_html
from kg.web.responses import COMMON_HEADERS, BadRequest, client, html_response, response, text_response
from kg.web.workers.jobs import GRAPH_FORMATS, HTML_FORMAT, SELECT_FORMATS, SPARQL_TEXT, NamedQueryJob, not_acceptable

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from kg.sparql.querylib import NamedQuery
    from kg.web.options import ServeOptions
    from kg.web.workers.pool import WorkerPool

#: the query-string fields that page a named query's answer, and the rows of a page when none is asked for
PAGING = ("limit", "offset")
DEFAULT_LIMIT = 1000


class NamedQueryRoutes:
    """The handlers of ``/queries`` and ``/queries/NAME``; a base of :class:`kg.web.app.App`, which sets
    these attributes."""

    options: ServeOptions
    pool: WorkerPool
    library: dict[str, NamedQuery]

    async def queries(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        if prefers_html(request):
            return html_response(querypages.queries_page(self.library))
        listing = [
            {
                "name": name,
                "question": q.question,
                "url": f"/queries/{name}",
                "check": q.is_check,
                "columns": list(q.columns),
                "example": q.example,
                "sparql": f"/queries/{name}?format=sparql",
                "parameters": [
                    {"name": p.name, "kind": p.kind, "doc": p.doc, "default": p.default, "required": p.required}
                    for p in q.parameters
                ],
            }
            for name, q in self.library.items()
        ]
        return JSONResponse({"queries": listing}, headers={**COMMON_HEADERS, "Vary": "Accept"})

    async def named_query(self, request: Request) -> Response:
        from kg.sparql.querylib import QueryLibraryError

        name = request.path_params["name"]
        named = self.library.get(name)
        if named is None:
            close = difflib.get_close_matches(name, list(self.library), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; /queries lists them"
            return text_response(404, f"unknown query '{name}'{hint}")
        params: dict[str, str] = {}
        format_values: list[str] = []
        paging: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in FORMAT_FIELDS:
                format_values.append(value)
                continue
            if key in PAGING:
                if key in paging:
                    return text_response(400, f"'{key}' is given twice")
                paging[key] = value
                continue
            try:
                named.parameter(key)
            except QueryLibraryError as exc:
                return text_response(400, str(exc))
            if key in params:
                return text_response(400, f"parameter '{key}' is given twice")
            params[key] = value
        formats = negotiate(
            request.headers.get("accept"),
            format_values,
            (*SELECT_FORMATS, HTML_FORMAT, SPARQL_TEXT),
            (*GRAPH_FORMATS, HTML_FORMAT, SPARQL_TEXT),
        )
        kind = inspect_query(named.text).kind
        if kind is not None and formats.for_kind(kind) is None:
            return text_response(406, not_acceptable(kind, formats.offered(kind), formats.asked))
        wants_text = formats.for_kind(kind or "select") is SPARQL_TEXT
        if not params and wants_text:
            from kg.sparql.querytext import example_params

            params = example_params(named)  # the text of a bare example runs as its header's example does
        if kind == "graph" or wants_text:
            if paging:
                return text_response(
                    400, "limit and offset page the rows of a SELECT answer; this asks for RDF or the text"
                )
            job = NamedQueryJob(name, tuple(params.items()), formats)
        else:
            limit, offset = self._page(paging)
            following = [(k, v) for k, v in request.query_params.multi_items() if k not in PAGING]
            next_url = f"{request.url.path}?{urlencode([*following, ('limit', limit), ('offset', offset + limit)])}"
            job = NamedQueryJob(name, tuple(params.items()), formats, limit, offset, next_url)
        reply = await self.pool.run(job, client=client(request))
        return response(reply, vary=True)

    def _page(self, paging: dict[str, str]) -> tuple[int, int]:
        """The page a named-query request asks for: ``limit`` (default :data:`DEFAULT_LIMIT`, at most the
        server's ``--max-rows``) and ``offset`` (default 0); BadRequest (400) naming a bad value."""
        most = self.options.max_rows
        limits = {"limit": (1, most, min(DEFAULT_LIMIT, most)), "offset": (0, None, 0)}
        page: dict[str, int] = {}
        for key, (least, greatest, default) in limits.items():
            text = paging.get(key, "").strip()
            if not text:
                page[key] = default
                continue
            if not text.isdigit():
                raise BadRequest(400, f"{key} must be a whole number of rows, not '{paging[key]}'")
            value = int(text)
            if value < least or (greatest is not None and value > greatest):
                bound = f"between {least} and {greatest} (the server's --max-rows)" if greatest else f"{least} or more"
                raise BadRequest(400, f"{key} must be {bound}, not {value}")
            page[key] = value
        return page["limit"], page["offset"]
