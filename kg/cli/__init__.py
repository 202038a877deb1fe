"""The ``kg`` command line: :func:`main` and the assembly of its parser, one module per command.

Each command's options and handler live in a module of its own: :mod:`kg.cli.check` (the curator's
check), :mod:`kg.cli.build`, :mod:`kg.cli.draft`, :mod:`kg.cli.validate` (``kg validate`` and ``kg
lint``), :mod:`kg.cli.query` (``kg query`` and ``kg queries``), :mod:`kg.cli.docs`,
:mod:`kg.cli.publish`, :mod:`kg.cli.serve`, :mod:`kg.cli.export`, :mod:`kg.cli.push` and
:mod:`kg.cli.review`. The options several commands share are in :mod:`kg.cli.options`, the exit
statuses in :mod:`kg.cli.status`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kg import __version__
from kg.cli.build import _add_build, _build
from kg.cli.check import _add_check, _check
from kg.cli.docs import _add_docs, _docs
from kg.cli.draft import _add_draft, _draft
from kg.cli.export import _add_export, _export
from kg.cli.publish import _add_publish, _publish
from kg.cli.push import _add_push, _push
from kg.cli.query import _add_queries, _add_query, _queries, _query
from kg.cli.review import _add_review, _review
from kg.cli.serve import _add_serve, _serve
from kg.cli.status import EXIT_INPUT, EXIT_USAGE
from kg.cli.validate import _add_lint, _add_validate, _lint, _validate

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
    _add_build(commands)
    _add_check(commands)
    _add_draft(commands)
    _add_validate(commands)
    _add_lint(commands)
    _add_query(commands)
    _add_queries(commands)
    _add_docs(commands)
    _add_publish(commands)
    _add_serve(commands)
    _add_export(commands)
    _add_push(commands)
    _add_review(commands)
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
    if args.command == "build":
        return _build(args, parser)
    if args.command == "check":
        return _check(args)
    if args.command == "draft":
        return _draft(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "lint":
        return _lint(args)
    if args.command == "query":
        return _query(args)
    if args.command == "queries":
        return _queries()
    if args.command == "serve":
        return _serve(args)
    if args.command == "export":
        return _export(args)
    if args.command == "push":
        return _push(args)
    if args.command == "docs":
        return _docs(args)
    if args.command == "publish":
        return _publish(args)
    if args.command == "review":
        return _review(args)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
