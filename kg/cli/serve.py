"""``kg serve``: serve the built graph over HTTP, or a remote store behind the same checks.

It serves a read-only SPARQL endpoint, the named queries and linked-data pages (see
:mod:`kg.web.serve`); this module holds the command's options and the checks of how they combine.
"""

from __future__ import annotations

import argparse
import sys

from kg.cli.options import (
    add_build_option,
    add_data_option,
    add_store_options,
    port_number,
    positive_float,
    positive_int,
    whole_number,
)
from kg.cli.status import EXIT_USAGE


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve_cmd = commands.add_parser(
        "serve",
        help="serve a read-only SPARQL endpoint, the named queries and linked-data pages over HTTP",
        description=(
            "Serve the built graph (the build folder's store, with its inferences, or --data FILE) "
            "over HTTP: a SPARQL 1.1 endpoint at /sparql, the named queries at /queries, and a page and RDF "
            "documents for every IRI the graph mints (/id/..., /graph/..., /ontology answer 303 See Other). "
            "The endpoint is read-only and makes no outbound requests; every query runs in a worker process "
            "that is stopped at the time limit, with its memory capped and its answer's size bounded. "
            "With --endpoint URL it serves the same in front of a remote SPARQL store instead (after kg push): "
            "every query is parsed and checked strictly before it is forwarded. "
            "Binds 127.0.0.1 unless --host says otherwise. Exit status: 2 for a usage error, a build that cannot "
            "be read, or a store that cannot be reached at start."
        ),
    )
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_cmd.add_argument(
        "--port", type=port_number, default=8000, help="port to listen on (default: 8000; 0 picks a free one)"
    )
    add_data_option(serve_cmd, "serve")
    add_build_option(serve_cmd)
    serve_cmd.add_argument(
        "--timeout",
        type=positive_float,
        default=10.0,
        metavar="SECONDS",
        help="stop any query that runs longer (answer 503; default: 10)",
    )
    serve_cmd.add_argument(
        "--memory-mb",
        type=positive_int,
        default=1024,
        metavar="MB",
        help="address-space limit of each query worker (answer 503 beyond it; default: 1024)",
    )
    serve_cmd.add_argument(
        "--max-rows",
        type=positive_int,
        default=10000,
        metavar="N",
        help="refuse answers with more rows or triples (answer 413; default: 10000)",
    )
    serve_cmd.add_argument(
        "--workers",
        type=positive_int,
        default=2,
        metavar="N",
        help="query worker processes of the heavy lane, i.e. heavy queries that run at once (default: 2)",
    )
    serve_cmd.add_argument(
        "--fast-workers",
        type=whole_number,
        default=3,
        metavar="N",
        help="query worker processes of the fast lane, which runs every request first, within --fast-budget; "
        "one of them is kept for pages and requests known to be cheap (default: 3; 0 runs everything in the "
        "heavy lane)",
    )
    serve_cmd.add_argument(
        "--fast-budget",
        type=positive_float,
        default=1.0,
        metavar="SECONDS",
        help="time a request may take in the fast lane before it is stopped and run again in the heavy lane, "
        "with the rest of --timeout (default: 1)",
    )
    serve_cmd.add_argument(
        "--queue-timeout",
        type=positive_float,
        default=10.0,
        metavar="SECONDS",
        help="the longest a request waits for a worker (answer 503 with Retry-After beyond; default: 10)",
    )
    serve_cmd.add_argument(
        "--client-heavy",
        type=positive_int,
        default=None,
        metavar="N",
        help="heavy-lane queries one client (IP address) may run at once (default: half of --workers, at least 1)",
    )
    serve_cmd.add_argument(
        "--client-demotions",
        type=positive_int,
        default=6,
        metavar="N",
        help="a client's requests stopped in the fast lane within a minute, beyond which its requests skip "
        "the fast lane (default: 6)",
    )
    serve_cmd.add_argument(
        "--max-bytes",
        type=positive_int,
        default=64 * 1024 * 1024,
        metavar="BYTES",
        help="refuse answers larger than this (answer 413; default: 67108864, i.e. 64 MB)",
    )
    serve_cmd.add_argument(
        "--request-timeout",
        type=positive_float,
        default=10.0,
        metavar="SECONDS",
        help="close a connection that has not sent a whole request head (then body) within this time of "
        "opening or of its previous answer (default: 10)",
    )
    serve_cmd.add_argument(
        "--write-timeout",
        type=positive_float,
        default=30.0,
        metavar="SECONDS",
        help="disconnect a client that reads nothing of its answer for this long (default: 30)",
    )
    serve_cmd.add_argument(
        "--max-connections",
        type=positive_int,
        default=100,
        metavar="N",
        help="connections served at once (answer 503 beyond; connections beyond twice this are closed at once; "
        "default: 100)",
    )
    serve_cmd.add_argument(
        "--cors",
        nargs="+",
        default=[],
        metavar="ORIGIN",
        help="allow browser pages from these origins (e.g. http://localhost:3000, or *) to call the server; "
        "no CORS headers without it",
    )
    serve_cmd.add_argument(
        "--allow-host",
        nargs="+",
        default=[],
        metavar="NAME",
        help="answer requests whose Host header names one of these (repeatable; a defence against DNS "
        "rebinding). Default: the loopback names (127.0.0.1, localhost, ::1) and, when --host is not a "
        "loopback address, that address and this machine's host name. '*' answers any Host (behind a proxy "
        "that checks it)",
    )
    serve_cmd.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="serve in front of this remote SPARQL endpoint (SPARQL 1.1 Protocol) instead of the build, e.g. "
        "http://localhost:7878/query for Oxigraph server: the same pages and answers. Every query is parsed "
        "before it is forwarded; SERVICE, updates and a store's own syntax are refused. The queries read the "
        "union of all graphs: the store's default graph must be that union (oxigraph serve --union-default-graph; "
        "'kg push --help' lists the other stores), or name the graphs with --default-graph. Not with --data or "
        "--build",
    )
    add_store_options(serve_cmd)
    serve_cmd.add_argument(
        "--union",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --endpoint: the store's default graph is the union of all graphs (the default); --no-union "
        "takes it as it is, and the linked-data pages read it besides the named graphs",
    )


def run(args: argparse.Namespace) -> int:
    from kg.web.options import ServeOptions
    from kg.web.serve import main

    if args.endpoint is not None:
        given = [option for option, value in (("--data", args.data), ("--build", args.build)) if value is not None]
        if given:
            print(
                f"kg serve: --endpoint serves a remote store: leave out {' and '.join(given)} (they name a local "
                "build)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        from kg.stores.http import StoreError, checked_url

        try:
            checked_url(args.endpoint, "--endpoint")
        except StoreError as error:
            print(f"kg serve: {error}", file=sys.stderr)
            return EXIT_USAGE
    elif args.default_graph or args.named_graph or args.user or not args.union:
        print("kg serve: --default-graph, --named-graph, --user and --no-union go with --endpoint", file=sys.stderr)
        return EXIT_USAGE
    options = ServeOptions(
        host=args.host,
        port=args.port,
        data=args.data,
        timeout=args.timeout,
        memory_mb=args.memory_mb,
        max_rows=args.max_rows,
        workers=args.workers,
        cors=tuple(args.cors),
        build=args.build,
        allowed_hosts=tuple(args.allow_host),
        max_bytes=args.max_bytes,
        fast_workers=args.fast_workers,
        fast_budget=args.fast_budget,
        queue_timeout=args.queue_timeout,
        client_heavy=args.client_heavy,
        client_demotions=args.client_demotions,
        request_timeout=args.request_timeout,
        write_timeout=args.write_timeout,
        max_connections=args.max_connections,
        endpoint=args.endpoint,
        user=args.user,
        union=args.union,
        default_graphs=tuple(args.default_graph),
        named_graphs=tuple(args.named_graph),
    )
    return main(options)
