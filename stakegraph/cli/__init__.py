"""The `stakegraph` command line."""
