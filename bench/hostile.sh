#!/usr/bin/env bash
# Runs emrguard on each hostile input of issue 21 and prints one line per
# input: exit code, wall time, peak RSS, failing results, whether the
# report or stderr leaked, and the report's first input error (else the
# first line emrguard printed on stderr).
# Usage: bench/hostile.sh [LIMIT_SECONDS] [ADDRESS_SPACE_MIB]
# (EMRGUARD_BIN=PATH runs that binary instead of building one.)
#
# The inputs are generated into a temporary folder (bench/hostile_gen.py)
# and emrguard is built once. Every run is bounded so that a regression
# cannot take the machine down: killed after LIMIT_SECONDS (default 120),
# and its address space capped with prlimit --as (default 4096 MiB; a run
# over it dies, it does not swap). Standard output is always a pipe, as in
# CI. EMRGUARD_CANARY is set in emrguard's environment: a report holding
# its value leaked the environment. "leak" names any marker of a file
# outside the scanned tree (or root:x:0:0, the canary, the hostname) found
# in the report or on stderr; "fail" counts failing results, which for the
# suppression inputs must not be 0 (code nobody reviewed silenced nothing).
set -uo pipefail
cd "$(dirname "$0")/.."
limit=${1:-120}
asmib=${2:-4096}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${EMRGUARD_BIN:-}" ]; then # an existing binary, e.g. to compare
  cp "$EMRGUARD_BIN" "$work/emrguard" || exit 1
else
  go build -o "$work/emrguard" ./cmd/emrguard || exit 1
fi
export EMRGUARD_CANARY="canary-$$-$RANDOM-e1b7"
python3 bench/hostile_gen.py "$work/in" >"$work/cases" || exit 1

printf '%-36s %4s %8s %9s %6s %-6s %s\n' input exit time_s peak_MiB fail leak first-error-or-stderr-line
while IFS=$'\t' read -r name dir args stdin markers; do
  in=/dev/null
  [ "$stdin" = - ] || in="$dir/$stdin"
  # shellcheck disable=SC2086 # args are words
  (cd "$dir" && /usr/bin/time -f '%e %M' -o "$work/time" \
    timeout -k 5 "$limit" prlimit --as=$((asmib << 20)) \
    "$work/emrguard" scan $args --format json --fail-on none <"$in" 2>"$work/err" | cat >"$work/out")
  rc=$? # emrguard's (pipefail), or timeout's 124/137
  # time writes "Command exited with non-zero status N" first when N≠0.
  secs=$(tail -1 "$work/time" | cut -d' ' -f1)
  kib=$(tail -1 "$work/time" | cut -d' ' -f2)
  # The failing results, and the report's first input error (a scan
  # writes its errors into the report, not on stderr).
  read -r fails firsterr < <(python3 -c 'import json,sys
try: r = json.load(open(sys.argv[1]))
except Exception: print("- "); sys.exit()
e = r.get("errors") or [{}]
at = e[0].get("file") or e[0].get("call") or ""
if e[0].get("line"): at += ":%d" % e[0]["line"]
print(r["summary"]["by_verdict"].get("fail", 0), (at + ": " if at else "") + e[0].get("message", "").replace("\n", " "))' "$work/out")
  leak=no
  IFS='|' read -ra ms <<<"$markers"
  for m in "${ms[@]}" "$EMRGUARD_CANARY" root:x:0:0; do
    [ -n "$m" ] || continue
    if grep -qF -- "$m" "$work/out" "$work/err"; then leak=LEAK; fi
  done
  first=$firsterr
  [ -n "$first" ] || first=$(head -1 "$work/err")
  first=$(echo "$first" | sed "s|$work/in/[^/]*/||g" | cut -c1-110)
  printf '%-36s %4s %8s %9s %6s %-6s %s\n' "$name" "$rc" "$secs" "$((kib / 1024))" "$fails" "$leak" "$first"
done <"$work/cases"
