// The query systems of bench/compare and the timing loop (see
// compare_query.h for what each system does per query).
#include "bench/compare_query.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "bench/bench_util.h"
#include "newsearch/schema.h"
#include "newsearch/searcher.h"
#include "newsearch/status_macros.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace bench {
namespace {

// FTS5's BM25 with the column weights query_bench uses: the id not ranked,
// the title kTitleWeight (3) times the body, as newsearch weighs its titles.
constexpr char kFtsRankedSql[] =
    "SELECT id, title, body FROM docs WHERE docs MATCH ?1 "
    "ORDER BY bm25(docs, 0.0, 3.0, 1.0) LIMIT 10";
constexpr char kFtsCountSql[] = "SELECT count(*) FROM docs WHERE docs MATCH ?1";
// Every match has a doc_month row (month NULL when undated), so the
// histogram's counts add up to the exact total.
constexpr char kFtsMonthSql[] =
    "SELECT m.month, count(*) FROM docs JOIN doc_month m "
    "ON m.rowid = docs.rowid WHERE docs MATCH ?1 GROUP BY m.month";
constexpr char kFtsTopicSql[] =
    "SELECT t.topic, count(*) FROM docs JOIN doc_topics t "
    "ON t.doc = docs.rowid WHERE docs MATCH ?1 GROUP BY t.topic "
    "ORDER BY 2 DESC";

// What one query returned, to check that the systems answer alike.
struct Answer {
  int64_t hits = 0;   // results returned
  int64_t total = 0;  // exact number of matches
};

class QuerySystem {
 public:
  virtual ~QuerySystem() = default;
  // Runs queries()[index].
  virtual absl::StatusOr<Answer> Run(size_t index) = 0;
};

class NewsearchSystem : public QuerySystem {
 public:
  NewsearchSystem(std::unique_ptr<Searcher> searcher,
                  std::vector<std::string> queries, bool facets)
      : searcher_(std::move(searcher)), queries_(std::move(queries)) {
    request_.sort = SortOrder::kRelevance;
    request_.fold = false;  // every report, as the others return them
    request_.snippet_length = 0;
    if (facets) {
      request_.facets = {"date", "topic"};
      request_.date_interval = DateInterval::kMonth;
    }
  }

  absl::StatusOr<Answer> Run(size_t index) override {
    request_.query = queries_[index];
    ASSIGN_OR_RETURN(const SearchResponse response,
                     searcher_->Search(request_));
    // Search has decoded each result's stored document already.
    return Answer{static_cast<int64_t>(response.results.size()),
                  response.total};
  }

 private:
  std::unique_ptr<Searcher> searcher_;
  std::vector<std::string> queries_;
  SearchRequest request_;
};

class XapianSystem : public QuerySystem {
 public:
  XapianSystem(const std::string& path, std::vector<std::string> queries,
               bool facets)
      : db_(path), queries_(std::move(queries)), facets_(facets) {
    parser_.set_database(db_);
    parser_.set_stemmer(Xapian::Stem("english"));
    parser_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser_.set_default_op(Xapian::Query::OP_AND);
  }

  absl::StatusOr<Answer> Run(size_t index) override {
    Xapian::Enquire enquire(db_);
    enquire.set_query(parser_.parse_query(queries_[index]));
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    Xapian::ValueCountMatchSpy days(schema::kSlotDayKey);
    Xapian::ValueCountMatchSpy topics(schema::kSlotTopics);
    if (facets_) {
      enquire.add_matchspy(&days);
      enquire.add_matchspy(&topics);
    }
    // Every match checked, so that the total is exact, as newsearch's is.
    const Xapian::MSet mset = enquire.get_mset(0, 10, db_.get_doccount());
    Answer answer;
    answer.total = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      sink_ += it.get_document().get_data().size();
      ++answer.hits;
    }
    if (facets_) {
      // "YYYYMMDD" day keys added up into months; topic combinations read.
      std::map<std::string, Xapian::doccount> months;
      for (auto it = days.values_begin(); it != days.values_end(); ++it) {
        months[(*it).substr(0, 6)] += it.get_termfreq();
      }
      sink_ += months.size();
      for (auto it = topics.values_begin(); it != topics.values_end(); ++it) {
        sink_ += it.get_termfreq();
      }
    }
    return answer;
  }

  size_t sink() const { return sink_; }

 private:
  Xapian::Database db_;
  Xapian::QueryParser parser_;
  std::vector<std::string> queries_;
  bool facets_;
  size_t sink_ = 0;  // what was read, so that no read is optimised away
};

class Fts5System : public QuerySystem {
 public:
  static absl::StatusOr<std::unique_ptr<QuerySystem>> Open(
      const std::string& path, const std::vector<std::string>& queries,
      bool facets) {
    std::unique_ptr<Fts5System> system(new Fts5System(facets));
    ASSIGN_OR_RETURN(system->db_, OpenSqlite(path));
    sqlite3* db = system->db_.get();
    ASSIGN_OR_RETURN(system->ranked_, PrepareSqlite(db, kFtsRankedSql));
    ASSIGN_OR_RETURN(system->count_, PrepareSqlite(db, kFtsCountSql));
    if (facets) {
      ASSIGN_OR_RETURN(system->month_, PrepareSqlite(db, kFtsMonthSql));
      ASSIGN_OR_RETURN(system->topic_, PrepareSqlite(db, kFtsTopicSql));
    }
    for (const std::string& query : queries) {
      // "w1" "w2": FTS5's implicit AND, each word quoted to be safe.
      std::vector<std::string> words = absl::StrSplit(query, ' ');
      system->matches_.push_back(
          absl::StrCat("\"", words[0], "\" \"", words[1], "\""));
    }
    return std::unique_ptr<QuerySystem>(std::move(system));
  }

  absl::StatusOr<Answer> Run(size_t index) override {
    const std::string& match = matches_[index];
    Answer answer;
    ASSIGN_OR_RETURN(answer.hits, Step(ranked_.get(), match, nullptr));
    if (facets_) {
      ASSIGN_OR_RETURN(const int64_t months,
                       Step(month_.get(), match, &answer.total));
      sink_ += months;
      int64_t topic_total = 0;
      ASSIGN_OR_RETURN(const int64_t topics,
                       Step(topic_.get(), match, &topic_total));
      sink_ += topics + topic_total;
    } else {
      RETURN_IF_ERROR(Step(count_.get(), match, &answer.total).status());
    }
    return answer;
  }

 private:
  explicit Fts5System(bool facets) : facets_(facets) {}

  // Binds `match`, steps through every row reading every column, and
  // returns the number of rows; adds the last column's integers to `*sum`
  // when given (counts).
  absl::StatusOr<int64_t> Step(sqlite3_stmt* stmt, const std::string& match,
                               int64_t* sum) {
    sqlite3_bind_text(stmt, 1, match.data(), static_cast<int>(match.size()),
                      SQLITE_STATIC);
    int64_t rows = 0;
    int rc;
    const int columns = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      ++rows;
      for (int column = 0; column < columns; ++column) {
        sqlite3_column_text(stmt, column);
        sink_ += sqlite3_column_bytes(stmt, column);
      }
      if (sum != nullptr) *sum += sqlite3_column_int64(stmt, columns - 1);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
      return absl::InternalError(absl::StrCat(
          "FTS5 query '", match, "': ", sqlite3_errmsg(db_.get())));
    }
    return rows;
  }

  bool facets_;
  SqliteDb db_;
  SqliteStatement ranked_;
  SqliteStatement count_;
  SqliteStatement month_;
  SqliteStatement topic_;
  std::vector<std::string> matches_;
  size_t sink_ = 0;
};

absl::StatusOr<std::unique_ptr<QuerySystem>> OpenSystem(
    const QueryBenchOptions& options, const std::vector<std::string>& queries) {
  const std::string& system = options.system;
  if (system == "fts5")
    return Fts5System::Open(options.db, queries, options.facets);
  if (system == "xapian") {
    try {
      return std::unique_ptr<QuerySystem>(
          new XapianSystem(options.db, queries, options.facets));
    } catch (const Xapian::Error& e) {
      return XapianErrorToStatus(e, absl::StrCat("opening ", options.db));
    }
  }
  if (!options.dates.empty() && system != "newsearch" &&
      system != "newsearch-serve") {
    return absl::InvalidArgumentError("--dates is for newsearch systems");
  }
  if (system == "newsearch" || system == "newsearch-serve") {
    std::vector<std::string> dated = queries;
    if (!options.dates.empty()) {
      for (std::string& query : dated) {
        absl::StrAppend(&query, " date:", options.dates);
      }
    }
    SearcherOptions searcher_options;
    if (system == "newsearch") {
      // Xapian's value spies, not the column file newsindex writes.
      searcher_options.facet_cache = false;
      searcher_options.facet_column_file = false;
    } else {
      // The server's in-memory facet column, built in the first search (the
      // untimed warm-up pass), so that every timed search uses it.
      searcher_options.facet_cache_blocking = true;
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Searcher> searcher,
                     Searcher::Open(options.db, searcher_options));
    return std::unique_ptr<QuerySystem>(
        new NewsearchSystem(std::move(searcher), std::move(dated),
                            options.facets));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown system '", system,
                   "': newsearch, newsearch-serve, xapian or fts5"));
}

// Nearest-rank percentile of sorted `ms`.
double Percentile(const std::vector<double>& ms, double p) {
  const size_t rank =
      static_cast<size_t>(std::ceil(p * static_cast<double>(ms.size())));
  return ms[std::min(ms.size() - 1, rank == 0 ? 0 : rank - 1)];
}

absl::StatusOr<LatencyReport> TimeQueries(QuerySystem& system, size_t queries,
                                          int repeat) {
  for (size_t i = 0; i < queries; ++i) {
    RETURN_IF_ERROR(system.Run(i).status());  // warm-up, untimed
  }
  std::vector<double> ms;
  ms.reserve(queries * static_cast<size_t>(repeat));
  int64_t hits = 0;
  int64_t matches = 0;
  for (int pass = 0; pass < repeat; ++pass) {
    for (size_t i = 0; i < queries; ++i) {
      const auto start = std::chrono::steady_clock::now();
      ASSIGN_OR_RETURN(const Answer answer, system.Run(i));
      const auto end = std::chrono::steady_clock::now();
      ms.push_back(
          std::chrono::duration<double, std::milli>(end - start).count());
      hits += answer.hits;
      matches += answer.total;
    }
  }
  LatencyReport report;
  report.queries = static_cast<int64_t>(queries);
  report.samples = static_cast<int64_t>(ms.size());
  double sum = 0;
  for (double m : ms) sum += m;
  std::sort(ms.begin(), ms.end());
  const double samples = static_cast<double>(ms.size());
  report.p50_ms = Percentile(ms, 0.50);
  report.p99_ms = Percentile(ms, 0.99);
  report.mean_ms = sum / samples;
  report.hits_per_query = static_cast<double>(hits) / samples;
  report.matches_per_query = static_cast<double>(matches) / samples;
  return report;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("no query file ", path));
  std::vector<std::string> queries;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty()) continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(text, ' ', absl::SkipEmpty());
    if (words.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", number, ": not two words (make_queries prints them)"));
    }
    queries.push_back(absl::StrCat(words[0], " ", words[1]));
  }
  if (queries.empty())
    return absl::InvalidArgumentError(absl::StrCat("no queries in ", path));
  return queries;
}

absl::StatusOr<LatencyReport> RunQueryBench(const QueryBenchOptions& options) {
  if (options.repeat < 1)
    return absl::InvalidArgumentError("--repeat must be at least 1");
  ASSIGN_OR_RETURN(const std::vector<std::string> queries,
                   ReadQueries(options.queries_path));
  ASSIGN_OR_RETURN(std::unique_ptr<QuerySystem> system,
                   OpenSystem(options, queries));
  try {
    return TimeQueries(*system, queries.size(), options.repeat);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, options.system);
  }
}

std::string FormatReport(const QueryBenchOptions& options,
                         const LatencyReport& report) {
  return absl::StrFormat(
      "system=%s facets=%d queries=%d repeat=%d samples=%d p50_ms=%.4f "
      "p99_ms=%.4f mean_ms=%.4f hits_per_query=%.2f matches_per_query=%.1f",
      options.system, options.facets ? 1 : 0, report.queries, options.repeat,
      report.samples, report.p50_ms, report.p99_ms, report.mean_ms,
      report.hits_per_query, report.matches_per_query);
}

}  // namespace bench
}  // namespace newsearch
