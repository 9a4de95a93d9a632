// The query side of bench/compare: the same two-word queries answered by
// newsearch (through the searcher library, with Xapian's value spies or with
// the in-memory facet column that `newsearch serve` uses), by plain Xapian
// on the same database, and by SQLite FTS5, with the same work per query:
// the top 10 by BM25 relevance with each hit's stored data read, the exact
// number of matches and, with facets, the exact month histogram and topic
// counts over every match. Timed per query, after one untimed warm-up pass.
//
//   QueryBenchOptions options;
//   options.system = "fts5";
//   options.db = "/tmp/x/fts5.sqlite";
//   options.queries_path = "queries.txt";  // "w1 w2" per line (make_queries)
//   options.facets = true;
//   ASSIGN_OR_RETURN(LatencyReport report, RunQueryBench(options));
//   std::cout << FormatReport(options, report) << "\n";
#ifndef NEWSEARCH_BENCH_COMPARE_QUERY_H_
#define NEWSEARCH_BENCH_COMPARE_QUERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace newsearch {
namespace bench {

// The systems `query` knows, in the order bench/compare reports them.
//   newsearch        Searcher::Search, facets counted with Xapian's value
//                    spies (SearcherOptions::facet_cache off, as the CLI)
//   newsearch-serve  Searcher::Search with the in-memory facet column, as
//                    `newsearch serve` (built before timing starts)
//   xapian           the Xapian API alone on the newsindex database
//   fts5             SQLite FTS5 built by `compare_tool fts5-index`
inline constexpr const char* kQuerySystems[] = {"newsearch", "newsearch-serve",
                                                "xapian", "fts5"};

struct QueryBenchOptions {
  std::string system;        // one of kQuerySystems
  std::string db;            // newsindex --db path, or the FTS5 file
  std::string queries_path;  // one query a line: two words
  bool facets = false;
  int repeat = 10;  // timed passes over all queries, after one warm-up pass
  // newsearch systems only: "FROM..UNTIL", added to every query as a date:
  // range (bench/shards, where it prunes time shards).
  std::string dates;
};

struct LatencyReport {
  int64_t queries = 0;  // per pass
  int64_t samples = 0;  // timed queries: queries * repeat
  double p50_ms = 0;
  double p99_ms = 0;
  double mean_ms = 0;
  double hits_per_query = 0;     // results returned (at most 10)
  double matches_per_query = 0;  // the exact totals' mean
};

// Two words from each non-blank line of `path`; kInvalidArgument for a line
// that is not two words, kNotFound for a missing file.
absl::StatusOr<std::vector<std::string>> ReadQueries(const std::string& path);

absl::StatusOr<LatencyReport> RunQueryBench(const QueryBenchOptions& options);

// One machine-readable line of key=value fields separated by spaces:
//   system=fts5 facets=1 queries=300 repeat=10 samples=3000 p50_ms=0.412
//   p99_ms=2.310 mean_ms=0.598 hits_per_query=9.71 matches_per_query=181.2
std::string FormatReport(const QueryBenchOptions& options,
                         const LatencyReport& report);

}  // namespace bench
}  // namespace newsearch

#endif  // NEWSEARCH_BENCH_COMPARE_QUERY_H_
