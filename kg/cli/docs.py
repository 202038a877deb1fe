"""``kg docs``: write the ontology's HTML documentation and the core-model diagram.

The documentation itself is made by :mod:`kg.publishing.ontodoc`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli.status import EXIT_OK


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    docs_cmd = commands.add_parser(
        "docs",
        help="write the ontology's documentation: an HTML page and a diagram of the core model",
        description=(
            "Write DIR/ontology.html (every class and property of the ontology with its definition and "
            "hierarchy, made with pyLODE) and DIR/core-model.dot (a Graphviz diagram of the core model, generated "
            "from the ontology), rendered to DIR/core-model.svg and .png when Graphviz's dot is installed."
        ),
    )
    docs_cmd.add_argument(
        "--out",
        type=Path,
        default=Path("build") / "docs",
        metavar="DIR",
        help="folder to write into (default: ./build/docs, created if missing)",
    )


def run(args: argparse.Namespace) -> int:
    from kg.publishing.ontodoc import write_docs

    docs = write_docs(args.out)
    print("kg docs: wrote")
    for path in docs.written:
        print(f"  {path}")
    if docs.missing:
        print(
            "kg docs: Graphviz's dot is not installed, so only the .dot was written, not "
            + ", ".join(p.name for p in docs.missing)
            + " (Debian: apt-get install graphviz)",
            file=sys.stderr,
        )
    return EXIT_OK
