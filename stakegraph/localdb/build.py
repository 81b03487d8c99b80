"""Builds the Java launcher with Maven once and caches the result by the sources' fingerprint."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stakegraph.localdb.maven_progress import FetchProgress
from stakegraph.schema.errors import SetupError

# Called once when a build starts, then whenever a download starts or finishes.
ProgressCallback = Callable[[FetchProgress], None]

SOURCE_DIR = Path(__file__).parent / "launcher"
_SOURCES = (
    "pom.xml",
    "src/main/java/org/stakegraph/launcher/Main.java",
    "src/main/java/org/stakegraph/launcher/browser/BrowserFiles.java",
)
MAIN_CLASS = "org.stakegraph.launcher.Main"


@dataclass(frozen=True)
class LauncherBuild:
    """Where a finished launcher build lives."""

    root: Path

    @property
    def jars(self) -> list[Path]:
        """Returns the launcher jar followed by every runtime dependency jar."""
        target = self.root / "target"
        return sorted(target.glob("stakegraph-neo4j-launcher-*.jar")) + sorted(
            (target / "lib").glob("*.jar")
        )

    @property
    def plugin_jars(self) -> list[Path]:
        """Returns the jars Neo4j must also find in its plugins directory: APOC's and the GDS
        modules that hold procedures and functions (see the launcher's pom.xml)."""
        return sorted((self.root / "target" / "plugins").glob("*.jar"))

    @property
    def classpath(self) -> str:
        """Returns the Java class path of the launcher."""
        return ":".join(str(jar) for jar in self.jars)


def fingerprint() -> str:
    """Returns a short hash of the launcher sources; a changed source means a new build."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update(name.encode())
        digest.update((SOURCE_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def require_tool(name: str, purpose: str) -> str:
    """Returns the path of an executable, or raises a one-line error saying what to install."""
    path = shutil.which(name)
    if path is None:
        raise SetupError(
            f"'{name}' was not found on PATH; {purpose} "
            "(Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven)."
        )
    return path


def ensure_launcher(cache_dir: Path, on_progress: ProgressCallback | None = None) -> LauncherBuild:
    """Returns the cached launcher build, building it with Maven first when there is none
    (``on_progress`` hears what Maven fetches from Maven Central)."""
    build = LauncherBuild(cache_dir / "launcher" / fingerprint())
    done = build.root / "BUILD-OK"
    if done.exists():
        return build
    build.root.parent.mkdir(parents=True, exist_ok=True)
    lock_path = build.root.parent / ".build.lock"
    with lock_path.open("w") as lock:
        # Tests, the CLI and CI may all ask for the launcher at once: one builds, the rest wait.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return build
        _run_maven(build.root, on_progress)
        done.write_text(fingerprint())
    return build


def _run_maven(root: Path, on_progress: ProgressCallback | None) -> None:
    mvn = require_tool("mvn", "Maven builds the local Neo4j launcher on first use")
    require_tool("java", "Java 17 runs the local Neo4j")
    if root.exists():
        shutil.rmtree(root)
    for name in _SOURCES:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE_DIR / name, target)
    log = root / "maven.log"
    progress = FetchProgress()
    if on_progress is not None:
        on_progress(progress)
    # Batch mode still names every download ("Downloading from central: URL", then
    # "Downloaded ... (12 MB at ...)"): the whole output goes to the log, those lines to progress.
    with log.open("w") as out, subprocess.Popen(
        [mvn, "-B", "-e", "-Dstyle.color=never", "package", "-f", str(root / "pom.xml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    ) as maven:
        assert maven.stdout is not None
        for line in maven.stdout:
            out.write(line)
            if progress.read(line) and on_progress is not None:
                on_progress(progress)
        returncode = maven.wait()
    if returncode != 0:
        lines = log.read_text(errors="replace").strip().splitlines()
        errors = [ln for ln in lines if ln.startswith("[ERROR]") and ln.strip() != "[ERROR]"]
        tail = " | ".join(errors[:3] or lines[-3:])
        raise SetupError(
            f"building the Neo4j launcher with Maven failed (see {log}): {tail[:400]}"
        )
