#!/usr/bin/env bash
# mypy cannot follow setuptools' package-dir mapping, so build a tree of links that mirrors the
# installed layout (stakegraph/ with schema, loaders, queries, api inside) and check that.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tree="$root/build/typecheck-$$"
find "$root/build" -maxdepth 1 -name "typecheck-*" -mmin +30 -exec rm -rf {} + 2>/dev/null || true
mkdir -p "$tree/stakegraph"
for entry in "$root"/stakegraph/*; do
  ln -s "$entry" "$tree/stakegraph/$(basename "$entry")"
done
for pkg in schema loaders queries api; do
  [ -d "$root/$pkg" ] && ln -s "$root/$pkg" "$tree/stakegraph/$pkg"
done
echo "$tree"
