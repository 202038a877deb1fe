"""``kg push``: load the build into a triple store over the Graph Store Protocol, and check its counts.

The pushing and counting are :mod:`kg.stores.push`; this module holds the command's options and
how its outcome is reported.
"""

from __future__ import annotations

import argparse
import sys

from kg.cli.options import add_build_option, add_data_option, add_user_option, graph_names
from kg.cli.status import EXIT_INPUT, EXIT_OK, EXIT_USAGE, input_failure


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kg.stores.catalogue import stores_help

    push_cmd = commands.add_parser(
        "push",
        help="load the build into a triple store over the SPARQL 1.1 Graph Store Protocol, and check its counts",
        description=(
            "Load the built dataset (the build folder's, see --build, or --data FILE) into a triple store that "
            "speaks the SPARQL 1.1 Graph Store HTTP Protocol: each named graph, kgg:inferred included, is replaced "
            "as a whole (PUT URL?graph=IRI with an N-Triples body), so pushing again never duplicates a triple. "
            "Then the store's triples per graph are counted on its query endpoint and compared with the build's. "
            "Credentials are never taken from the command line: --user NAME with the password in "
            "$KG_STORE_PASSWORD (HTTP basic, or digest when the store asks for it), or a bearer token in "
            "$KG_STORE_TOKEN. Exit status: 0 pushed and counted; 1 the store answered an error, its counts differ "
            "from the build's, or the input has errors; 2 usage, unknown graph, the store unreachable or the "
            "credentials missing or refused."
        ),
        epilog="Stores: " + stores_help() + " Then run the named queries there with 'kg query NAME --endpoint URL'.",
    )
    push_cmd.add_argument(
        "--store",
        required=True,
        metavar="URL",
        help="the store's Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph server)",
    )
    push_cmd.add_argument(
        "--graph",
        "-g",
        action="append",
        default=[],
        metavar="IRI",
        help="push only this graph (repeatable): its IRI, kgg:NAME, registry, inferred, article/<stem> or an "
        "article's stem (default: every graph)",
    )
    push_cmd.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="the store's SPARQL query endpoint, for the count check (default: derived from --store, as listed "
        "below; for any other URL each graph is read back over the Graph Store Protocol and counted)",
    )
    add_user_option(
        push_cmd,
        "the user to authenticate as, with the password in $KG_STORE_PASSWORD (default: none, or the bearer "
        "token in $KG_STORE_TOKEN when set)",
    )
    push_cmd.add_argument(
        "--check-only",
        action="store_true",
        help="push nothing: only compare the store's counts with the build's (exit status 1 when they differ)",
    )
    add_data_option(push_cmd, "push")
    add_build_option(push_cmd)


def run(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.stores import push
    from kg.stores.http import StoreError
    from kg.stores.pushgraphs import PushError

    names = graph_names(args.graph)
    try:
        pushed = push.push(
            args.store,
            args.data,
            args.build,
            names,
            args.user,
            args.endpoint,
            args.check_only,
            progress=push.ProgressLine(sys.stderr),
        )
    except PushError as refused:
        print(f"kg push: {refused}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as error:
        print(f"kg push: {error}", file=sys.stderr)
        return EXIT_USAGE if error.usage else EXIT_INPUT
    except (BuildFailed, InputError) as failed:
        return input_failure(failed)
    if pushed.shared_blank_nodes:
        print(
            f"kg push: note: {pushed.shared_blank_nodes} blank node(s) occur in more than one graph; the store holds "
            "one node per graph (the Graph Store Protocol scopes blank nodes to one request)",
            file=sys.stderr,
        )
    if pushed.mismatches:
        print(f"kg push: {push.mismatch_message(pushed.mismatches, pushed.endpoint)}", file=sys.stderr)
        return EXIT_INPUT
    print(pushed.summary())
    return EXIT_OK
