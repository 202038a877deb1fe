"""``kg query`` and ``kg queries``: run a query of the library, a .rq file or SPARQL, and list the library.

``kg query`` answers over the build folder's store (rebuilt first when an input changed), a built
dataset file, or a remote SPARQL endpoint (:mod:`kg.stores.endpoint`); the query is run and paged by
:mod:`kg.sparql.querying` and its answer written by :mod:`kg.sparql.answers`. ``kg queries`` lists
the named queries and the quality checks of the library (:mod:`kg.sparql.querylib`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli.options import add_build_option, add_data_option, add_store_options
from kg.cli.status import EXIT_INPUT, EXIT_OK, EXIT_USAGE, input_failure
from kg.rdf import formatregistry


def add_query_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    query_cmd = commands.add_parser(
        "query",
        help="run a named query, a .rq file, or SPARQL from standard input",
        description=(
            "Run a named query of the library ('kg queries' lists them), a .rq file, or SPARQL read from "
            "standard input ('-'), over the union of all graphs of the built dataset, its OWL RL inferences "
            "included. The project's prefixes are pre-bound. Parameters are bound, not pasted: an entity "
            "parameter takes an IRI, a prefixed name (kgd:kerman-bombings) or a name or alias. It reads the store of "
            "the build folder (see --build), which is rebuilt first only when an input changed since 'kg build'. "
            "A query that is not one of the library's is checked before it runs: updates, SERVICE (kg makes no "
            "network requests) and nesting deeper than 64 levels are refused. "
            "Exit status: 0 answered, 2 bad query, parameter or usage."
        ),
    )
    query_cmd.add_argument("query", metavar="NAME|FILE|-", help="a query name, a .rq file, or - for standard input")
    query_cmd.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the query (repeatable), e.g. --param attack='2024 Kerman bombings'",
    )
    query_cmd.add_argument(
        "--format",
        "-f",
        default=None,
        choices=(*formatregistry.QUERY_RESULTS, *formatregistry.QUERY_GRAPHS),
        help="table (default for SELECT/ASK), csv, tsv, json (SPARQL JSON), xml, markdown; "
        "turtle (default for CONSTRUCT/DESCRIBE), jsonld, nt",
    )
    add_data_option(query_cmd, "query")
    add_build_option(query_cmd)
    query_cmd.add_argument(
        "--base",
        default=None,
        metavar="IRI",
        help="the base IRI of the query's relative IRIs (default: the .rq file's own file: IRI; for standard "
        "input, the current folder's)",
    )
    query_cmd.add_argument(
        "--union",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="make the default graph the union of all graphs (the default); --no-union queries the data's "
        "own default graph, as SPARQL datasets are elsewhere (a --data file's graphs stay addressable with "
        "GRAPH)",
    )
    query_cmd.add_argument(
        "--engine",
        choices=("oxigraph", "rdflib"),
        default="oxigraph",
        help="query engine: oxigraph (default, fast) or rdflib (the reference; slow on joins)",
    )
    query_cmd.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="run the query on this remote SPARQL endpoint (SPARQL 1.1 Protocol) instead of the build, e.g. "
        "http://localhost:7878/query for Oxigraph server: the same rows, in the same formats. The text sent "
        "declares the prefixes it uses and has its parameters written in as VALUES. The queries read the union "
        "of all graphs: the store's default graph must be that union (oxigraph serve --union-default-graph; "
        "'kg push --help' lists the other stores), or name the graphs with --default-graph",
    )
    add_store_options(query_cmd)
    query_cmd.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="print at most N rows of a SELECT answer (a page; default: all); a note on standard error says "
        "when more rows follow and the --offset of the next page",
    )
    query_cmd.add_argument(
        "--offset",
        type=int,
        default=0,
        metavar="N",
        help="skip the first N rows (the earlier pages; default: 0). The named queries order their rows "
        "completely, so pages never overlap",
    )


def add_queries_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    commands.add_parser(
        "queries",
        help="list the named queries with their questions and parameters",
        description="List the named queries of the library (queries/*.rq) and the quality checks (queries/checks/).",
    )


def run_query(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.sparql.engine import QuerySyntaxError
    from kg.sparql.querylib import QueryLibraryError
    from kg.stores.http import StoreError

    params: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            print(f"kg query: --param takes NAME=VALUE, not '{item}'", file=sys.stderr)
            return EXIT_USAGE
        params[name.strip()] = value
    if (args.limit is not None and args.limit < 1) or args.offset < 0:
        print(
            f"kg query: --limit takes 1 or more rows and --offset 0 or more, not {args.limit} and {args.offset}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    source = sys.stdin.read() if args.query == "-" else args.query
    base = args.base or (Path.cwd().as_uri() + "/" if args.query == "-" else None)
    if base is not None:
        import pyoxigraph as ox

        try:
            ox.NamedNode(base)
        except ValueError as exc:
            print(f"kg query: --base takes an absolute IRI, not '{base}' ({exc})", file=sys.stderr)
            return EXIT_USAGE
    try:
        engine = _engine(args)
        from kg.sparql.answers import render
        from kg.sparql.querying import Page, run

        result, prepared = run(engine, source, params, Page(args.limit, args.offset), base)
        fmt = args.format or ("turtle" if result.kind == "graph" else "table")
        output = render(result, fmt)
    except (QueryLibraryError, QuerySyntaxError, ValueError) as error:
        print(f"kg query: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as failed:
        return input_failure(failed)
    except InputError as bad_input:
        return input_failure(bad_input, EXIT_USAGE)
    except StoreError as store_error:
        print(f"kg query: {store_error}", file=sys.stderr)
        return EXIT_USAGE if store_error.usage else EXIT_INPUT
    for note in prepared.notes:
        print(f"note: {note}", file=sys.stderr)
    if prepared.more:
        shown = len(result.rows)
        print(
            f"note: rows {args.offset + 1}-{args.offset + shown} shown, more follow: "
            f"the next page is --offset {args.offset + shown}",
            file=sys.stderr,
        )
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    if args.endpoint is not None:
        from kg.stores.endpoint import open_remote

        if args.data is not None or args.engine != "oxigraph":
            raise ValueError("--endpoint queries a remote store: leave out --data and --engine")
        return open_remote(args.endpoint, args.user, args.union, args.default_graph, args.named_graph)
    if args.default_graph or args.named_graph or args.user:
        raise ValueError("--default-graph, --named-graph and --user go with --endpoint")
    if args.engine == "rdflib":
        from kg import load
        from kg.sparql.engine import RdflibEngine

        return RdflibEngine(load(args.data) if args.data else load(reason=True), union=args.union)
    from kg.sparql.engine import open_engine

    if args.data is not None and not args.data.is_file():
        from kg.errors import InputError

        raise InputError(args.data, None, "no such file")
    engine = open_engine(args.data, args.build)[0]
    engine.union = args.union
    return engine


def run_queries() -> int:
    from kg.sparql.querylib import library

    queries = library()
    named = [q for q in queries.values() if not q.is_check]
    checks = [q for q in queries.values() if q.is_check]
    width = max(len(q.name) for q in queries.values()) if queries else 10
    print(f"{len(named)} named queries (kg query NAME [--param NAME=VALUE]...):")
    for q in named:
        print(f"  {q.name.ljust(width)}  {q.question}")
        for p in q.parameters:
            print(f"  {''.ljust(width)}    --param {p.signature()}: {p.doc}")
    print(f"\n{len(checks)} quality checks (must return no rows; kg query checks/NAME):")
    for q in checks:
        print(f"  checks/{q.name.ljust(width)}  {q.question}")
    return EXIT_OK
