"""``kg review STEM``: review an article's drafts in the browser, every decision written to its YAML.

The review server itself is :mod:`kg.review.server`; this module holds the command's options.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.cli.options import add_corpus_option, port_number


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    review_cmd = commands.add_parser(
        "review",
        help="review an article's drafts in the browser: accept, edit or reject each fact, written to its YAML",
        description=(
            "Start a local server and open a page for one article: its text with the quote of every drafted and "
            "accepted fact highlighted by kind, and beside it the metadata record and the facts, each said in words "
            "with its review state. Accept, reject or edit a fact (or add one from a selection of the text); every "
            "decision is written at once to articles/STEM.facts.yaml (or .meta.yaml) of the corpus, keeping the "
            "curator's comments and layout, and the curator check runs after each, its problems shown next to the "
            "facts. 'Build and open' runs the full check and the build into the review's own folder (--out) and "
            "shows the article as the graph holds it. The server listens on the loopback address only, edits only "
            "that article's files, refuses requests from other sites and never overwrites a file that changed "
            "since the page loaded it. Ctrl+C stops it. Exit status: 0 stopped, 2 usage."
        ),
    )
    review_cmd.add_argument("stem", metavar="STEM", help="the article: its text is articles/STEM.txt of the corpus")
    add_corpus_option(review_cmd)
    review_cmd.add_argument(
        "--host", default="127.0.0.1", help="loopback address to listen on: 127.0.0.1 (default), ::1 or localhost"
    )
    review_cmd.add_argument("--port", type=port_number, default=0, help="port to listen on (default: 0, a free one)")
    review_cmd.add_argument(
        "--no-open", action="store_true", help="do not open the page in a browser; print its address"
    )
    review_cmd.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where 'Build and open' writes the dataset (default: a new temporary folder; never ./build unless named)",
    )


def run(args: argparse.Namespace) -> int:
    from kg import resources
    from kg.review.server import ReviewOptions, main

    options = ReviewOptions(
        corpus=args.corpus or resources.corpus_dir(),
        stem=args.stem,
        host=args.host,
        port=args.port,
        open_browser=not args.no_open,
        out=args.out,
    )
    return main(options)
