"""GraphiQL's browser files, pinned: which npm packages, which files of them, and their fetch.

The API serves the GraphiQL page and everything it loads itself, so the page works on networks
that block public CDNs. The files are not committed (third-party builds): ``make setup`` and the
Dockerfile run this file as a script, which downloads each pinned tarball from the npm registry,
checks it against the registry's published sha512 integrity pinned here, and writes the files
and their licence texts into a git-ignored folder (``api/graphiql``) that the API serves and the
wheel includes. Standard library only, so it runs before the package is installed.

Usage: ``python3 api/graphiql_assets.py DEST_DIR`` (does nothing when DEST_DIR already holds
this exact set; ``NPM_CONFIG_REGISTRY`` names a registry mirror).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEFAULT_REGISTRY = "https://registry.npmjs.org"
STAMP = ".fetched"


@dataclass(frozen=True)
class NpmPackage:
    """One pinned npm release and the files taken from its tarball (path in the tarball under
    ``package/``, name served)."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball: "sha512-" + base64
    files: tuple[tuple[str, str], ...]

    @property
    def tarball(self) -> str:
        """Returns the tarball's path on the registry, e.g. ``react/-/react-18.3.1.tgz``."""
        return f"{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"


# GraphiQL 4 is the newest line published with browser (UMD) builds; 5 ships ES modules only.
# React 18 is the newest with UMD builds. The explorer plugin's tarball has no licence file: it
# comes from the GraphiQL repository under GraphiQL's MIT licence, and it bundles graphiql-explorer,
# whose tarball is fetched for its licence alone.
PACKAGES: tuple[NpmPackage, ...] = (
    NpmPackage(
        "react", "18.3.1",
        "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        (("umd/react.production.min.js", "react.production.min.js"),
         ("LICENSE", "LICENSE-react")),
    ),
    NpmPackage(
        "react-dom", "18.3.1",
        "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        (("umd/react-dom.production.min.js", "react-dom.production.min.js"),
         ("LICENSE", "LICENSE-react-dom")),
    ),
    NpmPackage(
        "graphiql", "4.1.2",
        "sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg==",
        (("graphiql.min.js", "graphiql.min.js"), ("graphiql.min.css", "graphiql.min.css"),
         ("LICENSE", "LICENSE-graphiql")),
    ),
    NpmPackage(
        "@graphiql/plugin-explorer", "4.0.6",
        "sha512-TppIi92YPER3v70nlF01KTQrq9AiYqkZicSd1hpU7aqGmbqw/pLwBNLUEcfENBoJtw574Qxjswb01+GaYK0Tzw==",
        (("dist/index.umd.js", "plugin-explorer.umd.js"),
         ("dist/style.css", "plugin-explorer.css")),
    ),
    NpmPackage(
        "graphiql-explorer", "0.9.0",
        "sha512-fZC/wsuatqiQDO2otchxriFO0LaWIo/ovF/CQJ1yOudmY0P7pzDiP+l9CEHUiWbizk3e99x6DQG4XG1VxA+d6A==",
        (("LICENSE", "LICENSE-graphiql-explorer"),),
    ),
)

# The page loads these, in this order (scripts after the style sheets).
STYLESHEETS: tuple[str, ...] = ("graphiql.min.css", "plugin-explorer.css")
SCRIPTS: tuple[str, ...] = (
    "react.production.min.js", "react-dom.production.min.js", "graphiql.min.js",
    "plugin-explorer.umd.js",
)


class FetchError(RuntimeError):
    """A download failed or a tarball does not match its pinned integrity."""


def fingerprint() -> str:
    """Returns a digest of the pins: the stamp that says a folder holds exactly this set."""
    text = json.dumps([[p.name, p.version, p.integrity, p.files] for p in PACKAGES])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def versions() -> dict[str, str]:
    """Returns the pinned version of each package by name."""
    return {p.name: p.version for p in PACKAGES}


def is_complete(folder: Path) -> bool:
    """Returns True when ``folder`` holds the files of exactly the pinned set."""
    stamp = folder / STAMP
    try:
        return stamp.read_text().strip() == fingerprint() and all(
            (folder / served).is_file() for p in PACKAGES for _, served in p.files
        )
    except OSError:
        return False


def check_integrity(data: bytes, integrity: str) -> None:
    """Returns nothing when ``data`` has the ``sha512-<base64>`` digest; raises FetchError."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise FetchError(f"unsupported integrity {integrity!r} (sha512 expected)")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise FetchError(f"integrity mismatch: expected sha512-{expected}, got sha512-{actual}")


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            data: bytes = response.read()
            return data
    except OSError as exc:
        raise FetchError(f"could not download {url}: {exc}") from exc


def extract(package: NpmPackage, tarball: bytes, into: Path) -> None:
    """Writes the package's chosen files from its (already checked) tarball into ``into``."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for inner, served in package.files:
            member = archive.extractfile(f"package/{inner}")
            if member is None:
                raise FetchError(f"{package.name}@{package.version} has no file {inner}")
            (into / served).write_bytes(member.read())


def fetch(dest: Path, registry: str = DEFAULT_REGISTRY) -> bool:
    """Returns False when ``dest`` already holds the pinned set, else fetches, checks and writes
    it (replacing the folder whole, so a failure never leaves half a set) and returns True."""
    if is_complete(dest):
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".graphiql-", dir=dest.parent))
    staging.chmod(0o755)  # served to everyone: mkdtemp's private mode would hide it
    try:
        for package in PACKAGES:
            url = f"{registry.rstrip('/')}/{package.tarball}"
            tarball = _download(url)
            try:
                check_integrity(tarball, package.integrity)
            except FetchError as exc:
                raise FetchError(f"{url}: {exc}") from exc
            extract(package, tarball, staging)
        (staging / STAMP).write_text(fingerprint() + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return True


def main(argv: list[str]) -> int:
    """Returns the exit status of ``python3 api/graphiql_assets.py DEST_DIR``."""
    if len(argv) != 2:
        print("usage: graphiql_assets.py DEST_DIR", file=sys.stderr)
        return 2
    dest = Path(argv[1])
    if is_complete(dest):
        return 0
    pins = ", ".join(f"{n} {v}" for n, v in versions().items() if not n.startswith("graphiql-"))
    print(f"Fetching GraphiQL's files from the npm registry ({pins}; sha512 checked)...")
    try:
        fetch(dest, os.environ.get("NPM_CONFIG_REGISTRY") or DEFAULT_REGISTRY)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
