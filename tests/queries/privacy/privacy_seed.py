"""The scratch graph of the personal-data tests: one person touching every relationship a
person can have, another person, a group and an organisation (ids are ``$p + 'x'``)."""

from __future__ import annotations

from typing import Any

from neo4j import Driver

# Strings that must be gone after an erasure: every personal value and free text about "me".
PERSONAL_STRINGS = ("Mina", "mina@example.org", "+44 7000", "mornings", "travel", "lunch")

SEED = """
CREATE (me:Stakeholder:Person {id: $p + 'me', name: 'Mina Example', kind: 'person',
        sector: 'patients_public', seldom_heard: true, country: 'GB',
        email: 'mina@example.org', phone: '+44 7000 000000', notes: 'prefers mornings'})
CREATE (other:Stakeholder:Person {id: $p + 'other', name: 'Otto Other', kind: 'person',
        email: 'otto@example.org'})
CREATE (org:Stakeholder:Organisation {id: $p + 'org', name: 'Valley Trust',
        kind: 'organisation'})
CREATE (grp:Stakeholder:Group {id: $p + 'grp', name: 'Carers Circle', kind: 'group'})
CREATE (me)-[:MEMBER_OF {role: 'member', since: date('2024-01-01')}]->(grp)
CREATE (me)-[:INFLUENCES {weight: 2.0, date: date('2025-01-05'),
        evidence: 'Mina said so at lunch'}]->(other)
CREATE (other)-[:TRUSTS {weight: 1.0, evidence: 'interview about Mina'}]->(me)
CREATE (me)-[:COLLABORATES_WITH {weight: 1.5}]->(org)
CREATE (other)-[:REFERRED {weight: 1.0, evidence: 'Otto knows the trust'}]->(org)
CREATE (p:Project {id: $p + 'p', name: 'Pilot'})
CREATE (me)-[:ASSESSED {id: $p + 'a1', date: date('2025-01-10'), assessor: 'team',
        interest: 3, impact: 8, quadrant: 'q3', note: 'Mina worries about travel'}]->(p)
CREATE (me)-[:ASSESSED {id: $p + 'a2', date: date('2025-06-10'), assessor: 'team',
        interest: 8, impact: 8, quadrant: 'q4'}]->(p)
CREATE (w:EngagementActivity {id: $p + 'w', name: 'Design workshop', type: 'workshop',
        date: date('2025-04-01'), stage: 'planning', level: 'coproduction'})
CREATE (w)-[:FOR_PROJECT]->(p)
CREATE (me)-[:PARTICIPATED_IN {role: 'co-designer'}]->(w)
CREATE (other)-[:PARTICIPATED_IN {role: 'facilitator'}]->(w)
CREATE (run:AnalyticsRun {id: $p + 'run', metric: 'pagerank',
        computed_at: '2025-07-01T00:00:00Z', method: 'igraph PRPACK', params_json: '{}',
        complete: true})
CREATE (run)-[:SCORED {pagerank: 0.25}]->(me)
"""

_STATE = """
MATCH (s:Stakeholder {id: $id})
RETURN properties(s) AS props,
       COLLECT { MATCH (s)-[r]-() RETURN properties(r) } AS rels,
       COUNT { (s)-[:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-() } AS ties,
       COUNT { (s)-[:PARTICIPATED_IN]->() } AS participations,
       COUNT { (s)-[:ASSESSED]->() } AS assessments,
       COUNT { (s)-[:MEMBER_OF]->() } AS memberships,
       COUNT { ()-[:SCORED]->(s) } AS scores,
       COLLECT { MATCH (s)-[a:ASSESSED]->() RETURN [a.date, a.interest, a.impact, a.quadrant]
                 ORDER BY a.date } AS levels,
       COLLECT { MATCH (s)-[t]-() WHERE t.weight IS NOT NULL
                 RETURN [type(t), t.weight] ORDER BY type(t) } AS weights
"""


def seed(driver: Driver, database: str, prefix: str) -> None:
    """Writes the scratch graph under ``prefix``."""
    driver.execute_query(SEED, p=prefix, database_=database)


def state(driver: Driver, database: str, ident: str) -> dict[str, Any]:
    """Returns a stakeholder's properties, its relationships' properties and its counts."""
    records, _, _ = driver.execute_query(_STATE, id=ident, database_=database)
    return records[0].data()


def audit_rows(driver: Driver, database: str, subject: str) -> list[dict[str, Any]]:
    """Returns the AuditEvent nodes about ``subject``, oldest first."""
    records, _, _ = driver.execute_query(
        "MATCH (e:AuditEvent {subject: $s}) RETURN properties(e) AS e ORDER BY e.at, e.id",
        s=subject, database_=database,
    )
    return [r["e"] for r in records]
