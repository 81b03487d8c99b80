"""Reading a report's rows through a `GraphDB` (the CLI's way; the API reads the same plan
through its gateway)."""

from __future__ import annotations

from stakegraph.queries.library import run_query
from stakegraph.queries.report.plan import ReportData, ReportRequest, calls, follow_up
from stakegraph.schema.combined import Model
from stakegraph.schema.errors import NotFoundError
from stakegraph.schema.graphdb import GraphDB


def fetch(db: GraphDB, request: ReportRequest, model: Model) -> ReportData:
    """Returns the rows of every library call of the report; NOT_FOUND when there is no such
    project."""
    data = ReportData(request, model)
    for call in calls(request):
        data.rows[call.key] = run_query(db, call.query, call.params)
        if call.key == "project" and not data.rows[call.key]:
            raise NotFoundError(f"no project with id {request.project!r}")
    for call in follow_up(data):
        data.rows[call.key] = run_query(db, call.query, call.params)
    return data
