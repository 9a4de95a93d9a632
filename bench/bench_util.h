// Helpers shared by index_bench and query_bench: the corpus, scratch
// directories, and the two index builders being compared, so that both
// programs build their newsearch and FTS5 databases in exactly the same way.
//
//   int main(int argc, char** argv) {
//     return newsearch::bench::RunBenchmarks(argc, argv);
//   }
//
//   const absl::StatusOr<Corpus>& corpus = SharedCorpus();
//   if (!corpus.ok()) state.SkipWithError(...);
//   ASSIGN_OR_RETURN(int64_t docs, BuildFts5Index(corpus->lines, "x.sqlite"));
#ifndef NEWSEARCH_BENCH_BENCH_UTIL_H_
#define NEWSEARCH_BENCH_BENCH_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "indexer/index_writer.h"

namespace newsearch {
namespace bench {

// The news.jsonl corpus: $NEWSEARCH_CORPUS, else the Reuters-21578 file in
// ../shared/corpora beside the source tree. Blank lines are dropped (newsindex
// skips them too); $NEWSEARCH_BENCH_LIMIT=N keeps only the first N lines.
struct Corpus {
  std::string path;
  std::vector<std::string> lines;
};

// Read on first call, outside any timing, then shared. The error names the
// missing path and says how to set NEWSEARCH_CORPUS.
const absl::StatusOr<Corpus>& SharedCorpus();

// The main() of both programs: benchmark's flags, then the corpus check (a
// missing corpus exits with status 1 and a message), then the benchmarks.
int RunBenchmarks(int argc, char** argv);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object is destroyed.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Create();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // `name` inside the directory.
  std::string Path(absl::string_view name) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Bytes on disk of a file, or of all files under a directory; 0 if absent.
int64_t DiskBytes(const std::string& path);
// Removes a file or directory tree; errors are ignored (scratch space).
void RemoveAll(const std::string& path);

// What newsindex does for each line: ParseNewsRecord, PrepareDocument,
// IndexWriter::Add, and one Commit at the end, into a new database at `path`.
// Records newsindex would report and skip are skipped. Returns the number of
// documents indexed. `options` can turn features off, to show what they cost.
absl::StatusOr<int64_t> BuildNewsearchIndex(
    const std::vector<std::string>& lines, const std::string& path,
    const IndexWriterOptions& options = {});

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

absl::StatusOr<SqliteDb> OpenSqlite(const std::string& path);
absl::StatusOr<SqliteStatement> PrepareSqlite(sqlite3* db,
                                              absl::string_view sql);
absl::Status ExecSqlite(sqlite3* db, const char* sql);

// How BuildFts5IndexWith builds; the defaults are BuildFts5Index.
struct Fts5Options {
  // Also store each row's facet values, so that SQL can count exact facets
  // over a MATCH by joining on the FTS5 rowid:
  //   doc_month(rowid INTEGER PRIMARY KEY, month TEXT)  -- "198702" (UTC),
  //                                                     -- NULL when undated
  //   doc_topics(doc INTEGER, topic TEXT, PRIMARY KEY(doc, topic))
  //       WITHOUT ROWID                                 -- explicit topics
  bool facets = false;
  // End with FTS5's 'optimize' (all segments merged into one), so that the
  // index is in its most compact, fastest-to-query form.
  bool optimize = false;
};

// The FTS5 side of the comparison: each line parsed with RapidJSON (title;
// summary and body joined as the body column), inserted with one prepared
// statement in one transaction into
//   CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,
//                                        tokenize='porter')
// in a new database at `path` (journal_mode=OFF, synchronous=OFF). Lines
// that are not JSON objects or have neither title nor body are skipped, as
// newsindex skips them. Returns the number of rows inserted.
absl::StatusOr<int64_t> BuildFts5Index(const std::vector<std::string>& lines,
                                       const std::string& path);
// The same with facet tables or 'optimize' (bench/compare's build).
absl::StatusOr<int64_t> BuildFts5IndexWith(
    const std::vector<std::string>& lines, const std::string& path,
    const Fts5Options& options);

struct FtsRecord {
  std::string id;
  std::string title;
  std::string body;  // summary and body, separated by a blank line
  // Only read when asked for (ParseFtsRecord's `with_facets`):
  std::optional<absl::Time> published;  // unset when absent or unparseable
  std::vector<std::string> topics;      // the explicit topics, as given
};

// False for a line BuildFts5Index skips. `with_facets` also reads
// `published` (RFC 3339 or a bare date, as newsindex reads it) and `topics`.
bool ParseFtsRecord(absl::string_view line, FtsRecord* record,
                    bool with_facets = false);

// The benchmarks' query generator. From a title: its first two distinct
// words that are runs of at least four ASCII letters and not stopwords,
// lower-cased (so that newsearch stems them, as FTS5's porter tokenizer
// does); nullopt when there are not two.
std::optional<std::pair<std::string, std::string>> TitleQueryWords(
    absl::string_view title);

}  // namespace bench
}  // namespace newsearch

#endif  // NEWSEARCH_BENCH_BENCH_UTIL_H_
