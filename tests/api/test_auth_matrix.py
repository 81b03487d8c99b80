"""Every caller against every query field and mutation, and every kind of bad credential.

The fields come from the schema itself, so a new field without a line in `EXPECTED` fails
`test_every_schema_field_has_an_expectation` until someone decides who may call it.
A call the caller may make must pass the role check (its only possible error is NOT_FOUND, for
the deliberately unknown ids the delete/erase samples use); a call it may not make must come
back FORBIDDEN with no data for that field.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from api_support import (
    JWT_AUDIENCE,
    JWT_ISSUER,
    Client,
    Graph,
    Server,
    codes,
    jwt_token,
    start_server,
    stop_server,
)
from neo4j import Driver
from stakegraph.api.keystore import create_key, revoke_key
from stakegraph.api.schema import build_schema
from stakegraph.queries.analytics import jobs
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

from stakegraph.settings import Settings

RANK = {"anonymous": 0, "reader": 1, "editor": 2, "admin": 3}

# A sample call: (GraphQL operation, variables) from the scratch graph and a caller tag.
Sample = Callable[[Graph, str], tuple[str, dict[str, Any]]]


def _q(text: str, **variables: Any) -> tuple[str, dict[str, Any]]:
    return text, variables


# The job and the run the `analysis` fixture computed on the scratch graph: analysisJob and
# analyticsRun answer null for an unknown id, which the matrix cannot tell from a refusal.
ANALYSIS: dict[str, str] = {}


def _activity(g: Graph, me: str, tag: str) -> dict[str, Any]:
    return {"id": g.id(f"{tag}-{me}"), "projectId": g.id("p1"), "name": "Session",
            "type": "workshop", "date": "2025-07-01", "stage": "planning",
            "level": "coproduction"}


# field -> (the least role that may call it, a sample call)
MATRIX_DOCUMENT = "query AuthMatrix { __typename }"
MATRIX_DOCUMENT_ID = "sha256:30fd22ec76bbc94ce4d49340e08a8a08987ba13d183d46f968976baaf1e06749"
EXPECTED: dict[tuple[str, str], tuple[str, Sample]] = {
    ("Query", "questions"): ("reader", lambda g, me: _q("{ questions { name } }")),
    # The typed library questions (stakegraph.api.questions) and the analytics questions.
    ("Query", "stakeholdersByCategory"): ("reader", lambda g, me: _q(
        "query($p: ID!) { stakeholdersByCategory(project: $p) { stakeholders } }", p=g.id("p1"))),
    ("Query", "quadrants"): ("reader", lambda g, me: _q(
        "query($p: ID!) { quadrants(project: $p, at: \"2025-03-01\") { id } }", p=g.id("p1"))),
    ("Query", "matrixMovement"): ("reader", lambda g, me: _q(
        "query($p: ID!) { matrixMovement(project: $p, from: \"2025-02-01\") { id } }",
        p=g.id("p1"))),
    ("Query", "egoNetwork"): ("reader", lambda g, me: _q(
        "query($s: ID!) { egoNetwork(stakeholder: $s) { id } }", s=g.id("bob"))),
    ("Query", "shortestPaths"): ("reader", lambda g, me: _q(
        "query($a: ID!, $b: ID!) { shortestPaths(from: $a, to: $b) { hops } }",
        a=g.id("ann"), b=g.id("org"))),
    ("Query", "introducers"): ("reader", lambda g, me: _q(
        "query($p: ID!, $t: ID!) { introducers(project: $p, target: $t) { id } }",
        p=g.id("p1"), t=g.id("org"))),
    ("Query", "reach"): ("reader", lambda g, me: _q(
        "query($s: [ID!]!) { reach(stakeholders: $s) { id } }", s=[g.id("ann")])),
    ("Query", "q3Reach"): ("reader", lambda g, me: _q(
        "query($p: ID!) { q3Reach(project: $p) { id } }", p=g.id("p1"))),
    ("Query", "degree"): ("reader", lambda g, me: _q(
        "query($p: ID!) { degree(project: $p) { degree } }", p=g.id("p1"))),
    ("Query", "neglectedHighImpact"): ("reader", lambda g, me: _q(
        "query($p: ID!) { neglectedHighImpact(project: $p) { id } }", p=g.id("p1"))),
    ("Query", "coverage"): ("reader", lambda g, me: _q(
        "query($p: ID!) { coverage(project: $p) { activities } }", p=g.id("p1"))),
    ("Query", "deepestLevel"): ("reader", lambda g, me: _q(
        "query($p: ID!) { deepestLevel(project: $p) { group } }", p=g.id("p1"))),
    ("Query", "overdueContacts"): ("reader", lambda g, me: _q(
        "query($p: ID!) { overdueContacts(project: $p) { id } }", p=g.id("p1"))),
    ("Query", "readinessChecklist"): ("reader", lambda g, me: _q(
        "query($p: ID!) { readinessChecklist(project: $p) { ok } }", p=g.id("p1"))),
    ("Query", "pathways"): ("reader", lambda g, me: _q(
        "query($p: ID!) { pathways(project: $p) { activity } }", p=g.id("p1"))),
    ("Query", "strategiesBeforeOutcomeChange"): ("reader", lambda g, me: _q(
        "query($p: ID!) { strategiesBeforeOutcomeChange(project: $p) { strategy } }",
        p=g.id("p1"))),
    ("Query", "stakeholderLookup"): ("reader", lambda g, me: _q(
        "query($id: ID!) { stakeholderLookup(id: $id) { id } }", id=g.id("ann"))),
    ("Query", "nameSearch"): ("reader", lambda g, me: _q(
        "query($t: String!) { nameSearch(text: $t) { id } }", t=g.prefix.rstrip("-"))),
    ("Query", "influenceScores"): ("reader", lambda g, me: _q(
        "query($p: ID!) { influenceScores(project: $p) { arcs } }", p=g.id("p1"))),
    ("Query", "keyPlayers"): ("reader", lambda g, me: _q(
        "query($p: ID!) { keyPlayers(project: $p) { reached } }", p=g.id("p1"))),
    ("Query", "question"): ("reader", lambda g, me: _q(
        "query($p: JSON) { question(name: \"quadrants\", params: $p) { columns } }",
        p={"project": g.id("p1"), "at": "2025-03-01"})),
    ("Query", "networkSummary"): ("reader", lambda g, me: _q(
        "query($p: ID!) { networkSummary(project: $p) { stakeholders arcs } }", p=g.id("p1"))),
    ("Query", "analysisJob"): ("reader", lambda g, me: _q(
        "query($id: ID!) { analysisJob(id: $id) { id state } }", id=ANALYSIS["job"])),
    ("Query", "analysisJobs"): ("reader", lambda g, me: _q(
        "query($p: ID) { analysisJobs(project: $p) { id } }", p=g.id("p1"))),
    ("Query", "analyticsRun"): ("reader", lambda g, me: _q(
        "query($id: ID!) { analyticsRun(id: $id) { id metric } }", id=ANALYSIS["run"])),
    ("Query", "analyticsRuns"): ("reader", lambda g, me: _q(
        "query($p: ID) { analyticsRuns(project: $p) { id } }", p=g.id("p1"))),
    ("Query", "trustedDocuments"): ("admin", lambda g, me: _q("{ trustedDocuments { id } }")),
    ("Query", "auditEvents"): ("admin", lambda g, me: _q(
        "query($s: ID) { auditEvents(subject: $s, first: 1) { totalCount } }", s=g.id("ann"))),
    ("Query", "stakeholder"): ("reader", lambda g, me: _q(
        "query($id: ID!) { stakeholder(id: $id) { id name } }", id=g.id("ann"))),
    ("Query", "stakeholders"): ("reader", lambda g, me: _q(
        "query($p: String) { stakeholders(filter: {idPrefix: $p}) { totalCount } }",
        p=g.prefix)),
    ("Query", "project"): ("reader", lambda g, me: _q(
        "query($id: ID!) { project(id: $id) { id } }", id=g.id("p1"))),
    ("Query", "projects"): ("reader", lambda g, me: _q(
        "query($p: String) { projects(filter: {idPrefix: $p}) { totalCount } }", p=g.prefix)),
    ("Query", "activity"): ("reader", lambda g, me: _q(
        "query($id: ID!) { activity(id: $id) { id } }", id=g.id("w1"))),
    ("Query", "activities"): ("reader", lambda g, me: _q(
        "query($p: String) { activities(filter: {idPrefix: $p}) { totalCount } }", p=g.prefix)),
    ("Query", "strategy"): ("reader", lambda g, me: _q(
        "query($id: ID!) { strategy(id: $id) { id } }", id=g.id("st"))),
    ("Query", "strategies"): ("reader", lambda g, me: _q(
        "query($p: String) { strategies(filter: {idPrefix: $p}) { totalCount } }", p=g.prefix)),
    ("Query", "outcome"): ("reader", lambda g, me: _q(
        "query($id: ID!) { outcome(id: $id) { id } }", id=g.id("oc"))),
    ("Query", "outcomes"): ("reader", lambda g, me: _q(
        "query($p: String) { outcomes(filter: {idPrefix: $p}) { totalCount } }", p=g.prefix)),
    ("Query", "objective"): ("reader", lambda g, me: _q(
        "query($id: ID!) { objective(id: $id) { id } }", id=g.id("ob"))),
    ("Query", "objectives"): ("reader", lambda g, me: _q(
        "query($p: String) { objectives(filter: {idPrefix: $p}) { totalCount } }", p=g.prefix)),
    ("Query", "concept"): ("reader", lambda g, me: _q('{ concept(id: "quadrant:q1") { code } }')),
    ("Query", "concepts"): ("reader", lambda g, me: _q("{ concepts(first: 1) { totalCount } }")),
    ("Mutation", "exportPerson"): ("admin", lambda g, me: _q(
        "mutation($id: ID!) { exportPerson(id: $id) }", id=g.id("nobody"))),
    ("Mutation", "erasePerson"): ("admin", lambda g, me: _q(
        "mutation($id: ID!) { erasePerson(id: $id) { id } }", id=g.id("nobody"))),
    # Registered, then removed again (the fields run in name order): nothing is left behind.
    ("Mutation", "registerTrustedDocument"): ("admin", lambda g, me: _q(
        "mutation($d: String!) { registerTrustedDocument(document: $d) { id } }",
        d=MATRIX_DOCUMENT)),
    ("Mutation", "removeTrustedDocument"): ("admin", lambda g, me: _q(
        "mutation($i: ID!) { removeTrustedDocument(id: $i) }", i=MATRIX_DOCUMENT_ID)),
    # An unknown project: NOT_FOUND once the role check passed, so no job is started.
    ("Mutation", "startAnalysis"): ("editor", lambda g, me: _q(
        "mutation($i: AnalysisInput!) { startAnalysis(input: $i) { id } }",
        i={"metric": "DEGREE", "project": g.id("nobody")})),
    ("Mutation", "createStakeholder"): ("editor", lambda g, me: _q(
        "mutation($i: StakeholderInput!) { createStakeholder(input: $i) { id } }",
        i={"id": g.id(f"s-{me}"), "name": "New", "kind": "PERSON"})),
    ("Mutation", "updateStakeholder"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { updateStakeholder(id: $id, patch: {country: \"GB\"}) { id } }",
        id=g.id("bob"))),
    ("Mutation", "deleteStakeholder"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { deleteStakeholder(id: $id) { deleted } }", id=g.id("nobody"))),
    ("Mutation", "createProject"): ("editor", lambda g, me: _q(
        "mutation($i: ProjectInput!) { createProject(input: $i) { id } }",
        i={"id": g.id(f"p-{me}"), "name": "New"})),
    ("Mutation", "updateProject"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { updateProject(id: $id, patch: {description: \"d\"}) { id } }",
        id=g.id("p1"))),
    ("Mutation", "deleteProject"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { deleteProject(id: $id) { deleted } }", id=g.id("nobody"))),
    ("Mutation", "createActivity"): ("editor", lambda g, me: _q(
        "mutation($i: ActivityInput!) { createActivity(input: $i) { id } }",
        i=_activity(g, me, "a"))),
    ("Mutation", "updateActivity"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { updateActivity(id: $id, patch: {name: \"Renamed\"}) { id } }",
        id=g.id("w2"))),
    ("Mutation", "deleteActivity"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { deleteActivity(id: $id) { deleted } }", id=g.id("nobody"))),
    ("Mutation", "recordActivity"): ("editor", lambda g, me: _q(
        "mutation($i: RecordActivityInput!) { recordActivity(input: $i) { id } }",
        i={"activity": _activity(g, me, "r"), "participants": [], "strategyIds": [],
           "objectiveIds": [], "outcomeIds": []})),
    ("Mutation", "createStrategy"): ("editor", lambda g, me: _q(
        "mutation($i: EntityInput!) { createStrategy(input: $i) { id } }",
        i={"id": g.id(f"st-{me}"), "name": "New"})),
    ("Mutation", "updateStrategy"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { updateStrategy(id: $id, patch: {definition: \"d\"}) { id } }",
        id=g.id("st"))),
    ("Mutation", "deleteStrategy"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { deleteStrategy(id: $id) { deleted } }", id=g.id("nobody"))),
    ("Mutation", "createOutcome"): ("editor", lambda g, me: _q(
        "mutation($i: EntityInput!) { createOutcome(input: $i) { id } }",
        i={"id": g.id(f"oc-{me}"), "name": "New"})),
    ("Mutation", "updateOutcome"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { updateOutcome(id: $id, patch: {definition: \"d\"}) { id } }",
        id=g.id("oc"))),
    ("Mutation", "deleteOutcome"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { deleteOutcome(id: $id) { deleted } }", id=g.id("nobody"))),
    ("Mutation", "createObjective"): ("editor", lambda g, me: _q(
        "mutation($i: EntityInput!) { createObjective(input: $i) { id } }",
        i={"id": g.id(f"ob-{me}"), "name": "New"})),
    ("Mutation", "updateObjective"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { updateObjective(id: $id, patch: {definition: \"d\"}) { id } }",
        id=g.id("ob"))),
    ("Mutation", "deleteObjective"): ("editor", lambda g, me: _q(
        "mutation($id: ID!) { deleteObjective(id: $id) { deleted } }", id=g.id("nobody"))),
    ("Mutation", "assessStake"): ("editor", lambda g, me: _q(
        "mutation($i: AssessStakeInput!) { assessStake(input: $i) { quadrant } }",
        i={"stakeholderId": g.id("bob"), "projectId": g.id("p2"), "date": "2025-08-01",
           "assessor": f"matrix {me}", "interest": 5, "impact": 6})),
    ("Mutation", "addTie"): ("editor", lambda g, me: _q(
        "mutation($i: TieInput!) { addTie(input: $i) { weight } }",
        i={"type": "TRUSTS", "sourceId": g.id("ann"), "targetId": g.id("grp")})),
    ("Mutation", "removeTie"): ("editor", lambda g, me: _q(
        "mutation($s: ID!, $t: ID!) { removeTie(type: REFERRED, sourceId: $s, targetId: $t) }",
        s=g.id("ann"), t=g.id("bob"))),
}


def schema_fields() -> set[tuple[str, str]]:
    """Returns every (Query|Mutation, field) of the schema the server builds."""
    schema = build_schema(Settings())._schema
    out: set[tuple[str, str]] = set()
    for root in ("Query", "Mutation"):
        root_type = schema.get_type(root)
        out |= {(root, name) for name in getattr(root_type, "fields", {})}
    return out


def test_every_schema_field_has_an_expectation() -> None:
    fields = schema_fields()
    missing = sorted(fields - set(EXPECTED))
    stale = sorted(set(EXPECTED) - fields)
    assert not missing, f"fields without an expected role in EXPECTED: {missing}"
    assert not stale, f"EXPECTED names fields the schema no longer has: {stale}"


@pytest.fixture(scope="module")
def open_server(api_env: dict[str, str],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`stakegraph serve --allow-anonymous-read` (the environment says false: the flag wins)."""
    exe = str(Path(sys.executable).parent / "stakegraph")
    server = start_server(
        api_env, tmp_path_factory.mktemp("open-matrix"),
        [exe, "serve", "--host", "127.0.0.1", "--port", "{port}", "--allow-anonymous-read"],
    )
    yield server
    stop_server(server)


@dataclass(frozen=True)
class Caller:
    """A caller of the matrix: which server, which headers, and the role it should act as."""

    name: str
    role: str
    open_server: bool
    headers: Callable[[dict[str, str]], dict[str, str]]


CALLERS = (
    Caller("anonymous", "anonymous", False, lambda keys: {}),
    Caller("anonymous, reads allowed", "reader-reads", True, lambda keys: {}),
    Caller("reader key", "reader", False,
           lambda keys: {"Authorization": f"Bearer {keys['reader']}"}),
    Caller("editor key", "editor", False, lambda keys: {"X-API-Key": keys["editor"]}),
    Caller("admin key", "admin", False, lambda keys: {"Authorization": f"Bearer {keys['admin']}"}),
    Caller("reader JWT", "reader", False,
           lambda keys: {"Authorization": f"Bearer {jwt_token('reader')}"}),
    Caller("editor JWT", "editor", False,
           lambda keys: {"Authorization": f"Bearer {jwt_token('editor')}"}),
    Caller("admin JWT", "admin", True,
           lambda keys: {"Authorization": f"Bearer {jwt_token('admin')}"}),
)


def _allowed(caller_role: str, root: str, needed: str) -> bool:
    if caller_role == "reader-reads":
        return root == "Query" and needed == "reader"
    return RANK[caller_role] >= RANK[needed]


@pytest.fixture
def analysis(db: GraphDB, graph: Graph) -> Iterator[None]:
    """A finished analysis job on the scratch project and the run it wrote, computed in this
    process as a job's own process computes it (ids in ``ANALYSIS``)."""
    spec = jobs.JobSpec(metric="degree", project=graph.id("p1"))
    # No cap of the API's here: the matrix's job must not wait for other tests' jobs.
    job = jobs.claim(db, jobs.submit(db, spec, "pytest matrix", max_active=1_000).id,
                     "pytest", os.getpid())
    run_id = jobs.run_job(db, job, lambda phase, done: jobs.report(db, job.id, phase, done))
    jobs.succeed(db, job.id, run_id)
    ANALYSIS.update(job=job.id, run=run_id)
    yield
    ANALYSIS.clear()
    db.write(f"MATCH (n) WHERE (n:{Label.ANALYSIS_JOB} AND n.id = $job) "
             f"OR (n:{Label.ANALYTICS_RUN} AND n.id = $run) DETACH DELETE n",
             job=job.id, run=run_id)


@pytest.mark.parametrize("caller", CALLERS, ids=[c.name for c in CALLERS])
@pytest.mark.usefixtures("analysis")
def test_every_caller_against_every_field(
    caller: Caller, api: Server, open_server: Server, keys: dict[str, str], graph: Graph
) -> None:
    server = open_server if caller.open_server else api
    client = Client(server.url, caller.headers(keys))
    tag = caller.name.replace(" ", "-").replace(",", "")
    wrong: list[str] = []
    checked = 0
    for (root, field), (needed, sample) in sorted(EXPECTED.items()):
        text, variables = sample(graph, tag)
        body = client.post(text, variables)
        got = codes(body)
        served = (body.get("data") or {}).get(field)
        if _allowed(caller.role, root, needed):
            if set(got) - {"NOT_FOUND"}:
                wrong.append(f"{root}.{field}: should pass the role check, got {body['errors']}")
            elif not got and served is None:
                wrong.append(f"{root}.{field}: allowed but served nothing: {body}")
        elif "FORBIDDEN" not in got or served is not None:
            wrong.append(f"{root}.{field}: should be FORBIDDEN, got {got} and {served!r}")
        checked += 1
    assert checked == len(EXPECTED)
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def revoked_key(db: GraphDB, driver: Driver, database: str) -> Iterator[str]:
    """An editor key that has been revoked."""
    prefix = f"tkey{uuid.uuid4().hex[:8]}-"
    info, key = create_key(db, "editor", "pytest revoked", id_prefix=prefix)
    revoke_key(db, info.id)
    yield key
    driver.execute_query(f"MATCH (k:{Label.API_KEY} {{id: $id}}) DELETE k", id=info.id,
                         database_=database)


def _bad_credentials(revoked: str) -> dict[str, dict[str, str]]:
    now = int(time.time())

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    return {
        "expired JWT": bearer(jwt_token("admin", exp=now - 30)),
        "JWT without expiry": bearer(jwt_token("admin", exp=None)),
        "JWT not valid yet": bearer(jwt_token("admin", nbf=now + 3600)),
        "JWT signed with another key": bearer(jwt_token("admin", key="another-secret-" * 3)),
        "JWT signed with another algorithm": bearer(jwt_token("admin", algorithm="HS512")),
        "unsigned JWT (alg none)": bearer(jwt_token("admin", key="", algorithm="none")),
        "JWT from another issuer": bearer(jwt_token("admin", iss="https://evil.test")),
        "JWT for another audience": bearer(jwt_token("admin", aud="someone-else")),
        "JWT without audience": bearer(jwt_token("admin", aud=None)),
        "JWT with an unknown role": bearer(jwt_token("root")),
        "JWT without a role": bearer(jwt_token(None)),
        "JWT with a tampered payload": bearer(_tampered()),
        "malformed JWT": bearer("abc.def.ghi"),
        "JWT-shaped garbage": bearer("..."),
        "unknown API key": {"X-API-Key": "sgk_" + uuid.uuid4().hex},
        "unknown bearer key": bearer("sgk_" + uuid.uuid4().hex),
        "API key without the prefix": {"X-API-Key": uuid.uuid4().hex},
        "revoked API key": {"X-API-Key": revoked},
        "revoked key as bearer": bearer(revoked),
        "very long token": bearer("x" * 8000),
    }


def _tampered() -> str:
    head, _, signature = jwt_token("reader").split(".")
    forged = jwt.utils.base64url_encode(
        (f'{{"sub":"x","role":"admin","iss":"{JWT_ISSUER}","aud":"{JWT_AUDIENCE}",'
         f'"exp":{int(time.time()) + 600}}}').encode()).decode()
    return f"{head}.{forged}.{signature}"


READ = _q("{ projects(first: 1) { totalCount } }")
WRITE = _q('mutation { deleteProject(id: "nobody-here") { deleted } }')


# The HS512 token is meant to be refused; its short-key warning is beside the point.
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("server_kind", ["default", "anonymous reads allowed"])
def test_bad_credentials_are_refused_and_never_fall_back_to_anonymous(
    server_kind: str, api: Server, open_server: Server, revoked_key: str
) -> None:
    server = open_server if server_kind != "default" else api
    wrong: list[str] = []
    for name, headers in _bad_credentials(revoked_key).items():
        client = Client(server.url, headers)
        for text, variables in (READ, WRITE):
            body = client.post(text, variables)
            if codes(body) != ["FORBIDDEN"] or body.get("data"):
                wrong.append(f"{name}: {text[:30]} -> {body}")
            elif not body["errors"][0]["message"].strip():
                wrong.append(f"{name}: FORBIDDEN without a reason")
    assert not wrong, "\n".join(wrong)
    # The same server serves the same read to a good credential (or to no credential when
    # anonymous reads are allowed), so the refusals above are about the credentials.
    good = {} if server_kind != "default" else {"Authorization": f"Bearer {jwt_token('reader')}"}
    assert Client(server.url, good).data(*READ)["projects"]["totalCount"] >= 0
