"""Incremental builds: each article's work kept by the digest of its own inputs.

A corpus of thousands of articles changes an article at a time. :func:`build_units` builds it as
*units*: each article's unit is what the build derives from that article alone, kept in the build
folder (``cache/articles/<stem>.json``) under a key made of the article's three files and of
everything every article depends on (kerman-kg's code, the ontology, the registry and the Wikidata
list, the shapes and checks, the build options: :func:`shared_key`). An article whose key is
unchanged is not read, mapped, reasoned about or validated again; its unit is read back.

What a unit holds, written in N-Triples (no rdflib term is made for a unit read back):

- the triples of the article's graph and the article's lines of the curators' records graph;
- the entailments the article adds to those of the shared graphs (:meth:`kg.pipeline.reasoning.Closure.add`
  on top of the closure of the ontology, registry and background graphs);
- the Turtle body of its graph as it appears in the TriG file;
- what the build's summary counts of it, the file and line of everything it mints (for problems
  found later), the registry aliases its text uses (the unused-alias check is the union of these),
  and the problems the shapes find in it.

Reasoning by units is exact, not approximate: OWL 2 RL's one-premise rules (classes, subproperties,
domains, ranges, inverses, symmetry) see one triple and the ontology, so they never mix articles;
only the rules that join two triples (transitive properties, property chains) can, and only through
triples whose predicate they join on. The whole build therefore closes, once, the union of every
unit's triples of those few predicates with the shared closure (:func:`infer`), and keeps what that
adds. The outcome equals reasoning over the whole dataset at once: a test compares both, and both
with owlrl's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg import resources
from kg.curation.annotations import ArticleMapper
from kg.curation.corpus import CorpusLayout
from kg.curation.registry import Entity
from kg.errors import BuildFailed, InputError
from kg.pipeline.reasoning import (
    INFERRED_GRAPH,
    Closure,
    Rules,
    Schema,
    Strings,
    keep_strings,
    record_inferred_provenance,
)
from kg.rdf import iris
from kg.rdf.rdfio import Triple, TurtleWriter, nt_triple

if TYPE_CHECKING:
    from kg.pipeline.build import Summary

#: the folder of the article units, inside a build folder
CACHE = Path("cache") / "articles"
#: the format of a unit file; units written with another are ignored
FORMAT = 1


def nt_rows(triples: Iterable[Triple]) -> list[Strings]:
    """rdflib triples as N-Triples terms, as rdflib's N-Triples writer writes them (:func:`kg.rdf.rdfio.nt_triple`)."""
    found = []
    for triple in triples:
        s, p, o = triple
        if s.__class__ is URIRef and p.__class__ is URIRef:  # most terms: an IRI needs no more than its brackets
            found.append((f"<{s}>", f"<{p}>", f"<{o}>" if o.__class__ is URIRef else nt_triple(triple)[2]))
        else:
            found.append(nt_triple(triple))
    return found


def row_text(rows: Iterable[Strings]) -> str:
    """Rows as N-Triples lines, sorted (what a unit file keeps)."""
    return "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in rows))


def text_rows(text: str) -> list[Strings]:
    """The rows of N-Triples lines written by :func:`row_text`."""
    found = []
    for line in text.splitlines():
        s, p, o = line[: -len(" .")].split(" ", 2)
        found.append((s, p, o))
    return found


@dataclass
class Unit:
    """What the build derives from one article alone (see the module docstring)."""

    stem: str
    key: str
    sha256: str
    #: N-Triples lines, sorted: the article's graph, its records lines, its own entailments
    graph: str
    records: str
    derived: str
    #: N-Triples lines for the whole build's reasoning (see :class:`UnitRows`)
    joining: str = ""
    boundary: str = ""
    exposed: str = ""
    #: the Turtle body of the article's graph in the TriG file
    trig: str = ""
    #: IRI -> (file, line) of what the article mints
    origins: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: what the build summary counts of this article
    counts: dict[str, int] = field(default_factory=dict)
    statements_by_type: dict[str, int] = field(default_factory=dict)
    #: (entity id, alias) of the registry aliases the text uses
    aliases: list[tuple[str, str]] = field(default_factory=list)
    #: the problems the shapes find in the article (file, line, severity, message), the nodes its context
    #: reads and the rows other units' contexts may read (see :mod:`kg.pipeline.unitcheck`)
    problems: list[dict[str, object]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    exports: str = ""
    format: int = FORMAT

    def save(self, folder: Path) -> None:
        """Write the unit into the folder (atomically: a half-written unit is never read)."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self.stem}.json"
        temporary = folder / f".{self.stem}.json.tmp"
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)

    @classmethod
    def load(cls, folder: Path, stem: str, key: str | None) -> Unit | None:
        """The unit kept for the article, or None when there is none for this key (any key: None) or it cannot be
        read."""
        try:
            data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
            if (key is not None and data.get("key") != key) or data.get("format") != FORMAT:
                return None
            unit = cls(**data)
            unit.origins = {iri: (where[0], where[1]) for iri, where in unit.origins.items()}
            unit.aliases = [(slug, alias) for slug, alias in unit.aliases]
            return unit
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None


def article_key(shared: str, stem: str, paths: Iterable[Path]) -> str:
    """The key of an article's unit: the shared key, its stem and the bytes of its files."""
    sha = hashlib.sha256(f"unit {FORMAT}\n{shared}\n{stem}\n".encode())
    for path in paths:
        sha.update(path.name.encode() + b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()


# --------------------------------------------------------------------- reasoning by units


class UnitReasoner:
    """The OWL 2 RL rules of :mod:`kg.pipeline.reasoning`, applied a unit at a time (see the module docstring)."""

    def __init__(self, schema_graph: Graph, shared: Iterable[Strings]) -> None:
        self.rules = Rules(Schema.of(schema_graph))
        shared_ids = self.rules.encode(shared)
        self.base = Closure(self.rules)
        self.base_derived = self.rules.decode(self.base.add(shared_ids))
        self.shared = set(shared_ids)

    def derive(self, stated: Iterable[Strings]) -> list[Strings]:
        """A unit's own entailments: what it adds to the shared closure (every one, kept or not).

        Raises:
            ValueError: the unit states a schema axiom (a subclass, a domain...): the rules read the schema from
                the shared graphs only.
        """
        rows = list(stated)
        for _, p, _ in rows:
            if p in self.rules.schema_names:
                raise ValueError(f"an article graph states a schema axiom ({p}); only the ontology may")
        unit = Closure(self.rules, self.base)
        return self.rules.decode(unit.add(self.rules.encode(rows)))

    def joins(self, rows: Iterable[Strings]) -> Iterator[Strings]:
        """The rows whose predicate a rule joins on: the only ones that link two units."""
        joined = self.rules.joined_names
        return (row for row in rows if row[1] in joined)

    def across(self, joining: Iterable[Strings]) -> list[Strings]:
        """What the rules derive from the units' joining rows together that no unit derives alone."""
        combined = Closure(self.rules, self.base)
        return self.rules.decode(combined.add(self.rules.encode(joining)))


@dataclass
class UnitRows:
    """What :func:`infer` needs of a unit: its own entailments, its joining rows, its boundary rows.

    Attributes:
        derived: The unit's own entailments (:meth:`UnitReasoner.derive`).
        joining: Its stated and derived rows whose predicate a rule joins on (:meth:`UnitReasoner.joins`).
        boundary: Its stated rows whose subject it does not own (:func:`owner`): the only ones that may state
            what another unit derives, besides the owner's own rows.
        exposed: Its stated rows about the nodes it owns that other units are most likely to derive something
            about: the article itself and the nodes of its joining rows (:func:`exposed_rows`).
        stated: Gives all its stated rows, when needed (rarely: see :func:`infer`).
    """

    derived: list[Strings]
    joining: list[Strings]
    boundary: list[Strings]
    exposed: list[Strings]
    stated: Callable[[], Iterable[Strings]]


def exposed_nodes(name: str, joining: Iterable[Strings]) -> set[str]:
    """The nodes of unit ``name`` whose stated rows :attr:`UnitRows.exposed` holds."""
    nodes = {"<" + str(iris.article(name)) + ">"}
    for s, _, o in joining:
        nodes.add(s)
        nodes.add(o)
    return nodes


def exposed_rows(name: str, stated: Iterable[Strings], joining: Iterable[Strings]) -> list[Strings]:
    """The stated rows of unit ``name`` about its exposed nodes (:func:`exposed_nodes`)."""
    nodes = exposed_nodes(name, joining)
    return [row for row in stated if row[0] in nodes]


def owner(subject: str) -> str | None:
    """The article (stem) that owns a node written in N-Triples: its IRI is the article's or under it."""
    if not subject.startswith(_ARTICLE_NT):
        return None
    tail = subject[len(_ARTICLE_NT) : -1]
    return tail.split("/", 1)[0]


_ARTICLE_NT = "<" + iris.ENTITY_NS + "article/"


def boundary_rows(name: str, rows: Iterable[Strings]) -> list[Strings]:
    """The rows of unit ``name`` whose subject it does not own."""
    return [row for row in rows if owner(row[0]) != name]


def infer(reasoner: UnitReasoner, units: Mapping[str, UnitRows]) -> set[Strings]:
    """The kept entailments of the whole dataset, from each unit's rows (see the module docstring).

    Units are named by the article they hold (its stem); a unit of no article (the provenance graph) has a
    name no article has.

    Returns:
        What :func:`kg.pipeline.reasoning.infer_rules` gives for the union of the shared graphs and every unit, written
        in N-Triples: entailments kept (:func:`kg.pipeline.reasoning.keep_strings`) and asserted nowhere.
    """
    candidates: dict[Strings, str | None] = {}  # entailment -> the unit that derived it (None: several or none)
    for row in reasoner.base_derived:
        if keep_strings(row):
            candidates[row] = None
    joining: list[Strings] = []
    boundary: set[Strings] = set(reasoner.rules.decode(reasoner.shared))
    for name, unit in units.items():
        for row in unit.derived:
            if keep_strings(row):
                candidates[row] = name if row not in candidates else None
        joining.extend(unit.joining)
        boundary.update(unit.boundary)
    for row in reasoner.across(joining):
        if keep_strings(row):
            candidates[row] = None
    # A unit's entailments are not among its own rows nor the shared ones; another unit states one only as a
    # boundary row, or as a row of a node it owns (looked up in that unit's rows, which is rare).
    # (An entailment the owner derives itself is not among the owner's rows either.)
    derived_of: dict[str, set[Strings]] = {}
    exposed_of: dict[str, tuple[set[str], set[Strings]]] = {}
    stated_of: dict[str, set[Strings]] = {}
    kept = set()
    for row, derived_by in candidates.items():
        if row in boundary:
            continue
        node_owner = owner(row[0])
        if node_owner is not None and node_owner != derived_by and node_owner in units:
            unit = units[node_owner]
            if node_owner not in derived_of:
                derived_of[node_owner] = set(unit.derived)
                exposed_of[node_owner] = (exposed_nodes(node_owner, unit.joining), set(unit.exposed))
            if row not in derived_of[node_owner]:
                nodes, exposed = exposed_of[node_owner]
                if row[0] in nodes:
                    if row in exposed:
                        continue
                else:
                    if node_owner not in stated_of:
                        stated_of[node_owner] = set(unit.stated())
                    if row in stated_of[node_owner]:
                        continue
        kept.add(row)
    return kept


# --------------------------------------------------------------------- the build, by units


@dataclass(frozen=True)
class ArticleFiles:
    """An article as the provenance graph names it: id, text digest and files."""

    id: str
    sha256: str
    text_path: Path
    meta_path: Path
    facts_path: Path


@dataclass
class UnitBuild:
    """A corpus built by units: the graphs other than the articles' as rows, and every article's unit.

    Attributes:
        units: Stem -> its unit, in stem order.
        rows: Graph name -> its triples in N-Triples, for the registry, background, records, provenance and
            inferred graphs.
        ontology: The ontology graph's triples (it has blank nodes: written by rdflib's serializer).
        summary: The build summary.
        fresh: The stems whose units were made by this build (the others were read back).
        inferred: How many entailments were kept (None when not reasoned).
        origins: IRI -> (file, line) of everything minted, registry entities included.
    """

    units: dict[str, Unit]
    rows: dict[URIRef, list[Strings]]
    ontology: list[Triple]
    summary: Summary
    fresh: list[str]
    inferred: int | None
    origins: dict[str, tuple[str, int]]
    #: with the check: the shared unit's triples (see :mod:`kg.pipeline.unitcheck`) and its exports
    shared_unit: list[Triple] = field(default_factory=list)
    shared_exports: set[Strings] = field(default_factory=set)
    #: the subjects of the shared unit that the provenance graph describes (checked on every build), and the key
    #: of the rest of the shared unit (registry, background, what articles state of registry entities)
    provenance_subjects: set[Node] = field(default_factory=set)
    stable_key: str = ""
    #: set by the check: the key and problems of the shared unit but the provenance, kept for the next build
    shared_problems: dict[str, object] | None = None
    #: the units read back whose problems were found again (their context changed)
    rechecked: list[str] = field(default_factory=list)


def shared_key(layout: CorpusLayout, ontology_dir: Path, salt: str) -> str:
    """What every article's unit depends on: the code, the ontology, the registry, the Wikidata list, the salt.

    The salt names the options and, when the build checks, the digest of the shapes and checks.
    """
    from kg.sparql.engine import inputs_digest

    return inputs_digest([ontology_dir, layout.registry, layout.wikidata], f"units {FORMAT}\n{salt}")


def build_units(
    corpus: Path,
    cache: Path,
    salt: str,
    reason: bool = True,
    build_time: dt.datetime | None = None,
    check: bool = False,
    progress: Callable[[str], None] | None = None,
) -> UnitBuild:
    """Build a corpus, reading back the unit of every article whose key is unchanged (see the module docstring).

    Args:
        corpus: The corpus folder.
        cache: The folder of the units (:data:`CACHE` in a build folder), read here; :func:`save_units` writes
            the units made once the build is known to be sound.
        salt: What else the units depend on (options, shapes and checks), see :func:`shared_key`.
        reason: Derive the OWL 2 RL entailments (the ``kgg:inferred`` graph).
        build_time: As for :func:`kg.pipeline.build.build_dataset`.
        check: Run the shapes on every article made, and on those whose context changed (:mod:`kg.pipeline.unitcheck`).
        progress: Told how many articles were read back and how many are made.

    Raises:
        BuildFailed: with every input error found; no unit of an article with errors is written.
    """
    from kg.curation.corpus import load_article
    from kg.curation.registry import alias_errors, alias_index, aliases_in, load_registry, load_wikidata
    from kg.pipeline.build import Summary, _add_background, _add_provenance, _add_registry, article_counts
    from kg.rdf.ontology import Vocabulary, load_ontology

    layout = CorpusLayout(corpus)
    ontology_dir = resources.ontology_dir()
    try:
        layout.check()
        onto_graph = load_ontology(ontology_dir)
        vocabulary = Vocabulary.from_graph(onto_graph)
        registry = load_registry(layout.registry, vocabulary, load_wikidata(layout.wikidata))
        stems = layout.article_stems()
    except InputError as exc:
        raise BuildFailed([exc]) from exc
    # the corpus's own folder too: a unit keeps the paths of the files its facts come from, for problems
    shared = shared_key(layout, ontology_dir, f"{salt}\nreason={reason}\ncorpus={corpus.resolve()}")
    files = {
        stem: [layout.articles_dir / f"{stem}{suffix}" for suffix in (".txt", ".meta.yaml", ".facts.yaml")]
        for stem in stems
    }
    errors: list[InputError] = []
    keys: dict[str, str] = {}
    units: dict[str, Unit] = {}
    for stem in stems:
        try:
            keys[stem] = article_key(shared, stem, files[stem])
        except OSError as exc:
            errors.append(InputError(files[stem][0], None, f"cannot read: {exc.strerror}"))
            continue
        found = Unit.load(cache, stem, keys[stem])
        if found is not None:
            units[stem] = found
    fresh = [stem for stem in stems if stem in keys and stem not in units]
    if progress is not None:
        progress(f"{len(units)} article(s) unchanged, {len(fresh)} to build")

    registry_triples = _registry_triples(registry, _add_registry)
    background_triples = _registry_triples(registry, _add_background)
    shared_rows = nt_rows(registry_triples)
    background = nt_rows(background_triples)
    ontology = list(onto_graph)
    reasoner = UnitReasoner(onto_graph, [*shared_rows, *background, *nt_rows(ontology)]) if reason else None
    index = alias_index(registry)
    made: dict[str, tuple[Unit, set[Triple]]] = {}
    for stem in fresh:
        try:
            article = load_article(layout, stem)
        except InputError as exc:
            errors.append(exc)
            continue
        graph: set[Triple] = set()
        recorded: set[Triple] = set()
        facts = ArticleMapper(article, vocabulary, onto_graph, registry, graph, recorded).run()
        if facts.errors:
            errors.extend(facts.errors)
            continue
        counts, statements = article_counts(graph)
        counts["local_entities"] = len(facts.local_entities)
        counts["drafts"] = sum(1 for state in facts.unreviewed.values() if state == "draft")
        counts["rejected"] = sum(1 for state in facts.unreviewed.values() if state == "rejected")
        graph_rows, record_rows = nt_rows(graph), nt_rows(recorded)
        stated = graph_rows + record_rows
        derived = reasoner.derive(stated) if reasoner is not None else []
        joining = [*reasoner.joins(stated), *reasoner.joins(derived)] if reasoner is not None else []
        unit = Unit(
            stem=stem,
            key=keys[stem],
            sha256=article.sha256,
            graph=row_text(graph_rows),
            records=row_text(record_rows),
            derived=row_text(derived),
            joining=row_text(joining),
            boundary=row_text(boundary_rows(stem, stated)),
            exposed=row_text(exposed_rows(stem, stated, joining)),
            trig=TurtleWriter().graph(graph),
            origins={str(iri): (str(path), line) for iri, (path, line) in facts.origins.items()},
            counts=counts,
            statements_by_type=dict(statements),
            aliases=aliases_in(index, article.text),
        )
        made[stem] = (unit, graph | recorded)
    used = {pair for unit in [*units.values(), *(u for u, _ in made.values())] for pair in unit.aliases}
    if not errors and len(units) + len(made) == len(stems):
        every = [(e.slug, alias) for e in registry.values() for alias in e.aliases]
        errors.extend(alias_errors(registry, [pair for pair in every if pair not in used]))
    if errors:
        raise BuildFailed(errors)
    for stem, (unit, _) in made.items():
        units[stem] = unit
    units = {stem: units[stem] for stem in stems}

    summary = Summary(articles=len(units))
    origins = {str(entity.iri): (str(entity.file), entity.line) for entity in registry.values()}
    records: list[Strings] = []
    for unit in units.values():
        origins.update(unit.origins)
        records.extend(text_rows(unit.records))
        summary.article_local_entities += unit.counts.get("local_entities", 0)
        summary.drafts += unit.counts.get("drafts", 0)
        summary.rejected += unit.counts.get("rejected", 0)
        summary.assertions += unit.counts.get("assertions", 0)
        summary.quotes += unit.counts.get("quotes", 0)
        summary.casualty_reports += unit.counts.get("casualty_reports", 0)
        summary.statements_by_type.update(unit.statements_by_type)
    provenance: set[Triple] = set()
    articles = [ArticleFiles(stem, unit.sha256, *files[stem]) for stem, unit in units.items()]
    _add_provenance(provenance, layout, articles, ontology_dir, build_time, bool(records))  # type: ignore[arg-type]
    rows: dict[URIRef, list[Strings]] = {
        iris.REGISTRY_GRAPH: shared_rows,
        iris.BACKGROUND_GRAPH: background,
        iris.RECORDS_GRAPH: sorted(set(records)),
    }
    rows = {name: found for name, found in rows.items() if found}
    asserted_provenance = len(provenance)
    shared_unit: list[Triple] = []
    shared_exports: set[Strings] = set()
    rechecked: list[str] = []
    if check:
        shared_triples = [*registry_triples, *background_triples]
        shared_unit, shared_exports, rechecked = _check_units(
            units,
            {stem: triples for stem, (_, triples) in made.items()},
            shared_triples,
            provenance,
            registry,
            cache,
            corpus,
        )
    inferred = None
    if reasoner is not None:
        provenance_rows = nt_rows(provenance)
        derived = reasoner.derive(provenance_rows)
        joining = [*reasoner.joins(provenance_rows), *reasoner.joins(derived)]
        by_unit = {
            stem: UnitRows(
                text_rows(unit.derived),
                text_rows(unit.joining),
                text_rows(unit.boundary),
                text_rows(unit.exposed),
                lambda unit=unit: text_rows(unit.graph + unit.records),  # type: ignore[misc]
            )
            for stem, unit in units.items()
        }
        by_unit[PROVENANCE_UNIT] = UnitRows(derived, joining, provenance_rows, [], lambda: provenance_rows)
        rows[INFERRED_GRAPH] = sorted(infer(reasoner, by_unit))
        inferred = len(rows[INFERRED_GRAPH])
        names = [*rows, iris.ONTOLOGY_GRAPH, iris.PROVENANCE_GRAPH, *(iris.article_graph(s) for s in units)]
        record_inferred_provenance(provenance, [n for n in names if n != INFERRED_GRAPH])
    # the summary counts the asserted graphs, as kg.pipeline.build does: before the inferred graph's provenance is added
    summary.graphs = sum(1 for name in rows if name != INFERRED_GRAPH) + 2 + sum(1 for u in units.values() if u.graph)
    summary.triples = (
        sum(len(found) for name, found in rows.items() if name != INFERRED_GRAPH)
        + len(ontology)
        + asserted_provenance
        + sum(unit.graph.count("\n") for unit in units.values())
    )
    rows[iris.PROVENANCE_GRAPH] = nt_rows(provenance)
    summary.entities = len(registry) + summary.article_local_entities
    stable = hashlib.sha256(shared.encode())
    for unit in units.values():
        stable.update(unit.boundary.encode())
    return UnitBuild(
        units,
        rows,
        ontology,
        summary,
        list(made),
        inferred,
        origins,
        shared_unit=shared_unit,
        shared_exports=shared_exports,
        rechecked=rechecked,
        provenance_subjects={t[0] for t in provenance if isinstance(t[0], URIRef) and owner(f"<{t[0]}>") not in units},
        stable_key=stable.hexdigest(),
    )


def _check_units(
    units: dict[str, Unit],
    made: dict[str, set[Triple]],
    shared: list[Triple],
    provenance: set[Triple],
    registry: dict[str, Entity],
    cache: Path,
    corpus: Path,
) -> tuple[list[Triple], set[Strings], list[str]]:
    """Run the shapes on the units made and on those whose context changed.

    Returns:
        The shared unit, its exports, and the units read back that were checked again.

    Sets each such unit's problems, reads and exports (:mod:`kg.pipeline.unitcheck`).
    """
    from kg.pipeline import unitcheck
    from kg.pipeline.shaclunits import ContextIndex, exported_triples

    owned: dict[str, list[Triple]] = {}
    shared_unit = list(shared)
    for triple in provenance:
        stem = owner(f"<{triple[0]}>") if isinstance(triple[0], URIRef) else None
        if stem in units:
            owned.setdefault(stem, []).append(triple)
        else:
            shared_unit.append(triple)
    for unit in units.values():
        shared_unit.extend(unitcheck.rdflib_rows(text_rows(unit.boundary)))
    # what changed of what contexts read: the exports of the articles made (before and after) and removed
    changed: set[str] = set()
    for stem, triples in made.items():
        changed.update(row[0] for row in nt_rows(exported_triples([*triples, *owned.get(stem, [])])))
    previous = {path.name[: -len(".json")] for path in cache.glob("*.json")} if cache.is_dir() else set()
    for stem in [*made, *(p for p in previous if p not in units)]:
        old = Unit.load(cache, stem, None)
        if old is not None:
            changed.update(row[0] for row in text_rows(old.exports))
    shared_exports = set(nt_rows(exported_triples(shared_unit)))
    changed.update(row[0] for row in shared_exports ^ read_shared_exports(cache))
    stale = unitcheck.stale_units({s: u.reads for s, u in units.items() if s not in made}, changed)
    checking: dict[str, list[Triple]] = {stem: [*triples, *owned.get(stem, [])] for stem, triples in made.items()}

    for stem in stale:
        unit = units[stem]
        checking[stem] = [*unitcheck.rdflib_rows(text_rows(unit.graph + unit.records)), *owned.get(stem, [])]
    if not checking:
        return shared_unit, shared_exports, stale
    pointed = {row[2] for triples in checking.values() for row in nt_rows(triples)}
    exports = [
        row
        for stem, unit in units.items()
        if stem not in checking
        for row in text_rows(unit.exports)
        if row[0] in pointed
    ]
    index = ContextIndex([*shared_unit, *unitcheck.rdflib_rows(exports), *(t for ts in checking.values() for t in ts)])
    registry_origins = {str(e.iri): (str(e.file), e.line) for e in registry.values()}
    for stem, unit_triples in checking.items():
        unit = units[stem]
        problems, reads, exported = unitcheck.article_check(
            stem, unit_triples, index, {**registry_origins, **unit.origins}, corpus
        )
        unit.problems, unit.reads, unit.exports = problems, reads, row_text(exported)
    return shared_unit, shared_exports, stale


#: the file, beside the units, of the shared unit's exports at the last build (what contexts read of it)
SHARED_EXPORTS = "shared-exports.nt"
#: the file, beside the units, of what the shapes found in the shared unit but the provenance, and its key
SHARED_PROBLEMS = "shared-problems.json"


def read_shared_problems(cache: Path) -> dict[str, object] | None:
    """What the last build's shapes found in the shared unit (but the provenance), with its key; None if unknown."""
    try:
        found = json.loads((cache.parent / SHARED_PROBLEMS).read_text(encoding="utf-8"))
        return found if isinstance(found, dict) else None
    except (OSError, ValueError):
        return None


def read_shared_exports(cache: Path) -> set[Strings]:
    try:
        return set(text_rows((cache.parent / SHARED_EXPORTS).read_text(encoding="utf-8")))
    except OSError:
        return set()


def save_units(build: UnitBuild, cache: Path) -> None:
    """Keep the units the build made in the cache folder, and forget those of articles it no longer has.

    Called once the build is known to be sound: a build that fails writes nothing, units included.
    """
    for stem in [*build.fresh, *build.rechecked]:
        build.units[stem].save(cache)
    (cache.parent / SHARED_EXPORTS).write_text(row_text(build.shared_exports), encoding="utf-8")
    if build.shared_problems is not None:
        (cache.parent / SHARED_PROBLEMS).write_text(json.dumps(build.shared_problems, sort_keys=True), encoding="utf-8")
    for kept in cache.glob("*.json") if cache.is_dir() else ():
        if kept.name[: -len(".json")] not in build.units:
            kept.unlink(missing_ok=True)


#: the name of the provenance graph's unit (no article is named so: a stem has no spaces)
PROVENANCE_UNIT = " provenance"


def _registry_triples(
    registry: dict[str, Entity], add: Callable[[set[Triple], dict[str, Entity]], None]
) -> set[Triple]:
    found: set[Triple] = set()
    add(found, registry)
    return found


# --------------------------------------------------------------------- the files of a build by units


def nquads(build: UnitBuild) -> bytes:
    """The build as N-Quads, lines sorted: the same bytes as :func:`kg.rdf.rdfio.to_nquads` of its graphs."""
    from kg.rdf.rdfio import to_nquads

    lines: list[str] = []
    for name, found in build.rows.items():
        tail = " " + name.n3() + " .\n"
        lines.extend(f"{s} {p} {o}{tail}" for s, p, o in found)
    for stem, unit in build.units.items():
        tail = " " + iris.article_graph(stem).n3() + " .\n"
        lines.extend(line[: -len(" .")] + tail for line in unit.graph.splitlines())
    lines.extend(to_nquads({iris.ONTOLOGY_GRAPH: build.ontology}).decode("utf-8").splitlines(keepends=True))
    lines.sort()
    return "".join(lines).encode("utf-8")


def string_graphs(build: UnitBuild) -> dict[str, list[Strings]]:
    """Every graph but the ontology as rows, by name in N-Triples form (what the catalog counts)."""
    found = {name.n3(): rows for name, rows in build.rows.items()}
    for stem, unit in build.units.items():
        found[iris.article_graph(stem).n3()] = text_rows(unit.graph)
    return found


def trig(build: UnitBuild) -> bytes:
    """The build as TriG: the same bytes as :func:`kg.rdf.rdfio.to_trig` of its graphs.

    Article graphs are written from their units' Turtle; the other graphs from their rows, the ontology (which
    has blank nodes) by rdflib's serializer.
    """
    from kg.rdf import rdfio

    writer = rdfio.TurtleWriter()
    bodies: dict[str, str] = {str(name): writer.graph_strings(found) for name, found in build.rows.items()}
    for stem, unit in build.units.items():
        bodies[str(iris.article_graph(stem))] = unit.trig
    ontology = rdfio.to_trig({iris.ONTOLOGY_GRAPH: build.ontology}).decode("utf-8")
    header = rdfio.trig_header()
    bodies[str(iris.ONTOLOGY_GRAPH)] = ontology[len(header) :]
    parts = [header]
    for name in sorted(bodies):
        body = bodies[name]
        parts.append(body if name == str(iris.ONTOLOGY_GRAPH) else rdfio.trig_block(URIRef(name), body))
    return "".join(parts).encode("utf-8")
