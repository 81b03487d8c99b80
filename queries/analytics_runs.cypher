// name: analytics_runs
// purpose: The stored runs of the network metrics (`analyse --write` and the API's analysis jobs), newest first: the metric, the scope, how it was computed and whether every score was written.
// param: id string = null — one run by its id; null = any
// param: scope string = null — runs of this project ('graph' = the whole graph); null = every scope
// param: metric string = null — only this metric (pagerank, betweenness, ...); null = all
// param: limit int = 20 in 1..500 — at most this many runs
// example: the latest PageRank runs of the demo project
// :param id => null;
// :param scope => 'demo-project';
// :param metric => 'pagerank';
// :param limit => 20;
MATCH (r:AnalyticsRun)
WHERE ($id IS NULL OR r.id = $id)
  AND ($scope IS NULL OR r.id STARTS WITH $scope + '/')
  AND ($metric IS NULL OR r.metric = $metric)
RETURN r.id AS id, r.metric AS metric, r.computed_at AS computed_at, r.method AS method,
       r.params_json AS params, r.nodes AS stakeholders, r.edges AS arcs,
       coalesce(r.complete, false) AS complete
ORDER BY computed_at DESC, id
LIMIT $limit
