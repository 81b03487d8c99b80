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

# The score column each per-stakeholder metric's results are ranked by, and whether the lowest
# comes first (constraint: the broker first; communities: in community order).
RANK_KEY: dict[str, tuple[str, bool]] = {
    "degree": ("degree", False),
    "pagerank": ("pagerank", False),
    "betweenness": ("betweenness", False),
    "eigenvector": ("eigenvector", False),
    "closeness": ("closeness", False),
    "constraint": ("constraint", True),
    "communities": ("community", True),
}
