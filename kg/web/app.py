"""The request handlers of ``kg serve`` (:class:`App`), one for each part of its URL scheme.

URL scheme
----------

``/``
    The query page: a SPARQL editor (CodeMirror, vendored in
    ``kg/static/vendor/``) with the named queries as examples, a results table
    and downloads (``kg/static/query.js``), then what the server offers and the
    named queries. A browser that asks for ``/sparql`` without a query gets the
    same page. Without JavaScript the editor is a plain form that GETs
    ``/sparql``.
``/sparql``
    The SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` of a form
    (``application/x-www-form-urlencoded``, field ``query``) or of the query
    itself (``application/sparql-query``); ``default-graph-uri`` and
    ``named-graph-uri`` select the dataset. Without them (and without FROM in
    the query) the default graph is the union of all graphs, and each graph
    (``kgg:article/<stem>``, ``kgg:registry``...) is addressable with GRAPH.
    The project's prefixes are pre-bound. SELECT and ASK answers: SPARQL JSON,
    SPARQL XML, CSV, TSV; CONSTRUCT and DESCRIBE: Turtle, JSON-LD,
    N-Triples, RDF/XML; chosen by the Accept header (q-values honoured; the
    first listed is the default) or by ``format=json|xml|csv|tsv`` /
    ``format=turtle|jsonld|nt|rdfxml`` (or ``output=``, as other endpoints
    call it), which wins over Accept. An Accept header that names only result
    types gets a CONSTRUCT answer in Turtle, and one that names only RDF types
    a SELECT answer in SPARQL JSON; nothing fits at all: 406 with the list of
    what is available. Relative IRIs in a query resolve against the
    endpoint's URL. A GET without a query gives the SPARQL 1.1 Service
    Description (in the RDF format asked for), or the query page to a browser.
``/queries`` and ``/queries/NAME?param=value``
    The named queries of :mod:`kg.sparql.querylib`, listed, and one query's answer a page at a
    time, or its text (:mod:`kg.web.queryroutes`).
``/id/<path>``, ``/graph/<path>``, ``/ontology``
    Linked data. Every IRI the project mints is
    ``https://w3id.org/kerman-kg/<path>``; a request for the same path on this
    server stands for that IRI (``http://HOST:PORT/id/kerman-bombings`` for
    ``kgd:kerman-bombings``). Such an IRI names a thing (a bombing, a person, a
    claim), not a document, so, following the W3C note "Cool URIs for the
    Semantic Web" (the 303 solution, not hash IRIs), the server answers
    ``303 See Other`` to a document about it, chosen by the Accept header:
    the HTML page ``/page/<path>`` or the data ``/data/<path>.ttl``
    (``.jsonld``, ``.nt``, ``.rdf``). A 303 never claims the thing and the
    document are the same, and each document keeps a URL of its own that
    can be linked and cached. For ``kgd:`` IRIs ``<path>`` is what follows
    ``id/``; graphs keep ``graph/...`` and the ontology ``ontology``
    (``/page/graph/registry``, ``/page/ontology``). Ontology terms are hash
    IRIs (``kgo:Bombing`` is ``/ontology#Bombing``), so they dereference to
    the ontology's page, which has an anchor for each term. An IRI the graph
    says nothing about is a 404.
``/page/<path>``
    A resource's page: label, types, aliases, definitions, its statements in
    both directions with labels, links and the graphs that hold them (links
    to minted IRIs point at this server), and, for anything drawn from an
    article, the quoted passages with a link to the article's page. An
    article's page shows its title, metadata and text; a graph's, what it
    holds; the ontology's, every term.
``/data/<path>.<ext>``
    The triples about a resource (as subject and as object; a graph's
    contents; the whole ontology), as RDF.
``/static/``
    The pages' stylesheets and scripts (``kg/static/``).
``/context.jsonld``
    The JSON-LD context of ``kg export --format jsonld`` (``application/ld+json``).
``/.well-known/void`` and ``/dumps/NAME``
    The build's VoID description, pointing at this server's endpoint, and the
    dumps it links to (:mod:`kg.web.endpointdesc`); a server of a ``--data`` file has none.
    A server in front of a remote store has neither: both answer 404 with a
    sentence saying that it fronts a remote store, and its Service Description
    links no VoID description (nor claims ``sd:UnionDefaultGraph`` with
    ``--no-union``).
``/status``
    The store (``local``, or ``remote`` with its endpoint and the guard in
    effect), the query workers (how many run, how many are idle, per lane),
    the workers' network guard (``netns``, ``seccomp``, ``remote`` or
    ``none``), the answers waiting in the spool, and the limits, as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from kg.sparql.querycheck import READ_ONLY, QueryRefused, check_query
from kg.web import querypages, urls
from kg.web.negotiation import FORMAT_FIELDS, choose, negotiate, prefers_html
from kg.web.queryroutes import NamedQueryRoutes
from kg.web.responses import (
    COMMON_HEADERS,
    client,
    decode,
    endpoint_url,
    html_response,
    read_body,
    response,
    text_response,
)
from kg.web.workers.jobs import GRAPH_FORMATS, HTML_FORMAT, AnswerFormat, QueryJob, Reply, ResourceJob, not_acceptable

if TYPE_CHECKING:
    from rdflib import Graph
    from starlette.requests import Request
    from starlette.responses import Response

    from kg.sparql.querylib import NamedQuery
    from kg.web.options import ServeOptions
    from kg.web.workers.pool import WorkerPool

#: queries up to this length are checked on the server's event loop before a worker gets them (a
#: millisecond or so); longer ones (a third of a second a megabyte) only in the worker, under its limits
EARLY_CHECK = 64 * 1024
#: what /.well-known/void and /dumps/ answer in front of a remote store
REMOTE_HAS_NO_FILES = (
    "this server fronts a remote SPARQL store (kg serve --endpoint); the VoID description and the dumps are "
    "files of a local build, which it does not have"
)


def _graph_bytes(graph: Graph, fmt: AnswerFormat) -> bytes:
    from kg.sparql.answers import render
    from kg.sparql.engine import Result

    if fmt.name == "rdfxml":
        return graph.serialize(format="xml").encode("utf-8")
    return render(Result("graph", [], [], graph=graph), fmt.name).encode("utf-8")


class App(NamedQueryRoutes):
    """The request handlers, over one worker pool and the query library."""

    def __init__(self, options: ServeOptions, pool: WorkerPool) -> None:
        from kg.sparql.querylib import library

        self.options = options
        self.pool = pool
        self.library: dict[str, NamedQuery] = library()
        #: the build's void.ttl (beside its store), None when serving a file or a remote store
        self.void_file: Path | None = (
            options.store.parent / "void.ttl"
            if options.store is not None and options.data is None and options.remote is None
            else None
        )
        self._void_cache: dict[tuple[str, str], bytes] = {}

    async def context(self, request: Request) -> Response:
        """The published JSON-LD context (kg/context.jsonld), for documents that refer to it."""
        from kg.resources import context_file

        return response(Reply(200, "application/ld+json", context_file().read_bytes()))

    # ----------------------------------------------------------------- pages

    async def index(self, request: Request) -> Response:
        return html_response(querypages.index_page(self.library))

    async def status(self, request: Request) -> Response:
        """The workers and limits, as JSON: for health checks (and tests that wait for idle workers).

        ``store`` says whether the server answers over a local build or in front of a remote store (its
        endpoint, without user information, and the guard in effect there); ``workers`` gives the heavy
        lane's ``size``, ``running`` and ``idle`` workers (the ``--workers``), ``lanes`` both lanes in
        detail, ``network_guard`` how the workers are cut off from the network (``netns``, ``seccomp`` or
        ``none``; see kg.web.workers.sandbox), or ``remote`` when they must reach a remote store and every query is
        checked strictly instead, and ``spooled_bytes`` the large answers waiting to be read.
        """
        from starlette.responses import JSONResponse

        limits = self.options.limits
        options = self.options
        remote = options.remote
        store: dict[str, Any] = {"kind": "local"}
        if remote is not None:
            from kg.stores.remotestore import GUARD_DETAIL

            store = {
                "kind": "remote",
                "endpoint": remote.shown,
                "union": remote.union,
                "default_graphs": list(remote.default_graphs),
                "guard": GUARD_DETAIL,
            }
        return JSONResponse(
            {
                "store": store,
                "workers": self.pool.status(),
                "limits": {
                    "timeout": limits.timeout,
                    "memory_mb": limits.memory_mb,
                    "max_rows": limits.max_rows,
                    "max_bytes": limits.max_bytes,
                    "fast_budget": options.fast_budget,
                    "queue_timeout": options.queue_timeout,
                    "client_heavy": options.lanes.client_heavy,
                    "request_timeout": options.request_timeout,
                    "write_timeout": options.write_timeout,
                    "max_connections": options.max_connections,
                },
            },
            headers=COMMON_HEADERS,
        )

    # ---------------------------------------------------------------- /sparql

    async def sparql(self, request: Request) -> Response:
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        text: str | None = None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                return text_response(403, READ_ONLY)
            if content_type == "application/x-www-form-urlencoded":
                params += parse_qsl(decode(await read_body(request)), keep_blank_values=True)
            elif content_type == "application/sparql-query":
                text = decode(await read_body(request))
            else:
                return text_response(
                    415,
                    "POST a form (application/x-www-form-urlencoded, field 'query') "
                    "or the query itself (application/sparql-query)",
                )
        if any(name == "update" for name, _ in params):
            return text_response(403, READ_ONLY)
        queries = [value for name, value in params if name == "query"]
        if text is not None:
            queries.append(text)
        if not queries:
            if request.method == "GET" and prefers_html(request):
                return html_response(querypages.sparql_page(self.library))
            if request.method == "GET" and not params:
                described = self._describe_service(request)
                if described is not None:
                    return described
            return text_response(
                400, "no query: send ?query=... (GET), a form field 'query' or a sparql-query body (POST)"
            )
        if len(queries) > 1:
            return text_response(400, "give exactly one query")
        query = queries[0]
        formats = negotiate(request.headers.get("accept"), [v for n, v in params if n in FORMAT_FIELDS])
        if len(query) <= EARLY_CHECK:  # a longer one is read in the worker only, not on the event loop
            try:
                shape = check_query(query, parse=False)  # the tokens here; the worker parses it before it runs
            except QueryRefused as refused:
                return text_response(refused.status, str(refused))
            if shape.kind is not None and formats.for_kind(shape.kind) is None:
                return text_response(406, not_acceptable(shape.kind, formats.offered(shape.kind), formats.asked))
        default_graphs = tuple(v for n, v in params if n == "default-graph-uri")
        named_graphs = tuple(v for n, v in params if n == "named-graph-uri")
        protocol_dataset = bool(default_graphs or named_graphs)
        job = QueryJob(
            text=query,
            formats=formats,
            union=not protocol_dataset,
            default_graphs=default_graphs if protocol_dataset else None,
            named_graphs=named_graphs if protocol_dataset else None,
            base_iri=endpoint_url(request),
        )
        return response(await self.pool.run(job, client=client(request)), vary=True)

    def _describe_service(self, request: Request) -> Response | None:
        """The SPARQL 1.1 Service Description, in the RDF format the client accepts; None when it accepts none."""
        from kg.web.endpointdesc import service_description

        chosen = choose(request.headers.get("accept"), GRAPH_FORMATS)
        if chosen is None:
            return None
        remote = self.options.remote
        graph = service_description(
            endpoint_url(request),
            str(request.base_url),
            union=remote is None or remote.union,
            void=remote is None,
        )
        return response(Reply(200, chosen.media_type, _graph_bytes(graph, chosen)), vary=True)

    async def void(self, request: Request) -> Response:
        """The build's VoID description, pointing at this endpoint (see kg.web.endpointdesc)."""
        from kg.web.endpointdesc import endpoint_void

        chosen = choose(request.headers.get("accept"), GRAPH_FORMATS)
        if chosen is None:
            offered = ", ".join(f.media_type for f in GRAPH_FORMATS)
            return text_response(406, f"not acceptable: {request.headers.get('accept')}; available: {offered}")
        if self.options.remote is not None:
            return text_response(404, f"not found: {REMOTE_HAS_NO_FILES}")
        if self.void_file is None or not self.void_file.is_file():
            return text_response(404, "not found: this server serves a file (--data), which has no VoID description")
        key = (str(request.base_url), chosen.name)
        if key not in self._void_cache:
            graph = endpoint_void(self.void_file, endpoint_url(request), str(request.base_url))
            self._void_cache[key] = _graph_bytes(graph, chosen)
        return response(Reply(200, chosen.media_type, self._void_cache[key]), vary=True)

    async def dump(self, request: Request) -> Response:
        """A dump the build wrote (the download links of the VoID description), streamed from disk."""
        from starlette.responses import FileResponse

        from kg.web.endpointdesc import DUMPS

        name = request.path_params["name"]
        if self.options.remote is not None:
            return text_response(404, f"not found: {REMOTE_HAS_NO_FILES}")
        folder = self.void_file.parent if self.void_file is not None else None
        if name not in DUMPS or folder is None or not (folder / name).is_file():
            return text_response(
                404, f"not found: the dumps are {', '.join('/dumps/' + d for d in DUMPS)} (of a build folder)"
            )
        media = "application/n-quads" if name.endswith(".nq") else "application/trig"
        return FileResponse(folder / name, media_type=media, headers=COMMON_HEADERS)

    # ------------------------------------------------------------ linked data

    async def see_other(self, request: Request) -> Response:
        """303 from a minted IRI's path to its page or data document, by Accept."""
        from starlette.responses import Response

        iri = urls.BASE + request.url.path.lstrip("/")
        chosen = choose(request.headers.get("accept"), (HTML_FORMAT, *GRAPH_FORMATS))
        if chosen is None:
            offered = ", ".join(f.media_type for f in (HTML_FORMAT, *GRAPH_FORMATS))
            return text_response(406, f"not acceptable: {request.headers.get('accept')}; available: {offered}")
        found = await self.pool.run(ResourceJob(iri, "exists"), client=client(request))
        if found.status != 200:
            return response(found)
        location = urls.page_url(iri) if chosen is HTML_FORMAT else urls.data_url(iri, chosen.name)
        assert location is not None
        return Response(
            f"See Other: {location}\n",
            status_code=303,
            media_type="text/plain; charset=utf-8",
            headers={**COMMON_HEADERS, "Location": location, "Vary": "Accept"},
        )

    async def page(self, request: Request) -> Response:
        from kg.web.dossier.page import EXPORTS

        iri = urls.iri_of_document(request.path_params["path"])
        view = request.query_params.get("view") or "page"  # an attack's dossier downloads: ?view=dossier.svg
        if view != "page" and view not in EXPORTS:
            return text_response(404, f"not found: a page's views are {', '.join('?view=' + v for v in EXPORTS)}")
        return response(await self.pool.run(ResourceJob(iri, view), client=client(request)))

    async def data(self, request: Request) -> Response:
        path = request.path_params["path"]
        stem, dot, extension = path.rpartition(".")
        by_extension = {ext: fmt for fmt, ext in urls.DATA_EXTENSIONS.items()}
        if not dot or extension not in by_extension:
            endings = ", ".join("." + e for e in urls.DATA_EXTENSIONS.values())
            return text_response(404, f"not found: a data document's name ends in {endings}")
        fmt = next(f for f in GRAPH_FORMATS if f.name == by_extension[extension])
        iri = urls.iri_of_document(stem)
        return response(await self.pool.run(ResourceJob(iri, "data", fmt), client=client(request)))
