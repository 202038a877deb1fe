"""Writing query answers: a terminal table, CSV, TSV, SPARQL JSON and XML, Markdown, or RDF.

SELECT and ASK answers follow the W3C formats where there is one (SPARQL 1.1
Query Results JSON, XML, CSV and TSV), so any standard reader parses them
back; ``table`` and ``markdown`` are for people, with IRIs shortened by the
project's prefixes. CONSTRUCT and DESCRIBE answers are RDF: Turtle by
default, or JSON-LD or N-Triples.

XML 1.0 cannot carry most control characters, not even as character
references, so an answer whose text holds one is refused in SPARQL XML and
RDF/XML (:class:`NotRepresentable`, naming the character and the formats that
carry it) rather than written as a document no XML parser accepts.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from kg.rdf import formatregistry, namespaces
from kg.sparql.engine import Result

#: ``kg query --format`` for SELECT and ASK answers, and for CONSTRUCT and DESCRIBE answers (kg.rdf.formatregistry)
SELECT_FORMATS = formatregistry.QUERY_RESULTS
GRAPH_FORMATS = formatregistry.QUERY_GRAPHS
CELL_WIDTH = 80
SPARQL_RESULTS_NS = str(namespaces.SPARQL_RESULTS)
#: a character XML 1.0 cannot hold (its Char production)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class NotRepresentable(ValueError):
    """An answer the asked format cannot carry (a control character in XML)."""


def xml_safe(text: str, instead: str) -> str:
    """The XML text as it is; NotRepresentable when it holds a character XML 1.0 cannot carry."""
    found = _NOT_XML.search(text)
    if found is not None:
        raise NotRepresentable(
            f"the answer holds the character U+{ord(found.group()):04X}, which XML 1.0 cannot carry, "
            f"not even escaped: ask for {instead}"
        )
    return text


def _manager() -> NamespaceManager:
    graph = Graph(bind_namespaces="core")
    namespaces.bind(graph)
    return graph.namespace_manager


def short(term: Node | None, manager: NamespaceManager) -> str:
    """A term for people: IRIs abbreviated by the project's prefixes, a literal's text, '' when unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return namespaces.display_name(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render(result: Result, fmt: str) -> str:
    """The answer in the given format; ValueError when the format does not fit the answer."""
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise ValueError(f"a CONSTRUCT or DESCRIBE answer is RDF: use --format {', '.join(GRAPH_FORMATS)}")
        assert result.graph is not None
        serialized = result.graph.serialize(format=formatregistry.by_name(fmt).rdflib)
        return serialized if isinstance(serialized, str) else serialized.decode("utf-8")
    if fmt not in SELECT_FORMATS:
        raise ValueError(f"a SELECT or ASK answer is a table: use --format {', '.join(SELECT_FORMATS)}")
    return {
        "table": as_table,
        "markdown": as_markdown,
        "csv": as_csv,
        "tsv": as_tsv,
        "json": as_json,
        "xml": as_xml,
    }[fmt](result)


def as_table(result: Result) -> str:
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    manager = _manager()
    cells = [[_clip(short(v, manager)) for v in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(result.variables)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(result.variables, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def as_markdown(result: Result) -> str:
    if result.kind == "ask":
        return "| result |\n| --- |\n| " + ("true" if result.boolean else "false") + " |"
    manager = _manager()
    lines = ["| " + " | ".join(result.variables) + " |", "|" + " --- |" * len(result.variables)]
    for row in result.rows:
        cells = [" ".join(short(v, manager).split()).replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def as_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, IRIs in full."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["_askResult"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if v is None else (f"_:{v}" if isinstance(v, BNode) else str(v)) for v in row])
    return out.getvalue()


def as_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their N-Triples/Turtle form."""
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if v is None else _tsv_term(v) for v in row))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Node) -> str:
    """A term on one line; literals always in Turtle's short form, since TSV readers reject long strings."""
    if isinstance(term, Literal):
        escaped = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if term.language:
            return f'"{escaped}"@{term.language}'
        if term.datatype is not None:
            return f'"{escaped}"^^<{term.datatype}>'
        return f'"{escaped}"'
    text = term.n3()
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def as_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2)
    bindings = [
        {var: _json_term(v) for var, v in zip(result.variables, row, strict=True) if v is not None}
        for row in result.rows
    ]
    return json.dumps(
        {"head": {"vars": result.variables}, "results": {"bindings": bindings}}, indent=2, ensure_ascii=False
    )


def as_xml(result: Result) -> str:
    """SPARQL Query Results XML."""
    ET.register_namespace("", SPARQL_RESULTS_NS)
    root = ET.Element(f"{{{SPARQL_RESULTS_NS}}}sparql")
    head = ET.SubElement(root, f"{{{SPARQL_RESULTS_NS}}}head")
    if result.kind == "ask":
        ET.SubElement(root, f"{{{SPARQL_RESULTS_NS}}}boolean").text = "true" if result.boolean else "false"
    else:
        for var in result.variables:
            ET.SubElement(head, f"{{{SPARQL_RESULTS_NS}}}variable", name=var)
        results = ET.SubElement(root, f"{{{SPARQL_RESULTS_NS}}}results")
        for row in result.rows:
            element = ET.SubElement(results, f"{{{SPARQL_RESULTS_NS}}}result")
            for var, term in zip(result.variables, row, strict=True):
                if term is None:
                    continue
                binding = ET.SubElement(element, f"{{{SPARQL_RESULTS_NS}}}binding", name=var)
                data = _json_term(term)
                tag = {"uri": "uri", "bnode": "bnode", "literal": "literal"}[data["type"]]
                node = ET.SubElement(binding, f"{{{SPARQL_RESULTS_NS}}}{tag}")
                node.text = data["value"]
                if "xml:lang" in data:
                    node.set("{http://www.w3.org/XML/1998/namespace}lang", data["xml:lang"])
                if "datatype" in data:
                    node.set("datatype", data["datatype"])
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    return xml_safe(text, "SPARQL JSON, CSV or TSV instead")
