"""``kg publish DIR``: the whole publication in one folder, the artefact a release attaches.

What the folder holds (every file generated here from the sources, nothing
hand-edited)::

    README.md                   what is here, the version, how to load it
    void.ttl                    VoID and DCAT description of the dataset, its graphs and every file
                                below (size, SHA-256, media type), with the version (kg.publishing.catalog)
    context.jsonld              the JSON-LD context of the JSON-LD files (kg.publishing.jsonld)
    data/kerman-kg.trig         every graph, the inferred one included (named graphs kept)
    data/kerman-kg.nq           the same, as N-Quads
    data/kerman-kg.publishing.jsonld       the same, as JSON-LD compacted with the context
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

Republishing keeps what is not kg's. Beside those files kg publish writes
``.kg-publish.json``, its manifest: every file it wrote (the manifest aside),
with SHA-256 and size, the version and the kg version, in sorted order (the
same publication gives the same bytes). Only the files a manifest lists are
kg's; the next ``kg publish`` into the folder replaces or removes those and
nothing else, so files and folders a user added stay where they are, even
inside ``data/`` or another folder kg made. A folder kg made that holds nothing
once its old files are gone is removed. The rules:

- A folder that does not exist, or is empty, gets the publication written
  beside it and renamed into place when complete.
- A folder with a manifest is updated in place. kg publish refuses, listing
  every such file and changing nothing, when a listed file was changed since
  (its SHA-256 differs) -- whether the new publication would replace it or
  drop it: the user moves the file away to keep it, or deletes it to let kg
  write it again -- and when a file, folder or symbolic link that is not in the
  manifest stands where the new publication puts a file or needs a folder: the
  user moves or renames it. A file whose bytes already equal what kg would
  write there is taken as kg's, since writing it loses nothing (this also lets
  a run that was killed midway be repeated). A manifest that cannot be read is
  refused too: restore it, or move your files out and delete the folder.
- A folder with a publication's ``README.md`` marker but no manifest (made by a
  kg publish older than the manifest, or its manifest deleted) is refused:
  without the hashes kg cannot tell its files from a user's edits of them, so
  it replaces nothing. The message says to move any files added there out of it,
  delete it and publish again (or publish into a new folder). Guessing that the
  files of the known layout are kg's could overwrite an edit unseen; refusing
  costs one manual step, once.
- Any other non-empty folder is refused and left as it was.

The update is all or nothing as far as a process can make it: the new
publication is written completely in a hidden folder inside the destination
first, then the checks run, then kg's old files are moved aside into another
hidden folder and the new ones moved in (plain renames, the manifest last). If
anything fails, the new files are taken out and the old ones moved back, so the
folder holds the old publication and every user file. Only a process killed
during the renames leaves a mix; its ``.kg-publish-*`` folders then hold the
old files (nothing is lost), and running kg publish again completes the update.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rdflib import Dataset, Graph
from rdflib.namespace import OWL

from kg import __version__, resources
from kg.errors import InputError
from kg.rdf import iris, namespaces, rdfio
from kg.rdf.ontology import own_module, stamp_version, version_iri

#: The first line of the README of a publication.
MARKER = (
    "<!-- kerman-kg publication: generated by `kg publish`; "
    "the next one replaces only the files listed in .kg-publish.json -->"
)
#: What every publication's README has begun with, older ones included: marks a folder kg publish made.
MARKER_PREFIX = "<!-- kerman-kg publication: generated by `kg publish`"
#: The manifest: the files kg publish wrote into the folder, the only ones a later kg publish touches.
MANIFEST = ".kg-publish.json"
#: The manifest's layout; a manifest of another layout is refused rather than guessed at.
MANIFEST_FORMAT = 1
#: Versions become part of an IRI, so they are kept to characters that need no escaping.
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
#: data/ files: (file name, export format, graphs carried, with the inferred graph)
DATA_FILES = (
    ("kerman-kg.trig", "trig", True),
    ("kerman-kg.nq", "nquads", True),
    ("kerman-kg.publishing.jsonld", "jsonld", True),
    ("kerman-kg.ttl", "turtle", False),
    ("kerman-kg.nt", "ntriples", False),
    ("kerman-kg.rdf", "rdfxml", False),
)
FRAMED_FILE = "attacks.jsonld"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Prefix of the hidden folders an update works in, inside the destination.
_WORK_PREFIX = ".kg-publish-"


class PublishError(ValueError):
    """A request kg publish refuses: a bad version, or a destination it must not write into as asked."""


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
    staging = Path(tempfile.mkdtemp(prefix=_WORK_PREFIX + "new-" if updating else f".{out_dir.name}.", dir=parent))
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


def manifest_entries(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file below folder but the manifest, by POSIX path relative to it: (SHA-256, size)."""
    entries = {}
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != MANIFEST:
            entries[name] = (_sha256(path), path.stat().st_size)
    return dict(sorted(entries.items()))


def write_manifest(folder: Path, version: str) -> Path:
    """Write the manifest of every file in folder (see the module docstring); the same files give the same bytes.

    Args:
        folder: A complete publication, staged.
        version: The publication's version.

    Returns:
        The manifest's path.
    """
    document = {
        "manifest": MANIFEST_FORMAT,
        "about": "The files kg publish wrote into this folder, with their SHA-256 and size. The next kg publish "
        "into the folder replaces or removes these files only, and only while unchanged; it keeps every other "
        "file. Do not edit this file.",
        "generator": "kerman-kg",
        "kg_version": __version__,
        "version": version,
        "files": [
            {"path": name, "sha256": sha, "size": size} for name, (sha, size) in manifest_entries(folder).items()
        ],
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The files an earlier kg publish wrote into folder, by relative POSIX path: their SHA-256.

    Returns:
        None when folder has no manifest.

    Raises:
        PublishError: a manifest that cannot be read, or lists a path outside the folder.
    """
    path = folder / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None
    advice = (
        f"restore it (as kg publish wrote it), or move the files you added out of {folder}, delete the folder "
        "and run kg publish again"
    )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise PublishError(
            f"{path}: the manifest of the earlier publication cannot be read ({error}): {advice}"
        ) from None
    if not isinstance(document, dict) or document.get("manifest") != MANIFEST_FORMAT:
        raise PublishError(f"{path}: not a kg publish manifest of format {MANIFEST_FORMAT}: {advice}")
    entries = document.get("files")
    if not isinstance(entries, list):
        raise PublishError(f"{path}: not a kg publish manifest of format {MANIFEST_FORMAT}: {advice}")
    listed: dict[str, str] = {}
    for entry in entries:
        name = entry.get("path") if isinstance(entry, dict) else None
        sha = entry.get("sha256") if isinstance(entry, dict) else None
        if not (isinstance(name, str) and _is_inside(name) and name != MANIFEST and name not in listed):
            raise PublishError(f"{path}: lists {name!r}, not a path of a file inside the folder: {advice}")
        if not (isinstance(sha, str) and _SHA256.match(sha)):
            raise PublishError(f"{path}: lists {name} without a SHA-256: {advice}")
        listed[name] = sha
    return listed


def check_destination(out_dir: Path) -> dict[str, str] | None:
    """Whether kg publish may write into out_dir: the earlier publication's manifest, or None for a new folder.

    Raises:
        PublishError: out_dir is a file, a folder of something else, an earlier publication without a
            manifest, or its manifest cannot be read.
    """
    if not out_dir.exists():
        return None
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir} exists and is not a folder")
    if not any(out_dir.iterdir()):
        return None
    listed = read_manifest(out_dir)
    if listed is not None:
        return listed
    readme = out_dir / "README.md"
    if readme.is_file() and readme.read_text(encoding="utf-8", errors="replace").startswith(MARKER_PREFIX):
        raise PublishError(
            f"{out_dir} holds an earlier publication without a manifest ({MANIFEST}; made by an older kg "
            "publish, or the manifest was deleted), so kg publish cannot tell its files from files you added "
            "or changed, and changes nothing: move anything of yours out of it, delete the folder and run kg "
            "publish again (or publish into a new folder)"
        )
    raise PublishError(
        f"{out_dir} is not empty and is not an earlier publication: choose a new or empty folder "
        "(kg publish writes only into a folder it made itself)"
    )


def install(staging: Path, out_dir: Path) -> list[Path]:
    """Move a complete staged publication, its manifest written, into out_dir (see the module docstring).

    A new or empty out_dir gets staging renamed into place. An earlier publication is updated in
    place: its listed files are replaced or removed, every other file kept; staging is left holding
    empty folders. staging must be on out_dir's file system.

    Args:
        staging: The new publication, with its manifest (:func:`write_manifest`).
        out_dir: The destination.

    Returns:
        The files written, by their path in out_dir.

    Raises:
        PublishError: a destination kg publish must not write into, or files there it must not replace
            or remove; nothing in out_dir is changed then.
    """
    new = [*manifest_entries(staging), MANIFEST]  # the manifest last: it marks the update complete
    previous = check_destination(out_dir)
    if previous is None:
        _replace_folder(staging, out_dir)
    else:
        _update(staging, out_dir, new, previous)
    return [out_dir / name for name in sorted(new)]


def _update(staging: Path, out_dir: Path, new: list[str], previous: dict[str, str]) -> None:
    """Replace and remove the files of the earlier publication, keeping everything else; all or nothing."""
    ours = _check_files(staging, out_dir, new, previous)
    backup = Path(tempfile.mkdtemp(prefix=_WORK_PREFIX + "old-", dir=out_dir))
    moved: list[str] = []  # kg's files moved into the backup
    placed: list[str] = []  # new files moved into out_dir
    made: list[Path] = []  # folders made in out_dir
    try:
        for name in ours:
            _move(out_dir / name, backup / name)
            moved.append(name)
        for name in new:
            target = out_dir / name
            if target.is_dir() and not target.is_symlink():
                _remove_empty_folders(target)  # emptied of kg's files above; raises if anything else is in it
            made.extend(_make_folders(out_dir, target.parent))
            if target.exists() or target.is_symlink():  # appeared since the check: never overwrite it
                raise PublishError(f"{target} appeared while kg publish was writing; nothing was changed")
            os.rename(staging / name, target)
            placed.append(name)
    except BaseException:
        for name in reversed(placed):
            os.rename(out_dir / name, staging / name)
        for name in reversed(moved):
            _move(backup / name, out_dir / name)
        for made_folder in reversed(made):
            _remove_empty_folders(made_folder, missing_ok=True)
        _remove_empty_folders(backup, missing_ok=True)  # a backup still holding a file is left, never deleted
        raise
    emptied = {parent for name in moved for parent in PurePosixPath(name).parents if parent.parts}
    for parent in sorted(emptied, key=lambda f: len(f.parts), reverse=True):  # the deepest first
        here = out_dir / parent
        if here.is_dir() and not here.is_symlink() and not any(here.iterdir()):
            here.rmdir()
    shutil.rmtree(backup)  # only kg's old files, each checked against its SHA-256


def _check_files(staging: Path, out_dir: Path, new: list[str], previous: dict[str, str]) -> list[str]:
    """The files of out_dir to move away (kg's, unchanged); PublishError naming every other file in the way."""
    ours: list[str] = []
    problems: dict[str, str] = {}
    for name in sorted(set(new) | set(previous) | {MANIFEST}):
        target = out_dir / name
        for parent in list(PurePosixPath(name).parents)[-2::-1]:  # from the top, out_dir itself left out
            here = out_dir / parent
            if here.is_symlink():
                problems[parent.as_posix()] = "a symbolic link where kg publish has a folder: move it away"
            elif name in new and here.exists() and not here.is_dir() and parent.as_posix() not in previous:
                problems[parent.as_posix()] = "a file where kg publish puts a folder: move or rename it"
        if not target.exists() and not target.is_symlink():
            continue  # nothing there (a listed file the user deleted is simply written again)
        if target.is_symlink() or not target.is_file():
            if name in new and not _holds_only(target, out_dir, previous):
                problems[name] = "a folder or link kg publish did not make, where it writes a file: move it away"
            continue  # a listed file the user replaced by a folder or a link is theirs now, and kept
        sha = _sha256(target)
        if name == MANIFEST or previous.get(name) == sha or (name in new and sha == _sha256(staging / name)):
            ours.append(name)  # kg's, or already the bytes kg writes there: nothing is lost
        elif name in previous:
            problems[name] = (
                "changed since kg publish wrote it (its SHA-256 is not the one the manifest lists): move it out "
                "of the folder to keep your version, or delete it to let kg publish write it again"
            )
        elif name in new:
            problems[name] = "not written by kg publish (not in its manifest), and it writes a file there: move it"
    if problems:
        listing = "\n".join(f"  {name}: {problem}" for name, problem in sorted(problems.items()))
        raise PublishError(
            f"{out_dir} holds files kg publish must not replace or remove, so it changed nothing:\n{listing}\n"
            "Once they are out of the way, run kg publish again."
        )
    return ours


def _holds_only(folder: Path, out_dir: Path, previous: dict[str, str]) -> bool:
    """Whether folder is a real folder holding nothing but folders and files the manifest lists."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    for inner in folder.rglob("*"):
        if inner.is_symlink() or (not inner.is_dir() and inner.relative_to(out_dir).as_posix() not in previous):
            return False
    return True


def _replace_folder(staging: Path, out_dir: Path) -> None:
    """Move the complete staging folder to out_dir, which does not exist or is empty."""
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{staging.name}")
        out_dir.rename(old)
        try:
            staging.rename(out_dir)
        except BaseException:
            old.rename(out_dir)
            raise
        try:
            _remove_empty_folders(old)
        except OSError:
            pass  # it was empty when checked; a file that arrived since is kept there, never deleted
    else:
        staging.rename(out_dir)


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(source, target)


def _make_folders(root: Path, folder: Path) -> list[Path]:
    """Make folder and its missing parents below root; the ones made, from the top."""
    missing = [f for f in [folder, *folder.parents] if f != root and root in f.parents and not f.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def _remove_empty_folders(folder: Path, missing_ok: bool = False) -> None:
    """Remove folder if it holds nothing but empty folders; OSError (and nothing removed) when it holds more."""
    if missing_ok and not folder.is_dir():
        return
    inner = list(folder.rglob("*"))
    if any(p.is_symlink() or not p.is_dir() for p in inner):
        if missing_ok:
            return
        raise OSError(f"{folder} is not empty")
    for sub in sorted(inner, key=lambda p: len(p.parts), reverse=True):
        sub.rmdir()
    folder.rmdir()


def _is_inside(name: str) -> bool:
    """Whether a manifest's path names a file inside the folder (relative, no '..', no empty parts)."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and path.as_posix() == name


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


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
    "MANIFEST",
    "MARKER",
    "PublishError",
    "Publication",
    "check_destination",
    "check_version",
    "install",
    "manifest_entries",
    "publish",
    "read_manifest",
    "stamp_version",
    "version_iri",
    "write_manifest",
]
