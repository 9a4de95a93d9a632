#include "bench/bench_util.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "indexer/news_record.h"
#include "newsearch/dates.h"
#include "newsearch/status_macros.h"
#include "rapidjson/document.h"

namespace newsearch {
namespace bench {
namespace {

namespace fs = std::filesystem;

constexpr char kCorpusVariable[] = "NEWSEARCH_CORPUS";
constexpr char kLimitVariable[] = "NEWSEARCH_BENCH_LIMIT";
constexpr char kDefaultCorpus[] =
    NEWSEARCH_SOURCE_DIR "/../shared/corpora/reuters21578.jsonl";

std::string GetEnv(const char* name) {
  const char* value = getenv(name);
  return value == nullptr ? "" : value;
}

absl::StatusOr<Corpus> LoadCorpus() {
  Corpus corpus;
  corpus.path = GetEnv(kCorpusVariable);
  if (corpus.path.empty()) corpus.path = kDefaultCorpus;
  int64_t limit = -1;
  const std::string limit_text = GetEnv(kLimitVariable);
  if (!limit_text.empty() &&
      (!absl::SimpleAtoi(limit_text, &limit) || limit < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        kLimitVariable, " must be a positive number of lines, not '",
        limit_text, "'"));
  }
  std::ifstream in(corpus.path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("corpus not found: ", corpus.path, "\nSet ",
                     kCorpusVariable, " to a news.jsonl file, e.g. ",
                     kCorpusVariable, "=/path/to/reuters21578.jsonl"));
  }
  std::string line;
  while ((limit < 0 || static_cast<int64_t>(corpus.lines.size()) < limit) &&
         std::getline(in, line)) {
    if (!absl::StripAsciiWhitespace(line).empty()) corpus.lines.push_back(line);
  }
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat("cannot read corpus ", corpus.path));
  }
  if (corpus.lines.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("corpus is empty: ", corpus.path));
  }
  return corpus;
}

absl::string_view StringMember(const rapidjson::Value& object,
                               const char* name) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return absl::string_view(it->value.GetString(), it->value.GetStringLength());
}

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", sqlite3_errmsg(db)));
}

absl::Status BindText(sqlite3_stmt* stmt, int index, const std::string& text) {
  if (sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_STATIC) != SQLITE_OK) {
    return SqliteError(sqlite3_db_handle(stmt), "bind");
  }
  return absl::OkStatus();
}

}  // namespace

const absl::StatusOr<Corpus>& SharedCorpus() {
  static const absl::StatusOr<Corpus>* const corpus =
      new absl::StatusOr<Corpus>(LoadCorpus());
  return *corpus;
}

int RunBenchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const absl::StatusOr<Corpus>& corpus = SharedCorpus();
  if (!corpus.ok()) {
    std::cerr << argv[0] << ": " << corpus.status().message() << "\n";
    return 1;
  }
  std::cerr << argv[0] << ": corpus " << corpus->path << ", "
            << corpus->lines.size() << " lines\n";
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

absl::StatusOr<std::unique_ptr<TempDir>> TempDir::Create() {
  std::error_code ec;
  std::string pattern =
      (fs::temp_directory_path(ec) / "newsearch-bench-XXXXXX").string();
  if (ec || mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot create a directory like ", pattern));
  }
  return std::unique_ptr<TempDir>(new TempDir(std::move(pattern)));
}

TempDir::~TempDir() { RemoveAll(path_); }

std::string TempDir::Path(absl::string_view name) const {
  return absl::StrCat(path_, "/", name);
}

int64_t DiskBytes(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec))
    return static_cast<int64_t>(fs::file_size(path, ec));
  int64_t total = 0;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec))
      total += static_cast<int64_t>(it->file_size(ec));
  }
  return total;
}

void RemoveAll(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

absl::StatusOr<int64_t> BuildNewsearchIndex(
    const std::vector<std::string>& lines, const std::string& path,
    const IndexWriterOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> writer,
                   IndexWriter::Open(path, options));
  int64_t indexed = 0;
  for (const std::string& line : lines) {
    absl::StatusOr<NewsDocument> doc = ParseNewsRecord(line);
    if (!doc.ok() || !PrepareDocument(&*doc).ok()) continue;
    RETURN_IF_ERROR(writer->Add(*doc).status());
    ++indexed;
  }
  RETURN_IF_ERROR(writer->Commit());
  return indexed;
}

absl::StatusOr<SqliteDb> OpenSqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open(path.c_str(), &raw);
  SqliteDb db(raw);  // sqlite3_open allocates a handle even on failure
  if (rc != SQLITE_OK)
    return SqliteError(db.get(), absl::StrCat("open ", path));
  return db;
}

absl::StatusOr<SqliteStatement> PrepareSqlite(sqlite3* db,
                                              absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt,
                         nullptr) != SQLITE_OK) {
    return SqliteError(db, absl::StrCat("prepare '", sql, "'"));
  }
  return SqliteStatement(stmt);
}

absl::Status ExecSqlite(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db, absl::StrCat("exec '", sql, "'"));
  }
  return absl::OkStatus();
}

bool ParseFtsRecord(absl::string_view line, FtsRecord* record,
                    bool with_facets) {
  rapidjson::Document json;
  json.Parse(line.data(), line.size());
  if (json.HasParseError() || !json.IsObject()) return false;
  record->id = std::string(StringMember(json, "id"));
  record->title = std::string(StringMember(json, "title"));
  const absl::string_view summary = StringMember(json, "summary");
  const absl::string_view body = StringMember(json, "body");
  record->body = summary.empty() || body.empty()
                     ? absl::StrCat(summary, body)
                     : absl::StrCat(summary, "\n\n", body);
  record->published.reset();
  record->topics.clear();
  if (with_facets) {
    const absl::StatusOr<Timestamp> published =
        ParseTimestamp(StringMember(json, "published"));
    if (published.ok()) record->published = published->time;
    const auto topics = json.FindMember("topics");
    if (topics != json.MemberEnd() && topics->value.IsArray()) {
      for (const rapidjson::Value& topic : topics->value.GetArray()) {
        if (topic.IsString() && topic.GetStringLength() > 0)
          record->topics.emplace_back(topic.GetString(),
                                      topic.GetStringLength());
      }
    }
  }
  return !record->title.empty() || !record->body.empty();
}

namespace {

// The facet side tables of Fts5Options::facets, filled row by row.
class Fts5FacetWriter {
 public:
  static absl::StatusOr<Fts5FacetWriter> Create(sqlite3* db) {
    RETURN_IF_ERROR(ExecSqlite(
        db,
        "CREATE TABLE doc_month(rowid INTEGER PRIMARY KEY, month TEXT);"
        "CREATE TABLE doc_topics(doc INTEGER, topic TEXT,"
        " PRIMARY KEY(doc, topic)) WITHOUT ROWID;"));
    Fts5FacetWriter writer;
    ASSIGN_OR_RETURN(
        writer.month_,
        PrepareSqlite(db,
                      "INSERT INTO doc_month(rowid, month) VALUES(?1, ?2)"));
    ASSIGN_OR_RETURN(writer.topic_,
                     PrepareSqlite(db,
                                   "INSERT OR IGNORE INTO doc_topics(doc, "
                                   "topic) VALUES(?1, ?2)"));
    return writer;
  }

  // The facet values of the row just inserted into docs.
  absl::Status Add(sqlite3* db, const FtsRecord& record) {
    const sqlite3_int64 rowid = sqlite3_last_insert_rowid(db);
    sqlite3_bind_int64(month_.get(), 1, rowid);
    if (record.published.has_value()) {
      RETURN_IF_ERROR(BindText(month_.get(), 2, MonthKey(*record.published)));
    } else {
      sqlite3_bind_null(month_.get(), 2);
    }
    if (sqlite3_step(month_.get()) != SQLITE_DONE)
      return SqliteError(db, "insert month");
    sqlite3_reset(month_.get());
    for (const std::string& topic : record.topics) {
      sqlite3_bind_int64(topic_.get(), 1, rowid);
      RETURN_IF_ERROR(BindText(topic_.get(), 2, topic));
      if (sqlite3_step(topic_.get()) != SQLITE_DONE)
        return SqliteError(db, "insert topic");
      sqlite3_reset(topic_.get());
    }
    return absl::OkStatus();
  }

 private:
  Fts5FacetWriter() = default;
  SqliteStatement month_;
  SqliteStatement topic_;
};

}  // namespace

absl::StatusOr<int64_t> BuildFts5Index(const std::vector<std::string>& lines,
                                       const std::string& path) {
  return BuildFts5IndexWith(lines, path, Fts5Options());
}

absl::StatusOr<int64_t> BuildFts5IndexWith(
    const std::vector<std::string>& lines, const std::string& path,
    const Fts5Options& options) {
  ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(path));
  // One unsynchronised transaction without a journal: the fastest way FTS5
  // can bulk-load, so the comparison flatters FTS5 rather than newsearch.
  RETURN_IF_ERROR(ExecSqlite(db.get(),
                             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                             "CREATE VIRTUAL TABLE docs USING fts5("
                             "id UNINDEXED, title, body, tokenize='porter');"
                             "BEGIN;"));
  ASSIGN_OR_RETURN(
      SqliteStatement insert,
      PrepareSqlite(db.get(),
                    "INSERT INTO docs(id, title, body) VALUES(?1, ?2, ?3)"));
  std::optional<Fts5FacetWriter> facets;
  if (options.facets) {
    ASSIGN_OR_RETURN(Fts5FacetWriter writer, Fts5FacetWriter::Create(db.get()));
    facets.emplace(std::move(writer));
  }
  int64_t inserted = 0;
  FtsRecord record;
  for (const std::string& line : lines) {
    if (!ParseFtsRecord(line, &record, options.facets)) continue;
    RETURN_IF_ERROR(BindText(insert.get(), 1, record.id));
    RETURN_IF_ERROR(BindText(insert.get(), 2, record.title));
    RETURN_IF_ERROR(BindText(insert.get(), 3, record.body));
    if (sqlite3_step(insert.get()) != SQLITE_DONE)
      return SqliteError(db.get(), "insert");
    sqlite3_reset(insert.get());
    if (facets.has_value()) RETURN_IF_ERROR(facets->Add(db.get(), record));
    ++inserted;
  }
  insert.reset();
  facets.reset();
  if (options.optimize) {
    RETURN_IF_ERROR(
        ExecSqlite(db.get(), "INSERT INTO docs(docs) VALUES('optimize');"));
  }
  RETURN_IF_ERROR(ExecSqlite(db.get(), "COMMIT;"));
  return inserted;
}

namespace {

constexpr size_t kMinWordLength = 4;

// English stopwords of kMinWordLength letters or more (shorter words are
// excluded anyway), plus the newswire's "said" and "says".
constexpr absl::string_view kStopwords[] = {
    "about",   "above",   "after",     "again",      "against", "also",
    "been",    "before",  "being",     "below",      "between", "both",
    "could",   "does",    "doing",     "down",       "during",  "each",
    "from",    "further", "have",      "having",     "here",    "hers",
    "herself", "himself", "into",      "itself",     "just",    "more",
    "most",    "much",    "must",      "myself",     "once",    "only",
    "other",   "ours",    "ourselves", "over",       "said",    "same",
    "says",    "should",  "some",      "such",       "than",    "that",
    "their",   "theirs",  "them",      "themselves", "then",    "there",
    "these",   "they",    "this",      "those",      "through", "under",
    "until",   "very",    "were",      "what",       "when",    "where",
    "which",   "while",   "whom",      "will",       "with",    "would",
    "your",    "yours",   "yourself",  "yourselves"};

bool IsStopword(absl::string_view word) {
  return std::find(std::begin(kStopwords), std::end(kStopwords), word) !=
         std::end(kStopwords);
}

}  // namespace

std::optional<std::pair<std::string, std::string>> TitleQueryWords(
    absl::string_view title) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i <= title.size() && words.size() < 2; ++i) {
    if (i < title.size() &&
        absl::ascii_isalpha(static_cast<unsigned char>(title[i]))) {
      word += absl::ascii_tolower(static_cast<unsigned char>(title[i]));
      continue;
    }
    if (word.size() >= kMinWordLength && !IsStopword(word) &&
        (words.empty() || words[0] != word)) {
      words.push_back(word);
    }
    word.clear();
  }
  if (words.size() < 2) return std::nullopt;
  return std::make_pair(words[0], words[1]);
}

}  // namespace bench
}  // namespace newsearch
