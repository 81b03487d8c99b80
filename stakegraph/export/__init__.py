"""Exports of a project or the whole graph: GraphML, GEXF, and the loaders' own CSV and JSON."""
