"""The Cypher query library, network analytics, pictures and exports."""
