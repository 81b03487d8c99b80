// name: name_search
// purpose: Find stakeholders, projects, activities, strategies, outcomes and objectives by name
//   through the full-text index: every word of $text must begin a word of the name (any case).
//   Lucene's special characters in $text are treated as spaces, so no input is read as Lucene
//   syntax; an empty $text finds nothing.
// param: text string max 200 — the words to look for, e.g. "patient forum" (at most 200
//   characters: Lucene builds an automaton per word, and a word of thousands fails)
// param: label string = null one of Stakeholder|Project|EngagementActivity|Strategy|Outcome|Objective as SearchLabel — only nodes with this label
// param: limit int = 20 in 1..200 — the most hits to return
// returns: id id — the id of a node found
// returns: name string — its name
// returns: labels list<string> — its labels
// returns: score float — the full-text relevance score
// example:
// :param text => 'patient forum'
// :param label => null
// :param limit => 20

// Lucene's syntax characters (and whitespace) become word breaks, as they are for the indexed
// names, so they are searched as text. Each word is then a prefix search, all of them required.
WITH reduce(clean = toLower($text), c IN ['\\', '+', '-', '&', '|', '!', '(', ')', '{', '}', '[',
                                          ']', '^', '"', '~', '*', '?', ':', '/', '\t', '\n'] |
       replace(clean, c, ' ')) AS clean
WITH [word IN split(clean, ' ') WHERE word <> ''] AS words
WHERE size(words) > 0
WITH reduce(lucene = '', word IN words |
       lucene + CASE WHEN lucene = '' THEN '' ELSE ' AND ' END + word + '*') AS lucene
CALL db.index.fulltext.queryNodes('stakegraph_name_search', lucene) YIELD node, score
WHERE $label IS NULL OR $label IN labels(node)
RETURN node.id AS id,
       node.name AS name,
       labels(node) AS labels,
       score
ORDER BY score DESC, name, id
LIMIT $limit
