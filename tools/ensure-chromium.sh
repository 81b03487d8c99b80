#!/usr/bin/env bash
# The browser tests (network view, GraphiQL, Neo4j Browser) drive Debian's Chromium through
# Playwright. Install it when it is missing and we may (root, or passwordless sudo); otherwise
# stop with one line naming what to install, before any test runs.
set -euo pipefail
chromium=${STAKEGRAPH_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "make test needs Chromium ($chromium) for its browser tests: install Debian's package 'chromium' (sudo apt-get install chromium), then run make test again." >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests (once; about 100 MB)..."
log=$(mktemp)
# apt and debconf chatter goes to the log, shown only if the install fails.
if ! { "${as_root[@]}" apt-get update -qq &&
       "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
  tail -n 5 "$log" >&2
  echo "installing Debian's chromium failed (above); install it, then run make test again." >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
if [ ! -x "$chromium" ]; then
  echo "Debian's chromium package did not provide $chromium; install it, then run make test again." >&2
  exit 1
fi
