"""GraphML and GEXF documents of a subgraph, for networkx, Gephi, yEd, Cytoscape and the like.

Node ids are the stakegraph ids; when two exported nodes of different labels share an id, those
nodes get ``Label:id`` instead, so every id in the file is unique. Each node carries its
``labels`` (colon-joined, Neo4j style) and properties; each edge its ``type`` and properties.
Dates become ISO strings, lists JSON text.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from stakegraph.export.subgraph import ExportNode, Subgraph

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"


def node_ids(nodes: Iterable[ExportNode]) -> dict[str, str]:
    """Returns the file id of every node, by database key (``id``, or ``Label:id`` on a clash)."""
    listed = list(nodes)
    owners: dict[str, set[str]] = {}
    for n in listed:
        owners.setdefault(n.id, set()).add(n.primary)
    return {n.key: n.id if len(owners[n.id]) == 1 else f"{n.primary}:{n.id}" for n in listed}


def plain(value: Any) -> str | int | float | bool:
    """Returns a property value as a GraphML/GEXF-friendly scalar."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return json.dumps([plain(v) for v in value], ensure_ascii=False)
    iso = getattr(value, "iso_format", None)
    return str(iso()) if callable(iso) else str(value)


def _kind(values: Iterable[str | int | float | bool]) -> str:
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    return "string"


def _text(value: str | int | float | bool, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def _columns(rows: Iterable[Mapping[str, str | int | float | bool]]) -> dict[str, str]:
    seen: dict[str, list[str | int | float | bool]] = {}
    for row in rows:
        for k, v in row.items():
            seen.setdefault(k, []).append(v)
    return {k: _kind(vs) for k, vs in sorted(seen.items())}


Scalar = str | int | float | bool


def _attributes(graph: Subgraph) -> tuple[list[dict[str, Scalar]], list[dict[str, Scalar]]]:
    nodes: list[dict[str, Scalar]] = []
    for n in graph.nodes:
        row: dict[str, Scalar] = {"labels": ":".join(sorted(n.labels))}
        row.update({k: plain(v) for k, v in n.properties.items()})
        nodes.append(row)
    edges: list[dict[str, Scalar]] = []
    for r in graph.rels:
        row = {"type": r.type.value}
        row.update({k: plain(v) for k, v in r.properties.items()})
        edges.append(row)
    return nodes, edges


def graphml(graph: Subgraph) -> bytes:
    """Returns the GraphML document (directed; parallel edges of different types allowed)."""
    ids = node_ids(graph.nodes)
    node_attrs, edge_attrs = _attributes(graph)
    node_cols, edge_cols = _columns(node_attrs), _columns(edge_attrs)
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    keys: dict[tuple[str, str], str] = {}
    for domain, cols in (("node", node_cols), ("edge", edge_cols)):
        for name, kind in cols.items():
            key = f"{domain[0]}{len(keys)}"
            keys[(domain, name)] = key
            ET.SubElement(root, f"{{{GRAPHML_NS}}}key", id=key, attrib={
                "for": domain, "attr.name": name, "attr.type": kind})
    g = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", id="stakegraph", edgedefault="directed")
    for n, attrs in zip(graph.nodes, node_attrs, strict=True):
        el = ET.SubElement(g, f"{{{GRAPHML_NS}}}node", id=ids[n.key])
        for name, value in sorted(attrs.items()):
            data = ET.SubElement(el, f"{{{GRAPHML_NS}}}data", key=keys[("node", name)])
            data.text = _text(value, node_cols[name])
    for position, (r, attrs) in enumerate(zip(graph.rels, edge_attrs, strict=True)):
        el = ET.SubElement(g, f"{{{GRAPHML_NS}}}edge", id=f"e{position}",
                           source=ids[r.start], target=ids[r.end])
        for name, value in sorted(attrs.items()):
            data = ET.SubElement(el, f"{{{GRAPHML_NS}}}data", key=keys[("edge", name)])
            data.text = _text(value, edge_cols[name])
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


_GEXF_TYPES = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


def gexf(graph: Subgraph) -> bytes:
    """Returns the GEXF 1.2 document (directed; node label = name, edge label = type)."""
    ids = node_ids(graph.nodes)
    node_attrs, edge_attrs = _attributes(graph)
    node_cols, edge_cols = _columns(node_attrs), _columns(edge_attrs)
    ET.register_namespace("", GEXF_NS)
    root = ET.Element(f"{{{GEXF_NS}}}gexf", version="1.2")
    meta = ET.SubElement(root, f"{{{GEXF_NS}}}meta")
    ET.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "stakegraph"
    g = ET.SubElement(root, f"{{{GEXF_NS}}}graph", mode="static", defaultedgetype="directed")
    for domain, cols in (("node", node_cols), ("edge", edge_cols)):
        block = ET.SubElement(g, f"{{{GEXF_NS}}}attributes", attrib={"class": domain})
        for position, (name, kind) in enumerate(cols.items()):
            ET.SubElement(block, f"{{{GEXF_NS}}}attribute", id=f"{domain[0]}{position}",
                          title=name, type=_GEXF_TYPES[kind])
    node_key = {name: f"n{i}" for i, name in enumerate(node_cols)}
    edge_key = {name: f"e{i}" for i, name in enumerate(edge_cols)}
    nodes_el = ET.SubElement(g, f"{{{GEXF_NS}}}nodes")
    for n, attrs in zip(graph.nodes, node_attrs, strict=True):
        el = ET.SubElement(nodes_el, f"{{{GEXF_NS}}}node", id=ids[n.key],
                           label=str(n.properties.get("name", ids[n.key])))
        values = ET.SubElement(el, f"{{{GEXF_NS}}}attvalues")
        for name, value in sorted(attrs.items()):
            ET.SubElement(values, f"{{{GEXF_NS}}}attvalue", attrib={
                "for": node_key[name], "value": _text(value, node_cols[name])})
    edges_el = ET.SubElement(g, f"{{{GEXF_NS}}}edges")
    for position, (r, attrs) in enumerate(zip(graph.rels, edge_attrs, strict=True)):
        extra = {}
        weight = r.properties.get("weight")
        if isinstance(weight, int | float) and not isinstance(weight, bool):
            extra["weight"] = repr(float(weight))
        el = ET.SubElement(edges_el, f"{{{GEXF_NS}}}edge", id=f"e{position}",
                           source=ids[r.start], target=ids[r.end], label=r.type.value,
                           attrib=extra)
        values = ET.SubElement(el, f"{{{GEXF_NS}}}attvalues")
        for name, value in sorted(attrs.items()):
            ET.SubElement(values, f"{{{GEXF_NS}}}attvalue", attrib={
                "for": edge_key[name], "value": _text(value, edge_cols[name])})
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def label_counts(graph: Subgraph) -> Counter[str]:
    """Returns how many nodes of each primary label the subgraph holds (for the CLI summary)."""
    return Counter(n.primary for n in graph.nodes)
