"""``kg export``: write the dataset, or some of its graphs, as TriG, N-Quads, JSON-LD, Turtle, N-Triples or RDF/XML.

The writing itself is :mod:`kg.publishing.export`. Exit status: 0 written, 1 bad input data, 2 unknown
graph, format or usage (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli.options import add_build_option, add_data_option, graph_names
from kg.cli.status import EXIT_OK, EXIT_USAGE, input_failure
from kg.rdf import formatregistry


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export_cmd = commands.add_parser(
        "export",
        help="write the dataset, or some of its graphs, as TriG, N-Quads, JSON-LD, Turtle, N-Triples or RDF/XML",
        description=(
            "Write the built dataset (the build folder's, see --build, or --data FILE) in a standard RDF "
            "format, for other stores and tools. The same graphs always give the same bytes, with the project's "
            "prefixes. TriG, N-Quads and JSON-LD keep the named graphs (one per article, registry, background, "
            "ontology, provenance); Turtle, N-Triples and RDF/XML cannot, so they get the union of the selected "
            "graphs, and say so on standard error. JSON-LD is compacted with the project's context "
            "(kg/context.jsonld, included inline). Exit status: 0 written, 1 bad input data, 2 unknown graph, "
            "format or usage; on any error nothing is written."
        ),
        epilog=(
            "Examples: 'kg export --out kerman-kg.trig'; 'kg export --format turtle --graph registry'; "
            "'kg export --format nquads --with-inferred --out all.nq'; 'kg export --frame attack --out attacks.jsonld'."
        ),
    )
    export_cmd.add_argument(
        "--format",
        "-f",
        default=None,
        choices=formatregistry.EXPORT_NAMES,
        help="trig (default), nquads or jsonld keep the named graphs; turtle, ntriples or rdfxml hold their union",
    )
    export_cmd.add_argument(
        "--graph",
        "-g",
        action="append",
        default=[],
        metavar="NAME",
        help="a graph to export (repeatable, or several separated by commas): an article stem or article/<stem>, "
        "registry, background, ontology, provenance, inferred, or all (default: all, which leaves out inferred)",
    )
    export_cmd.add_argument(
        "--with-inferred",
        action="store_true",
        help="add the OWL 2 RL entailments (the graph kgg:inferred), which are left out unless asked for",
    )
    export_cmd.add_argument(
        "--frame",
        choices=("attack",),
        default=None,
        help="instead of the graphs, write JSON-LD with one tree per attack: its claims of responsibility, "
        "accusations and the denials that answer them, denials and casualty figures, each with who gave it, "
        "the quote and the article (implies --format jsonld)",
    )
    add_data_option(export_cmd, "export")
    export_cmd.add_argument(
        "--out",
        "-o",
        type=Path,
        default=None,
        metavar="FILE",
        help="write to FILE (atomically: a complete file or none) instead of standard output",
    )
    add_build_option(export_cmd)


def run(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.publishing import export

    fmt = args.format or ("jsonld" if args.frame else "trig")
    names = graph_names(args.graph)
    try:
        if args.frame and fmt != "jsonld":
            raise export.ExportError(f"--frame {args.frame} writes JSON-LD: leave out --format or give --format jsonld")
        dataset = export.load_source(args.data, args.build)
        selected = export.select_graphs(dataset, names, args.with_inferred)
        data = export.export(dataset, fmt, names, args.with_inferred, args.frame)
    except export.ExportError as error:
        print(f"kg export: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (BuildFailed, InputError) as failed:
        return input_failure(failed)
    if not export.carries_graphs(fmt) and len(selected) > 1:
        print(f"kg export: {fmt} has no named graphs: wrote the union of {len(selected)} graphs", file=sys.stderr)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        export.write_export(args.out, data)
    return EXIT_OK
