"""The ``kg`` command line.

``kg check`` is the curator's check: it builds the corpus in memory and runs
every rule the project has (the build's own checks, the SHACL shapes, the
quality checks of ``queries/checks/``), printing each problem at the YAML line
that caused it, and writes nothing (see :mod:`kg.curation.check`). Exit status: 0
when the corpus passes, 1 on errors (or warnings with ``--strict``), 2 for a
usage error.

``kg build`` runs the same check, reasons (OWL 2 RL, into the graph
``kgg:inferred``) and writes the dataset as TriG and N-Quads. Exit status: 0
on success, 1 when the input has errors (each printed as
``file:line: message``; nothing is written), 2 for a usage error.

``kg validate`` validates the built dataset, or any RDF files or folders,
with their inferences against the SHACL shapes. Exit status: 0 when it
conforms, 1 on violations (or warnings with ``--strict``), 2 for bad input or
usage.

``kg serve`` serves the built graph over HTTP: a read-only SPARQL endpoint,
the named queries and linked-data pages (see :mod:`kg.web.serve`).

``kg export`` writes the dataset, or some of its graphs, as TriG, N-Quads,
JSON-LD, Turtle, N-Triples or RDF/XML (see :mod:`kg.publishing.export`). Exit status: 0
written, 1 bad input data, 2 unknown graph, format or usage (nothing written).

``kg docs`` writes the ontology's HTML documentation and the core-model
diagram (see :mod:`kg.publishing.ontodoc`).

``kg publish DIR`` writes the whole publication into one folder, with a
version stamped into the ontology and the dataset description (see
:mod:`kg.publishing.publish`). Exit status: 0 written, 1 bad input data, 2 bad version,
destination or usage (nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__
from kg.rdf import formatregistry

if TYPE_CHECKING:
    from kg.pipeline.build import Summary
    from kg.pipeline.validation import Report

# Heavy modules (rdflib, pySHACL, owlrl, pyoxigraph) are imported inside the commands that need
# them, so that a warm 'kg query' starts quickly.

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


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
    build = commands.add_parser(
        "build",
        help="build the dataset from the ontology and the article corpus into the build folder (TriG, N-Quads, "
        "a query store) that every other command reads",
        description=(
            "Read the ontology, the entity registry and every article of the corpus with its metadata "
            "and annotations; check that every quote occurs in its article, every entity, class and "
            "property exists and every date agrees with its wording; then write the dataset to "
            "DIR/kerman-kg.trig and DIR/kerman-kg.nq (with the OWL 2 RL inferences in kgg:inferred), its VoID/DCAT "
            "description to DIR/void.ttl, an Oxigraph store of the same quads to DIR/store/ and a manifest of the "
            "inputs to DIR/build.json, and print a summary. The same input gives the same bytes. kg query, serve, "
            "export, publish and validate read this folder, and rebuild it first (saying so) when an input has "
            "changed since. Builds are incremental: an article whose files (and the shared inputs: code, "
            "ontology, registry, shapes, options) are those of the last build into DIR is read back from "
            "DIR/cache/ instead of being mapped, reasoned about and checked again, with the same outcome as a "
            "build from scratch; the first line on standard error says how many articles are reused. On any "
            "input error nothing is written, each error is printed as file:line: message, and the exit status is 1."
        ),
    )
    build.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder to write into (default: $KG_BUILD_DIR, else ./build; created if missing); the other "
        "commands read this folder",
    )
    _add_corpus_option(build)
    build.add_argument(
        "--build-time",
        default=None,
        metavar="WHEN",
        help="record this time (ISO 8601, or 'now') as when the graphs were built; "
        "by default only SOURCE_DATE_EPOCH sets it, so output stays reproducible",
    )
    build.add_argument(
        "--no-reason",
        action="store_true",
        help="skip OWL 2 RL reasoning: write only the asserted graphs, without the inferred graph kgg:inferred",
    )
    build.add_argument(
        "--no-check",
        action="store_true",
        help="skip the SHACL shapes and the quality checks that 'kg check' runs (the build's own checks of quotes, "
        "references, types and dates still run); for very large corpora, validated afterwards with 'kg validate'",
    )

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
    _add_corpus_option(check_cmd)
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors")

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
    _add_corpus_option(draft_cmd)
    draft_cmd.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="the annotation file to write, merging into it when it exists (default: <stem>.facts.yaml beside the "
        "article; '-' prints the draft and writes nothing)",
    )

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
    _add_build_option(validate_cmd)
    _add_report_options(validate_cmd)
    validate_cmd.add_argument(
        "--shapes",
        type=Path,
        default=None,
        metavar="DIR",
        help="a folder of SHACL shapes (*.ttl) to use instead of the project's; the quality checks still run",
    )

    lint_cmd = commands.add_parser(
        "lint",
        help="lint the ontology itself: every term labelled, defined and tied to the ontology; a complete header",
        description=(
            "Check the ontology alone, apart from any data, against the lint shapes (shapes/lint/*.ttl): every "
            "class and property of the project's namespace has exactly one English label, a definition and "
            "rdfs:isDefinedBy the ontology, and the ontology's header has its title, description, creator, licence, "
            "version IRI and version. kg validate checks data and never runs these. Exit status: 0 passes "
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
    _add_report_options(lint_cmd)

    query_cmd = commands.add_parser(
        "query",
        help="run a named query, a .rq file, or SPARQL from standard input",
        description=(
            "Run a named query of the library ('kg queries' lists them), a .rq file, or SPARQL read from "
            "standard input ('-'), over the union of all graphs of the built dataset, its OWL RL inferences "
            "included. The project's prefixes are pre-bound. Parameters are bound, not pasted: an entity "
            "parameter takes an IRI, a prefixed name (kgd:kerman-bombings) or a name or alias. It reads the store of "
            "the build folder (see --build), which is rebuilt first only when an input changed since 'kg build'. "
            "A query that is not one of the library's is checked before it runs: updates, SERVICE (kg makes no "
            "network requests) and nesting deeper than 64 levels are refused. "
            "Exit status: 0 answered, 2 bad query, parameter or usage."
        ),
    )
    query_cmd.add_argument("query", metavar="NAME|FILE|-", help="a query name, a .rq file, or - for standard input")
    query_cmd.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the query (repeatable), e.g. --param attack='2024 Kerman bombings'",
    )
    query_cmd.add_argument(
        "--format",
        "-f",
        default=None,
        choices=(*formatregistry.QUERY_RESULTS, *formatregistry.QUERY_GRAPHS),
        help="table (default for SELECT/ASK), csv, tsv, json (SPARQL JSON), xml, markdown; "
        "turtle (default for CONSTRUCT/DESCRIBE), jsonld, nt",
    )
    query_cmd.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="FILE",
        help="query this built dataset file (TriG, N-Quads...) instead of the build folder's dataset",
    )
    _add_build_option(query_cmd)
    query_cmd.add_argument(
        "--base",
        default=None,
        metavar="IRI",
        help="the base IRI of the query's relative IRIs (default: the .rq file's own file: IRI; for standard "
        "input, the current folder's)",
    )
    query_cmd.add_argument(
        "--union",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="make the default graph the union of all graphs (the default); --no-union queries the data's "
        "own default graph, as SPARQL datasets are elsewhere (a --data file's graphs stay addressable with "
        "GRAPH)",
    )
    query_cmd.add_argument(
        "--engine",
        choices=("oxigraph", "rdflib"),
        default="oxigraph",
        help="query engine: oxigraph (default, fast) or rdflib (the reference; slow on joins)",
    )
    query_cmd.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="run the query on this remote SPARQL endpoint (SPARQL 1.1 Protocol) instead of the build, e.g. "
        "http://localhost:7878/query for Oxigraph server: the same rows, in the same formats. The text sent "
        "declares the prefixes it uses and has its parameters written in as VALUES. The queries read the union "
        "of all graphs: the store's default graph must be that union (oxigraph serve --union-default-graph; "
        "'kg push --help' lists the other stores), or name the graphs with --default-graph",
    )
    _add_store_options(query_cmd)
    query_cmd.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="print at most N rows of a SELECT answer (a page; default: all); a note on standard error says "
        "when more rows follow and the --offset of the next page",
    )
    query_cmd.add_argument(
        "--offset",
        type=int,
        default=0,
        metavar="N",
        help="skip the first N rows (the earlier pages; default: 0). The named queries order their rows "
        "completely, so pages never overlap",
    )

    commands.add_parser(
        "queries",
        help="list the named queries with their questions and parameters",
        description="List the named queries of the library (queries/*.rq) and the quality checks (queries/checks/).",
    )

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
    publish_cmd.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="FILE",
        help="publish this built dataset file (TriG, N-Quads...) instead of the build folder's dataset",
    )
    _add_build_option(publish_cmd)
    publish_cmd.add_argument(
        "--download-base",
        default="",
        metavar="URL",
        help="the URL the folder will be served from (ending in /), for absolute download links in void.ttl "
        "(default: links relative to void.ttl)",
    )

    serve_cmd = commands.add_parser(
        "serve",
        help="serve a read-only SPARQL endpoint, the named queries and linked-data pages over HTTP",
        description=(
            "Serve the built graph (the build folder's store, with its inferences, or --data FILE) "
            "over HTTP: a SPARQL 1.1 endpoint at /sparql, the named queries at /queries, and a page and RDF "
            "documents for every IRI the graph mints (/id/..., /graph/..., /ontology answer 303 See Other). "
            "The endpoint is read-only and makes no outbound requests; every query runs in a worker process "
            "that is stopped at the time limit, with its memory capped and its answer's size bounded. "
            "With --endpoint URL it serves the same in front of a remote SPARQL store instead (after kg push): "
            "every query is parsed and checked strictly before it is forwarded. "
            "Binds 127.0.0.1 unless --host says otherwise. Exit status: 2 for a usage error, a build that cannot "
            "be read, or a store that cannot be reached at start."
        ),
    )
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_cmd.add_argument(
        "--port", type=_port, default=8000, help="port to listen on (default: 8000; 0 picks a free one)"
    )
    serve_cmd.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="FILE",
        help="serve this built dataset file (TriG, N-Quads...) instead of the build folder's dataset",
    )
    _add_build_option(serve_cmd)
    serve_cmd.add_argument(
        "--timeout",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="stop any query that runs longer (answer 503; default: 10)",
    )
    serve_cmd.add_argument(
        "--memory-mb",
        type=_positive_int,
        default=1024,
        metavar="MB",
        help="address-space limit of each query worker (answer 503 beyond it; default: 1024)",
    )
    serve_cmd.add_argument(
        "--max-rows",
        type=_positive_int,
        default=10000,
        metavar="N",
        help="refuse answers with more rows or triples (answer 413; default: 10000)",
    )
    serve_cmd.add_argument(
        "--workers",
        type=_positive_int,
        default=2,
        metavar="N",
        help="query worker processes of the heavy lane, i.e. heavy queries that run at once (default: 2)",
    )
    serve_cmd.add_argument(
        "--fast-workers",
        type=_whole_number,
        default=3,
        metavar="N",
        help="query worker processes of the fast lane, which runs every request first, within --fast-budget; "
        "one of them is kept for pages and requests known to be cheap (default: 3; 0 runs everything in the "
        "heavy lane)",
    )
    serve_cmd.add_argument(
        "--fast-budget",
        type=_positive_float,
        default=1.0,
        metavar="SECONDS",
        help="time a request may take in the fast lane before it is stopped and run again in the heavy lane, "
        "with the rest of --timeout (default: 1)",
    )
    serve_cmd.add_argument(
        "--queue-timeout",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="the longest a request waits for a worker (answer 503 with Retry-After beyond; default: 10)",
    )
    serve_cmd.add_argument(
        "--client-heavy",
        type=_positive_int,
        default=None,
        metavar="N",
        help="heavy-lane queries one client (IP address) may run at once (default: half of --workers, at least 1)",
    )
    serve_cmd.add_argument(
        "--client-demotions",
        type=_positive_int,
        default=6,
        metavar="N",
        help="a client's requests stopped in the fast lane within a minute, beyond which its requests skip "
        "the fast lane (default: 6)",
    )
    serve_cmd.add_argument(
        "--max-bytes",
        type=_positive_int,
        default=64 * 1024 * 1024,
        metavar="BYTES",
        help="refuse answers larger than this (answer 413; default: 67108864, i.e. 64 MB)",
    )
    serve_cmd.add_argument(
        "--request-timeout",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="close a connection that has not sent a whole request head (then body) within this time of "
        "opening or of its previous answer (default: 10)",
    )
    serve_cmd.add_argument(
        "--write-timeout",
        type=_positive_float,
        default=30.0,
        metavar="SECONDS",
        help="disconnect a client that reads nothing of its answer for this long (default: 30)",
    )
    serve_cmd.add_argument(
        "--max-connections",
        type=_positive_int,
        default=100,
        metavar="N",
        help="connections served at once (answer 503 beyond; connections beyond twice this are closed at once; "
        "default: 100)",
    )
    serve_cmd.add_argument(
        "--cors",
        nargs="+",
        default=[],
        metavar="ORIGIN",
        help="allow browser pages from these origins (e.g. http://localhost:3000, or *) to call the server; "
        "no CORS headers without it",
    )
    serve_cmd.add_argument(
        "--allow-host",
        nargs="+",
        default=[],
        metavar="NAME",
        help="answer requests whose Host header names one of these (repeatable; a defence against DNS "
        "rebinding). Default: the loopback names (127.0.0.1, localhost, ::1) and, when --host is not a "
        "loopback address, that address and this machine's host name. '*' answers any Host (behind a proxy "
        "that checks it)",
    )
    serve_cmd.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="serve in front of this remote SPARQL endpoint (SPARQL 1.1 Protocol) instead of the build, e.g. "
        "http://localhost:7878/query for Oxigraph server: the same pages and answers. Every query is parsed "
        "before it is forwarded; SERVICE, updates and a store's own syntax are refused. The queries read the "
        "union of all graphs: the store's default graph must be that union (oxigraph serve --union-default-graph; "
        "'kg push --help' lists the other stores), or name the graphs with --default-graph. Not with --data or "
        "--build",
    )
    _add_store_options(serve_cmd)
    serve_cmd.add_argument(
        "--union",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --endpoint: the store's default graph is the union of all graphs (the default); --no-union "
        "takes it as it is, and the linked-data pages read it besides the named graphs",
    )
    _add_export(commands)
    _add_push(commands)
    _add_review(commands)
    return parser


def _add_store_options(command: argparse.ArgumentParser) -> None:
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
    command.add_argument(
        "--user",
        default=None,
        metavar="NAME",
        help="with --endpoint: the user to authenticate as (HTTP basic, or digest when the store asks for it), "
        "with the password in $KG_STORE_PASSWORD; without it, $KG_STORE_TOKEN is sent as a bearer token when set",
    )


def _add_review(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    _add_corpus_option(review_cmd)
    review_cmd.add_argument(
        "--host", default="127.0.0.1", help="loopback address to listen on: 127.0.0.1 (default), ::1 or localhost"
    )
    review_cmd.add_argument("--port", type=_port, default=0, help="port to listen on (default: 0, a free one)")
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


def _add_export(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    export_cmd.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="FILE",
        help="export this built dataset file (TriG, N-Quads...) instead of the build folder's dataset",
    )
    export_cmd.add_argument(
        "--out",
        "-o",
        type=Path,
        default=None,
        metavar="FILE",
        help="write to FILE (atomically: a complete file or none) instead of standard output",
    )
    _add_build_option(export_cmd)


def _add_push(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kg.stores.http import stores_help

    push_cmd = commands.add_parser(
        "push",
        help="load the build into a triple store over the SPARQL 1.1 Graph Store Protocol, and check its counts",
        description=(
            "Load the built dataset (the build folder's, see --build, or --data FILE) into a triple store that "
            "speaks the SPARQL 1.1 Graph Store HTTP Protocol: each named graph, kgg:inferred included, is replaced "
            "as a whole (PUT URL?graph=IRI with an N-Triples body), so pushing again never duplicates a triple. "
            "Then the store's triples per graph are counted on its query endpoint and compared with the build's. "
            "Credentials are never taken from the command line: --user NAME with the password in "
            "$KG_STORE_PASSWORD (HTTP basic, or digest when the store asks for it), or a bearer token in "
            "$KG_STORE_TOKEN. Exit status: 0 pushed and counted; 1 the store answered an error, its counts differ "
            "from the build's, or the input has errors; 2 usage, unknown graph, the store unreachable or the "
            "credentials missing or refused."
        ),
        epilog="Stores: " + stores_help() + " Then run the named queries there with 'kg query NAME --endpoint URL'.",
    )
    push_cmd.add_argument(
        "--store",
        required=True,
        metavar="URL",
        help="the store's Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph server)",
    )
    push_cmd.add_argument(
        "--graph",
        "-g",
        action="append",
        default=[],
        metavar="IRI",
        help="push only this graph (repeatable): its IRI, kgg:NAME, registry, inferred, article/<stem> or an "
        "article's stem (default: every graph)",
    )
    push_cmd.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="the store's SPARQL query endpoint, for the count check (default: derived from --store, as listed "
        "below; for any other URL each graph is read back over the Graph Store Protocol and counted)",
    )
    push_cmd.add_argument(
        "--user",
        default=None,
        metavar="NAME",
        help="the user to authenticate as, with the password in $KG_STORE_PASSWORD (default: none, or the bearer "
        "token in $KG_STORE_TOKEN when set)",
    )
    push_cmd.add_argument(
        "--check-only",
        action="store_true",
        help="push nothing: only compare the store's counts with the build's (exit status 1 when they differ)",
    )
    push_cmd.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="FILE",
        help="push this built dataset file (TriG, N-Quads...) instead of the build folder's dataset",
    )
    _add_build_option(push_cmd)


def _add_report_options(command: argparse.ArgumentParser) -> None:
    """--format and --strict of the commands that print a validation report (validate, lint)."""
    command.add_argument(
        "--format",
        choices=("text", "json", "turtle"),
        default="text",
        help="text for people (default), json for programs, turtle for the standard SHACL validation report",
    )
    command.add_argument("--strict", action="store_true", help="fail on warnings too, not only on violations")


def _add_build_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--build",
        type=Path,
        default=None,
        metavar="DIR",
        help="the build folder to read (default: $KG_BUILD_DIR, else ./build); built first, with a note, when it "
        "is missing or an input changed since 'kg build'",
    )


def _add_corpus_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--corpus",
        type=Path,
        default=None,
        metavar="DIR",
        help="corpus folder with entities.yaml, wikidata.tsv and articles/ "
        "(default: the corpus shipped with kerman-kg)",
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _whole_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number more than 0, not {text}")
    return value


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


def _build(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from kg.pipeline import buildfolder

    out: Path = args.out or buildfolder.default_folder()
    if out.exists() and not out.is_dir():
        parser.error(f"--out: {out} is a file, not a folder; name a folder to write the dataset into")
    build_time = None
    if args.build_time is not None:
        try:
            when = dt.datetime.now(dt.UTC) if args.build_time == "now" else dt.datetime.fromisoformat(args.build_time)
        except ValueError:
            parser.error(f"--build-time: '{args.build_time}' is neither 'now' nor an ISO 8601 time")
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        build_time = when.isoformat()
    options = buildfolder.Options(reason=not args.no_reason, check=not args.no_check, build_time=build_time)
    outcome = buildfolder.build(out, args.corpus, options, progress=lambda m: print(f"kg build: {m}", file=sys.stderr))
    check = outcome.check
    _print_problems(check.errors)
    if check.warnings:
        print(f"kg build: {len(check.warnings)} warning(s); 'kg check' lists them", file=sys.stderr)
    if check.errors or outcome.summary is None:
        print(f"kg build: {len(check.errors)} error(s) in the input; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    written = [*outcome.written, out / buildfolder.STORE]
    print(format_summary(outcome.summary, written, check.inferred, checked=not args.no_check))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from kg.curation.check import check_corpus

    outcome = check_corpus(args.corpus, reason=False)
    _print_problems(outcome.problems)
    verdict = "passes" if outcome.passes(args.strict) else "does not pass"
    if outcome.passes() and not outcome.passes(args.strict):
        verdict += " (--strict: warnings fail)"
    print(
        f"kg check: {len(outcome.errors)} error(s), {len(outcome.warnings)} warning(s); the corpus {verdict}",
        file=sys.stderr,
    )
    return EXIT_OK if outcome.passes(args.strict) else EXIT_INPUT


def _draft(args: argparse.Namespace) -> int:
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
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
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


def _print_problems(problems: Sequence[object]) -> None:
    """Print each problem of the curator check (errors, then warnings) on standard error."""
    for problem in problems:
        print(f"{getattr(problem, 'severity', 'error')}: {problem}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
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
    except BuildFailed as failed:
        _report_input_errors(failed.errors)
        return EXIT_BAD_INPUT
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
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


def _lint(args: argparse.Namespace) -> int:
    from kg.errors import InputError
    from kg.pipeline.lint import lint_ontology
    from kg.rdf.ontology import load_ontology

    try:
        ontology = load_ontology(args.ontology) if args.ontology is not None else None
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    report = lint_ontology(ontology)
    return _print_report(report, args)


def _query(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.sparql.engine import QuerySyntaxError
    from kg.sparql.querylib import QueryLibraryError
    from kg.stores.http import StoreError

    params: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            print(f"kg query: --param takes NAME=VALUE, not '{item}'", file=sys.stderr)
            return EXIT_USAGE
        params[name.strip()] = value
    if (args.limit is not None and args.limit < 1) or args.offset < 0:
        print(
            f"kg query: --limit takes 1 or more rows and --offset 0 or more, not {args.limit} and {args.offset}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    source = sys.stdin.read() if args.query == "-" else args.query
    base = args.base or (Path.cwd().as_uri() + "/" if args.query == "-" else None)
    if base is not None:
        import pyoxigraph as ox

        try:
            ox.NamedNode(base)
        except ValueError as exc:
            print(f"kg query: --base takes an absolute IRI, not '{base}' ({exc})", file=sys.stderr)
            return EXIT_USAGE
    try:
        engine = _engine(args)
        from kg.sparql.answers import render
        from kg.sparql.querying import Page, run

        result, prepared = run(engine, source, params, Page(args.limit, args.offset), base)
        fmt = args.format or ("turtle" if result.kind == "graph" else "table")
        output = render(result, fmt)
    except (QueryLibraryError, QuerySyntaxError, ValueError) as error:
        print(f"kg query: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as failed:
        _report_input_errors(failed.errors)
        return EXIT_INPUT
    except InputError as bad_input:
        print(f"error: {bad_input}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as store_error:
        print(f"kg query: {store_error}", file=sys.stderr)
        return EXIT_USAGE if store_error.usage else EXIT_INPUT
    for note in prepared.notes:
        print(f"note: {note}", file=sys.stderr)
    if prepared.more:
        shown = len(result.rows)
        print(
            f"note: rows {args.offset + 1}-{args.offset + shown} shown, more follow: "
            f"the next page is --offset {args.offset + shown}",
            file=sys.stderr,
        )
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    if args.endpoint is not None:
        from kg.stores.endpoint import open_remote

        if args.data is not None or args.engine != "oxigraph":
            raise ValueError("--endpoint queries a remote store: leave out --data and --engine")
        return open_remote(args.endpoint, args.user, args.union, args.default_graph, args.named_graph)
    if args.default_graph or args.named_graph or args.user:
        raise ValueError("--default-graph, --named-graph and --user go with --endpoint")
    if args.engine == "rdflib":
        from kg import load
        from kg.sparql.engine import RdflibEngine

        return RdflibEngine(load(args.data) if args.data else load(reason=True), union=args.union)
    from kg.sparql.engine import open_engine

    if args.data is not None and not args.data.is_file():
        from kg.errors import InputError

        raise InputError(args.data, None, "no such file")
    engine = open_engine(args.data, args.build)[0]
    engine.union = args.union
    return engine


def _queries() -> int:
    from kg.sparql.querylib import library

    queries = library()
    named = [q for q in queries.values() if not q.is_check]
    checks = [q for q in queries.values() if q.is_check]
    width = max(len(q.name) for q in queries.values()) if queries else 10
    print(f"{len(named)} named queries (kg query NAME [--param NAME=VALUE]...):")
    for q in named:
        print(f"  {q.name.ljust(width)}  {q.question}")
        for p in q.parameters:
            print(f"  {''.ljust(width)}    --param {p.signature()}: {p.doc}")
    print(f"\n{len(checks)} quality checks (must return no rows; kg query checks/NAME):")
    for q in checks:
        print(f"  checks/{q.name.ljust(width)}  {q.question}")
    return EXIT_OK


def _docs(args: argparse.Namespace) -> int:
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


def _publish(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.publishing.export import ExportError
    from kg.publishing.publish import PublishError, publish

    try:
        publication = publish(args.dir, args.version, args.data, args.download_base, args.build)
    except (PublishError, ExportError) as refused:
        print(f"kg publish: {refused}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as failed:
        _report_input_errors(failed.errors)
        return EXIT_INPUT
    except InputError as bad_input:
        print(f"error: {bad_input}", file=sys.stderr)
        return EXIT_INPUT
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


def _serve(args: argparse.Namespace) -> int:
    from kg.web.serve import ServeOptions, main

    if args.endpoint is not None:
        given = [option for option, value in (("--data", args.data), ("--build", args.build)) if value is not None]
        if given:
            print(
                f"kg serve: --endpoint serves a remote store: leave out {' and '.join(given)} (they name a local "
                "build)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        from kg.stores.http import StoreError, checked_url

        try:
            checked_url(args.endpoint, "--endpoint")
        except StoreError as error:
            print(f"kg serve: {error}", file=sys.stderr)
            return EXIT_USAGE
    elif args.default_graph or args.named_graph or args.user or not args.union:
        print("kg serve: --default-graph, --named-graph, --user and --no-union go with --endpoint", file=sys.stderr)
        return EXIT_USAGE
    options = ServeOptions(
        host=args.host,
        port=args.port,
        data=args.data,
        timeout=args.timeout,
        memory_mb=args.memory_mb,
        max_rows=args.max_rows,
        workers=args.workers,
        cors=tuple(args.cors),
        build=args.build,
        allowed_hosts=tuple(args.allow_host),
        max_bytes=args.max_bytes,
        fast_workers=args.fast_workers,
        fast_budget=args.fast_budget,
        queue_timeout=args.queue_timeout,
        client_heavy=args.client_heavy,
        client_demotions=args.client_demotions,
        request_timeout=args.request_timeout,
        write_timeout=args.write_timeout,
        max_connections=args.max_connections,
        endpoint=args.endpoint,
        user=args.user,
        union=args.union,
        default_graphs=tuple(args.default_graph),
        named_graphs=tuple(args.named_graph),
    )
    return main(options)


def _review(args: argparse.Namespace) -> int:
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


def _export(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.publishing import export

    fmt = args.format or ("jsonld" if args.frame else "trig")
    names = [name.strip() for value in args.graph for name in value.split(",") if name.strip()]
    try:
        if args.frame and fmt != "jsonld":
            raise export.ExportError(f"--frame {args.frame} writes JSON-LD: leave out --format or give --format jsonld")
        dataset = export.load_source(args.data, args.build)
        selected = export.select_graphs(dataset, names, args.with_inferred)
        data = export.export(dataset, fmt, names, args.with_inferred, args.frame)
    except export.ExportError as error:
        print(f"kg export: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as failed:
        _report_input_errors(failed.errors)
        return EXIT_INPUT
    except InputError as bad_input:
        print(f"error: {bad_input}", file=sys.stderr)
        return EXIT_INPUT
    if not export.carries_graphs(fmt) and len(selected) > 1:
        print(f"kg export: {fmt} has no named graphs: wrote the union of {len(selected)} graphs", file=sys.stderr)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        export.write_export(args.out, data)
    return EXIT_OK


def _push(args: argparse.Namespace) -> int:
    from kg.errors import BuildFailed, InputError
    from kg.stores import push
    from kg.stores.http import StoreError

    names = [name.strip() for value in args.graph for name in value.split(",") if name.strip()]
    try:
        pushed = push.push(
            args.store,
            args.data,
            args.build,
            names,
            args.user,
            args.endpoint,
            args.check_only,
            progress=push.ProgressLine(sys.stderr),
        )
    except push.PushError as refused:
        print(f"kg push: {refused}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as error:
        print(f"kg push: {error}", file=sys.stderr)
        return EXIT_USAGE if error.usage else EXIT_INPUT
    except BuildFailed as failed:
        _report_input_errors(failed.errors)
        return EXIT_INPUT
    except InputError as bad_input:
        print(f"error: {bad_input}", file=sys.stderr)
        return EXIT_INPUT
    if pushed.shared_blank_nodes:
        print(
            f"kg push: note: {pushed.shared_blank_nodes} blank node(s) occur in more than one graph; the store holds "
            "one node per graph (the Graph Store Protocol scopes blank nodes to one request)",
            file=sys.stderr,
        )
    if pushed.mismatches:
        print(f"kg push: {push.mismatch_message(pushed.mismatches, pushed.endpoint)}", file=sys.stderr)
        return EXIT_INPUT
    print(pushed.summary())
    return EXIT_OK


def _report_input_errors(problems: Sequence[object]) -> None:
    """Print each input problem (``file:line: message``) on standard error."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)


def format_summary(summary: Summary, written: list[Path], inferred: int | None = None, checked: bool = True) -> str:
    lines = [
        "kg build: done",
        f"  articles          {summary.articles}",
        f"  graphs            {summary.graphs}",
        f"  triples           {summary.triples}",
        f"  entities          {summary.entities} ({summary.article_local_entities} article-local)",
        f"  quotes            {summary.quotes}",
        f"  assertions        {summary.assertions}",
        f"  casualty reports  {summary.casualty_reports}",
        f"  statements        {sum(summary.statements_by_type.values())}",
    ]
    for name, count in sorted(summary.statements_by_type.items()):
        lines.append(f"    {name:<22}{count}")
    if summary.drafts or summary.rejected:
        lines.append(
            f"  not built         {summary.drafts} draft(s) awaiting review, {summary.rejected} rejected "
            "(facts and entities marked review: draft or rejected)"
        )
    lines.append(
        f"  inferred triples  {inferred}" if inferred is not None else "  inferred triples  (not reasoned: --no-reason)"
    )
    lines.append(
        "  checked           shapes and quality checks: no errors"
        if checked
        else "  checked           (shapes and quality checks skipped: --no-check)"
    )
    lines.append("  wrote")
    lines.extend(f"    {path}" for path in written)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
