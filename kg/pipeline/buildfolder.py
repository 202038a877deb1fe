"""The build folder: what ``kg build`` writes, and what every other command reads.

One build of a corpus serves every command. ``kg build`` writes into its folder
(``./build`` unless ``--out`` or ``$KG_BUILD_DIR`` says otherwise)::

    kerman-kg.trig   the dataset: every named graph, kgg:inferred included (deterministic bytes)
    kerman-kg.nq     the same as N-Quads, lines sorted
    void.ttl         its VoID/DCAT description
    store/           an Oxigraph store of the same quads, for kg query and kg serve
    build.json       the manifest: the key of the inputs, the corpus and the options it was made with
    cache/           what each article gave the last build, kept by the digest of its inputs
                     (kg.pipeline.units.incremental): an unchanged article is not mapped, reasoned
                     about or checked again

The key is a digest of every input file (corpus, ontology, shapes and quality checks), the options,
the kerman-kg version and its code (:func:`kg.sparql.engine.inputs_digest`). ``kg query``, ``kg serve``,
``kg export``, ``kg publish`` and ``kg validate`` call :func:`ensure`: when the folder holds no build,
or one whose key is no longer that of its inputs, they rebuild it first (and say so on standard
error), from the corpus and with the options recorded in the manifest; they never keep a copy of
their own.

The manifest is removed before anything is replaced and written last, so an interrupted build
leaves a folder that the next command sees as stale and rebuilds; a build that finds errors in its
input writes nothing at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import __version__, resources
from kg.errors import BuildFailed, InputError
from kg.rdf import iris, rdfio

if TYPE_CHECKING:  # the check pulls in pySHACL: only a build needs it, not a command that reads the folder
    from kg.curation.check import CheckOutcome, Problem
    from kg.pipeline.build import Summary
    from kg.pipeline.units import incremental as units

MANIFEST = "build.json"
STORE = "store"
#: the manifest's own format; a folder written with another is rebuilt
FORMAT = 1


def default_folder() -> Path:
    """The build folder commands read when none is named: ``$KG_BUILD_DIR``, else ``./build``."""
    return Path(os.environ.get("KG_BUILD_DIR") or "build")


@dataclass(frozen=True)
class Options:
    """How a build is made: with OWL RL inferences, with the shapes and checks, and its recorded time."""

    reason: bool = True
    check: bool = True
    build_time: str | None = None


@dataclass
class Manifest:
    """What ``build.json`` records."""

    key: str
    corpus: str
    options: Options
    version: str = __version__
    format: int = FORMAT
    triples: int = 0
    inferred: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The folder's manifest, or None when it has none (or one this version cannot read)."""
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            return cls(
                key=data["key"],
                corpus=data["corpus"],
                options=Options(**data["options"]),
                version=data["version"],
                format=data["format"],
                triples=data.get("triples", 0),
                inferred=data.get("inferred"),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


@dataclass
class Built:
    """The outcome of :func:`build`: the check's outcome (its problems) and, when it found no error, what was
    written."""

    check: CheckOutcome
    summary: Summary | None = None
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def input_key(corpus: Path, options: Options) -> str:
    """The digest that names one build: every input file, the options, the version and the code."""
    from kg.sparql.engine import inputs_digest

    inputs = [corpus, resources.ontology_dir()]
    if options.check:
        inputs += [resources.shapes_dir(), resources.queries_dir() / "checks"]
    salt = f"build format {FORMAT}; reason={options.reason}; check={options.check}; time={options.build_time}"
    return inputs_digest(inputs, salt)


def staleness(folder: Path) -> tuple[Manifest | None, str | None]:
    """The folder's manifest, and why its build cannot be used as it is (None when it can)."""
    manifest = Manifest.read(folder)
    if manifest is None:
        return None, f"{folder} holds no build" if not folder.exists() else f"{folder} holds no complete build"
    corpus = Path(manifest.corpus)
    if not corpus.is_dir():
        return manifest, f"the corpus it was built from, {corpus}, is gone"
    if not (folder / STORE).is_dir() or not (folder / rdfio.NQUADS).is_file():
        return manifest, f"{folder} lacks its store or its N-Quads"
    if input_key(corpus, manifest.options) != manifest.key:
        return (
            manifest,
            f"an input (corpus {corpus}, ontology, shapes or kerman-kg itself) changed since {folder} was built",
        )
    return manifest, None


def build(
    folder: Path,
    corpus: Path | None = None,
    options: Options | None = None,
    progress: Callable[[str], None] | None = None,
) -> Built:
    """Check and build a corpus into the folder: dataset files, description, store, manifest.

    Built by units (:mod:`kg.pipeline.units.incremental`): an article whose files, and whose shared inputs, are those
    of the folder's last build is not mapped or reasoned about again, and the store is updated with what changed.
    Nothing but the units of sound articles is written when the check finds an error.
    """
    from kg.curation.check import CheckOutcome, Problem
    from kg.pipeline.units import incremental as units
    from kg.pipeline.units import records as unitrecords
    from kg.pipeline.units import writers as unitwriters
    from kg.publishing import catalog

    started = time.perf_counter()
    options = options or Options()
    corpus_dir = (corpus or resources.corpus_dir()).resolve()
    # the key of the inputs as they are before reading them: an edit made during the build makes it stale
    key = input_key(corpus_dir, options) if corpus_dir.is_dir() else ""
    when = _parse_time(options.build_time)
    phase = _Phases(progress)
    try:
        made = units.build_units(
            corpus_dir,
            folder / unitrecords.CACHE,
            f"check={options.check}; time={options.build_time}",
            reason=options.reason,
            build_time=when,
            check=options.check,
            progress=progress,
        )
    except BuildFailed as failed:
        return Built(CheckOutcome([Problem(e.file, e.line, "error", e.message) for e in failed.errors]))
    outcome = CheckOutcome([], None, None, made.inferred)
    result = Built(outcome)
    phase.done("articles (read back, or mapped, reasoned about and checked), registry and reasoning")
    files = {rdfio.TRIG: unitwriters.trig(made), rdfio.NQUADS: unitwriters.nquads(made)}
    phase.done("TriG and N-Quads")
    if options.check:
        outcome.problems = _check(made, files[rdfio.NQUADS], corpus_dir, folder)
        phase.done("shapes on the shared graphs and quality checks")
        if outcome.errors:
            return result
    description = catalog.dataset_description(
        {iris.ONTOLOGY_GRAPH: made.ontology}, __version__, files, string_graphs=unitwriters.string_graphs(made)
    )
    files[catalog.FILE_NAME] = catalog.to_turtle(description)
    previous = Manifest.read(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # from here until the end the folder is stale
    old_nquads = _previous_nquads(folder) if previous is not None else None
    result.written = rdfio.write_outputs(folder, files)
    _replace_store(folder, folder / rdfio.NQUADS, old_nquads, files[rdfio.NQUADS])
    units.save_units(made, folder / unitrecords.CACHE)
    phase.done("description, files, store and cache")
    manifest = Manifest(key, str(corpus_dir), options, triples=made.summary.triples, inferred=made.inferred)
    rdfio.write_outputs(folder, {MANIFEST: manifest.to_json().encode("utf-8")})
    result.summary = made.summary
    result.seconds = time.perf_counter() - started
    return result


class _Phases:
    """Tells ``progress`` how long each phase of a build took (CPU seconds of this process and wall seconds)."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.progress = progress
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def done(self, what: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        if self.progress is not None:
            self.progress(f"{what}: {cpu - self.cpu:.1f} s CPU, {wall - self.wall:.1f} s")
        self.cpu, self.wall = cpu, wall


def _previous_nquads(folder: Path) -> bytes | None:
    try:
        return (folder / rdfio.NQUADS).read_bytes()
    except OSError:
        return None


def _check(made: units.UnitBuild, nquads: bytes, corpus: Path, folder: Path) -> list[Problem]:
    """Every problem of the build, at the YAML behind it: the shapes' in each article (kept in its unit), the
    shapes' in the shared graphs and the quality checks' (see :mod:`kg.pipeline.units.check`)."""
    from kg.pipeline.units import check as unitcheck
    from kg.pipeline.units import records as unitrecords

    problems = [unitcheck.from_record(record) for unit in made.units.values() for record in unit.problems]
    exports = [row for unit in made.units.values() for row in unitrecords.text_rows(unit.exports)]
    shared, made.shared_problems = unitcheck.shared_problems(
        made.shared_unit,
        exports,
        list(made.units),
        made.origins,
        corpus,
        made.provenance_subjects,
        made.stable_key,
        unitrecords.read_shared_problems(folder / unitrecords.CACHE),
    )
    problems += shared
    problems += unitcheck.check_problems(nquads, made.origins, corpus)
    return sorted(problems, key=lambda p: (p.severity != "error", str(p.file), p.line or 0, p.message))


def _parse_time(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _replace_store(folder: Path, nquads: Path, old: bytes | None = None, new: bytes | None = None) -> None:
    """Make the folder's store hold the N-Quads: a new store beside the old one, swapped in at the end.

    When the folder's previous N-Quads (``old``, whose store the folder holds) differ from the new ones in a
    few lines, the new store is a copy of the old one (hard links: :meth:`pyoxigraph.Store.backup`) with those
    lines removed and added; otherwise, or when that fails, the N-Quads are loaded into an empty store.
    """
    staging = Path(tempfile.mkdtemp(prefix=".store.", dir=folder))
    try:
        if not (old is not None and new is not None and _update_copy(folder / STORE, staging / STORE, old, new)):
            shutil.rmtree(staging / STORE, ignore_errors=True)
            store = ox.Store(str(staging / STORE))
            store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
            store.flush()
            del store
        target = folder / STORE
        if target.exists():
            target.rename(staging / "old")
        (staging / STORE).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _update_copy(live: Path, copy: Path, old: bytes, new: bytes) -> bool:
    """Copy the live store and apply the difference of two N-Quads dumps to the copy; False when not worth it."""
    if not live.is_dir():
        return False
    old_lines = set(old.splitlines(keepends=True))
    new_lines = set(new.splitlines(keepends=True))
    removed = old_lines - new_lines
    added = new_lines - old_lines
    if len(removed) + len(added) > len(new_lines) // 4 or any(b"_:" in line for line in (*removed, *added)):
        return False  # blank nodes are renamed on loading: their lines cannot be matched
    try:
        source = ox.Store(str(live))
        source.backup(str(copy))
        del source
        store = ox.Store(str(copy))
        for quad in ox.parse(b"".join(sorted(removed)), format=ox.RdfFormat.N_QUADS):
            store.remove(quad)
        store.extend(ox.parse(b"".join(sorted(added)), format=ox.RdfFormat.N_QUADS))
        store.flush()
        del store
    except (OSError, SyntaxError, ValueError):
        return False
    return True


def _say(message: str) -> None:
    print(f"kg: {message}", file=sys.stderr, flush=True)


def ensure(folder: Path | None = None, notify: Callable[[str], None] = _say) -> Manifest:
    """The folder's build, (re)built first when it is missing or stale, saying so through ``notify``.

    A stale build is rebuilt from the corpus and with the options its manifest records; a missing one
    from the embedded corpus with the default options.

    Raises:
        BuildFailed: the corpus has errors (each with its file and line); the folder is left as it was.
    """
    folder = folder or default_folder()
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, None, "is a file, not a build folder: name a folder (kg build --out DIR writes one)")
    manifest, why = staleness(folder)
    if why is None and manifest is not None:
        return manifest
    corpus = Path(manifest.corpus) if manifest is not None and Path(manifest.corpus).is_dir() else None
    options = manifest.options if manifest is not None else Options()
    source = corpus or resources.corpus_dir()
    notify(f"{why}: building it from {source} (as 'kg build --out {folder}' does)...")
    outcome = build(folder, corpus, options)
    if outcome.check.errors:
        raise BuildFailed([InputError(p.file or source, p.line, p.message) for p in outcome.check.errors])
    notify(f"built {folder} ({outcome.summary.triples if outcome.summary else 0} triples) in {outcome.seconds:.1f} s")
    built = Manifest.read(folder)
    assert built is not None
    return built


def store_folder(folder: Path | None = None) -> Path:
    """The Oxigraph store of the (ensured) build."""
    folder = folder or default_folder()
    ensure(folder)
    return folder / STORE


def nquads_file(folder: Path | None = None) -> Path:
    """The N-Quads file of the (ensured) build: the exact terms, as exports need them.

    The store cannot give them back: Oxigraph keeps ``xsd:nonNegativeInteger`` values as ``xsd:integer``.
    """
    folder = folder or default_folder()
    ensure(folder)
    return folder / rdfio.NQUADS
