// name: analytics_score_history
// purpose: How a stakeholder's computed network scores changed: every completed `analyse --write` run that scored it, newest first, with method and parameters.
// param: id string — the stakeholder id
// param: metric string = null — only this metric (pagerank, betweenness, ...); null = all
// example: the PageRank history of a demo stakeholder
// :param id => 'demo-nhs-trust';
// :param metric => 'pagerank';
MATCH (r:AnalyticsRun)-[sc:SCORED]->(s:Stakeholder {id: $id})
WHERE ($metric IS NULL OR r.metric = $metric) AND r.complete
RETURN r.metric AS metric, r.computed_at AS computed_at, properties(sc) AS scores,
       r.method AS method, r.params_json AS params, r.id AS run
ORDER BY computed_at DESC, metric
