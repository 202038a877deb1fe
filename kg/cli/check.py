"""``kg check``: the curator's check of the corpus, every problem reported at its YAML line.

``kg check`` is the curator's check: it builds the corpus in memory and runs
every rule the project has (the build's own checks, the SHACL shapes, the
quality checks of ``queries/checks/``), printing each problem at the YAML line
that caused it, and writes nothing (see :mod:`kg.curation.check`). Exit status: 0
when the corpus passes, 1 on errors (or warnings with ``--strict``), 2 for a
usage error.
"""

from __future__ import annotations

import argparse
import sys

from kg.cli.options import add_corpus_option
from kg.cli.status import EXIT_INPUT, EXIT_OK, print_problems


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check_cmd = commands.add_parser(
        "check",
        help="the curator's check: run every rule on the corpus and report each problem at its YAML line",
        description=(
            "Build the corpus in memory and run every rule the project has: the build's own checks (every quote "
            "is in its article, every entity, class and property exists, every value's type fits where it is "
            "used, every date agrees with its wording, no name is given to two entities, every alias is a "
            "spelling some article uses), the SHACL shapes, and every quality check of queries/checks/ (a "
            "perpetrator stated as a bare relation, a refusal to comment counted as a denial...). Each problem is "
            "printed as file:line: message, at the line of YAML that produced it, with how to fix it. Nothing is "
            "written. Run it after every edit; 'kg build' runs the same check before writing. Exit status: 0 the "
            "corpus passes (warnings allowed), 1 errors (or warnings, with --strict), 2 usage."
        ),
    )
    add_corpus_option(check_cmd)
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors")


def run(args: argparse.Namespace) -> int:
    from kg.curation.check import check_corpus

    outcome = check_corpus(args.corpus, reason=False)
    print_problems(outcome.problems)
    verdict = "passes" if outcome.passes(args.strict) else "does not pass"
    if outcome.passes() and not outcome.passes(args.strict):
        verdict += " (--strict: warnings fail)"
    print(
        f"kg check: {len(outcome.errors)} error(s), {len(outcome.warnings)} warning(s); the corpus {verdict}",
        file=sys.stderr,
    )
    return EXIT_OK if outcome.passes(args.strict) else EXIT_INPUT
