"""The graph model of stakegraph: labels, relationship types, properties, vocabularies and the
constraints that hold them. Imports nothing else of stakegraph's."""
