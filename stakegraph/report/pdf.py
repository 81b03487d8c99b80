"""Printing a report page to PDF with headless Chromium (A4, as the page's own @page rule sets)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from stakegraph.schema.errors import SetupError, StakegraphError

# Tried in this order when STAKEGRAPH_CHROMIUM is not set.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT_S = 180


def find_chromium(configured: str | None) -> str:
    """Returns the Chromium executable to print with; SetupError when there is none."""
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise SetupError(f"STAKEGRAPH_CHROMIUM={configured!r} is not an executable")
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise SetupError("writing a PDF needs Chromium (e.g. `apt-get install chromium`), or "
                     "STAKEGRAPH_CHROMIUM naming a Chrome or Chromium executable; "
                     "an .html report needs nothing")


def print_pdf(page: str, out: Path, chromium: str) -> None:
    """Writes ``page`` (a self-contained HTML document) to ``out`` as a PDF (returns nothing).

    The page is printed from a temporary file with networking switched off, so nothing is
    fetched; Chromium gets a profile of its own, so it never meets a running browser's.
    """
    with tempfile.TemporaryDirectory(prefix="stakegraph-report-") as work:
        source = Path(work) / "report.html"
        source.write_text(page, encoding="utf-8")
        target = Path(work) / "report.pdf"
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={work}/profile",
            # Any request would go to a proxy that does not exist: nothing leaves the machine.
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=PRINT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise StakegraphError(f"Chromium did not print the report within "
                                  f"{PRINT_TIMEOUT_S} s") from exc
        if done.returncode != 0 or not target.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise SetupError(f"Chromium could not print the report ({detail[0]})")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), out)
