#!/usr/bin/env bash
# Smoke test of bench/shards (ctest shards_smoke, label bench): one run on the
# sample corpus in data/sample (three months, so three shards behind two
# xapian-tcpsrv processes), then checks that every layout was timed and
# matched as many documents as one database.
#
#   bench/shards_test.sh BUILD_DIR
set -euo pipefail

src="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -eq 1 ] || { echo "usage: shards_test.sh BUILD_DIR" >&2; exit 2; }
build="$1"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/shards-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "shards_test: $*" >&2
  cat "$tmp/table.txt" >&2 || true
  exit 1
}

cat "$src"/data/sample/*.jsonl >"$tmp/sample.jsonl"
"$src/bench/shards" --corpus "$tmp/sample.jsonl" --repeat 1 --servers 2 \
  --out "$tmp/out" --build "$build" >"$tmp/table.txt" || fail "bench/shards failed"

results="$tmp/out/results.tsv"
[ -s "$results" ] || fail "no results.tsv"
for queries in all month; do
  for facets in 0 1; do
    one=$(awk -F'\t' -v q="$queries" -v f="$facets" '$1 == q && $2 == f && $3 == "one" { print $6 }' "$results")
    [ -n "$one" ] || fail "no $queries/$facets row for one database"
    for layout in local remote; do
      grep -qP "^$queries\t$facets\t$layout\t[0-9.]+\t[0-9.]+\t$one\$" "$results" ||
        fail "$layout shards: no timing, or matches per query differ from one database's ($one)"
    done
  done
done
echo "shards_test: ok"
