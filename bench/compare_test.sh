#!/usr/bin/env bash
# Smoke test of bench/compare (ctest compare_smoke, label bench): one run on
# the sample corpus in data/sample (65 records, a few seconds), then checks
# that results.tsv and compare.png were written and that the table has
# every system.
#
#   bench/compare_test.sh BUILD_DIR
set -euo pipefail

src="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -eq 1 ] || { echo "usage: compare_test.sh BUILD_DIR" >&2; exit 2; }
build="$1"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/compare-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "compare_test: $*" >&2
  cat "$tmp/table.txt" >&2 || true
  exit 1
}

cat "$src"/data/sample/*.jsonl >"$tmp/sample.jsonl"
"$src/bench/compare" --corpus "$tmp/sample.jsonl" --runs 1 --repeat 2 \
  --out "$tmp/out" --build "$build" >"$tmp/table.txt" || fail "bench/compare failed"

results="$tmp/out/results.tsv"
[ -s "$results" ] || fail "no results.tsv"
[ "$(head -c 4 "$tmp/out/compare.png" | tail -c 3)" = PNG ] || fail "compare.png is not a PNG"
for system in newsindex fts5 scriptindex; do
  grep -qP "^build_s\t$system\t-\t[0-9.]+\t" "$results" || fail "no build time of $system"
  grep -qP "^compact_mb\t$system\t-\t[0-9.]+\t" "$results" || fail "no compacted size of $system"
done
for system in newsearch newsearch-serve xapian fts5; do
  for facets in 0 1; do
    grep -qP "^p50_ms\t$system\t$facets\t[0-9.]+\t" "$results" ||
      fail "no p50 of $system with facets $facets"
    grep -qP "^hits_per_query\t$system\t$facets\t[1-9]" "$results" ||
      fail "$system found nothing with facets $facets"
  done
  [ "$(grep -c "^  $system " "$tmp/table.txt")" -eq 2 ] || fail "table lacks $system"
done
grep -q "newsindex/FTS5" "$tmp/table.txt" || fail "table lacks the ratios"
echo "compare_test: ok"
