"""The names of the metrics `stakegraph analyse` computes (no compiled libraries imported here,
so the CLI can list them without loading igraph)."""

METRICS = (
    "degree",
    "pagerank",
    "betweenness",
    "eigenvector",
    "closeness",
    "constraint",
    "communities",
    "key-players",
    "reach",
    "reach-q3",
    "brokerage",
    "summary",
)
