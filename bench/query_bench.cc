// query_bench: the same two-word AND queries, top 10 by relevance with a
// highlighted snippet, through newsearch::Searcher and through SQLite FTS5,
// side by side on databases built from the same corpus. Reports queries/s
// (items_per_second) and the average number of results per query.
//
//   build-bench/bench/query_bench --benchmark_counters_tabular=true
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "newsearch/schema.h"
#include "newsearch/searcher.h"
#include "newsearch/status_macros.h"

namespace newsearch {
namespace bench {
namespace {

constexpr size_t kQueryCount = 300;
// Each query runs this many times per benchmark, so both systems see exactly
// the same mix.
constexpr int kRounds = 10;
constexpr char kRankedSql[] =
    "SELECT id, title, snippet(docs, 2, '<mark>', '</mark>', '...', 24) "
    "FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs, 0.0, 3.0, 1.0) LIMIT 10";
constexpr char kExistsSql[] = "SELECT 1 FROM docs WHERE docs MATCH ?1 LIMIT 1";

struct BenchQuery {
  std::string newsearch;  // cocoa bahia
  std::string fts5;       // "cocoa" "bahia"  (implicit AND; quoted to be safe)
};

// The title's query words (TitleQueryWords) in both systems' syntax.
std::optional<BenchQuery> QueryFromTitle(absl::string_view title) {
  std::optional<std::pair<std::string, std::string>> words =
      TitleQueryWords(title);
  if (!words.has_value()) return std::nullopt;
  return BenchQuery{
      absl::StrCat(words->first, " ", words->second),
      absl::StrCat("\"", words->first, "\" \"", words->second, "\"")};
}

// Binds `match`, steps through every row reading each column, and returns
// the number of rows.
absl::StatusOr<int> StepAll(sqlite3_stmt* stmt, const std::string& match) {
  sqlite3_bind_text(stmt, 1, match.data(), static_cast<int>(match.size()),
                    SQLITE_STATIC);
  int rows = 0;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    ++rows;
    for (int column = 0; column < sqlite3_column_count(stmt); ++column) {
      benchmark::DoNotOptimize(sqlite3_column_text(stmt, column));
    }
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    return absl::InternalError(absl::StrCat(
        "FTS5 query '", match, "': ", sqlite3_errmsg(sqlite3_db_handle(stmt))));
  }
  return rows;
}

// Both databases and the queries, built once outside any timing.
class QueryFixture {
 public:
  // Indexes the corpus both ways (as index_bench does) and generates the
  // queries: about 20 s on Reuters-21578.
  static absl::StatusOr<std::unique_ptr<QueryFixture>> Create(
      const Corpus& corpus);

  const std::vector<BenchQuery>& queries() const { return queries_; }
  // With Xapian's value spies and built-in recency classes (what the CLI
  // and stub files use), or from the in-memory facet column (the server).
  Searcher& searcher(bool column = false) {
    return column ? *column_searcher_ : *searcher_;
  }
  sqlite3_stmt* ranked_statement() { return ranked_.get(); }
  const std::string& newsearch_path() const { return newsearch_path_; }

 private:
  QueryFixture() = default;
  absl::Status BuildDatabases(const Corpus& corpus);
  absl::Status GenerateQueries(const Corpus& corpus);
  absl::StatusOr<bool> MatchesBoth(const BenchQuery& query);

  // Declared first so that it is removed after the databases are closed.
  std::unique_ptr<TempDir> dir_;
  std::string newsearch_path_;
  std::unique_ptr<Searcher> searcher_;
  std::unique_ptr<Searcher> column_searcher_;
  SqliteDb fts5_;
  SqliteStatement ranked_;
  SqliteStatement exists_;
  std::vector<BenchQuery> queries_;
};

absl::StatusOr<std::unique_ptr<QueryFixture>> QueryFixture::Create(
    const Corpus& corpus) {
  std::unique_ptr<QueryFixture> fixture(new QueryFixture());
  RETURN_IF_ERROR(fixture->BuildDatabases(corpus));
  RETURN_IF_ERROR(fixture->GenerateQueries(corpus));
  return fixture;
}

absl::Status QueryFixture::BuildDatabases(const Corpus& corpus) {
  ASSIGN_OR_RETURN(dir_, TempDir::Create());
  const std::string newsearch_path = dir_->Path("newsearch.db");
  newsearch_path_ = newsearch_path;
  const std::string fts5_path = dir_->Path("fts5.sqlite");
  RETURN_IF_ERROR(BuildNewsearchIndex(corpus.lines, newsearch_path).status());
  RETURN_IF_ERROR(BuildFts5Index(corpus.lines, fts5_path).status());
  SearcherOptions spies;
  spies.facet_cache = false;
  spies.facet_column_file = false;
  ASSIGN_OR_RETURN(searcher_, Searcher::Open(newsearch_path, spies));
  SearcherOptions column;
  column.facet_cache_blocking = true;
  ASSIGN_OR_RETURN(column_searcher_, Searcher::Open(newsearch_path, column));
  ASSIGN_OR_RETURN(fts5_, OpenSqlite(fts5_path));
  ASSIGN_OR_RETURN(ranked_, PrepareSqlite(fts5_.get(), kRankedSql));
  ASSIGN_OR_RETURN(exists_, PrepareSqlite(fts5_.get(), kExistsSql));
  return absl::OkStatus();
}

// The query generator, deterministic for a given corpus: visit records 0, k,
// 2k, ... with k = max(1, lines / (2 * kQueryCount)); from each record that
// has a title take its first two distinct title words of at least four
// letters that are not stopwords (QueryFromTitle); keep the pair if it
// matches at least one document in newsearch and in FTS5; stop at
// kQueryCount pairs. Running each query once here also warms both systems'
// caches alike before timing.
absl::Status QueryFixture::GenerateQueries(const Corpus& corpus) {
  const size_t stride =
      std::max<size_t>(1, corpus.lines.size() / (2 * kQueryCount));
  FtsRecord record;
  for (size_t i = 0; i < corpus.lines.size() && queries_.size() < kQueryCount;
       i += stride) {
    if (!ParseFtsRecord(corpus.lines[i], &record) || record.title.empty())
      continue;
    std::optional<BenchQuery> query = QueryFromTitle(record.title);
    if (!query.has_value()) continue;
    ASSIGN_OR_RETURN(const bool matches, MatchesBoth(*query));
    if (matches) queries_.push_back(std::move(*query));
  }
  if (queries_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no query could be generated from ", corpus.path));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> QueryFixture::MatchesBoth(const BenchQuery& query) {
  SearchRequest request;
  request.query = query.newsearch;
  request.limit = 0;
  ASSIGN_OR_RETURN(const SearchResponse response, searcher_->Search(request));
  if (response.total == 0) return false;
  ASSIGN_OR_RETURN(const int rows, StepAll(exists_.get(), query.fts5));
  return rows > 0;
}

// Built by the first benchmark that runs, before its timed loop. A static
// object, not a leaked one, so that its destructor removes the databases.
absl::StatusOr<QueryFixture*> SharedFixture() {
  static const absl::StatusOr<std::unique_ptr<QueryFixture>> fixture =
      []() -> absl::StatusOr<std::unique_ptr<QueryFixture>> {
    if (!SharedCorpus().ok()) return SharedCorpus().status();
    return QueryFixture::Create(*SharedCorpus());
  }();
  if (!fixture.ok()) return fixture.status();
  return fixture->get();
}

void ReportQueryCounters(benchmark::State& state, size_t queries,
                         int64_t hits) {
  state.SetItemsProcessed(state.iterations());
  state.counters["queries"] = static_cast<double>(queries);
  state.counters["hits_per_query"] = benchmark::Counter(
      static_cast<double>(hits), benchmark::Counter::kAvgIterations);
}

// Runs the query mix through Searcher::Search with `request` as the template.
void RunNewsearchQueries(benchmark::State& state, SearchRequest request,
                         bool column = false) {
  const absl::StatusOr<QueryFixture*> fixture = SharedFixture();
  if (!fixture.ok()) {
    state.SkipWithError(std::string(fixture.status().message()).c_str());
    return;
  }
  const std::vector<BenchQuery>& queries = (*fixture)->queries();
  size_t next = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    request.query = queries[next].newsearch;
    next = (next + 1) % queries.size();
    const absl::StatusOr<SearchResponse> response =
        (*fixture)->searcher(column).Search(request);
    if (!response.ok()) {
      state.SkipWithError(std::string(response.status().message()).c_str());
      break;
    }
    hits += static_cast<int64_t>(response->results.size());
  }
  ReportQueryCounters(state, queries.size(), hits);
}

// state.range(0): 1 with snippets (what a result page shows), 0 without.
// Relevance order, as FTS5 ranks.
void BM_QueryNewsearch(benchmark::State& state) {
  SearchRequest request;
  request.sort = SortOrder::kRelevance;
  request.fold = false;  // every report, as FTS5 returns them
  if (state.range(0) == 0) request.snippet_length = 0;
  RunNewsearchQueries(state, request);
}

// What hybrid ranking, exact facets and folding cost against plain
// relevance, without snippets so the difference shows. state.range(0):
// 0 relevance, 1 hybrid, 2 relevance + month and topic facets, 3 hybrid +
// the same facets, 4 = 3 folded into stories with facets counting stories
// (the CLI's default), 5 = 4 with facets counting reports. The clock is
// pinned to the corpus's last day so the recency boost is in play.
// state.range(1): 1 counts and weighs from the in-memory facet column, as
// `newsearch serve` does; 0 with Xapian's value spies, as the CLI does.
void BM_QueryNewsearchMode(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  SearchRequest request;
  request.snippet_length = 0;
  request.sort =
      mode % 2 == 1 || mode >= 4 ? SortOrder::kHybrid : SortOrder::kRelevance;
  request.fold = mode >= 4;
  if (mode == 5) request.facet_count = FacetCount::kReports;
  request.now = absl::FromUnixSeconds(561686400);  // 1987-10-20
  if (mode >= 2) {
    request.facets = {"date", "topic"};
    request.date_interval = DateInterval::kMonth;
  }
  RunNewsearchQueries(state, request, state.range(1) == 1);
}

// The floor: the same queries through the Xapian API alone, on the same
// database: QueryParser (English stems, AND), BM25, top 10 with each
// result's document data read, and the exact total (every match checked,
// as newsearch does for its JSON "exact" total). state.range(0): 1 adds
// exact facets with
// built-in ValueCountMatchSpy on the day-key and topic slots over every
// match, the work of BM_QueryNewsearchMode/mode:2 (relevance, month and
// topic facets, counting reports).
void BM_QueryPlainXapian(benchmark::State& state) {
  const absl::StatusOr<QueryFixture*> fixture = SharedFixture();
  if (!fixture.ok()) {
    state.SkipWithError(std::string(fixture.status().message()).c_str());
    return;
  }
  const bool facets = state.range(0) == 1;
  const std::vector<BenchQuery>& queries = (*fixture)->queries();
  Xapian::Database db((*fixture)->newsearch_path());
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(Xapian::Stem("english"));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_AND);
  size_t next = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    Xapian::Enquire enquire(db);
    enquire.set_query(parser.parse_query(queries[next].newsearch));
    next = (next + 1) % queries.size();
    Xapian::ValueCountMatchSpy days(schema::kSlotDayKey);
    Xapian::ValueCountMatchSpy topics(schema::kSlotTopics);
    if (facets) {
      enquire.add_matchspy(&days);
      enquire.add_matchspy(&topics);
    }
    // Every match checked, so that the total is exact, as newsearch's is.
    const Xapian::MSet mset = enquire.get_mset(0, 10, db.get_doccount());
    benchmark::DoNotOptimize(mset.get_matches_estimated());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      benchmark::DoNotOptimize(it.get_document().get_data());
      ++hits;
    }
    if (facets) {
      for (auto it = days.values_begin(); it != days.values_end(); ++it) {
        benchmark::DoNotOptimize(it.get_termfreq());
      }
      for (auto it = topics.values_begin(); it != topics.values_end(); ++it) {
        benchmark::DoNotOptimize(it.get_termfreq());
      }
    }
  }
  ReportQueryCounters(state, queries.size(), hits);
}

void BM_QueryFts5(benchmark::State& state) {
  const absl::StatusOr<QueryFixture*> fixture = SharedFixture();
  if (!fixture.ok()) {
    state.SkipWithError(std::string(fixture.status().message()).c_str());
    return;
  }
  const std::vector<BenchQuery>& queries = (*fixture)->queries();
  size_t next = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    const absl::StatusOr<int> rows =
        StepAll((*fixture)->ranked_statement(), queries[next].fts5);
    next = (next + 1) % queries.size();
    if (!rows.ok()) {
      state.SkipWithError(std::string(rows.status().message()).c_str());
      break;
    }
    hits += *rows;
  }
  ReportQueryCounters(state, queries.size(), hits);
}

BENCHMARK(BM_QueryNewsearch)
    ->ArgName("snippets")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(kQueryCount* kRounds)
    ->UseRealTime();
BENCHMARK(BM_QueryNewsearchMode)
    ->ArgNames({"mode", "column"})
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(kQueryCount* kRounds)
    ->UseRealTime();
BENCHMARK(BM_QueryPlainXapian)
    ->ArgName("facets")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(kQueryCount* kRounds)
    ->UseRealTime();
BENCHMARK(BM_QueryFts5)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(kQueryCount* kRounds)
    ->UseRealTime();

}  // namespace
}  // namespace bench
}  // namespace newsearch

int main(int argc, char** argv) {
  return newsearch::bench::RunBenchmarks(argc, argv);
}
