"""What the review server knows of its corpus and works out for the page: the article's state, the curator
check's problems by item, and the build.

Whatever is costly is worked out once and kept while what it was made from stays the same: the ontology's
vocabulary and labels for the life of the server, the registry until ``entities.yaml`` or ``wikidata.tsv``
change, the annotation file until its bytes change, and the check until any file the build reads changes
(:meth:`Review.corpus_digest`). The JSON of items and records is :mod:`kg.review.views`, the article as built
:mod:`kg.review.built_article`, and the query page's server :mod:`kg.review.query_page`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.review import words
from kg.review.built_article import article_facts, summary
from kg.review.document import AnnotationFile
from kg.review.files import ArticleFiles, ReviewError, article_files, digest_of, read_bytes
from kg.review.meta_record import MetaRecord
from kg.review.query_page import QueryPage
from kg.review.views import form_options, item_at, item_key, item_view, meta_view, shown_path

if TYPE_CHECKING:
    from kg.curation.check import CheckOutcome
    from kg.curation.registry import Entity


@dataclass
class _Cached:
    key: str
    value: Any


@dataclass
class Review:
    """What the server knows: the corpus, its token, where builds go, and what it has computed."""

    corpus: Path
    stem: str
    out: Path
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    allowed_hosts: set[str] = field(default_factory=set)
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    check_lock: threading.Lock = field(default_factory=threading.Lock)
    _vocabulary: Any = None
    _labels: tuple[dict[str, str], dict[str, str]] | None = None
    _registry: _Cached | None = None
    _checks: dict[bool, _Cached] = field(default_factory=dict)
    _built: Path | None = None
    _query_page: QueryPage = field(default_factory=QueryPage)
    _read: dict[Path, AnnotationFile] = field(default_factory=dict)

    # ---------------------------------------------------------------- corpus knowledge

    def files(self, stem: str) -> ArticleFiles:
        """The files of the article this server reviews; any other stem is refused (see :mod:`kg.review.api`)."""
        files = article_files(self.corpus, stem)
        if stem != self.stem:
            raise ReviewError(
                404, f"this review server reviews only the article '{self.stem}': start 'kg review {stem}' for this one"
            )
        return files

    def vocabulary(self) -> Any:
        """The ontology's vocabulary (:class:`kg.rdf.ontology.Vocabulary`), read once."""
        if self._vocabulary is None:
            from kg import resources
            from kg.rdf.ontology import Vocabulary, load_ontology

            graph = load_ontology(resources.ontology_dir())
            self._vocabulary = Vocabulary.from_graph(graph)
            self._labels = _term_labels(graph)
        return self._vocabulary

    def labels(self) -> tuple[dict[str, str], dict[str, str]]:
        """Class and property labels of the ontology, by local name."""
        self.vocabulary()
        assert self._labels is not None
        return self._labels

    def registry(self) -> tuple[dict[str, Entity], str | None]:
        """The corpus's registry (reloaded when entities.yaml changes), or none and why it cannot be read."""
        from kg.curation.corpus import CorpusLayout
        from kg.curation.registry import load_registry, load_wikidata
        from kg.errors import InputError

        layout = CorpusLayout(self.corpus)
        key = digest_of(read_bytes(layout.registry)) + digest_of(read_bytes(layout.wikidata))
        if self._registry is None or self._registry.key != key:
            try:
                layout.check()
                value: Any = (load_registry(layout.registry, self.vocabulary(), load_wikidata(layout.wikidata)), None)
            except InputError as exc:
                value = ({}, str(exc))
            self._registry = _Cached(key, value)
        registry, problem = self._registry.value
        return registry, problem

    def corpus_digest(self) -> str:
        """A digest of the state of every file the build reads (name, size, inode, time of last change): a check
        holds as long as it does. Writes replace a file (a new inode), so no change goes unseen."""
        digest = hashlib.sha256()
        paths = [self.corpus / "entities.yaml", self.corpus / "wikidata.tsv"]
        articles = self.corpus / "articles"
        if articles.is_dir():
            paths += sorted(articles.iterdir())
        for path in paths:
            digest.update(path.name.encode("utf-8") + b"\0")
            with contextlib.suppress(OSError):
                info = path.lstat()
                digest.update(f"{info.st_size}:{info.st_ino}:{info.st_mtime_ns}:{info.st_mode}\0".encode())
        return digest.hexdigest()

    def annotation(self, files: ArticleFiles) -> AnnotationFile:
        """The annotation file as it is now, for reading only (parsed again only when its bytes change)."""
        data = read_bytes(files.facts)
        cached = self._read.get(files.facts)
        if cached is None or cached.digest != digest_of(data):
            cached = AnnotationFile.read(files.facts, files.stem)
            self._read[files.facts] = cached
        return cached

    # ---------------------------------------------------------------- the article's state

    def state(self, stem: str) -> dict[str, Any]:
        """Everything the page shows of an article (``GET /api/articles/<stem>`` in :mod:`kg.review.api`)."""
        from kg.curation.corpus import read_text
        from kg.errors import InputError

        files = self.files(stem)
        try:
            text, _ = read_text(files.text)
        except InputError as exc:
            raise ReviewError(409, f"the article cannot be reviewed: {exc.message}") from exc
        annotation = self.annotation(files)
        meta = MetaRecord.read(files.meta)
        registry, registry_problem = self.registry()
        classes, properties = self.labels()
        local = {
            item.id: str(item.node.get("label") or item.id)
            for item in annotation.items
            if item.section == "entities" and item.id is not None
        }
        outlet = meta.doc.get("publisher") if isinstance(meta.doc, dict) else None
        outlet_id = outlet.get("entity") if isinstance(outlet, dict) else None
        voice = (
            f"the article's publisher, {registry[outlet_id].label}"
            if isinstance(outlet_id, str) and outlet_id in registry
            else "the article's own (unnamed) voice"
        )
        names = words.Names(
            {**{slug: e.label for slug, e in registry.items()}, **local, "publisher": voice}, classes, properties
        )
        items = [item_view(item, text, names) for item in annotation.items]
        facts = [i for i in items if i["section"] == "facts"]
        counts = {state: sum(1 for i in items if i["review"] == state) for state in ("draft", "accepted", "rejected")}
        return {
            "stem": stem,
            "text": text,
            "files": {"facts": shown_path(files.facts, self.corpus), "meta": shown_path(files.meta, self.corpus)},
            "digest": annotation.digest,
            "file_problem": annotation.problem,
            "registry_problem": registry_problem,
            "items": items,
            "meta": meta_view(meta, text, names),
            "progress": {
                "facts": len(facts),
                "entities": len(items) - len(facts),
                **counts,
                "reviewed": counts["accepted"] + counts["rejected"],
                "meta": meta.review if meta.text is not None else "absent",
            },
            "options": form_options(self.vocabulary(), self.labels(), registry, annotation, names),
        }

    # ---------------------------------------------------------------- the curator check

    def outcome(self, full: bool) -> tuple[CheckOutcome, str]:
        """The check of the corpus as it is now (cached while no file changes), with the corpus's digest."""
        from kg.curation.check import check_corpus

        with self.check_lock:
            key = self.corpus_digest()
            cached = self._checks.get(full)
            if cached is None or cached.key != key:
                cached = _Cached(key, check_corpus(self.corpus, reason=False, rules=full))
                self._checks[full] = cached
            return cached.value, key

    def check(self, stem: str, full: bool) -> dict[str, Any]:
        """The check's problems for this article, by item (``GET /api/articles/<stem>/check`` in
        :mod:`kg.review.api`)."""
        files = self.files(stem)
        started = time.monotonic()
        outcome, key = self.outcome(full)
        return self._problems(stem, files, outcome, key, full, time.monotonic() - started)

    def _problems(
        self, stem: str, files: ArticleFiles, outcome: CheckOutcome, key: str, full: bool, seconds: float
    ) -> dict[str, Any]:
        annotation = self.annotation(files)
        meta = MetaRecord.read(files.meta)
        by_item: dict[str, list[dict[str, Any]]] = {}
        in_file: list[dict[str, Any]] = []
        in_meta: list[dict[str, Any]] = []
        elsewhere: list[dict[str, Any]] = []
        elsewhere_warnings = 0
        facts_path, meta_path = files.facts.resolve(), files.meta.resolve()
        for problem in outcome.problems:
            shown = {"severity": problem.severity, "line": problem.line, "message": problem.message}
            where = problem.file.resolve() if problem.file is not None else None
            if where == facts_path:
                item = item_at(annotation, problem.line)
                if item is None:
                    in_file.append(shown)
                else:
                    by_item.setdefault(item_key(item), []).append(shown)
            elif where == meta_path:
                in_meta.append(shown)
            elif problem.severity == "error":
                elsewhere.append({**shown, "file": shown_path(problem.file, self.corpus) if problem.file else "corpus"})
            else:
                elsewhere_warnings += 1
        errors = [p for p in outcome.problems if p.severity == "error"]
        here = [p for ps in [*by_item.values(), in_file, in_meta] for p in ps]
        return {
            "full": full,
            "stale": key != self.corpus_digest(),
            "digest": annotation.digest,
            "meta_digest": meta.digest,
            "passes": not errors,
            "errors": len(errors),
            "warnings": len(outcome.problems) - len(errors),
            "article_errors": sum(1 for p in here if p["severity"] == "error"),
            "article_warnings": sum(1 for p in here if p["severity"] != "error"),
            "items": by_item,
            "file": in_file,
            "meta": in_meta,
            "elsewhere": elsewhere[:50],
            "elsewhere_warnings": elsewhere_warnings,
            "seconds": round(seconds, 2),
        }

    # ---------------------------------------------------------------- building

    def build(self, stem: str) -> dict[str, Any]:
        """The full check, and the build written into the review's folder when it passes."""
        from kg import __version__
        from kg.curation.check import check_corpus
        from kg.publishing import catalog
        from kg.rdf import iris, rdfio

        files = self.files(stem)
        started = time.monotonic()
        with self.check_lock:
            key = self.corpus_digest()
            outcome = check_corpus(self.corpus)
            self._checks[True] = _Cached(key, outcome)
        check = self._problems(stem, files, outcome, key, True, time.monotonic() - started)
        if outcome.errors or outcome.dataset is None or outcome.build is None:
            return {"built": False, "check": check}
        dataset = outcome.dataset
        outputs = {rdfio.TRIG: rdfio.to_trig(dataset), rdfio.NQUADS: rdfio.to_nquads(dataset)}
        outputs[catalog.FILE_NAME] = catalog.to_turtle(catalog.dataset_description(dataset, __version__, outputs))
        try:
            written = rdfio.write_outputs(self.out, outputs)
        except OSError as exc:
            raise ReviewError(500, f"could not write the build into {self.out}: {exc.strerror or exc}") from exc
        self._built = written[0]
        graph = dataset.graph(iris.article_graph(stem))
        return {
            "built": True,
            "check": check,
            "seconds": round(time.monotonic() - started, 1),
            "written": [str(p) for p in written],
            "summary": summary(graph, self.annotation(files)),
            "facts": article_facts(dataset, stem),
            "serve": f"kg serve --data {written[0]}",
            "path": f"/id/article/{stem}",
        }

    # ---------------------------------------------------------------- the query page

    def query_page(self) -> str:
        """The address of ``kg serve --data`` over the last build, started (or restarted) when needed."""
        if self._built is None or not self._built.is_file():
            raise ReviewError(409, "build the corpus first: the query page shows the last build")
        return self._query_page.url(self._built, self.out)

    def stop_query_page(self) -> None:
        """Stop the query page's server, if this review started one."""
        self._query_page.stop()


def _term_labels(graph: Any) -> tuple[dict[str, str], dict[str, str]]:
    from rdflib import RDF, RDFS
    from rdflib.namespace import OWL

    from kg.rdf.namespaces import KGO

    def labels(kinds: tuple[Any, ...]) -> dict[str, str]:
        found = {}
        for kind in kinds:
            for term in graph.subjects(RDF.type, kind):
                text = str(term)
                if text.startswith(str(KGO)):
                    found[text[len(str(KGO)) :]] = str(graph.value(term, RDFS.label) or text[len(str(KGO)) :])
        return found

    return labels((OWL.Class,)), labels((OWL.ObjectProperty, OWL.DatatypeProperty))
