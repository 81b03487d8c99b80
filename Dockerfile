# The stakegraph API and CLI, talking to the Neo4j named by NEO4J_URI (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY stakegraph ./stakegraph
COPY schema ./schema
COPY loaders ./loaders
COPY queries ./queries
COPY api ./api
# GraphiQL's browser files (pinned, sha512-checked) from the npm registry, so the image serves
# GraphiQL without internet access; then the package, which includes them.
RUN python api/graphiql_assets.py api/graphiql \
    && pip install --no-cache-dir . && useradd --create-home stakegraph
USER stakegraph
EXPOSE 8000
CMD ["stakegraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
