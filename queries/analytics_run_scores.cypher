// name: analytics_run_scores
// purpose: The scores one stored run gave its stakeholders, best first by one score column (lowest first when descending is false), those without it last, a page at a time.
// param: run string — the run's id
// param: key string — the column to rank by: pagerank, betweenness, degree, community, ...
// param: descending bool = true — highest first
// param: skip int = 0 in 0..100000000 — rows to pass over
// param: limit int = 20 in 1..1000 — at most this many rows
// example: the top PageRank scores of a run
// :param run => 'demo-project/pagerank/2026-01-01T00:00:00.000000+00:00';
// :param key => 'pagerank';
// :param descending => true;
// :param skip => 0;
// :param limit => 20;
MATCH (:AnalyticsRun {id: $run})-[sc:SCORED]->(s:Stakeholder)
WITH s, sc, sc[$key] AS score
ORDER BY score IS NULL, CASE WHEN $descending THEN -score ELSE score END, s.id
SKIP $skip LIMIT $limit
RETURN s.id AS id, s.name AS name, score, properties(sc) AS scores
