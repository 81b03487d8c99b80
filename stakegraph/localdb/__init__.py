"""The local Neo4j: a Neo4j Community server built from Maven Central and run in-process by a
small Java launcher, so that users, tests and CI need neither Docker nor a Neo4j install."""
