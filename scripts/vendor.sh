#!/usr/bin/env bash
# Re-vendor browser scripts from the npm registry at pinned versions, with their licences.
# The site never loads scripts from another host: tablesort is committed under docs/assets/vendor/.
# axe-core is for the browser tests only (tests/browser/vendor/); it is never part of the site.
set -euo pipefail
cd "$(dirname "$0")/.."
TABLESORT=5.7.1
AXE_CORE=4.14.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack "tablesort@$TABLESORT" --silent >/dev/null && tar xzf "tablesort-$TABLESORT.tgz")
dest=docs/assets/vendor/tablesort
mkdir -p "$dest"
cp "$tmp/package/dist/tablesort.min.js" "$tmp/package/dist/sorts/tablesort.number.min.js" "$tmp/package/LICENCE" "$dest/"
echo "tablesort $TABLESORT vendored into $dest"
rm -rf "$tmp/package"

(cd "$tmp" && npm pack "axe-core@$AXE_CORE" --silent >/dev/null && tar xzf "axe-core-$AXE_CORE.tgz")
dest=tests/browser/vendor/axe-core
mkdir -p "$dest"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$tmp/package/LICENSE-3RD-PARTY.txt" "$dest/"
echo "$AXE_CORE" > "$dest/VERSION"
echo "axe-core $AXE_CORE vendored into $dest"
