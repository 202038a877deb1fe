"""``kg publish DIR``: the whole publication in one folder, the artefact a release attaches.

What the folder holds (every file generated here from the sources, nothing
hand-edited)::

    README.md                   what is here, the version, how to load it
    void.ttl                    VoID and DCAT description of the dataset, its graphs and every file
                                below (size, SHA-256, media type), with the version (kg.publishing.catalog)
    context.jsonld              the JSON-LD context of the JSON-LD files (kg.publishing.jsonld)
    data/kerman-kg.trig         every graph, the inferred one included (named graphs kept)
    data/kerman-kg.nq           the same, as N-Quads
    data/kerman-kg.jsonld       the same, as JSON-LD compacted with the context
    data/kerman-kg.ttl          the union of the asserted graphs (no inferences), as Turtle
    data/kerman-kg.nt           the same, as N-Triples
    data/kerman-kg.rdf          the same, as RDF/XML
    data/attacks.jsonld         the framed view: one tree per attack (kg export --frame attack)
    ontology/kerman-kg.ttl      the ontology, its modules merged into one file
    ontology/kerman-kg.owl      the same, as RDF/XML (for Protégé and the OWL API)
    ontology/docs/              ontology.html (pyLODE) and the core-model diagram (.dot, .svg, .png)
    shapes/                     the SHACL shapes
    queries/                    the named SPARQL queries and the quality checks

The version (``--version``, default the package's) is stamped into the
ontology's ``owl:versionIRI`` (``https://w3id.org/kerman-kg/ontology/<version>``)
and ``owl:versionInfo`` (in the ontology files and in the dataset's
``kgg:ontology`` graph alike), into the dataset description
(``dcat:version``) and onto the ontology's page. The same sources and version
give the same bytes.

Republishing keeps what is not kg's: the manifest ``.kg-publish.json`` lists every file kg publish
wrote (:mod:`kg.publishing.manifest`), and the next kg publish into the folder replaces or removes
those and nothing else; a new folder is written beside the destination and renamed into place, an
update is staged inside it and undone if it fails (:mod:`kg.publishing.destination`).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import OWL

from kg import __version__, resources
from kg.errors import InputError
from kg.publishing.destination import MARKER, WORK_PREFIX, check_destination, install
from kg.publishing.manifest import PublishError, write_manifest
from kg.rdf import iris, namespaces, rdfio
from kg.rdf.ontology import own_module, stamp_version, version_iri

#: Versions become part of an IRI, so they are kept to characters that need no escaping.
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
#: data/ files: (file name, export format, graphs carried, with the inferred graph)
DATA_FILES = (
    ("kerman-kg.trig", "trig", True),
    ("kerman-kg.nq", "nquads", True),
    ("kerman-kg.jsonld", "jsonld", True),
    ("kerman-kg.ttl", "turtle", False),
    ("kerman-kg.nt", "ntriples", False),
    ("kerman-kg.rdf", "rdfxml", False),
)
FRAMED_FILE = "attacks.jsonld"


@dataclass
class Publication:
    """What :func:`publish` wrote."""

    folder: Path
    version: str
    files: list[Path] = field(default_factory=list)  # the files written, the manifest included
    missing: list[str] = field(default_factory=list)  # files not made (the diagram images without Graphviz)


def check_version(version: str) -> str:
    """The version, checked to be usable in an IRI; PublishError otherwise."""
    if not VERSION_PATTERN.match(version):
        raise PublishError(
            f"version '{version}' cannot go into an IRI: use letters, digits and . + _ - (e.g. 0.2.0 or 2026.11.21)"
        )
    return version


def merged_ontology(ontology: Graph) -> Graph:
    """The ontology as one release file: the modules' triples together, the imports of our own modules dropped.

    The modules are in the file, so importing them again would send a tool looking for IRIs that
    do not resolve yet; imports of other ontologies (none today) are kept.
    """
    kept = Graph()
    for triple in ontology:
        _, p, o = triple
        if not (p == OWL.imports and own_module(o)):
            kept.add(triple)
    merged = Graph(bind_namespaces="core")  # in sorted order, blank nodes labelled from the content
    namespaces.bind(merged)
    for triple in rdfio.canonical_triples(kept):
        merged.add(triple)
    return merged


def publish(
    out_dir: Path,
    version: str | None = None,
    data: Path | None = None,
    download_base: str = "",
    build: Path | None = None,
) -> Publication:
    """Write the publication into out_dir (see the module docstring).

    Args:
        out_dir: The folder to write. It must not exist, be empty, or hold an earlier publication with
            its manifest (whose files are replaced; every other file is kept).
        version: The release version (default: the package's version).
        data: A built dataset file to publish instead of the build folder's dataset.
        download_base: Prefixed to the files' names in the dataset description to make absolute
            download IRIs (e.g. the URL the folder will be served from, ending in ``/``); empty leaves
            them relative to ``void.ttl``.
        build: The build folder to publish (default: :func:`kg.pipeline.buildfolder.default_folder`), built first
            when missing or stale.

    Raises:
        PublishError: a bad version, a destination kg publish must not write into, or files in it that
            kg publish must not replace (nothing is changed then).
        kg.errors.InputError, kg.errors.BuildFailed: bad input data.
    """
    version = check_version(version or __version__)
    updating = check_destination(out_dir) is not None  # refuses early, before the long part
    from kg.publishing import catalog, export, ontodoc

    dataset = export.load_source(data, build)
    ontology_graph = dataset.graph(iris.ONTOLOGY_GRAPH)
    if not len(ontology_graph):
        source = data if data is not None else resources.corpus_dir()
        raise InputError(source, None, "the dataset has no ontology graph (kgg:ontology): is it a kg build?")
    stamp_version(ontology_graph, version)

    files: dict[str, bytes] = {}
    for name, fmt, with_inferred in DATA_FILES:
        files[f"data/{name}"] = export.export(dataset, fmt, None, with_inferred and _has_inferred(dataset))
    files[f"data/{FRAMED_FILE}"] = export.export(dataset, "jsonld", None, False, "attack")
    merged = merged_ontology(ontology_graph)
    files["ontology/kerman-kg.ttl"] = _turtle(merged)
    files["ontology/kerman-kg.owl"] = export.to_rdfxml(merged)
    files["context.jsonld"] = resources.context_file().read_bytes()  # generated; a test keeps it current
    for folder, pattern in ((resources.shapes_dir(), "*.ttl"), (resources.queries_dir(), "**/*")):
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and not path.name.startswith("."):
                files[f"{folder.name}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    distributions = {f"data/{name}": files[f"data/{name}"] for name, _, _ in DATA_FILES}
    titles = {
        f"data/{name}": (
            f"every named graph, the inferred one included, as {export.MEDIA_TYPES[fmt]}"
            if graphs
            else f"the union of the asserted graphs (no named graphs, no inferences) as {export.MEDIA_TYPES[fmt]}"
        )
        for name, fmt, graphs in DATA_FILES
    }
    description = catalog.dataset_description(dataset, version, distributions, download_base, titles=titles)
    files[catalog.FILE_NAME] = catalog.to_turtle(description)
    files["README.md"] = _readme(version, sorted(files)).encode("utf-8")

    # an update is staged inside the destination, so that its files move in by renames on one file system
    parent = out_dir if updating else out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=WORK_PREFIX + "new-" if updating else f".{out_dir.name}.", dir=parent))
    try:
        staging.chmod(0o777 & ~rdfio.current_umask())  # mkdtemp makes it private; a publication is for sharing
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        docs = ontodoc.write_docs(staging / "ontology" / "docs", resources.ontology_dir(), version)
        write_manifest(staging, version)
        written = install(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # ours: empty folders when installed, the whole of it if not
    missing = [str(out_dir / p.relative_to(staging)) for p in docs.missing]
    return Publication(out_dir, version, written, missing)


def _has_inferred(dataset: Dataset) -> bool:
    return len(dataset.graph(iris.INFERRED_GRAPH)) > 0


def _turtle(graph: Graph) -> bytes:
    """Turtle of a graph made by :func:`merged_ontology` (sorted, blank nodes canonical): the same bytes every time."""
    return graph.serialize(format="turtle", encoding="utf-8")


def _readme(version: str, names: Sequence[str]) -> str:
    listing = "\n".join(f"- `{name}`" for name in [*names, "ontology/docs/"])
    return f"""{MARKER}
# kerman-kg {version}

A knowledge graph of what news reporting says about the January 3, 2024 bombings in Kerman, Iran:
who claimed, accused, denied and reported what, each fact with the verbatim quote it came from and
each article's account in its own named graph. Made by `kg publish` from the project's sources;
the ontology's version IRI is <{version_iri(version)}>.

## Files

{listing}

`data/kerman-kg.trig`, `.nq` and `.jsonld` hold every named graph: one per article
(`kgg:article/<stem>`), the entity registry, the Wikidata links (`kgg:background`), the ontology,
the provenance and the OWL 2 RL inferences (`kgg:inferred`). Turtle, N-Triples and RDF/XML cannot
hold named graphs: `data/kerman-kg.ttl`, `.nt` and `.rdf` hold the union of the asserted graphs,
without the inferences. `data/attacks.jsonld` is one JSON tree per attack. `void.ttl` describes
the dataset, each graph and each file (counts, size, SHA-256, licence, sources).

`.kg-publish.json` lists every file `kg publish` wrote here, with its SHA-256 and size. The next
`kg publish` into this folder replaces or removes those files only, and refuses to touch one that was
changed since; files you add here are kept.

## Licence

Ontology, annotations and registry: CC BY 4.0. The article texts belong to their publishers.

## Loading

- Apache Jena: `tdb2.tdbloader --loc DB data/kerman-kg.nq`
- Oxigraph: `oxigraph load --location DB --file data/kerman-kg.nq`
- rdflib: `rdflib.Dataset().parse("data/kerman-kg.trig", format="trig")`
- Protégé: open `ontology/kerman-kg.owl` or `ontology/kerman-kg.ttl`
"""


__all__ = [
    "Publication",
    "check_version",
    "publish",
]
