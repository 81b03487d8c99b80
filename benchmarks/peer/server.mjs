// The peer of stakegraph's API for benchmarks/bench_api.py --peer: @neo4j/graphql over the same
// Neo4j, served by @apollo/server's standalone HTTP server on 127.0.0.1:$PORT (POST /).
import { readFile } from "node:fs/promises";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const driver = neo4j.driver(
  env("NEO4J_URI", "bolt://127.0.0.1:7687"),
  neo4j.auth.basic(env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD")),
);
const typeDefs = await readFile(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const database = env("NEO4J_DATABASE", "neo4j");
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(env("PORT", "4000")) },
  context: async () => ({ sessionConfig: { database } }),
});
console.log(`peer listening on ${url}`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
