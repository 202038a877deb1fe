"""The exit statuses of the commands, and the printing of the input problems that make a command fail.

Every command exits 0 when it did its work, 1 when its input (the corpus, a built file, a store's
answer) is at fault and 2 for a usage error; ``kg validate`` and ``kg lint`` name the same numbers
for a report that conforms, one with violations and input they cannot read.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kg.errors import BuildFailed, InputError

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def print_problems(problems: Sequence[object]) -> None:
    """Print each problem of the curator check (errors, then warnings) on standard error."""
    for problem in problems:
        print(f"{getattr(problem, 'severity', 'error')}: {problem}", file=sys.stderr)


def _report_input_errors(problems: Sequence[object]) -> None:
    """Print each input problem (``file:line: message``) on standard error."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)


def input_failure(error: BuildFailed | InputError, status: int = EXIT_INPUT) -> int:
    """Print what was wrong with a command's input, each problem as ``error: file:line: message`` on
    standard error, and return the command's exit status for it."""
    _report_input_errors(error.errors if isinstance(error, BuildFailed) else [error])
    return status
