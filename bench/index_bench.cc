// index_bench: builds a full index of the corpus with newsearch (what
// newsindex does) and with SQLite FTS5, side by side, a fresh on-disk
// database per iteration. Both sides parse the JSON of every line inside the
// timing. Reports docs/s (items_per_second), the documents indexed per pass
// and the database size in bytes.
//
//   build-bench/bench/index_bench --benchmark_counters_tabular=true
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"

namespace newsearch {
namespace bench {
namespace {

// Builds one database into `path`, returning the documents indexed.
using IndexBuilder = std::function<absl::StatusOr<int64_t>(
    const std::vector<std::string>&, const std::string&)>;

// Times `build` over the whole corpus; the scratch directory, the size
// measurement and the clean-up between passes stay outside the timing.
void RunIndexBenchmark(benchmark::State& state, IndexBuilder build,
                       const char* db_name) {
  const absl::StatusOr<Corpus>& corpus = SharedCorpus();
  if (!corpus.ok()) {
    state.SkipWithError(std::string(corpus.status().message()).c_str());
    return;
  }
  absl::StatusOr<std::unique_ptr<TempDir>> dir = TempDir::Create();
  if (!dir.ok()) {
    state.SkipWithError(std::string(dir.status().message()).c_str());
    return;
  }
  int64_t docs = 0;
  int64_t bytes = 0;
  int pass = 0;
  for (auto _ : state) {
    const std::string path = (*dir)->Path(absl::StrCat(db_name, "-", pass++));
    const absl::StatusOr<int64_t> indexed = build(corpus->lines, path);
    state.PauseTiming();
    if (!indexed.ok()) {
      state.SkipWithError(std::string(indexed.status().message()).c_str());
      break;
    }
    docs = *indexed;
    bytes = DiskBytes(path);
    RemoveAll(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(docs * state.iterations());
  state.counters["docs"] = static_cast<double>(docs);
  state.counters["db_bytes"] = static_cast<double>(bytes);
}

// newsindex with `options` (all features on by default).
IndexBuilder Newsearch(IndexWriterOptions options) {
  return [options](const std::vector<std::string>& lines,
                   const std::string& path) {
    return BuildNewsearchIndex(lines, path, options);
  };
}

void BM_IndexNewsearch(benchmark::State& state) {
  RunIndexBenchmark(state, Newsearch({}), "newsearch.db");
}

void BM_IndexNewsearchWithoutStories(benchmark::State& state) {
  IndexWriterOptions options;
  options.story_keys = false;
  RunIndexBenchmark(state, Newsearch(options), "newsearch-nostories.db");
}

void BM_IndexNewsearchWithoutSpelling(benchmark::State& state) {
  IndexWriterOptions options;
  options.spelling = false;
  RunIndexBenchmark(state, Newsearch(options), "newsearch-nospelling.db");
}

void BM_IndexFts5(benchmark::State& state) {
  RunIndexBenchmark(state, &BuildFts5Index, "fts5.sqlite");
}

// Three passes each: about 50 s for newsearch and 5 s for FTS5 on
// Reuters-21578. Wall-clock time, since writing the database is part of it.
BENCHMARK(BM_IndexNewsearch)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_IndexNewsearchWithoutStories)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_IndexNewsearchWithoutSpelling)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_IndexFts5)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace
}  // namespace bench
}  // namespace newsearch

int main(int argc, char** argv) {
  return newsearch::bench::RunBenchmarks(argc, argv);
}
