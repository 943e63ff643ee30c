#!/usr/bin/env bash
# Re-vendor the browser scripts the site ships, from the npm registry at pinned versions.
# The site never loads scripts from another host: these files are committed under docs/assets/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
TABLESORT=5.7.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "tablesort@$TABLESORT" --silent >/dev/null && tar xzf "tablesort-$TABLESORT.tgz")
dest=docs/assets/vendor/tablesort
mkdir -p "$dest"
cp "$tmp/package/dist/tablesort.min.js" "$tmp/package/dist/sorts/tablesort.number.min.js" "$tmp/package/LICENCE" "$dest/"
echo "tablesort $TABLESORT vendored into $dest"
