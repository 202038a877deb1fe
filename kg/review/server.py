"""``kg review``: the local server of the review page, and the API through which every decision is written.

The server (Starlette on uvicorn) serves one article of one corpus folder: ``/review/<stem>`` is its page,
``/static/`` its script and stylesheets (``kg/static/``: nothing comes from elsewhere), and ``/api/`` the
calls the page makes, all JSON:

``GET /api/articles/<stem>``
    The article as the page shows it: its text, the metadata record, every item of the annotation file (with
    its review state, its description in words, where its quotes are, its lines), the progress, and what the
    forms offer (the registry's entities with their names, the ontology's classes and properties).
``GET /api/articles/<stem>/check`` (``?rules=1`` for the full check)
    The curator check (:func:`kg.curation.check.check_corpus`) of the whole corpus, its problems for this article
    grouped by the item whose lines they name. Without ``rules`` only the build's own checks run (quotes,
    references, types, dates: a fraction of a second); with it the SHACL shapes and quality checks too.
``POST /api/articles/<stem>/<section>/<id>/review``, ``PUT /api/articles/<stem>/<section>/<id>``, ``POST
/api/articles/<stem>/<section>``
    A decision on a fact or an article-local entity (``section`` is ``facts`` or ``entities``): its review
    state (``{"state": "accepted"}``), an edit (``{"item": {...}, "passages": [...]}``), a new item.
``POST /api/articles/<stem>/meta``, ``POST /api/articles/<stem>/meta/accept``, ``PUT /api/articles/<stem>/meta``
    The metadata record: a draft one created (as ``kg draft`` writes it), accepted (its ``review: draft``
    line deleted), or some of its fields set.
``POST /api/articles/<stem>/build``
    The full check and, when it passes, the build, written into the review's own folder (``--out``, by
    default a new temporary folder, never ``build/``); answers with the article's summary and its facts as
    the built graph holds them (the named query ``article-facts``).
``POST /api/query-page``
    Starts ``kg serve --data`` on the last build, on a free loopback port, and answers with its address, so
    the page can link to the article's graph in the query page; it is stopped with the review server.

Safety
------

- Loopback only: the server binds 127.0.0.1 or ::1 (``--host`` refuses anything else), and answers only
  requests whose ``Host`` is its own loopback address and port, so a web page that rebinds a name to
  127.0.0.1 gets nothing.
- No cross-site requests: every ``/api/`` call must carry the server's random token (made at start, handed
  only to the page, in a ``<meta>`` element) in the ``X-Review-Token`` header; a write must also be JSON, and
  a request that names another ``Origin`` (or that the browser marks ``Sec-Fetch-Site: cross-site``) is
  refused. No CORS header is ever sent, so no other site's script can read an answer.
- Only the article's files: an article is named by its stem (letters, digits, ``_``, ``-``), never a path,
  and the server answers only for the one it was started with; it writes nothing but
  ``articles/<stem>.facts.yaml`` and ``articles/<stem>.meta.yaml`` of that corpus, each checked to resolve
  directly inside its ``articles/`` folder and not to be a link (:func:`kg.review.document.article_files`),
  and the build's output into its own folder.
- No lost edit: each write names the SHA-256 of the file as the page loaded it, and is refused (409, nothing
  written) when the file changed since, in another tab or an editor; a file is replaced atomically, so a
  failed write leaves it as it was, and the page says so.
- Its pages carry a Content-Security-Policy that allows only the server's own scripts, styles and requests.
- Errors without internals: a bad request gets a 4xx with a message in JSON; an unexpected error is logged on
  the server's standard error and answered with a plain 500 message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import resources
from kg.review import document, page, words
from kg.review.document import AnnotationFile, MetaRecord, ReviewError

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from kg.curation.check import CheckOutcome
    from kg.curation.registry import Entity

MAX_BODY = 1024 * 1024
STATIC_DIR = resources.static_dir()
TOKEN_HEADER = "X-Review-Token"
HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
        "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
#: the hosts the server may listen on: loopback addresses only
LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")
#: how long the query page's server may take to start (it loads the built file into its store first)
QUERY_PAGE_STARTUP = 180.0


def is_loopback(host: str) -> bool:
    """Whether a --host value names the loopback interface (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ReviewOptions:
    """The command line of ``kg review``."""

    corpus: Path
    stem: str
    host: str = "127.0.0.1"
    port: int = 0
    open_browser: bool = True
    out: Path | None = None


# ------------------------------------------------------------------------------------------ the model


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
    _query_page: tuple[subprocess.Popen[bytes], str, Path] | None = None
    _read: dict[Path, AnnotationFile] = field(default_factory=dict)

    # ---------------------------------------------------------------- corpus knowledge

    def files(self, stem: str) -> document.ArticleFiles:
        """The files of the article this server reviews; any other stem is refused (see the module docstring)."""
        files = document.article_files(self.corpus, stem)
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
        key = document.digest_of(document.read_bytes(layout.registry)) + document.digest_of(
            document.read_bytes(layout.wikidata)
        )
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

    def annotation(self, files: document.ArticleFiles) -> AnnotationFile:
        """The annotation file as it is now, for reading only (parsed again only when its bytes change)."""
        data = document.read_bytes(files.facts)
        cached = self._read.get(files.facts)
        if cached is None or cached.digest != document.digest_of(data):
            cached = AnnotationFile.read(files.facts, files.stem)
            self._read[files.facts] = cached
        return cached

    # ---------------------------------------------------------------- the article's state

    def state(self, stem: str) -> dict[str, Any]:
        """Everything the page shows of an article (see the module docstring)."""
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
        items = [_item_view(item, text, names) for item in annotation.items]
        facts = [i for i in items if i["section"] == "facts"]
        counts = {state: sum(1 for i in items if i["review"] == state) for state in ("draft", "accepted", "rejected")}
        return {
            "stem": stem,
            "text": text,
            "files": {"facts": _shown_path(files.facts, self.corpus), "meta": _shown_path(files.meta, self.corpus)},
            "digest": annotation.digest,
            "file_problem": annotation.problem,
            "registry_problem": registry_problem,
            "items": items,
            "meta": _meta_view(meta, text, names),
            "progress": {
                "facts": len(facts),
                "entities": len(items) - len(facts),
                **counts,
                "reviewed": counts["accepted"] + counts["rejected"],
                "meta": meta.review if meta.text is not None else "absent",
            },
            "options": self._options(registry, annotation, names),
        }

    def _options(self, registry: dict[str, Entity], annotation: AnnotationFile, names: words.Names) -> dict[str, Any]:
        from kg.curation.annotations import CASUALTY_TYPES
        from kg.curation.figures import QUALIFIERS
        from kg.curation.registry import ENTITY_ROOTS
        from kg.rdf.namespaces import KGO

        vocabulary = self.vocabulary()
        classes, properties = self.labels()

        def under(*roots: str) -> list[list[str]]:
            found = sorted({c for r in roots for c in vocabulary.subclasses_of(KGO[r])})
            return [[c, classes.get(c, c)] for c in found]

        entities = [
            {
                "id": slug,
                "label": e.label,
                "names": [*e.aliases, *e.other_names],
                "types": [str(t).rpartition("#")[2] for t in e.types],
                "local": False,
            }
            for slug, e in sorted(registry.items())
        ]
        for item in annotation.items:
            if item.section == "entities" and item.id is not None:
                node = item.node
                entities.append(
                    {
                        "id": item.id,
                        "label": str(node.get("label") or item.id),
                        "names": [str(a) for a in node.get("aliases") or []]
                        if isinstance(node.get("aliases"), list)
                        else [],
                        "types": [str(t) for t in words._items(node.get("type"))],
                        "local": True,
                    }
                )
        entities.append(
            {"id": "publisher", "label": names.entity("publisher"), "names": [], "types": [], "local": True}
        )
        statements = [item.id for item in annotation.items if item.kind == "statement" and item.id is not None]
        return {
            "entities": entities,
            "statements": statements,
            "statement_types": under("Statement"),
            "attack_types": under("Attack"),
            "response_types": under("Response"),
            "entity_types": under(*ENTITY_ROOTS),
            "properties": [["a", "is a (class)"], *sorted([p, label] for p, label in properties.items())],
            "casualty_types": [[k, words.CASUALTY_WORDS[k]] for k in CASUALTY_TYPES],
            "qualifiers": [[q, words.QUALIFIER_WORDS[q]] for q in sorted(QUALIFIERS)],
            "categories": words.CATEGORIES,
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
        """The check's problems for this article, by item (see the module docstring)."""
        files = self.files(stem)
        started = time.monotonic()
        outcome, key = self.outcome(full)
        return self._problems(stem, files, outcome, key, full, time.monotonic() - started)

    def _problems(
        self, stem: str, files: document.ArticleFiles, outcome: CheckOutcome, key: str, full: bool, seconds: float
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
                item = _item_at(annotation, problem.line)
                if item is None:
                    in_file.append(shown)
                else:
                    by_item.setdefault(_key(item), []).append(shown)
            elif where == meta_path:
                in_meta.append(shown)
            elif problem.severity == "error":
                elsewhere.append(
                    {**shown, "file": _shown_path(problem.file, self.corpus) if problem.file else "corpus"}
                )
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
            "summary": _summary(graph, self.annotation(files)),
            "facts": _article_facts(dataset, stem),
            "serve": f"kg serve --data {written[0]}",
            "path": f"/id/article/{stem}",
        }

    # ---------------------------------------------------------------- the query page

    def query_page(self) -> str:
        """The address of ``kg serve --data`` over the last build, started (or restarted) when needed."""
        if self._built is None or not self._built.is_file():
            raise ReviewError(409, "build the corpus first: the query page shows the last build")
        if self._query_page is not None:
            process, url, data = self._query_page
            if process.poll() is None and data == self._built and _answers(url):
                return url
            self.stop_query_page()
        port = _free_port()
        log = self.out / "query-page.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kg",
                    "serve",
                    "--data",
                    str(self._built),
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        self._query_page = (process, url, self._built)
        deadline = time.monotonic() + QUERY_PAGE_STARTUP
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self._query_page = None
                raise ReviewError(500, f"kg serve stopped (exit {process.returncode}); its log is {log}")
            if _answers(url):
                return url
            time.sleep(0.3)
        self.stop_query_page()
        raise ReviewError(503, f"kg serve did not start within {QUERY_PAGE_STARTUP:g} s; its log is {log}")

    def stop_query_page(self) -> None:
        """Stop the query page's server, if this review started one."""
        if self._query_page is None:
            return
        process = self._query_page[0]
        self._query_page = None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/status", timeout=2) as reply:  # noqa: S310 (our own loopback server)
            return bool(reply.status == 200)
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def _key(item: document.Item) -> str:
    return f"{item.section}/{item.id}" if item.id is not None else f"{item.section}#{item.index}"


def _item_at(annotation: AnnotationFile, line: int | None) -> document.Item | None:
    if line is None:
        return None
    for item in annotation.items:
        if item.first < line <= item.after:
            return item
    return None


def _shown_path(path: Path, corpus: Path) -> str:
    try:
        return str(path.resolve().relative_to(corpus.resolve()))
    except ValueError:
        return str(path)


def _item_view(item: document.Item, text: str, names: words.Names) -> dict[str, Any]:
    from kg.drafting.writer import plain

    data = plain(item.node) if isinstance(item.node, dict) else {}
    spans = document.spans(text, item.node)
    return {
        "key": _key(item),
        "section": item.section,
        "id": item.id,
        "index": item.index,
        "line": item.first + 1,
        "last_line": item.end,
        "review": item.review,
        "marked": isinstance(item.node, dict) and "review" in item.node,
        "kind": item.kind,
        "category": words.category(item.section, data),
        "description": words.in_words(item.section, data, names) if isinstance(item.node, dict) else "not a mapping",
        "spans": [[document.code_units(text, s), document.code_units(text, e)] for s, e in spans],
        "quote_found": bool(spans) or "quote" not in data,
        "data": data,
    }


def _meta_view(meta: MetaRecord, text: str, names: words.Names) -> dict[str, Any]:
    from kg.drafting.writer import plain

    data = plain(meta.doc) if isinstance(meta.doc, dict) else {}
    lines = {}
    if meta.doc is not None:
        lines = {str(k): int(meta.doc.lc.key(k)[0]) + 1 for k in meta.doc}
    said = []
    for key in document.META_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            shown = value.get("value") or value.get("date") or names.entity(value.get("entity"))
            stated = "quote" in value or "as_written" in value
            said.append([key, f"{shown}" + (" (stated in the text)" if stated else " (from your record)")])
        else:
            said.append([key, str(value) + (" (stated in the text)" if key in ("title", "byline") else "")])
    return {
        "exists": meta.text is not None,
        "digest": meta.digest,
        "review": meta.review if meta.text is not None else "absent",
        "problem": meta.problem,
        "data": data,
        "said": said,
        "lines": lines,
        "review_line": meta.line,
    }


def _summary(graph: Any, annotation: AnnotationFile) -> dict[str, Any]:
    """The article's summary from its built graph: statements by type, figures, new entities, size."""
    from collections import Counter

    from rdflib import RDF, RDFS

    from kg.rdf.namespaces import KGO

    by_type: Counter[str] = Counter()
    for statement in set(graph.subjects(KGO.statedBy, None)):
        for kind in graph.objects(statement, RDF.type):
            by_type[str(kind).rpartition("#")[2]] += 1
    figures = []
    for report in sorted(set(graph.subjects(KGO.figureAsWritten, None))):
        figures.append(
            {
                "kind": ", ".join(sorted(str(t).rpartition("#")[2] for t in graph.objects(report, RDF.type))),
                "figure": str(graph.value(report, KGO.figureAsWritten)),
                "count": int(graph.value(report, KGO["count"]).toPython()),
                "qualifier": str(graph.value(report, KGO.qualifier)).rpartition("#")[2],
                "label": str(graph.value(report, RDFS.label) or ""),
            }
        )
    entities = [
        {"id": item.id, "label": str(item.node.get("label") or item.id)}
        for item in annotation.items
        if item.section == "entities" and item.review == "accepted"
    ]
    return {
        "triples": len(graph),
        "statements": dict(sorted(by_type.items())),
        "figures": figures,
        "new_entities": entities,
        "assertions": len(set(graph.subjects(RDF.type, KGO.Assertion))),
    }


def _article_facts(dataset: Any, stem: str) -> list[dict[str, Any]]:
    """The named query article-facts over the built dataset: what the graph now holds of the article."""
    from kg.sparql.engine import OxigraphEngine
    from kg.sparql.querying import run

    engine = OxigraphEngine.from_dataset(dataset)
    result, _ = run(engine, "article-facts", {"article": f"kga:{stem}"})
    columns = list(result.variables)
    rows = []
    for row in result.rows:
        values = dict(zip(columns, row, strict=False))
        rows.append(
            {
                "fact": str(values.get("fact") or ""),
                "kind": str(values.get("kind") or "").rpartition("#")[2],
                "label": str(values.get("label") or ""),
                "quote": str(values.get("quote") or ""),
            }
        )
    return rows


# ------------------------------------------------------------------------------------------ the app


def _json(status: int, payload: dict[str, Any]) -> Response:
    from starlette.responses import JSONResponse

    return JSONResponse(payload, status_code=status, headers=COMMON_HEADERS)


def _error(status: int, message: str) -> Response:
    return _json(status, {"error": message})


async def _read_json(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ReviewError(415, "send the change as JSON (Content-Type: application/json)")
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise ReviewError(413, f"the request is larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ReviewError(413, f"the request is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        payload = json.loads(b"".join(chunks).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReviewError(400, f"the request is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise ReviewError(400, "the request is a JSON object")
    return payload


def _digest(payload: dict[str, Any], key: str = "digest") -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise ReviewError(
            400, f"say which version of the file the change is for ('{key}': the SHA-256 the page loaded)"
        )
    return value


def create_app(review: Review) -> Starlette:
    """The review server's Starlette application (``review.allowed_hosts`` must name its address)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
    from starlette.responses import RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    class Guard(BaseHTTPMiddleware):
        """Host, token and origin checks before any handler runs (see the module docstring)."""

        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            host = request.headers.get("host", "")
            if host not in review.allowed_hosts:
                return _error(403, f"this server answers only at its own loopback address, not at '{host[:100]}'")
            if request.url.path.startswith("/api/"):
                token = request.headers.get(TOKEN_HEADER, "")
                if not hmac.compare_digest(token.encode("utf-8"), review.token.encode("utf-8")):
                    return _error(
                        403,
                        f"refused: the request does not carry this review server's token ({TOKEN_HEADER}); only the "
                        "review page the server gave out may read or change the files",
                    )
                origin = request.headers.get("origin")
                if origin is not None and origin not in {f"http://{h}" for h in review.allowed_hosts}:
                    return _error(
                        403, f"refused: a request from another site ({origin[:100]}) may not change the files"
                    )
                if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
                    return _error(403, "refused: a cross-site request may not change the files")
            return await call_next(request)

    lock = review.write_lock

    async def page_handler(request: Request) -> Response:
        stem = request.path_params["stem"]
        try:
            review.files(stem)
        except ReviewError as exc:
            return _html(exc.status, page.error_page(exc.message))
        return _html(200, page.review_page(stem, review.token))

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers=COMMON_HEADERS)

    async def index(request: Request) -> Response:
        return RedirectResponse(f"/review/{review.stem}", status_code=303, headers=COMMON_HEADERS)

    async def state(request: Request) -> Response:
        return _json(200, await run_in_threadpool(review.state, request.path_params["stem"]))

    async def check(request: Request) -> Response:
        full = request.query_params.get("rules", "") in ("1", "true", "yes")
        return _json(200, await run_in_threadpool(review.check, request.path_params["stem"], full))

    async def write_facts(stem: str, change: Callable[[AnnotationFile], str], digest: str, message: str) -> Response:
        files = review.files(stem)
        async with lock:
            annotation = AnnotationFile.read(files.facts, stem)
            if annotation.digest != digest:
                document.require_unchanged(files.facts, digest)
            text = change(annotation)
            document.write_if_unchanged(files.facts, text, digest)
            if annotation.written is not None:
                review._read[files.facts] = annotation.written
        return _json(200, {"message": message, "state": await run_in_threadpool(review.state, stem)})

    async def set_review(request: Request) -> Response:
        stem, section, item_id = (request.path_params[k] for k in ("stem", "section", "item"))
        payload = await _read_json(request)
        state_ = payload.get("state")
        if not isinstance(state_, str):
            raise ReviewError(400, "say the review state: draft, accepted or rejected")
        return await write_facts(
            stem,
            lambda a: a.with_review(section, item_id, state_),
            _digest(payload),
            f"{item_id}: {state_}",
        )

    async def edit_item(request: Request) -> Response:
        stem, section, item_id = (request.path_params[k] for k in ("stem", "section", "item"))
        payload = await _read_json(request)
        item = _with_passages(payload, _article_text(review, stem))
        accept = payload.get("accept") is True
        return await write_facts(
            stem,
            lambda a: a.with_item(section, item_id, item, "accepted" if accept else None),
            _digest(payload),
            f"{item_id}: saved" + (" and accepted" if accept else ""),
        )

    async def add_item(request: Request) -> Response:
        stem, section = request.path_params["stem"], request.path_params["section"]
        payload = await _read_json(request)
        item = _with_passages(payload, _article_text(review, stem))
        item.setdefault("review", "accepted")
        name = str(item.get("id"))
        return await write_facts(
            stem,
            lambda a: a.with_new_item(section, item, f"{stem}.txt"),
            _digest(payload),
            f"{name}: added",
        )

    async def write_meta(stem: str, change: Callable[[MetaRecord], str], digest: str, message: str) -> Response:
        files = review.files(stem)
        async with lock:
            record = MetaRecord.read(files.meta)
            if record.digest != digest:
                document.require_unchanged(files.meta, digest)
            document.write_if_unchanged(files.meta, change(record), digest)
        return _json(200, {"message": message, "state": await run_in_threadpool(review.state, stem)})

    async def create_meta(request: Request) -> Response:
        from kg.curation.corpus import read_text
        from kg.drafting.draft import draft_meta

        stem = request.path_params["stem"]
        payload = await _read_json(request)
        files = review.files(stem)
        text, sha = read_text(files.text)

        def change(record: MetaRecord) -> str:
            if record.text is not None:
                raise ReviewError(409, f"{files.meta.name} exists already")
            return draft_meta(files.text, text, sha)

        return await write_meta(stem, change, _digest(payload), "drafted the metadata record: check it, then accept it")

    async def accept_meta(request: Request) -> Response:
        stem = request.path_params["stem"]
        payload = await _read_json(request)
        return await write_meta(stem, lambda r: r.accepted(), _digest(payload), "metadata record accepted")

    async def edit_meta(request: Request) -> Response:
        stem = request.path_params["stem"]
        payload = await _read_json(request)
        fields = payload.get("fields")
        return await write_meta(stem, lambda r: r.with_fields(fields), _digest(payload), "metadata record saved")

    async def build(request: Request) -> Response:
        stem = request.path_params["stem"]
        await _read_json(request)
        return _json(200, await run_in_threadpool(review.build, stem))

    async def query_page(request: Request) -> Response:
        await _read_json(request)
        return _json(200, {"url": await run_in_threadpool(review.query_page)})

    async def refuse(request: Request, exc: Exception) -> Response:
        if isinstance(exc, ReviewError):
            return _error(exc.status, exc.message)
        if isinstance(exc, HTTPException):
            return _error(exc.status_code, f"{exc.detail}: {request.url.path[:200]}")
        import traceback

        print(f"kg review: internal error:\n{traceback.format_exc()}", file=sys.stderr)
        return _error(500, "internal error: the server could not do this; nothing was written")

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await run_in_threadpool(review.stop_query_page)

    api = "/api/articles/{stem}"
    routes = [
        Route("/", index),
        Route("/favicon.ico", no_icon),
        Route("/review/{stem}", page_handler),
        Route(api, state),
        Route(api + "/check", check),
        Route(api + "/build", build, methods=["POST"]),
        Route(api + "/meta", create_meta, methods=["POST"]),
        Route(api + "/meta", edit_meta, methods=["PUT"]),
        Route(api + "/meta/accept", accept_meta, methods=["POST"]),
        Route(api + "/{section}", add_item, methods=["POST"]),
        Route(api + "/{section}/{item}", edit_item, methods=["PUT"]),
        Route(api + "/{section}/{item}/review", set_review, methods=["POST"]),
        Route("/api/query-page", query_page, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard)],
        lifespan=lifespan,
        exception_handlers={ReviewError: refuse, HTTPException: refuse, Exception: refuse},
    )
    return app


def _with_passages(payload: dict[str, Any], text: str) -> dict[str, Any]:
    """The item of a request, with the quote of the passages the curator selected when there are any."""
    item = payload.get("item")
    if not isinstance(item, dict):
        raise ReviewError(400, 'send the item: {"item": {...}}')
    item = dict(item)
    if payload.get("passages") is not None:
        item.pop("occurrence", None)
        item.update(document.passages(text, payload["passages"]))
    return item


def _article_text(review: Review, stem: str) -> str:
    from kg.curation.corpus import read_text
    from kg.errors import InputError

    try:
        return read_text(review.files(stem).text)[0]
    except InputError as exc:
        raise ReviewError(409, f"the article cannot be reviewed: {exc.message}") from exc


def _html(status: int, body: str) -> Response:
    from starlette.responses import HTMLResponse

    return HTMLResponse(body, status_code=status, headers={**COMMON_HEADERS, **HTML_HEADERS})


# ------------------------------------------------------------------------------------------ running


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers the server answers: its loopback address and port, and localhost when it is IPv4."""
    shown = f"[{host}]" if ":" in host else host
    hosts = {f"{shown}:{port}"}
    if host in ("127.0.0.1", "localhost"):
        hosts |= {f"127.0.0.1:{port}", f"localhost:{port}"}
    if host == "::1":
        hosts.add(f"localhost:{port}")
    return hosts


def run(options: ReviewOptions) -> int:
    """Serve the review page until interrupted. Returns the exit status."""
    import uvicorn

    try:
        files = document.article_files(options.corpus, options.stem)
    except ReviewError as exc:
        print(f"kg review: {exc.message}", file=sys.stderr)
        return 2
    try:
        sock = _bind(options.host, options.port)
    except OSError as exc:
        print(f"kg review: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    out = options.out or Path(tempfile.mkdtemp(prefix=f"kg-review-{options.stem}-"))
    review = Review(options.corpus, options.stem, out)
    review.allowed_hosts = allowed_hosts(options.host, port)
    app = create_app(review)
    shown = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{shown}:{port}/review/{options.stem}"
    announcement = f"kg review: reviewing {files.facts} at {url} (builds go to {out}; Ctrl+C stops)"

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                print(announcement, flush=True)
                if options.open_browser:
                    import webbrowser

                    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5, server_header=False, proxy_headers=False
    )
    server = Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        print("kg review: stopped", file=sys.stderr)
    finally:
        sock.close()
        review.stop_query_page()
    return 0 if server.started else 1


def main(options: ReviewOptions) -> int:
    """``kg review``: check the options, then serve."""
    if not is_loopback(options.host):
        print(
            f"kg review: --host {options.host} is not a loopback address: the review server edits your files, so it "
            "listens only on this machine (127.0.0.1, ::1 or localhost)",
            file=sys.stderr,
        )
        return 2
    corpus = options.corpus
    if not (corpus / "articles").is_dir() or not (corpus / "entities.yaml").is_file():
        print(f"kg review: {corpus} is not a corpus folder (it needs entities.yaml and articles/)", file=sys.stderr)
        return 2
    if options.out is not None and options.out.exists() and not options.out.is_dir():
        print(f"kg review: --out {options.out} is a file; name a folder for the builds", file=sys.stderr)
        return 2
    return run(options)


__all__ = ["Review", "ReviewOptions", "allowed_hosts", "create_app", "is_loopback", "main", "run"]
