"""``kg validate`` and ``kg lint``: check data, or the ontology itself, against shapes, and print the report.

``kg validate`` validates the built dataset, or any RDF files or folders,
with their inferences against the SHACL shapes. Exit status: 0 when it
conforms, 1 on violations (or warnings with ``--strict``), 2 for bad input or
usage.

``kg lint`` checks the ontology alone against the lint shapes (see :mod:`kg.pipeline.lint`), with the
same report options and exit statuses.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kg.cli.options import add_build_option, add_report_options
from kg.cli.status import EXIT_BAD_INPUT, EXIT_CONFORMS, EXIT_VIOLATIONS, input_failure

if TYPE_CHECKING:
    from kg.pipeline.validation import Report


def add_validate_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    validate_cmd = commands.add_parser(
        "validate",
        help="validate the built dataset, or RDF files or folders, against the shapes and the quality checks",
        description=(
            "Validate RDF against the project's rules, as asserted: an inferred graph in the input (kgg:inferred) "
            "is left out and nothing is reasoned, so a node has a class only when the data says so (a place named "
            "as a speaker is reported, not made an agent). The SHACL shapes (shapes/*.ttl) check each node and its "
            "values, with the project's ontology merged in for the class hierarchy; the quality checks "
            "(queries/checks/*-violation.rq) check the rules that span nodes, one SPARQL query each. The "
            "ontology's own lint is kg lint. Results are grouped by shape or check and focus node, and nodes are "
            "named by label as well as IRI. With no PATH it reads the build folder (see --build), building it "
            "first when missing or stale. Exit status: 0 conforms (warnings allowed), 1 violations (or warnings, "
            "with --strict), 2 bad input or usage."
        ),
    )
    validate_cmd.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="RDF files or folders: TriG, N-Quads, Turtle, N-Triples, JSON-LD or RDF/XML, told apart by suffix "
        "(default: the N-Quads of the build folder, see --build)",
    )
    add_build_option(validate_cmd)
    add_report_options(validate_cmd)
    validate_cmd.add_argument(
        "--shapes",
        type=Path,
        default=None,
        metavar="DIR",
        help="a folder of SHACL shapes (*.ttl) to use instead of the project's; the quality checks still run",
    )


def add_lint_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lint_cmd = commands.add_parser(
        "lint",
        help="lint the ontology itself: every term labelled, defined and tied to its module; complete headers",
        description=(
            "Check the ontology alone, apart from any data, against the lint shapes (shapes/lint/*.ttl): every "
            "class and property of the project's namespace has exactly one English label, a definition and "
            "rdfs:isDefinedBy the module that declares it, and a British spelling in its name and label; the "
            "ontology's header has its title, description, creator, licence, version IRI and version, and each "
            "module's its title, description, umbrella and version. kg validate checks data and never runs these. "
            "Exit status: 0 passes "
            "(warnings allowed), 1 findings (or warnings, with --strict), 2 bad input or usage."
        ),
    )
    lint_cmd.add_argument(
        "--ontology",
        type=Path,
        default=None,
        metavar="DIR",
        help="a folder of ontology files (*.ttl) to lint instead of the project's ontology/",
    )
    add_report_options(lint_cmd)


def run_validate(args: argparse.Namespace) -> int:
    from rdflib import Dataset

    from kg.errors import BuildFailed, InputError
    from kg.pipeline.validation import load_shapes, validate
    from kg.rdf import rdfio

    try:
        if args.paths:
            files = rdfio.rdf_files(args.paths)
        else:
            from kg.pipeline import buildfolder

            files = [buildfolder.nquads_file(args.build)]
        dataset = Dataset(default_union=True)
        for path in files:
            rdfio.parse_into(dataset, path)
        shapes = load_shapes(args.shapes) if args.shapes else None
    except (BuildFailed, InputError) as failed:
        return input_failure(failed, EXIT_BAD_INPUT)
    report = validate(dataset, shapes, sources=[str(p) for p in files])
    return _print_report(report, args)


def _print_report(report: Report, args: argparse.Namespace) -> int:
    """Print a validation or lint report in the format asked for; the exit status it gives."""
    from kg.pipeline.validation import as_json, as_text, as_turtle

    if args.format == "json":
        print(as_json(report, args.strict))
    elif args.format == "turtle":
        print(as_turtle(report))
    else:
        print(as_text(report, args.strict))
    return EXIT_CONFORMS if report.passes(args.strict) else EXIT_VIOLATIONS


def run_lint(args: argparse.Namespace) -> int:
    from kg.errors import InputError
    from kg.pipeline.lint import lint_ontology
    from kg.rdf.ontology import load_ontology

    try:
        ontology = load_ontology(args.ontology) if args.ontology is not None else None
    except InputError as error:
        return input_failure(error, EXIT_BAD_INPUT)
    report = lint_ontology(ontology)
    return _print_report(report, args)
