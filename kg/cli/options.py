"""The options several commands share, and the argument types that parse their values.

The build folder (``--build``), the corpus (``--corpus``), a built dataset file (``--data``), a remote
store's dataset and credentials (``--default-graph``, ``--named-graph``, ``--user``), the report
options of ``kg validate`` and ``kg lint``; and the types of numeric options (ports, counts, times),
whose errors argparse prints as usage errors.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_store_options(command: argparse.ArgumentParser) -> None:
    """The options of a command that can work on a remote store (``--endpoint``): its dataset and credentials."""
    command.add_argument(
        "--default-graph",
        action="append",
        default=[],
        metavar="IRI",
        help="with --endpoint: a graph of the default graph, sent as default-graph-uri (repeatable; default: the "
        "store's own default graph)",
    )
    command.add_argument(
        "--named-graph",
        action="append",
        default=[],
        metavar="IRI",
        help="with --endpoint: a graph the query may read by name (GRAPH), sent as named-graph-uri (repeatable; "
        "default: the store's named graphs, or none when --default-graph names the dataset)",
    )
    add_user_option(
        command,
        "with --endpoint: the user to authenticate as (HTTP basic, or digest when the store asks for it), "
        "with the password in $KG_STORE_PASSWORD; without it, $KG_STORE_TOKEN is sent as a bearer token when set",
    )


def add_user_option(command: argparse.ArgumentParser, help_text: str) -> None:
    """``--user NAME``, the user a command authenticates as to a store (the password never on the command line)."""
    command.add_argument("--user", default=None, metavar="NAME", help=help_text)


def add_report_options(command: argparse.ArgumentParser) -> None:
    """--format and --strict of the commands that print a validation report (validate, lint)."""
    command.add_argument(
        "--format",
        choices=("text", "json", "turtle"),
        default="text",
        help="text for people (default), json for programs, turtle for the standard SHACL validation report",
    )
    command.add_argument("--strict", action="store_true", help="fail on warnings too, not only on violations")


def add_data_option(command: argparse.ArgumentParser, verb: str) -> None:
    """``--data FILE``: a built dataset file the command reads instead of the build folder's dataset.

    Args:
        command: The command's parser.
        verb: What the command does with the file, the first word of the help ("query", "serve"...).
    """
    command.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"{verb} this built dataset file (TriG, N-Quads...) instead of the build folder's dataset",
    )


def add_build_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--build",
        type=Path,
        default=None,
        metavar="DIR",
        help="the build folder to read (default: $KG_BUILD_DIR, else ./build); built first, with a note, when it "
        "is missing or an input changed since 'kg build'",
    )


def add_corpus_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--corpus",
        type=Path,
        default=None,
        metavar="DIR",
        help="corpus folder with entities.yaml, wikidata.tsv and articles/ "
        "(default: the corpus shipped with kerman-kg)",
    )


def graph_names(values: list[str]) -> list[str]:
    """The graph names given to a repeatable ``--graph`` option, each value split at its commas, blanks left out."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


def _integer(text: str) -> int:
    """The text as an integer; a usage error when it is not one."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def positive_int(text: str) -> int:
    value = _integer(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def whole_number(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number more than 0, not {text}")
    return value
