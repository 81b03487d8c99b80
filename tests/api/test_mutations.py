"""Every mutation over HTTP, and its errors (VALIDATION, NOT_FOUND, CONFLICT)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from api_support import Client, Graph, codes
from neo4j import Driver
from stakegraph.schema import change_feed
from stakegraph.schema.model import Label, Rel


def test_stakeholder_create_update_delete(clients: dict[str, Client], scratch: str) -> None:
    c = clients["editor"]
    sid = scratch + "new"
    created = c.data(
        """mutation($i: StakeholderInput!) { createStakeholder(input: $i) {
             __typename id name kind sector seldomHeard email } }""",
        {"i": {"id": sid, "name": " Dee Advocate ", "kind": "PERSON", "sector": "Charity",
               "seldomHeard": True, "email": "dee@example.org"}},
    )["createStakeholder"]
    assert created == {"__typename": "Person", "id": sid, "name": "Dee Advocate", "kind": "PERSON",
                       "sector": "charity", "seldomHeard": True, "email": "dee@example.org"}
    again = c.post(
        "mutation($i: StakeholderInput!) { createStakeholder(input: $i) { id } }",
        {"i": {"id": sid, "name": "x", "kind": "GROUP"}},
    )
    assert codes(again) == ["CONFLICT"]
    updated = c.data(
        """mutation($id: ID!, $p: StakeholderPatch!) { updateStakeholder(id: $id, patch: $p) {
             __typename kind name email sector } }""",
        {"id": sid, "p": {"kind": "ORGANISATION", "email": None, "name": "Dee Org"}},
    )["updateStakeholder"]
    assert updated == {"__typename": "Organisation", "kind": "ORGANISATION", "name": "Dee Org",
                       "email": None, "sector": "charity"}
    bad = c.post(
        'mutation($id: ID!) { updateStakeholder(id: $id, patch: {name: null}) { id } }',
        {"id": sid},
    )
    assert codes(bad) == ["VALIDATION"] and bad["errors"][0]["extensions"]["field"] == "name"
    bad = c.post(
        'mutation($id: ID!) { updateStakeholder(id: $id, patch: {sector: "pirates"}) { id } }',
        {"id": sid},
    )
    assert codes(bad) == ["VALIDATION"]
    assert c.data('mutation($id: ID!) { deleteStakeholder(id: $id) { id deleted } }',
                  {"id": sid})["deleteStakeholder"]["deleted"] is True
    gone = c.post('mutation($id: ID!) { deleteStakeholder(id: $id) { id } }', {"id": sid})
    assert codes(gone) == ["NOT_FOUND"]
    missing = c.post(
        'mutation($id: ID!) { updateStakeholder(id: $id, patch: {name: "x"}) { id } }',
        {"id": sid},
    )
    assert codes(missing) == ["NOT_FOUND"]


def test_project_and_activity_lifecycle(clients: dict[str, Client], scratch: str) -> None:
    c = clients["editor"]
    pid = scratch + "proj"
    project = c.data(
        """mutation($i: ProjectInput!) { createProject(input: $i) { id stage startDate } }""",
        {"i": {"id": pid, "name": "Roll-out", "stage": "Initiation", "startDate": "2025-02-03"}},
    )["createProject"]
    assert project == {"id": pid, "stage": "initiation", "startDate": "2025-02-03"}
    assert c.data(
        'mutation($id: ID!) { updateProject(id: $id, patch: {stage: "closure"}) { stage } }',
        {"id": pid},
    )["updateProject"]["stage"] == "closure"
    activity = {"id": scratch + "act", "projectId": pid, "name": "Kick-off", "type": "meeting",
                "date": "2025-03-01", "stage": "initiation", "level": "participation",
                "durationMinutes": 60}
    made = c.data(
        "mutation($i: ActivityInput!) { createActivity(input: $i) { id level project { id } } }",
        {"i": activity},
    )["createActivity"]
    assert made == {"id": scratch + "act", "level": "participation", "project": {"id": pid}}
    assert c.data(
        'mutation($id: ID!) { updateActivity(id: $id, patch: {durationMinutes: 90}) '
        '{ durationMinutes } }',
        {"id": scratch + "act"},
    )["updateActivity"]["durationMinutes"] == 90
    for bad in ({"durationMinutes": -5}, {"level": "shouting"}, {"projectId": scratch + "none"}):
        body = c.post(
            "mutation($i: ActivityInput!) { createActivity(input: $i) { id } }",
            {"i": {**activity, "id": scratch + "act2", **bad}},
        )
        assert codes(body) == (["NOT_FOUND"] if "projectId" in bad else ["VALIDATION"]), body
    assert c.data('mutation($id: ID!) { deleteActivity(id: $id) { deleted } }',
                  {"id": scratch + "act"})["deleteActivity"]["deleted"]
    assert c.data('mutation($id: ID!) { deleteProject(id: $id) { deleted } }',
                  {"id": pid})["deleteProject"]["deleted"]


def test_custom_entities_and_read_only_vocabulary(clients: dict[str, Client], scratch: str) -> None:
    c = clients["editor"]
    for kind in ("Strategy", "Outcome", "Objective"):
        ident = scratch + kind.lower()
        made = c.data(
            f"mutation($i: EntityInput!) {{ create{kind}(input: $i) {{ id name isVocabulary }} }}",
            {"i": {"id": ident, "name": f"My {kind}"}},
        )[f"create{kind}"]
        assert made == {"id": ident, "name": f"My {kind}", "isVocabulary": False}
        changed = c.data(
            f'mutation($id: ID!) {{ update{kind}(id: $id, patch: {{definition: "d"}}) '
            "{ definition } }",
            {"id": ident},
        )[f"update{kind}"]
        assert changed == {"definition": "d"}
        assert c.data(f"mutation($id: ID!) {{ delete{kind}(id: $id) {{ deleted }} }}",
                      {"id": ident})[f"delete{kind}"]["deleted"]
    shipped = c.post('mutation { updateStrategy(id: "eric:conduct_local_needs_assessment", '
                     'patch: {name: "x"}) { id } }')
    assert codes(shipped) == ["CONFLICT"]
    body = c.post('mutation { createOutcome(input: {id: "x", name: "y", cluster: "adapt_tailor"})'
                  " { id } }")
    assert codes(body) == ["VALIDATION"]


def test_record_activity_with_participants_in_one_call(
    clients: dict[str, Client], graph: Graph, driver: Driver, database: str
) -> None:
    c = clients["editor"]
    g = graph.id
    payload = {
        "activity": {"id": g("rec"), "projectId": g("p1"), "name": "Focus group",
                     "type": "focus_group", "date": "2025-07-01", "stage": "execution",
                     "level": "involvement"},
        "participants": [{"stakeholderId": g("ann"), "role": "participant"},
                         {"stakeholderId": g("bob")}],
        "strategyIds": [g("st"), "eric:conduct_local_needs_assessment"],
        "objectiveIds": [g("ob")],
        "outcomeIds": [g("oc")],
    }
    rec = c.data(
        """mutation($i: RecordActivityInput!) { recordActivity(input: $i) { id
             participants { totalCount nodes { role stakeholder { id } } }
             strategies { strategy { id } } objectives { objective { id } }
             outcomes { outcome { id } } project { id } } }""",
        {"i": payload},
    )["recordActivity"]
    assert rec["participants"]["totalCount"] == 2
    assert {p["stakeholder"]["id"] for p in rec["participants"]["nodes"]} == {g("ann"), g("bob")}
    assert len(rec["strategies"]) == 2 and rec["project"]["id"] == g("p1")
    # An unknown participant: NOT_FOUND, and nothing of the activity is written.
    payload["activity"]["id"] = g("rec2")
    payload["participants"] = [{"stakeholderId": g("ghost")}]
    body = c.post("mutation($i: RecordActivityInput!) { recordActivity(input: $i) { id } }",
                  {"i": payload})
    assert codes(body) == ["NOT_FOUND"] and g("ghost") in body["errors"][0]["message"]
    records, _, _ = driver.execute_query(
        "MATCH (a:EngagementActivity {id: $id}) RETURN count(a) AS n", id=g("rec2"),
        database_=database,
    )
    assert records[0]["n"] == 0


def test_assess_stake_keeps_history(clients: dict[str, Client], graph: Graph) -> None:
    c = clients["editor"]
    g = graph.id
    stake = {"stakeholderId": g("bob"), "projectId": g("p1"), "date": "2025-09-01",
             "assessor": "workshop 3", "interest": 9, "impact": 9, "category": "Champions",
             "attitude": "supportive", "contactEveryDays": 30}
    made = c.data(
        "mutation($i: AssessStakeInput!) { assessStake(input: $i) { date quadrant category "
        "advice stakeholder { id } project { id } } }",
        {"i": stake},
    )["assessStake"]
    assert made["quadrant"] == "q4" and made["category"] == "champions"
    history = c.data(
        "query($id: ID!) { stakeholder(id: $id) { stakes(history: true) { date quadrant } "
        "current: stakes { quadrant } } }",
        {"id": g("bob")},
    )["stakeholder"]
    assert [s["date"] for s in history["stakes"]] == ["2025-09-01", "2025-02-01"]
    assert history["current"] == [{"quadrant": "q4"}]
    dup = c.post("mutation($i: AssessStakeInput!) { assessStake(input: $i) { id } }", {"i": stake})
    assert codes(dup) == ["CONFLICT"]
    for bad in ({"interest": 11}, {"impact": 0}, {"category": "friends"}, {"assessor": " "}):
        body = c.post("mutation($i: AssessStakeInput!) { assessStake(input: $i) { id } }",
                      {"i": {**stake, "date": "2025-10-01", **bad}})
        assert codes(body) == ["VALIDATION"], (bad, body)
    for end, field in (("project", "projectId"), ("stakeholder", "stakeholderId")):
        body = c.post("mutation($i: AssessStakeInput!) { assessStake(input: $i) { id } }",
                      {"i": {**stake, "date": "2025-10-02", field: g("nope")}})
        assert codes(body) == ["NOT_FOUND"]
        assert body["errors"][0]["message"] == f"no {end} with id {g('nope')!r}"
    # Neither refusal wrote anything: the history is as it was.
    again = c.data("query($id: ID!) { stakeholder(id: $id) { stakes(history: true) { date } } }",
                   {"id": g("bob")})["stakeholder"]["stakes"]
    assert [s["date"] for s in again] == ["2025-09-01", "2025-02-01"]


def test_add_update_remove_ties(clients: dict[str, Client], graph: Graph) -> None:
    c = clients["editor"]
    g = graph.id
    tie = {"type": "REFERRED", "sourceId": g("bob"), "targetId": g("parent"),
           "evidence": "snowball", "date": "2025-05-05"}
    made = c.data("mutation($i: TieInput!) { addTie(input: $i) { type weight evidence "
                  "source { id } target { id } } }", {"i": tie})["addTie"]
    assert made == {"type": "REFERRED", "weight": 1.0, "evidence": "snowball",
                    "source": {"id": g("bob")}, "target": {"id": g("parent")}}
    again = c.data("mutation($i: TieInput!) { addTie(input: $i) { weight } }",
                   {"i": {**tie, "weight": 4.5}})["addTie"]
    assert again == {"weight": 4.5}
    count = c.data("query($id: ID!) { stakeholder(id: $id) { ties(types: [REFERRED]) "
                   "{ totalCount } } }", {"id": g("bob")})
    assert count["stakeholder"]["ties"]["totalCount"] == 1
    for bad, code in (({"targetId": g("bob")}, "VALIDATION"), ({"weight": 0}, "VALIDATION"),
                      ({"targetId": g("ghost")}, "NOT_FOUND"),
                      ({"sourceId": g("ghost")}, "NOT_FOUND")):
        body = c.post("mutation($i: TieInput!) { addTie(input: $i) { type } }",
                      {"i": {**tie, **bad}})
        assert codes(body) == [code], body
        if code == "NOT_FOUND":
            assert body["errors"][0]["message"] == f"no stakeholder with id {g('ghost')!r}"
    remove = ("mutation($s: ID!, $t: ID!) { removeTie(type: REFERRED, sourceId: $s, "
              "targetId: $t) }")
    assert c.data(remove, {"s": g("bob"), "t": g("parent")})["removeTie"] is True
    assert codes(c.post(remove, {"s": g("bob"), "t": g("parent")})) == ["NOT_FOUND"]


def test_concurrent_mutations_on_shared_nodes_all_land_in_feed_order(
        clients: dict[str, Client], graph: Graph, driver: Driver, database: str) -> None:
    # Ties between the same two stakeholders, half each way, from 8 threads at once: MERGE
    # locks the pair in opposite orders, and a deadlock Neo4j breaks is retried. Every one is
    # acknowledged, and the feed numbers them without a gap.
    c = clients["editor"]
    pair = (graph.id("bob"), graph.id("parent"))
    before = driver.execute_query(change_feed.LAST, database_=database).records[0]["last"]
    had = {tuple(r["ids"]) for r in driver.execute_query(
        f"MATCH (s:{Label.STAKEHOLDER})-[:{Rel.INFLUENCES}]->(t:{Label.STAKEHOLDER}) "
        "WHERE s.id IN $pair AND t.id IN $pair RETURN [s.id, t.id] AS ids", pair=list(pair),
        database_=database).records}

    def tie(i: int) -> dict[str, Any]:
        source, target = pair if i % 2 else pair[::-1]
        return c.post("mutation($i: TieInput!) { addTie(input: $i) { evidence } }",
                      {"i": {"type": "INFLUENCES", "sourceId": source, "targetId": target,
                             "evidence": f"race-{i}", "date": "2025-05-05"}})

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(tie, range(24)))
    assert [b.get("errors") for b in bodies] == [None] * 24
    records = driver.execute_query(change_feed.AFTER, after=before, limit=100,
                                   database_=database).records
    assert [r["seq"] for r in records] == list(range(before + 1, before + 25))
    assert {r["entity"] for r in records} == {"ties"}
    assert all(set(r["ids"]) == set(pair) for r in records)
    # A direction without a tie before got it created once; every other call updated it (a
    # change names a tie's ends, not its direction).
    created = [r for r in records if r["op"] == "created"]
    assert len(created) == len({pair, pair[::-1]} - had) == 2

    # Eight removals of one tie at once: one removes it, the others find none.
    remove = ("mutation($s: ID!, $t: ID!) { removeTie(type: INFLUENCES, sourceId: $s, "
              "targetId: $t) }")
    with ThreadPoolExecutor(8) as pool:
        removals = list(pool.map(lambda _: c.post(remove, {"s": pair[0], "t": pair[1]}),
                                 range(8)))
    assert sorted(str(codes(b) or b["data"]["removeTie"]) for b in removals) == (
        ["True"] + ["['NOT_FOUND']"] * 7)
