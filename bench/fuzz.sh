#!/usr/bin/env bash
# Runs every fuzz target of the module for a while each, one after the
# other, and prints one line per target: executions, new inputs, and
# whether it failed (a failing input is kept under the package's
# testdata/fuzz, as go test does). Usage: bench/fuzz.sh [TIME] [PATTERN]
# TIME is a go test -fuzztime value (default 10m); PATTERN, when given,
# keeps the targets whose package or name matches it (grep -E).
# MINIMIZE (default 5s) bounds the minimization of each new input: at go's
# default (60s) a target whose seeds are whole templates showed "execs: 8
# (0/sec)" for minutes, busy minimizing (FuzzTemplateYAML), not hung.
set -uo pipefail
cd "$(dirname "$0")/.."
time=${1:-10m}
minimize=${MINIMIZE:-5s}
pattern=${2:-.}
status=0
while read -r file; do
  pkg=./$(dirname "$file")
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "$pkg $target" | grep -Eq -- "$pattern" || continue
    log=$(mktemp)
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$time" -fuzzminimizetime "$minimize" >"$log" 2>&1
    rc=$?
    last=$(grep -E 'fuzz: elapsed' "$log" | tail -1)
    execs=$(echo "$last" | sed -nE 's/.*execs: ([0-9]+).*/\1/p')
    new=$(echo "$last" | sed -nE 's/.*new interesting: ([0-9]+).*/\1/p')
    if [ $rc -eq 0 ]; then verdict=ok; else verdict=FAILED; status=1; fi
    printf '%-28s %-22s %-7s execs %-12s new %s\n' "$pkg" "$target" "$verdict" "${execs:-?}" "${new:-?}"
    [ $rc -eq 0 ] || sed -n '1,40p' "$log"
    rm -f "$log"
  done
done < <(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | sort)
exit $status
