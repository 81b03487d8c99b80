"""The project report's edges: reading it from the graph, writing it as HTML or PDF (headless
Chromium). The page itself is built by `stakegraph.queries.report`."""
