"""Documentation of the ontology: an HTML page and a diagram of the core model.

:func:`write_docs` writes, into a folder of your choice:

- ``ontology.html``: every class, object property and datatype property of the
  ontology with its IRI, label, definition, super- and subclasses (or
  super-properties, domain and range), made by pyLODE (the ``OntPub`` profile),
  plus sections of our own for what pyLODE leaves out: the modules, the named
  individuals (the figure qualifiers) and the diagram;
- ``core-model.dot``: a Graphviz diagram of the core model (statements, claims,
  accusations, denials, casualty reports, articles, quotes, assertions, agents,
  events, places), generated from the ontology: each class with its datatype
  properties, subclass edges (hollow arrow), and an edge for each object
  property from its domain to its range (a property without a declared domain or
  range is drawn from or to "any resource");
- ``core-model.svg`` and ``core-model.png``, rendered from the ``.dot`` with
  Graphviz's ``dot`` when it is installed (Debian: ``apt-get install graphviz``).
  Without it only the ``.dot`` is written and :func:`write_docs` says so in
  :attr:`Docs.missing`.

pyLODE reads one ontology header; our ontology is an umbrella with a header
per module and a SKOS concept scheme, which pyLODE would all merge into one
(it took the concept scheme's IRI for the ontology's). So the page is made from
a copy without the modules' headers and the scheme's type, and the modules are
listed in a section of their own. pyLODE 3.4.1 cannot be imported from an
installed wheel (it reads a ``pyproject.toml`` that is not shipped,
RDFLib/pyLODE#260), hence the pin in ``pyproject.toml``.

Everything is deterministic: the same ontology gives the same bytes (the
rendered images depend on the Graphviz version too).
"""

from __future__ import annotations

import html
import logging
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS
from rdflib.term import Node

from kg import resources
from kg.rdf import iris, namespaces
from kg.rdf.namespaces import KGO
from kg.rdf.ontology import load_ontology, own_module, stamp_version

HTML_NAME = "ontology.html"
DIAGRAM_STEM = "core-model"
#: the image formats rendered from the .dot, by file suffix
IMAGE_FORMATS = ("svg", "png")

#: the classes of the core-model diagram, in the order they are laid out
CORE_CLASSES: tuple[URIRef, ...] = tuple(
    KGO[name]
    for name in (
        "Statement",
        "ClaimOfResponsibility",
        "Accusation",
        "Denial",
        "CasualtyReport",
        "DeathToll",
        "InjuryFigure",
        "FigureQualifier",
        "Article",
        "Quote",
        "Assertion",
        "Agent",
        "Person",
        "Organisation",
        "Event",
        "Attack",
        "Place",
    )
)
#: fill colours of the diagram by family (the first superclass in this list that a class has)
FAMILY_COLOURS: tuple[tuple[URIRef, str], ...] = (
    (KGO.Statement, "#dbe8f6"),
    (KGO.CasualtyReport, "#fde4c8"),
    (KGO.FigureQualifier, "#fde4c8"),
    (KGO.Article, "#dcefd9"),
    (KGO.Quote, "#dcefd9"),
    (KGO.Assertion, "#dcefd9"),
    (KGO.Agent, "#fbf3c4"),
    (KGO.Event, "#ece3f3"),
    (KGO.Place, "#ece3f3"),
)
ANY = "any"  # the node standing for an undeclared domain or range


@dataclass
class Docs:
    """What :func:`write_docs` wrote, and the images it could not render (no Graphviz ``dot``)."""

    written: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)


def dot_program() -> str | None:
    """The path of Graphviz's ``dot``, or None when it is not installed."""
    return shutil.which("dot")


def _local(term: Node) -> str:
    text = str(term)
    return text[len(str(KGO)) :] if text.startswith(str(KGO)) else text


def _label(ontology: Graph, term: Node) -> str:
    label = ontology.value(term, RDFS.label)  # type: ignore[arg-type]
    return str(label) if label is not None else _local(term)


def _definition(ontology: Graph, term: Node) -> str:
    text = (
        ontology.value(term, SKOS.definition)  # type: ignore[arg-type]
        or ontology.value(term, DCTERMS.description)  # type: ignore[arg-type]
        or ontology.value(term, RDFS.comment)  # type: ignore[arg-type]
    )
    return str(text) if text is not None else ""


def _ours(ontology: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(
        (s for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(KGO))),
        key=str,
    )


# ------------------------------------------------------------------------ the HTML page


def _for_pylode(ontology: Graph) -> Graph:
    """A copy with one ontology header: without the modules' headers and the concept scheme's type."""
    modules = {s for s in ontology.subjects(RDF.type, OWL.Ontology) if s != iris.ONTOLOGY}
    copy = Graph(bind_namespaces="core")
    namespaces.bind(copy)
    for s, p, o in ontology:
        if s in modules or (p == RDF.type and o == SKOS.ConceptScheme):
            continue
        copy.add((s, p, o))
    return copy


def _extra_sections(ontology: Graph, diagram: str | None) -> str:
    """Our sections: the diagram, the modules and the named individuals, as HTML."""
    e = html.escape
    parts = ['<div class="section" id="overview">', "<h2>Core model</h2>"]
    if diagram is not None:
        parts.append(
            f'<p><a href="{e(diagram)}"><img src="{e(diagram)}" style="max-width:100%" '
            'alt="Diagram of the core model: classes, subclass links and object properties"/></a></p>'
        )
    else:
        parts.append(f"<p>Render <code>{DIAGRAM_STEM}.dot</code> with Graphviz to see the diagram.</p>")
    parts.append("<h2>Modules</h2><dl>")
    for module in sorted((s for s in ontology.subjects(RDF.type, OWL.Ontology) if s != iris.ONTOLOGY), key=str):
        parts.append(
            f"<dt>{e(_label(ontology, module))} <code>{e(str(module))}</code></dt>"
            f"<dd>{e(_definition(ontology, module))}</dd>"
        )
    parts.append("</dl>")
    classes_and_properties = {
        *_ours(ontology, OWL.Class),
        *_ours(ontology, OWL.ObjectProperty),
        *_ours(ontology, OWL.DatatypeProperty),
    }
    defined = {s for s, by in ontology.subject_objects(RDFS.isDefinedBy) if by == iris.ONTOLOGY or own_module(by)}
    others = sorted({s for s in defined if isinstance(s, URIRef)} - classes_and_properties, key=str)
    if others:
        parts.append('<h2 id="individuals">Named individuals and concept schemes</h2><dl>')
        for term in others:
            types = ", ".join(
                sorted(ontology.namespace_manager.normalizeUri(str(t)) for t in ontology.objects(term, RDF.type))
            )
            parts.append(
                f'<dt id="{e(_local(term))}">{e(_label(ontology, term))} <code>{e(str(term))}</code> ({e(types)})</dt>'
                f"<dd>{e(_definition(ontology, term))}</dd>"
            )
        parts.append("</dl>")
    parts.append("</div>\n")
    return "\n".join(parts)


def _ontpub() -> type:
    """pyLODE's OntPub class. Imported on first use (it is slow to import), and its import calls
    ``logging.basicConfig(level=DEBUG)``, so the root logger is put back the way it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from pylode import OntPub

    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return OntPub  # type: ignore[no-any-return]


def html_page(ontology: Graph, diagram: str | None = None, version: str | None = None) -> str:
    """The ontology's documentation page: pyLODE's page with our sections added.

    Args:
        ontology: The ontology (all its modules in one graph, as :func:`kg.rdf.ontology.load_ontology` reads it).
        diagram: The URL of the core-model image, relative to the page; None leaves the image out.
        version: A release version to show instead of the header's ``owl:versionInfo`` (the version IRI
            becomes ``https://w3id.org/kerman-kg/ontology/<version>``); None keeps the header's.
    """
    copy = _for_pylode(ontology)
    if version is not None:
        stamp_version(copy, version)
    page = _ontpub()(copy, sort_subjects=True).make_html()
    anchor = '<div class="section" id="classes">'
    extra = _extra_sections(ontology, diagram)
    return page.replace(anchor, extra + anchor, 1) if anchor in page else page.replace("</body>", extra + "</body>")


# ------------------------------------------------------------------------------- the diagram


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _colour(ontology: Graph, cls: URIRef) -> str:
    supers = {cls}
    todo = [cls]
    while todo:
        for parent in ontology.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in supers:
                supers.add(parent)
                todo.append(parent)
    return next((colour for family, colour in FAMILY_COLOURS if family in supers), "#eeeeee")


def _range_name(ontology: Graph, rng: Node | None) -> str:
    """A datatype range as prefixed names; a union (owl:unionOf) as its members joined by |."""
    if isinstance(rng, URIRef):
        return ontology.namespace_manager.normalizeUri(rng)
    members = ontology.value(rng, OWL.unionOf) if rng is not None else None  # type: ignore[arg-type]
    if members is not None:
        return " | ".join(_range_name(ontology, m) for m in ontology.items(members))
    return "literal"


def diagram_dot(ontology: Graph, classes: Sequence[URIRef] = CORE_CLASSES) -> str:
    """A Graphviz diagram of classes: their datatype properties, subclass edges and object properties.

    Args:
        ontology: The ontology.
        classes: The classes to draw (default: the core model). An object property is drawn when its
            domain and range are among them or undeclared (then drawn from or to an "any resource" node),
            and at least one of them is among them.

    Returns:
        The diagram in the DOT language.
    """
    e = html.escape
    chosen = [c for c in classes if (c, RDF.type, OWL.Class) in ontology]
    wanted = set(chosen)
    lines = [
        "// Generated by kg.publishing.ontodoc from the ontology; do not edit.",
        "digraph core_model {",
        '  graph [rankdir=BT, fontname="Helvetica", fontsize=20, labelloc=t, nodesep=0.5, ranksep=0.9,',
        '         label="Kerman KG ontology: the core model (hollow arrow: subclass of; '
        'other arrows: object property from domain to range)"];',
        '  node [shape=plain, fontname="Helvetica", fontsize=12];',
        '  edge [fontname="Helvetica", fontsize=10, color="#555555", fontcolor="#333333"];',
    ]
    datatype_props: dict[URIRef, list[str]] = defaultdict(list)
    for prop in _ours(ontology, OWL.DatatypeProperty):
        for domain in ontology.objects(prop, RDFS.domain):
            if domain in wanted:
                rng_name = _range_name(ontology, ontology.value(prop, RDFS.range))
                datatype_props[domain].append(f"{_local(prop)}: {rng_name}")  # type: ignore[index]
    for cls in chosen:
        rows = "".join(f'<tr><td align="left">{e(text)}</td></tr>' for text in sorted(datatype_props[cls]))
        table = (
            f'<table border="0" cellborder="1" cellspacing="0" cellpadding="4" bgcolor="{_colour(ontology, cls)}">'
            f"<tr><td><b>{e(_local(cls))}</b></td></tr>{rows}</table>"
        )
        lines.append(f"  {_quote(_local(cls))} [label=<{table}>, tooltip={_quote(_definition(ontology, cls))}];")
    for cls in chosen:
        for parent in sorted(ontology.objects(cls, RDFS.subClassOf), key=str):
            if parent in wanted:
                lines.append(f"  {_quote(_local(cls))} -> {_quote(_local(parent))} [arrowhead=empty, penwidth=1.4];")
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for prop in _ours(ontology, OWL.ObjectProperty):
        start = ontology.value(prop, RDFS.domain)
        end = ontology.value(prop, RDFS.range)
        if start is not None and start not in wanted or end is not None and end not in wanted:
            continue
        if start is None and end is None:
            continue
        source = _local(start) if start is not None else ANY
        target = _local(end) if end is not None else ANY
        edges[(source, target)].append(_local(prop))
    if any(ANY in pair for pair in edges):
        lines.append(
            f'  {ANY} [shape=box, style="dashed,rounded", fontsize=11, '
            'label="any resource\\n(no domain or range declared)"];'
        )
    for (source, target), names in sorted(edges.items()):
        label = "\\n".join(sorted(names))
        lines.append(f'  {_quote(source)} -> {_quote(target)} [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot_file: Path, fmt: str, out: Path) -> Path:
    """Render a .dot file with Graphviz into ``out`` (``fmt``: svg or png).

    Raises:
        FileNotFoundError: Graphviz's ``dot`` is not installed.
        subprocess.CalledProcessError: ``dot`` failed (its message is in ``stderr``).
    """
    program = dot_program()
    if program is None:
        raise FileNotFoundError("Graphviz's 'dot' is not installed (Debian: apt-get install graphviz)")
    options = ["-Gdpi=110"] if fmt == "png" else []
    subprocess.run(
        [program, f"-T{fmt}", *options, str(dot_file), "-o", str(out)], check=True, capture_output=True, timeout=120
    )
    return out


# ---------------------------------------------------------------------------------- all of it


def write_docs(out_dir: Path, ontology_dir: Path | None = None, version: str | None = None) -> Docs:
    """Write the ontology's HTML page, the core-model diagram (.dot) and, with Graphviz, its SVG and PNG.

    Args:
        out_dir: The folder to write into (created if missing); files already there are replaced.
        ontology_dir: The ontology folder (default: the project's ``ontology/``).
        version: A release version to stamp on the page (see :func:`html_page`); None keeps the ontology's.

    Returns:
        The files written, and the images not rendered because ``dot`` is missing.
    """
    ontology = load_ontology(ontology_dir or resources.ontology_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = Docs()
    dot_file = out_dir / f"{DIAGRAM_STEM}.dot"
    dot_file.write_text(diagram_dot(ontology), encoding="utf-8")
    docs.written.append(dot_file)
    for fmt in IMAGE_FORMATS:
        image = out_dir / f"{DIAGRAM_STEM}.{fmt}"
        if dot_program() is None:
            docs.missing.append(image)
        else:
            docs.written.append(render(dot_file, fmt, image))
    diagram = f"{DIAGRAM_STEM}.svg" if not docs.missing else None
    page = out_dir / HTML_NAME
    page.write_text(html_page(ontology, diagram, version), encoding="utf-8")
    docs.written.insert(0, page)
    return docs


def term_texts(ontology: Graph) -> dict[URIRef, tuple[str, str]]:
    """Every class and property of the ontology: IRI -> (label, definition); what the page must show."""
    terms = {}
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in _ours(ontology, kind):
            terms[term] = (_label(ontology, term), _definition(ontology, term))
    return terms


__all__ = ["CORE_CLASSES", "Docs", "diagram_dot", "dot_program", "html_page", "render", "term_texts", "write_docs"]
