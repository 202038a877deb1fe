"""The ``kg`` command line: :func:`main` and the assembly of its parser, one module per command.

Each command's options and handler live in a module of its own: :mod:`kg.cli.check` (the curator's
check), :mod:`kg.cli.build`, :mod:`kg.cli.draft`, :mod:`kg.cli.validate` (``kg validate`` and ``kg
lint``), :mod:`kg.cli.query` (``kg query`` and ``kg queries``), :mod:`kg.cli.docs`,
:mod:`kg.cli.publish`, :mod:`kg.cli.serve`, :mod:`kg.cli.export`, :mod:`kg.cli.push` and
:mod:`kg.cli.review`. The options several commands share are in :mod:`kg.cli.options`, the exit
statuses in :mod:`kg.cli.status`.

Every command module has the same interface: ``add_parser(commands)`` adds its command to the
parser's subcommands and ``run(args)`` carries it out, returning the exit status (``kg build``'s
also takes the parser, for its usage errors). :mod:`kg.cli.validate` and :mod:`kg.cli.query` hold
two commands each, so they name them: ``add_validate_parser``/``run_validate`` and
``add_lint_parser``/``run_lint``; ``add_query_parser``/``run_query`` and
``add_queries_parser``/``run_queries``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from kg import __version__
from kg.cli import build, check, docs, draft, export, publish, push, query, review, serve, validate
from kg.cli.status import EXIT_INPUT, EXIT_USAGE

# Heavy modules (rdflib, pySHACL, owlrl, pyoxigraph) are imported inside the commands that need
# them, so that a warm 'kg query' starts quickly.


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description=(
            "kerman-kg: a knowledge graph of what news reporting says about the January 3, 2024 "
            "Kerman bombings, in which every fact carries the verbatim quote it came from."
        ),
        epilog="Run 'kg COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build.add_parser(commands)
    check.add_parser(commands)
    draft.add_parser(commands)
    validate.add_validate_parser(commands)
    validate.add_lint_parser(commands)
    query.add_query_parser(commands)
    query.add_queries_parser(commands)
    docs.add_parser(commands)
    publish.add_parser(commands)
    serve.add_parser(commands)
    export.add_parser(commands)
    push.add_parser(commands)
    review.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _dispatch(argv)
    except BrokenPipeError:
        # the reader went away (kg query ... | head): stop quietly, as other command-line tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INPUT


def _dispatch(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    handler = _handlers(parser).get(args.command)
    if handler is None:
        parser.error(f"unknown command {args.command}")
    return handler(args)


def _handlers(parser: argparse.ArgumentParser) -> dict[str, Callable[[argparse.Namespace], int]]:
    """What each command runs, by its name."""
    return {
        "build": lambda args: build.run(args, parser),
        "check": check.run,
        "draft": draft.run,
        "validate": validate.run_validate,
        "lint": validate.run_lint,
        "query": query.run_query,
        "queries": lambda args: query.run_queries(),
        "serve": serve.run,
        "export": export.run,
        "push": push.run,
        "docs": docs.run,
        "publish": publish.run,
        "review": review.run,
    }


if __name__ == "__main__":
    sys.exit(main())
