"""Starts, stops and reports on the local Neo4j instance kept under the stakegraph home."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable
from pydantic import BaseModel

from stakegraph.localdb.build import MAIN_CLASS, ProgressCallback, ensure_launcher, require_tool
from stakegraph.queries.browser_guide import GRASS_NAME, GUIDE_NAME, write_browser_files
from stakegraph.schema.errors import SetupError
from stakegraph.settings import Settings

USER = "neo4j"
_STATE_FILE = "stakegraph-instance.json"
_PASSWORD_FILE = "stakegraph-password"
_LOG_FILE = "logs/launcher.log"
_READY_FILE = "stakegraph-ready"  # written by the launcher once the password is applied
# Neo4j's HTTP connector serves the Browser style and guide here (the launcher's BrowserFiles,
# an unmanaged extension) from the home's browser/ folder, refreshed on every start.
BROWSER_FILES_PATH = "/stakegraph"
_BROWSER_FOLDER = "browser"

# Neo4j reaches into these JDK internals; without the flags Java 17 refuses at run time.
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dfile.encoding=UTF-8",
    "-Dlog4j2.disable.jmx=true",
)


class InstanceStatus(BaseModel):
    """What `stakegraph neo4j status --json` prints."""

    uri: str
    user: str
    password: str | None
    http: str
    browser: str
    style_url: str
    guide_url: str
    running: bool
    pid: int | None
    home: str


def password_file(settings: Settings) -> Path:
    """Returns the file holding the local instance's generated password."""
    return settings.local_home / _PASSWORD_FILE


def ensure_password(settings: Settings) -> str:
    """Returns the local instance's password, generating and saving one on first use."""
    path = password_file(settings)
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(password + "\n")
    return password


def _read_state(settings: Settings) -> dict[str, int] | None:
    path = settings.local_home / _STATE_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _is_our_process(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return MAIN_CLASS.encode() in cmdline


def free_port() -> int:
    """Returns a TCP port on 127.0.0.1 that nothing listens on right now (for private
    instances and servers of tests and benchmarks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _ready(settings: Settings, pid: int) -> bool:
    path = settings.local_home / _READY_FILE
    try:
        return path.read_text().strip() == str(pid)
    except OSError:
        return False


def _running_pid(settings: Settings) -> int | None:
    state = _read_state(settings)
    if state is None:
        return None
    pid = int(state.get("pid", 0))
    return pid if pid > 0 and _is_our_process(pid) else None


def status(settings: Settings) -> InstanceStatus:
    """Returns the local instance's addresses, credentials and whether it answers on Bolt."""
    state = _read_state(settings) or {}
    bolt_port = int(state.get("bolt_port", settings.bolt_port))
    http_port = int(state.get("http_port", settings.http_port))
    pid = _running_pid(settings)
    path = password_file(settings)
    http = f"http://127.0.0.1:{http_port}"
    return InstanceStatus(
        uri=f"bolt://127.0.0.1:{bolt_port}",
        user=USER,
        password=path.read_text().strip() if path.exists() else None,
        http=http,
        browser=f"{http}/browser/",
        style_url=f"{http}{BROWSER_FILES_PATH}/{GRASS_NAME}",
        guide_url=f"{http}{BROWSER_FILES_PATH}/{GUIDE_NAME}",
        running=pid is not None and _ready(settings, pid) and _port_open(bolt_port),
        pid=pid,
        home=str(settings.local_home),
    )


def _neo4j_settings(settings: Settings) -> list[str]:
    home = settings.local_home
    bolt = f"127.0.0.1:{settings.bolt_port}"
    http = f"127.0.0.1:{settings.http_port}"
    files = f"http://{http}{BROWSER_FILES_PATH}"
    return [
        f"server.bolt.listen_address={bolt}",
        f"server.bolt.advertised_address={bolt}",
        f"server.http.listen_address={http}",
        f"server.http.advertised_address={http}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        f"server.memory.pagecache.size={settings.pagecache}",
        # GDS reaches into kernel internals, as APOC does; neither loads without this.
        "dbms.security.procedures.unrestricted=apoc.*,gds.*",
        "dbms.usage_report.enabled=false",
        f"server.directories.import={home / 'import'}",
        "dbms.security.allow_csv_import_from_file_urls=true",
        "db.transaction.timeout=300s",
        # Browser opens styled, with the guide, on every login; it fetches both without
        # credentials, from a host it must be allowed to take remote content from.
        f"server.unmanaged_extension_classes=org.stakegraph.launcher.browser={BROWSER_FILES_PATH}",
        f"dbms.security.http_auth_allowlist=/,/browser.*,{BROWSER_FILES_PATH}/.*",
        "browser.remote_content_hostname_whitelist=127.0.0.1,localhost,guides.neo4j.com",
        "client.allow_telemetry=false",  # Browser sends no usage data to third parties
        f"browser.post_connect_cmd=style {files}/{GRASS_NAME}; play {files}/{GUIDE_NAME}",
    ]


def _install_browser_files(settings: Settings) -> None:
    """Writes the style and guide where the launcher serves them from (fresh on every start)."""
    write_browser_files(settings.local_home / _BROWSER_FOLDER)


def _check_ports_free(settings: Settings) -> None:
    for name, port, env in (
        ("Bolt", settings.bolt_port, "STAKEGRAPH_BOLT_PORT"),
        ("HTTP", settings.http_port, "STAKEGRAPH_HTTP_PORT"),
    ):
        if _port_open(port):
            raise SetupError(
                f"{name} port {port} is already taken by another program; "
                f"stop it or choose another port with {env}=..."
            )


def _log_tail(settings: Settings, lines: int = 4) -> str:
    log = settings.local_home / _LOG_FILE
    if not log.exists():
        return ""
    text = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    return " | ".join(text[-lines:])[:500]


def start(settings: Settings, on_progress: ProgressCallback | None = None) -> InstanceStatus:
    """Returns the running local instance, starting (and on first use building) it if needed;
    ``on_progress`` hears the first build's downloads."""
    current = status(settings)
    if current.running:
        return current
    if current.pid is not None:
        # Our process is alive but Bolt is not up yet: another caller is starting it.
        return _wait_until_ready(settings, None)
    _check_ports_free(settings)
    java = require_tool("java", "Java 17 runs the local Neo4j")
    build = ensure_launcher(settings.cache_dir, on_progress)
    home = settings.local_home
    for sub in ("plugins", "logs", "import", "conf"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    for jar in build.plugin_jars:
        if not (home / "plugins" / jar.name).exists():
            shutil.copy2(jar, home / "plugins" / jar.name)
    ensure_password(settings)
    _install_browser_files(settings)
    command = [
        java,
        f"-Xms{settings.heap}",
        f"-Xmx{settings.heap}",
        *JVM_FLAGS,
        "-cp",
        build.classpath,
        MAIN_CLASS,
        str(home),
        str(password_file(settings)),
        *_neo4j_settings(settings),
    ]
    with (home / _LOG_FILE).open("a") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # survives the CLI that started it
        )
    state = {"pid": process.pid, "bolt_port": settings.bolt_port, "http_port": settings.http_port}
    (home / _STATE_FILE).write_text(json.dumps(state))
    return _wait_until_ready(settings, process)


def _wait_until_ready(
    settings: Settings, process: subprocess.Popen[bytes] | None
) -> InstanceStatus:
    deadline = time.monotonic() + settings.start_timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SetupError(
                f"the local Neo4j exited with status {process.returncode} while starting: "
                f"{_log_tail(settings)}"
            )
        current = status(settings)
        if current.running and current.password and _bolt_answers(current):
            return current
        time.sleep(0.5)
    raise SetupError(
        f"the local Neo4j did not answer on Bolt within {settings.start_timeout_s:.0f} s "
        f"(raise STAKEGRAPH_NEO4J_START_TIMEOUT, or see {settings.local_home / _LOG_FILE})"
    )


def _bolt_answers(current: InstanceStatus) -> bool:
    assert current.password is not None
    try:
        with GraphDatabase.driver(current.uri, auth=(current.user, current.password)) as driver:
            driver.verify_connectivity()
    except (ServiceUnavailable, OSError):
        return False
    except (AuthError, ClientError) as exc:
        raise SetupError(
            f"the local Neo4j at {current.uri} refused the password kept in "
            f"{Path(current.home) / _PASSWORD_FILE}: {exc}"
        ) from exc
    return True


def stop(settings: Settings, timeout_s: float = 60.0) -> bool:
    """Returns True if a running local instance was stopped, False if none was running."""
    pid = _running_pid(settings)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _is_our_process(pid):
        time.sleep(0.2)
    if _is_our_process(pid):
        os.kill(pid, signal.SIGKILL)
    (settings.local_home / _STATE_FILE).unlink(missing_ok=True)
    return True
