"""The project report: one self-contained page (or PDF) a project lead or board reads.

Every figure comes from the query library: `plan` lists the library calls a report needs,
`fetch` runs them (the CLI's way, through a `GraphDB`; the API runs the same plan through its
gateway), and `render` builds the page from the rows alone, with no database access.
"""
