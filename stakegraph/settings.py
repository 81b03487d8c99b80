"""Settings from the environment (and a ``.env`` file), with the local Neo4j as the default."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stakegraph.schema.errors import SetupError


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "stakegraph"


def _default_cache() -> Path:
    return Path.home() / ".cache" / "stakegraph"


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` per ``per_s`` seconds for one caller, in bursts of up to
    ``requests`` (a token bucket refilled at ``requests / per_s`` a second)."""

    requests: int
    per_s: float

    @property
    def per_second(self) -> float:
        """Returns the refill rate: requests allowed per second on average."""
        return self.requests / self.per_s


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*\.?\d*)\s*(s|sec|second|m|min|minute|h|hour)\s*$",
                   re.IGNORECASE)
_UNITS = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
          "h": 3600.0, "hour": 3600.0}


def parse_rate(text: str) -> RateLimit | None:
    """Returns the limit written as ``text`` (``600/min``, ``10/s``, ``30/10s``), or None for
    no limit (empty, ``0``, ``off``) and for text that is no limit at all."""
    match = _RATE.match(text or "")
    if match is None:
        return None
    count, scale, unit = int(match.group(1)), match.group(2), match.group(3).lower()
    seconds = (float(scale) if scale else 1.0) * _UNITS[unit]
    if count <= 0 or seconds <= 0:
        return None
    return RateLimit(count, seconds)


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
    api_db_warm_connections: int = Field(
        default=32, alias="STAKEGRAPH_API_DB_WARM_CONNECTIONS", ge=0, le=100,
        description="Bolt connections each API worker opens at start (a burst then finds them)",
    )
    api_key_cache_s: float = Field(default=30.0, alias="STAKEGRAPH_API_KEY_CACHE_S", ge=0)
    api_gc_tuning: bool = Field(
        default=True, alias="STAKEGRAPH_API_GC_TUNING",
        description="tune Python's garbage collector for a server process (see api/collector.py)",
    )
    api_gc_young_between: int = Field(
        default=2_000, alias="STAKEGRAPH_API_GC_YOUNG_BETWEEN", ge=0,
        description="young objects that make a worker collect as a request ends (0: never; "
                    "see api/collector.py)",
    )
    api_gc_in_flight: int = Field(
        default=0, alias="STAKEGRAPH_API_GC_IN_FLIGHT", ge=0,
        description="other requests still in flight that let that collection go ahead",
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

    # Apps on other origins, rate limits, trusted documents (see api/README.md, "Apps").
    api_cors_origins: str = Field(
        default="", alias="STAKEGRAPH_API_CORS_ORIGINS",
        description="comma-separated origins whose pages may call the API (none by default; "
        "the API's own GraphiQL is same-origin); * for any (then without credentials)",
    )
    api_cors_credentials: bool = Field(
        default=False, alias="STAKEGRAPH_API_CORS_CREDENTIALS",
        description="let listed origins send cookies or HTTP authentication (never with *)",
    )
    api_cors_max_age: int = Field(
        default=600, alias="STAKEGRAPH_API_CORS_MAX_AGE", ge=0, le=86_400,
        description="how long a browser may cache a preflight answer (seconds)",
    )
    api_rate_anonymous: str = Field(
        default="", alias="STAKEGRAPH_API_RATE_ANONYMOUS",
        description="requests per caller address without a credential, e.g. 60/min (empty: "
        "unlimited)",
    )
    api_rate_reader: str = Field(default="", alias="STAKEGRAPH_API_RATE_READER",
                                 description="requests per reader key or token, e.g. 600/min")
    api_rate_editor: str = Field(default="", alias="STAKEGRAPH_API_RATE_EDITOR",
                                 description="requests per editor key or token")
    api_rate_admin: str = Field(default="", alias="STAKEGRAPH_API_RATE_ADMIN",
                                description="requests per admin key or token")
    api_state_dir: Path | None = Field(
        default=None, alias="STAKEGRAPH_API_STATE_DIR",
        description="a directory the workers of one host share (rate-limit table, metrics); "
        "`stakegraph serve` makes a fresh one when unset",
    )
    api_trusted_documents: bool = Field(
        default=False, alias="STAKEGRAPH_API_TRUSTED_DOCUMENTS",
        description="run only registered documents (by id or by the hash of their text)",
    )
    api_trusted_documents_file: Path | None = Field(
        default=None, alias="STAKEGRAPH_API_TRUSTED_DOCUMENTS_FILE",
        description="a JSON manifest of trusted documents: {sha256: document} or Apollo's "
        "persisted query manifest",
    )
    api_trusted_exempt: str = Field(
        default="", alias="STAKEGRAPH_API_TRUSTED_EXEMPT",
        description="who may still send any document in trusted mode: admin, graphiql "
        "(comma-separated; none by default)",
    )
    # Operability: metrics, logs, traces.
    api_metrics: bool = Field(default=True, alias="STAKEGRAPH_API_METRICS",
                              description="serve /metrics (Prometheus text format)")
    api_log_format: str = Field(default="json", alias="STAKEGRAPH_API_LOG_FORMAT",
                                pattern=r"^(json|text)$")
    api_log_level: str = Field(default="INFO", alias="STAKEGRAPH_API_LOG_LEVEL",
                               pattern=r"^(?i:debug|info|warning|error)$")
    api_access_log: bool = Field(
        default=False, alias="STAKEGRAPH_API_ACCESS_LOG",
        description="one log line per HTTP request (method, path, status, operation, time)",
    )
    otel_endpoint: str | None = Field(
        default=None, alias="OTEL_EXPORTER_OTLP_ENDPOINT",
        description="OTLP/HTTP collector; traces are exported to <it>/v1/traces (off if unset)",
    )
    otel_traces_endpoint: str | None = Field(
        default=None, alias="OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        description="the full OTLP/HTTP traces URL, if not <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces",
    )
    otel_service_name: str = Field(default="stakegraph-api", alias="OTEL_SERVICE_NAME")

    @field_validator("api_rate_anonymous", "api_rate_reader", "api_rate_editor",
                     "api_rate_admin")
    @classmethod
    def _rate(cls, value: str) -> str:
        if parse_rate(value) is None and value.strip() not in ("", "0", "off"):
            raise ValueError("expected N/s, N/min, N/h or N/<seconds>s, e.g. 600/min")
        return value

    @property
    def cors_origins(self) -> list[str]:
        """Returns the origins allowed to call the API from a browser."""
        return [o.strip().rstrip("/") for o in self.api_cors_origins.split(",") if o.strip()]

    @property
    def trusted_exempt(self) -> frozenset[str]:
        """Returns who is exempt from trusted-documents mode (``admin``, ``graphiql``)."""
        return frozenset(w.strip().lower() for w in self.api_trusted_exempt.split(",")
                         if w.strip())

    @property
    def traces_endpoint(self) -> str | None:
        """Returns the OTLP/HTTP URL spans are exported to, or None when tracing is off."""
        if self.otel_traces_endpoint:
            return self.otel_traces_endpoint
        if self.otel_endpoint:
            return self.otel_endpoint.rstrip("/") + "/v1/traces"
        return None

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
