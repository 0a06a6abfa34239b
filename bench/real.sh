#!/usr/bin/env bash
# Fetch the public EMR files listed in bench/real.list into bench/corpus/real/ (git-ignored),
# each repository at its pinned commit, then (with SCAN=1) scan them one repository at a time
# and print the verdict counts and the unknown share.
#
#   bench/real.sh                 # fetch (needs git and github.com, or MIRROR)
#   SCAN=1 EMRGUARD=./emrguard bench/real.sh
#
# MIRROR=DIR reads DIR/OWNER+NAME/repo (a git directory holding the commit) instead of
# cloning from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/corpus/real
list=bench/real.list
mkdir -p "$out"
grep -v '^\s*\(#\|$\)' "$list" | while read -r repo commit paths; do
  dest=$out/${repo/\//+}
  [ -d "$dest" ] && continue
  src=${MIRROR:+$MIRROR/${repo/\//+}/repo}
  if [ -z "$src" ] || [ ! -d "$src" ]; then
    src=$(mktemp -d)
    git -C "$src" init -q
    git -C "$src" fetch -q --depth 1 "https://github.com/$repo" "$commit"
  fi
  mkdir -p "$dest.tmp"
  # shellcheck disable=SC2086 # paths are pathspecs, split on purpose
  # a snapshot mirror may lack large blobs outside the paths: git says so, harmlessly
  git -C "$src" archive "$commit" -- $paths 2> >(grep -v "invalid object" >&2) | tar -x -C "$dest.tmp"
  mv "$dest.tmp" "$dest"
  echo "$repo@${commit:0:12}: $(find "$dest" -type f | wc -l) files"
done
if [ "${SCAN:-0}" = 1 ]; then
  eg=${EMRGUARD:-emrguard}
  for d in "$out"/*/; do
    printf '%-55s ' "$(basename "$d")"
    { "$eg" scan --fail-on none "$d" 2>/dev/null || true; } | tail -1
  done
  { "$eg" scan --format json --fail-on none "$out" 2>/dev/null || true; } | python3 -c '
import json, sys, collections
r = json.load(sys.stdin)
c = collections.Counter(x["verdict"] for x in r["results"])
n = sum(c.values())
print("all: %d results, %s; unknown share %.1f%%; %d input errors" % (n, dict(c), 100.0 * c["unknown"] / max(n, 1), len(r["errors"])))'
fi
