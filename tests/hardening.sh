#!/usr/bin/env bash
# The hardening checks, after the normal build and suite (README, "Tests"):
#   1. the whole suite built with AddressSanitizer + UndefinedBehaviorSanitizer
#   2. the tests whose threads search while others index, under ThreadSanitizer
#   3. every libFuzzer target for FUZZ_SECONDS (default 60) each, with ASan
#      and UBSan, from the seed corpora in tests/fuzz/corpus (same tree as 1)
#   4. clang-tidy and cppcheck (tests/static/run.sh)
# Each step stops the run on the first failure.
#   bash tests/hardening.sh [asan|fuzz|tsan|static]...   (default: all four)
#   bash tests/hardening.sh ci    (what .ci/run runs: a few minutes)
# `ci` is the subset: the tests labelled `core` (the parsers' fuzz corpora
# and regressions replayed, the writer, the searcher, hostile input) under
# ASan + UBSan, and those of them also labelled `threads` under TSan; only
# the programs those tests need are built.
# Build trees: build-asan (clang), build-tsan, build-tidy beside build.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
cd "$src"
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(asan fuzz tsan static)
fuzz_seconds="${FUZZ_SECONDS:-60}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$src/tests/sanitizers/ubsan.supp"
export LSAN_OPTIONS="suppressions=$src/tests/sanitizers/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$src/tests/sanitizers/tsan.supp"

# The programs of the tests labelled `threads` (tests/CMakeLists.txt): the
# pool and searches under commits, the server's workers, the writer's shard
# threads, the taxonomy. Only these are built in build-tsan.
tsan_tests='database_pool_test http_test http_hostile_test faults_test index_writer_test time_shards_test shard_search_test topic_tagger_test reindex_test'

step() { echo; echo "=== hardening: $* ($(date -u +%H:%M:%S))"; }

# One clang tree serves both the ASan suite and the fuzzers: the libraries
# are built once with ASan, UBSan and libFuzzer's coverage hooks.
fuzz_targets="news_record_fuzz page_text_fuzz feed_fuzz html_article_fuzz dates_fuzz query_fuzz http_params_fuzz"
# -O1 -g1 (line tables): the usual sanitizer build, quicker to
# compile as -O2 -g, with file:line in every report.
sanitizer_flags=(-DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -g1"
                 -DNEWSEARCH_BUILD_BENCH=OFF)
configure_asan() {
  CC=clang CXX=clang++ cmake -S . -B build-asan "${sanitizer_flags[@]}" \
    -DNEWSEARCH_SANITIZE=address,undefined -DNEWSEARCH_BUILD_FUZZERS=ON >/dev/null
}
configure_tsan() {
  cmake -S . -B build-tsan "${sanitizer_flags[@]}" \
    -DNEWSEARCH_SANITIZE=thread >/dev/null
}

for s in "${steps[@]}"; do
  case "$s" in
    asan)
      step "AddressSanitizer + UBSan: the whole suite (clang)"
      configure_asan
      cmake --build build-asan -j2 >build-asan.log 2>&1 ||
        { tail -50 build-asan.log; exit 1; }
      ctest --test-dir build-asan --output-on-failure -j2 --timeout 900
      ;;
    ci)
      configure_asan
      step "AddressSanitizer + UBSan: the tests labelled core"
      cmake --build build-asan -j2 --target core_tests \
        >build-asan.log 2>&1 || { tail -50 build-asan.log; exit 1; }
      ctest --test-dir build-asan --output-on-failure -j2 --timeout 900 -L core
      configure_tsan
      step "ThreadSanitizer: the tests labelled core and threads"
      cmake --build build-tsan -j2 --target core_threads_tests \
        >build-tsan.log 2>&1 || { tail -50 build-tsan.log; exit 1; }
      ctest --test-dir build-tsan --output-on-failure -j2 --timeout 900 \
        -L core -L threads
      ;;
    tsan)
      step "ThreadSanitizer: $tsan_tests"
      configure_tsan
      cmake --build build-tsan -j2 --target newsindex newsearch $tsan_tests \
        >build-tsan.log 2>&1 || { tail -50 build-tsan.log; exit 1; }
      # Label `threads` (tests/CMakeLists.txt) marks exactly these.
      ctest --test-dir build-tsan --output-on-failure -j2 --timeout 900 -L threads
      ;;
    fuzz)
      step "libFuzzer: ${fuzz_seconds}s per target"
      configure_asan
      cmake --build build-asan -j2 --target $fuzz_targets >build-fuzz.log 2>&1 ||
        { tail -50 build-fuzz.log; exit 1; }
      bash tests/fuzz/run_fuzzers.sh build-asan "$fuzz_seconds"
      ;;
    static)
      step "clang-tidy and cppcheck"
      bash tests/static/run.sh "$src/build-tidy"
      ;;
    *) echo "hardening: unknown step '$s' (asan, tsan, fuzz, static, ci)" >&2; exit 2 ;;
  esac
done
step "all passed: ${steps[*]}"
