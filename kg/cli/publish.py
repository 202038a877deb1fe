"""``kg publish DIR``: write the whole publication into one folder.

The version is stamped into the ontology and the dataset description (see
:mod:`kg.publishing.publish`). Exit status: 0 written, 1 bad input data, 2 bad version,
destination or usage (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import __version__
from kg.cli.options import add_build_option, add_data_option
from kg.cli.status import EXIT_OK, EXIT_USAGE, input_failure


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    publish_cmd = commands.add_parser(
        "publish",
        help="write the whole publication into one folder: every export format, the JSON-LD context, the "
        "dataset description, the ontology with its docs, the shapes and the queries",
        description=(
            "Write into DIR everything a release attaches: the dataset as TriG, N-Quads and JSON-LD (every named "
            "graph, the inferred one included) and as Turtle, N-Triples and RDF/XML (the union of the asserted "
            "graphs), the framed view per attack, the JSON-LD context, the VoID/DCAT description (void.ttl) with "
            "every file's size and SHA-256, the ontology merged into one file (Turtle and RDF/XML) with its HTML "
            "documentation and core-model diagram, the SHACL shapes and the named queries. The version is stamped "
            "into the ontology's owl:versionIRI and owl:versionInfo and into the dataset description. DIR must "
            "not exist, be empty, or hold an earlier publication. A new folder is written beside DIR and renamed "
            "into place only when complete. The manifest .kg-publish.json lists every file kg publish wrote, with "
            "its SHA-256; republishing replaces or removes only those files and keeps every other file and folder "
            "(files you added, even inside data/). It refuses, changing nothing, when a listed file was changed "
            "since (move it away to keep it, or delete it) or a file of yours stands where it writes one (move "
            "it), and an earlier publication without a manifest, from an older kg (move your files out, delete "
            "the folder, publish again). An update is staged inside DIR and undone if it fails. Exit status: 0 "
            "written, 1 bad input data, 2 bad version, destination or usage (nothing written)."
        ),
    )
    publish_cmd.add_argument("dir", type=Path, metavar="DIR", help="the folder to write (e.g. dist/)")
    publish_cmd.add_argument(
        "--version",
        default=None,
        help=f"the release version to stamp (default: the package's, {__version__}); letters, digits and . + _ -",
    )
    add_data_option(publish_cmd, "publish")
    add_build_option(publish_cmd)
    publish_cmd.add_argument(
        "--download-base",
        default="",
        metavar="URL",
        help="the URL the folder will be served from (ending in /), for absolute download links in void.ttl "
        "(default: links relative to void.ttl)",
    )


def run(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.publishing.export import ExportError
    from kg.publishing.manifest import PublishError
    from kg.publishing.publish import publish

    try:
        publication = publish(args.dir, args.version, args.data, args.download_base, args.build)
    except (PublishError, ExportError) as refused:
        print(f"kg publish: {refused}", file=sys.stderr)
        return EXIT_USAGE
    except (BuildFailed, InputError) as failed:
        return input_failure(failed)
    print(f"kg publish: wrote version {publication.version} to {publication.folder} ({len(publication.files)} files)")
    for path in publication.files:
        print(f"  {path}")
    if publication.missing:
        print(
            "kg publish: Graphviz's dot is not installed, so the diagram was not rendered: "
            + ", ".join(publication.missing)
            + " (Debian: apt-get install graphviz)",
            file=sys.stderr,
        )
    return EXIT_OK
