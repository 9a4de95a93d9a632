#!/usr/bin/env bash
# Load test of `newsearch serve` on loopback with wrk (Debian: apt-get install
# wrk): requests/s and latency percentiles for concurrent clients replaying
# the benchmark queries (make_queries) as /api/search requests with exact
# month and topic facets, folded (the defaults). Prints wrk's report and the
# server's count of non-200 answers.
#
#   bench/load_test.sh                      # Reuters-21578, 16 clients, 10 s
#   bench/load_test.sh --connections 32 --duration 20s --db /tmp/reuters.db
#
# Options: --build DIR (default build; needs newsindex and newsearch, and
# make_queries unless --bench-build DIR has it: default build-bench when
# DIR has none), --corpus FILE (default ../shared/corpora/reuters21578.jsonl),
# --db DIR (reuse an index; default: build one in a scratch directory),
# --connections N (16), --duration D (10s), --server-threads N (32),
# --client-threads N (2).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="$here/build"
bench_build=""
corpus="$here/../shared/corpora/reuters21578.jsonl"
db=""
connections=16
duration=10s
server_threads=32
client_threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --bench-build) bench_build="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --server-threads) server_threads="$2"; shift 2 ;;
    --client-threads) client_threads="$2"; shift 2 ;;
    *) echo "load_test.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "load_test.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -f "$corpus" ] || { echo "load_test.sh: no corpus at $corpus" >&2; exit 1; }
if [ -z "$bench_build" ]; then
  bench_build="$build"
  [ -x "$build/bench/make_queries" ] || bench_build="$here/build-bench"
fi
for program in "$build/indexer/newsindex" "$build/searcher/newsearch" "$bench_build/bench/make_queries"; do
  [ -x "$program" ] || { echo "load_test.sh: $program is not built" >&2; exit 1; }
done

tmp="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ -z "$db" ]; then
  db="$tmp/db"
  echo "load_test.sh: indexing $corpus" >&2
  "$build/indexer/newsindex" --quiet --db "$db" "$corpus" || [ $? -eq 1 ]
fi
"$bench_build/bench/make_queries" "$corpus" 300 > "$tmp/queries.txt"
"$build/searcher/newsearch" serve --db "$db" --listen 127.0.0.1:0 \
  --port_file "$tmp/port" --threads "$server_threads" 2>"$tmp/server.log" &
server=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "load_test.sh: the server did not start" >&2; cat "$tmp/server.log" >&2; exit 1; }
port="$(cat "$tmp/port")"

cat > "$tmp/replay.lua" <<LUA
local queries = {}
for line in io.lines("$tmp/queries.txt") do
  queries[#queries + 1] = line:gsub(" ", "+")
end
local next_query = 0
request = function()
  next_query = next_query % #queries + 1
  return wrk.format("GET", "/api/search?q=" .. queries[next_query] ..
                    "&facets=date,topic&interval=month")
end
LUA

echo "load_test.sh: $connections clients for $duration against port $port ($(wc -l < "$tmp/queries.txt") queries, $server_threads server threads)" >&2
wrk --threads "$client_threads" --connections "$connections" \
  --duration "$duration" --latency --script "$tmp/replay.lua" \
  "http://127.0.0.1:$port"
echo "server: $(grep -c ' 200 ' "$tmp/server.log") answered 200, $(grep -vc ' 200 \|^newsearch: ' "$tmp/server.log") other"
