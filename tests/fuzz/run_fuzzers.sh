#!/usr/bin/env bash
# Runs every libFuzzer target of a build configured with
# -DNEWSEARCH_BUILD_FUZZERS=ON (see CMakeLists.txt here) for SECONDS each,
# from a temporary copy of its seed corpus (corpus/ in the repository is
# never written), and prints per target the runs, the coverage gained and
# the result. Exits non-zero on any crash, leak, timeout or out-of-memory,
# with the path of the input that caused it (copy it into regressions/NAME/
# and fix the parser). Set KEEP=1 to keep the working directory.
#
#   tests/fuzz/run_fuzzers.sh /tmp/build-fuzz 60
set -u -o pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS_PER_TARGET" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/newsearch-fuzz-XXXXXX)

# target:max_len
targets=(news_record:16384 page_text:65536 feed:65536 html_article:65536
         dates:256 query:2048 http_params:8192)

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$here/../sanitizers/ubsan.supp:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$here/../sanitizers/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"

failed=0
printf '%-14s %10s %8s %8s %8s  %s\n' target runs exec/s cov+ ft+ result
for entry in "${targets[@]}"; do
  name=${entry%%:*}
  max_len=${entry##*:}
  bin=$(find "$build" -name "${name}_fuzz" -type f -perm -u+x | head -1)
  if [[ -z $bin ]]; then
    printf '%-14s %s\n' "$name" "MISSING (${name}_fuzz not built)"
    failed=1
    continue
  fi
  dir=$work/$name
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "$here/corpus/$name/"* "$dir/corpus/"
  # Targets whose parser has test fixtures also start from those (kept in
  # one place, tests/data; same list as tests/CMakeLists.txt's replays).
  case $name in
    html_article) cp "$here/../data/pages/"* "$dir/corpus/" ;;
    feed) cp "$here/../data/feeds/"* "$dir/corpus/" ;;
  esac
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
        -max_len="$max_len" -detect_leaks=1 -print_final_stats=1
        -artifact_prefix="$dir/artifacts/")
  [[ -f $here/$name.dict ]] && args+=(-dict="$here/$name.dict")
  "$bin" "${args[@]}" "$dir/corpus" >"$dir/log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(grep -o 'exec/s: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
  cov0=$(grep -m1 'INITED' "$dir/log" | grep -o 'cov: [0-9]*' | cut -d' ' -f2)
  cov1=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
  ft0=$(grep -m1 'INITED' "$dir/log" | grep -o 'ft: [0-9]*' | cut -d' ' -f2)
  ft1=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
  result=ok
  if [[ $rc -ne 0 ]]; then
    failed=1
    if grep -q 'ERROR: LeakSanitizer' "$dir/log"; then result=LEAK
    elif grep -q 'ALARM: working on the last Unit' "$dir/log"; then
      result=TIMEOUT
    elif grep -q 'out-of-memory' "$dir/log"; then result=OOM
    else result="CRASH (exit $rc)"
    fi
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/log" |
               tail -1)
    result="$result: ${artifact:-no artifact}; log $dir/log"
  fi
  printf '%-14s %10s %8s %8s %8s  %s\n' "$name" "${runs:-?}" "${rate:-?}" \
    "$(( ${cov1:-0} - ${cov0:-0} ))" "$(( ${ft1:-0} - ${ft0:-0} ))" "$result"
done

if [[ $failed -ne 0 || ${KEEP:-0} == 1 ]]; then
  echo "working directory kept: $work"
else
  rm -rf "$work"
fi
exit $failed
