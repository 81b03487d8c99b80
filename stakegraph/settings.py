"""Settings from the environment (and a ``.env`` file), with the local Neo4j as the default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from stakegraph.schema.errors import SetupError


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "stakegraph"


def _default_cache() -> Path:
    return Path.home() / ".cache" / "stakegraph"


class Settings(BaseSettings):
    """Every knob stakegraph reads. ``NEO4J_*`` point at any Neo4j; ``STAKEGRAPH_*`` the rest."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # An explicit NEO4J_URI means "use that server": Docker, a cluster (neo4j://) or Aura.
    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")

    home: Path = Field(default_factory=_default_home, alias="STAKEGRAPH_HOME")
    cache_dir: Path = Field(default_factory=_default_cache, alias="STAKEGRAPH_CACHE_DIR")
    bolt_port: int = Field(default=7687, alias="STAKEGRAPH_BOLT_PORT", ge=1, le=65535)
    http_port: int = Field(default=7474, alias="STAKEGRAPH_HTTP_PORT", ge=1, le=65535)
    heap: str = Field(default="1g", alias="STAKEGRAPH_NEO4J_HEAP", pattern=r"^\d+[kmgKMG]$")
    pagecache: str = Field(
        default="512m", alias="STAKEGRAPH_NEO4J_PAGECACHE", pattern=r"^\d+[kmgKMG]$"
    )
    start_timeout_s: float = Field(default=180.0, alias="STAKEGRAPH_NEO4J_START_TIMEOUT", gt=0)

    batch_size: int = Field(default=5000, alias="STAKEGRAPH_BATCH_SIZE", ge=1, le=100_000)

    # The browser that prints `stakegraph report OUT.pdf` (default: the first Chromium on PATH).
    chromium: str | None = Field(default=None, alias="STAKEGRAPH_CHROMIUM")

    # The GraphQL API (`stakegraph serve`).
    api_host: str = Field(default="127.0.0.1", alias="STAKEGRAPH_API_HOST")
    api_port: int = Field(default=8000, alias="STAKEGRAPH_API_PORT", ge=1, le=65535)
    api_workers: int = Field(default=1, alias="STAKEGRAPH_API_WORKERS", ge=1, le=64)
    api_allow_anonymous_read: bool = Field(
        default=False, alias="STAKEGRAPH_API_ALLOW_ANONYMOUS_READ"
    )
    api_jwt_key: str | None = Field(
        default=None, alias="STAKEGRAPH_API_JWT_KEY", description="HS256 secret or RS256 PEM"
    )
    api_jwt_algorithm: str = Field(
        default="HS256", alias="STAKEGRAPH_API_JWT_ALGORITHM", pattern=r"^(HS256|RS256)$"
    )
    api_jwt_issuer: str | None = Field(default=None, alias="STAKEGRAPH_API_JWT_ISSUER")
    api_jwt_audience: str | None = Field(default=None, alias="STAKEGRAPH_API_JWT_AUDIENCE")
    api_jwt_role_claim: str = Field(default="role", alias="STAKEGRAPH_API_JWT_ROLE_CLAIM")
    api_max_depth: int = Field(default=10, alias="STAKEGRAPH_API_MAX_DEPTH", ge=1, le=100)
    api_max_aliases: int = Field(default=30, alias="STAKEGRAPH_API_MAX_ALIASES", ge=1)
    api_max_tokens: int = Field(default=2000, alias="STAKEGRAPH_API_MAX_TOKENS", ge=10)
    api_max_cost: int = Field(default=50_000, alias="STAKEGRAPH_API_MAX_COST", ge=1)
    api_max_page_size: int = Field(default=100, alias="STAKEGRAPH_API_MAX_PAGE_SIZE", ge=1)
    api_max_body_bytes: int = Field(
        default=1_048_576, alias="STAKEGRAPH_API_MAX_BODY_BYTES", ge=1024,
        description="largest request body accepted (413 above)",
    )
    api_introspection: bool = Field(default=True, alias="STAKEGRAPH_API_INTROSPECTION")
    api_debug: bool = Field(
        default=False, alias="STAKEGRAPH_API_DEBUG", description="round trips in extensions"
    )
    api_db_timeout_s: float = Field(
        default=2.0, alias="STAKEGRAPH_API_DB_TIMEOUT", gt=0, description="connection acquisition"
    )
    api_key_cache_s: float = Field(default=30.0, alias="STAKEGRAPH_API_KEY_CACHE_S", ge=0)
    api_gc_tuning: bool = Field(
        default=True, alias="STAKEGRAPH_API_GC_TUNING",
        description="tune Python's garbage collector for a server process (see api/app.py)",
    )
    api_feed_poll_s: float = Field(
        default=0.1, alias="STAKEGRAPH_API_FEED_POLL_S", gt=0, le=60,
        description="how often a worker reads the change feed while anyone subscribes",
    )
    api_feed_retention_days: float = Field(
        default=7.0, alias="STAKEGRAPH_API_FEED_RETENTION_DAYS", gt=0,
        description="how long the change feed keeps changes (what a reconnect can catch up)",
    )
    api_fast_completion: bool = Field(
        default=True, alias="STAKEGRAPH_API_FAST_COMPLETION",
        description="complete query results with stakegraph's executor (graphql-core's if off)",
    )

    api_max_jobs: int = Field(
        default=2, alias="STAKEGRAPH_API_MAX_JOBS", ge=1, le=64,
        description="analysis jobs in flight at once (each is a process of its own)",
    )

    @property
    def uses_local_neo4j(self) -> bool:
        """Returns True when no NEO4J_URI is set, so the launcher's instance is the target."""
        return not self.neo4j_uri

    @property
    def local_home(self) -> Path:
        """Returns the Neo4j home directory (data, logs, plugins) of the local instance."""
        return self.home / "neo4j"


    def as_environment(self) -> dict[str, str]:
        """Returns these settings as environment variables (by name), for a child process to
        read the same ones."""
        env: dict[str, str] = {}
        for name, value in self.model_dump(by_alias=True).items():
            if value is None:
                continue
            env[name] = str(value).lower() if isinstance(value, bool) else str(value)
        return env


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Returns the process-wide settings, read once; a bad value is a one-line error."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        raise SetupError(
            f"setting {name}={first.get('input')!r} is invalid: {first['msg']} "
            f"({len(exc.errors())} problem(s); check the environment and .env)"
        ) from exc
