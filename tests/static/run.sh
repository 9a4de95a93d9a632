#!/usr/bin/env bash
# Static analysis of every source file CMake compiles: clang-tidy with the
# checked-in .clang-tidy, and cppcheck with tests/static/cppcheck.supp.
# Any finding fails.
#   tests/static/run.sh [BUILD_DIR]   (default build-tidy; configured here)
# Only the project's own files are analysed: generated sources (the
# compiled-in web assets) and Debian's headers are not.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build-tidy}"
jobs="$(nproc)"

cmake -S "$src" -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DNEWSEARCH_BUILD_TESTS=ON -DNEWSEARCH_BUILD_BENCH=ON >/dev/null
mkdir -p "$build/static"
/usr/bin/python3 - "$src" "$build/compile_commands.json" \
  "$build/static/compile_commands.json" <<'PY'
import json, sys
src, full, out = sys.argv[1] + "/", sys.argv[2], sys.argv[3]
commands = [c for c in json.load(open(full))
            if c["file"].startswith(src) and
            not c["file"].startswith(sys.argv[2].rsplit("/", 1)[0])]
json.dump(commands, open(out, "w"))
print(f"static analysis: {len(commands)} files")
PY

status=0
echo "== cppcheck"
cppcheck --project="$build/static/compile_commands.json" --std=c++17 \
  --library=googletest --enable=warning,performance,portability \
  --suppressions-list="$src/tests/static/cppcheck.supp" --inline-suppr \
  --error-exitcode=1 -q -j "$jobs" || status=1

echo "== clang-tidy"
# The product's sources (common/, indexer/, searcher/): at about 8 s of CPU
# a file, tests and benchmarks too would double CI's time; cppcheck above
# reads them all.
files=$(/usr/bin/python3 -c 'import json,sys,re
src = sys.argv[2] + "/"
print("\n".join(sorted({c["file"] for c in json.load(open(sys.argv[1]))
                        if re.match(re.escape(src) + "(common|indexer|searcher)/",
                                    c["file"])})))' \
  "$build/static/compile_commands.json" "$src")
# Every warning is an error (.clang-tidy); a finding is any line that
# names one of our files with "error:" or "warning:" (colours stripped).
run-clang-tidy -quiet -j "$jobs" -p "$build/static" $files 2>&1 |
  sed 's/\x1b\[[0-9;]*m//g' >"$build/static/clang-tidy.log" || true
# Only findings located in our files count: the analyzer also reports inside
# Debian's headers (RapidJSON's placement new, reached from our calls).
if grep -qE "^$src/.*: (error|warning):" "$build/static/clang-tidy.log"; then
  grep -E -A3 "^$src/.*: (error|warning):" "$build/static/clang-tidy.log"
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "static analysis: findings above (full log: $build/static/clang-tidy.log)"
else
  echo "static analysis: clean"
fi
exit "$status"
