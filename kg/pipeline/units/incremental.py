"""Incremental builds: each article's work kept by the digest of its own inputs.

A corpus of thousands of articles changes an article at a time. :func:`build_units` builds it as
*units*: each article's unit is what the build derives from that article alone, kept in the build
folder (``cache/articles/<stem>.json``) under a key made of the article's three files and of
everything every article depends on (kerman-kg's code, the ontology, the registry and the Wikidata
list, the shapes and checks, the build options: :func:`shared_key`). An article whose key is
unchanged is not read, mapped, reasoned about or validated again; its unit is read back.

What a unit holds, written in N-Triples (no rdflib term is made for a unit read back; the record and its
file: :mod:`kg.pipeline.units.records`):

- the triples of the article's graph and the article's lines of the curators' records graph;
- the entailments the article adds to those of the shared graphs (:meth:`kg.pipeline.ntreasoning.Closure.add`
  on top of the closure of the ontology, registry and background graphs; see :mod:`kg.pipeline.units.reasoning`);
- the Turtle body of its graph as it appears in the TriG file;
- what the build's summary counts of it, the file and line of everything it mints (for problems
  found later), the registry aliases its text uses (the unused-alias check is the union of these),
  and the problems the shapes find in it (:mod:`kg.pipeline.units.check`).

The build's files are written from the units (:mod:`kg.pipeline.units.writers`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.term import Node

from kg import resources
from kg.curation.annotations import ArticleMapper
from kg.curation.corpus import CorpusLayout
from kg.curation.registry import Entity
from kg.errors import BuildFailed, InputError
from kg.pipeline.ntreasoning import Strings
from kg.pipeline.reasoning import INFERRED_GRAPH, record_inferred_provenance
from kg.pipeline.units.reasoning import UnitReasoner, UnitRows, boundary_rows, exposed_rows, infer, owner
from kg.pipeline.units.records import (
    FORMAT,
    SHARED_EXPORTS,
    SHARED_PROBLEMS,
    Unit,
    article_key,
    nt_rows,
    row_text,
    text_rows,
)
from kg.rdf import iris
from kg.rdf.ntriples import Triple
from kg.rdf.turtlewriter import TurtleWriter

if TYPE_CHECKING:
    from kg.pipeline.build import Summary


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
    #: with the check: the shared unit's triples (see :mod:`kg.pipeline.units.check`) and its exports
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
        cache: The folder of the units (:data:`kg.pipeline.units.records.CACHE` in a build folder), read here;
            :func:`save_units` writes the units made once the build is known to be sound.
        salt: What else the units depend on (options, shapes and checks), see :func:`shared_key`.
        reason: Derive the OWL 2 RL entailments (the ``kgg:inferred`` graph).
        build_time: As for :func:`kg.pipeline.build.build_dataset`.
        check: Run the shapes on every article made, and on those whose context changed
            (:mod:`kg.pipeline.units.check`).
        progress: Told how many articles were read back and how many are made.

    Raises:
        BuildFailed: with every input error found; no unit of an article with errors is written.
    """
    from kg.curation.corpus import load_article
    from kg.curation.registry import alias_errors, alias_index, aliases_in, load_registry, load_wikidata
    from kg.pipeline.build import Summary, add_background, add_provenance, add_registry, article_counts
    from kg.pipeline.units.check import check_units
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

    registry_triples = _registry_triples(registry, add_registry)
    background_triples = _registry_triples(registry, add_background)
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
    add_provenance(provenance, layout, articles, ontology_dir, build_time, bool(records))  # type: ignore[arg-type]
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
        shared_unit, shared_exports, rechecked = check_units(
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
