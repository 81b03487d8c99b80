"""The GraphQL API: Strawberry over ASGI on the async Neo4j driver (`stakegraph serve`)."""
