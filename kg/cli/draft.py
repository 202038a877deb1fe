"""``kg draft``: propose the annotation of an article, every fact a draft for the curator to review.

The drafting itself is :mod:`kg.drafting.draft`; this module holds the command's options, where it
reads and writes (the annotation file, a draft metadata record beside the article, or standard
output) and what it reports on standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli.options import add_corpus_option
from kg.cli.status import EXIT_OK, EXIT_USAGE, input_failure


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    draft_cmd = commands.add_parser(
        "draft",
        help="propose the annotation of an article, every fact a draft for the curator to review",
        description=(
            "Read an article and propose its annotation in the curator's format (corpus/README.md): the names it "
            "mentions linked to the registry (new names proposed as article-local entities), dates, casualty "
            "figures, statements (claims, accusations, denials, refusals to comment, condemnations, vows, "
            "assessments, calls to action, method accounts) with who made them, prior incidents and responses; "
            "each with its verbatim quote, marked 'review: draft' with the rule and words that produced it and a "
            "confidence. The build leaves drafts out of the graph: accept a fact by changing its 'review: draft' "
            "line to 'review: accepted'. Run again on an article already annotated, it only adds new candidates "
            "and never changes or drops what is in the file. When the article has no metadata record, a draft one "
            "is written beside it. Exit status: 0 drafted, 1 bad input, 2 usage."
        ),
    )
    draft_cmd.add_argument("article", type=Path, metavar="ARTICLE.txt", help="the article's text (<stem>.txt)")
    draft_cmd.add_argument(
        "--meta",
        type=Path,
        default=None,
        metavar="FILE",
        help="its metadata record: read when it exists (its date_published anchors relative dates), else a draft "
        "record is written there (default: <stem>.meta.yaml beside the article)",
    )
    add_corpus_option(draft_cmd)
    draft_cmd.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="the annotation file to write, merging into it when it exists (default: <stem>.facts.yaml beside the "
        "article; '-' prints the draft and writes nothing)",
    )


def run(args: argparse.Namespace) -> int:
    from kg import resources
    from kg.drafting.draft import draft_article, write
    from kg.errors import InputError

    article: Path = args.article
    stem = article.name[: -len(".txt")] if article.name.endswith(".txt") else article.stem
    to_stdout = args.out == Path("-")
    facts_path = None if to_stdout else (args.out or article.with_name(f"{stem}.facts.yaml"))
    meta_path = args.meta or article.with_name(f"{stem}.meta.yaml")
    if facts_path is not None and facts_path.is_dir():
        print(f"kg draft: --out {facts_path} is a folder; name the annotation file to write", file=sys.stderr)
        return EXIT_USAGE
    try:
        drafted = draft_article(
            article, args.corpus or resources.corpus_dir(), None if to_stdout else facts_path, meta_path
        )
    except InputError as error:
        return input_failure(error)
    if to_stdout:
        sys.stdout.write(drafted.annotation.text)
    else:
        assert facts_path is not None
        write(facts_path, drafted.annotation.text)
        if drafted.meta_text is not None:
            write(meta_path, drafted.meta_text)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(drafted.by_kind.items())) or "nothing"
    merged = drafted.annotation
    print(f"kg draft: proposed {len(drafted.facts)} fact(s): {kinds}", file=sys.stderr)
    if not to_stdout:
        print(
            f"kg draft: {facts_path}: added {merged.added_facts} draft fact(s) and {merged.added_entities} draft "
            f"entit(y/ies); kept the {merged.kept} fact(s) already there as they were",
            file=sys.stderr,
        )
        if drafted.meta_text is not None:
            print(
                f"kg draft: {meta_path}: wrote a draft metadata record; check it and delete 'review: draft'",
                file=sys.stderr,
            )
    return EXIT_OK
