// name: plot_project
// purpose: A project's name and current life-cycle stage, for the titles of its pictures (no row when there is no such project).
// param: project string — the project id
// example:
// :param project => 'demo-icbt';
MATCH (p:Project {id: $project})
RETURN p.id AS id, p.name AS name, p.stage AS stage
