// compare_tool: the C++ steps of bench/compare, the side-by-side comparison
// of newsearch with SQLite FTS5, scriptindex (xapian-omega) and plain Xapian.
// bench/compare runs it; each subcommand can also be run alone.
//
//   compare_tool fts5-index CORPUS.jsonl DB.sqlite
//       Builds the FTS5 table query_bench builds (fts5(id UNINDEXED, title,
//       body, tokenize='porter')), plus doc_month and doc_topics side tables
//       for exact facets in SQL, and ends with FTS5's 'optimize'
//       (bench_util's BuildFts5IndexWith). DB must not exist.
//   compare_tool fts5-vacuum DB.sqlite OUT.sqlite
//       VACUUM INTO OUT: the FTS5 database without free pages (its
//       compacted size).
//   compare_tool scriptindex-input CORPUS.jsonl OUT.txt
//       Converts news.jsonl (RapidJSON) to scriptindex's input format for
//       bench/scriptindex.idx: fields id (line-N when the record has none),
//       title, body (summary and body), published (Unix UTC seconds), day
//       (YYYYMMDD, UTC) and one topic= per explicit topic; records separated
//       by a blank line; a newline inside a value is followed by '='.
//   compare_tool query --system newsearch|newsearch-serve|xapian|fts5
//       --db PATH --queries FILE --facets 0|1 [--repeat N]
//       [--dates FROM..UNTIL]
//       Runs every query of FILE (two words a line, as make_queries prints
//       them) once untimed, then N times (default 10) timed, and prints one
//       line: system=... facets=... p50_ms=... p99_ms=... mean_ms=...
//       hits_per_query=... matches_per_query=... (see compare_query.h).
//       --dates adds date:FROM..UNTIL to every query (newsearch only).
//
// Exit status: 0 on success, 1 on an error (message on stderr), 2 for a
// usage error.
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "bench/compare_query.h"
#include "newsearch/dates.h"
#include "newsearch/status_macros.h"

namespace newsearch {
namespace bench {
namespace {

constexpr char kUsage[] =
    "usage: compare_tool fts5-index CORPUS.jsonl DB.sqlite\n"
    "       compare_tool fts5-vacuum DB.sqlite OUT.sqlite\n"
    "       compare_tool scriptindex-input CORPUS.jsonl OUT.txt\n"
    "       compare_tool query --system newsearch|newsearch-serve|xapian|fts5"
    " --db PATH --queries FILE --facets 0|1 [--repeat N]\n";

// A usage error: main prints kUsage and exits with status 2.
absl::Status UsageError() { return absl::InvalidArgumentError(kUsage); }

absl::StatusOr<const Corpus*> LoadCorpus(const std::string& path) {
  setenv("NEWSEARCH_CORPUS", path.c_str(), 1);
  const absl::StatusOr<Corpus>& corpus = SharedCorpus();
  if (!corpus.ok()) return corpus.status();
  return &*corpus;
}

absl::Status Fts5Index(const std::string& corpus_path, const std::string& db) {
  std::error_code ec;
  if (std::filesystem::exists(db, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat(db, " exists: fts5-index builds a new database"));
  }
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(const Corpus* corpus, LoadCorpus(corpus_path));
  Fts5Options options;
  options.facets = true;
  options.optimize = true;
  ASSIGN_OR_RETURN(const int64_t rows,
                   BuildFts5IndexWith(corpus->lines, db, options));
  std::cerr << "compare_tool: fts5-index: " << rows << " rows, "
            << DiskBytes(db) << " bytes, "
            << absl::ToDoubleSeconds(absl::Now() - start) << " s\n";
  return absl::OkStatus();
}

absl::Status Fts5Vacuum(const std::string& db_path, const std::string& out) {
  ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(db_path));
  ASSIGN_OR_RETURN(SqliteStatement vacuum,
                   PrepareSqlite(db.get(), "VACUUM INTO ?1"));
  sqlite3_bind_text(vacuum.get(), 1, out.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(vacuum.get()) != SQLITE_DONE) {
    return absl::InternalError(
        absl::StrCat("VACUUM INTO ", out, ": ", sqlite3_errmsg(db.get())));
  }
  return absl::OkStatus();
}

// One field=value line; each newline inside the value is followed by '='
// (scriptindex's continuation lines), so no value line is ever blank.
void WriteField(std::ostream& out, const char* name, const std::string& value) {
  if (value.empty()) return;
  out << name << '=' << absl::StrReplaceAll(value, {{"\n", "\n="}}) << '\n';
}

absl::Status ScriptindexInput(const std::string& corpus_path,
                              const std::string& out_path) {
  ASSIGN_OR_RETURN(const Corpus* corpus, LoadCorpus(corpus_path));
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", out_path));
  FtsRecord record;
  int64_t records = 0;
  for (size_t i = 0; i < corpus->lines.size(); ++i) {
    if (!ParseFtsRecord(corpus->lines[i], &record, /*with_facets=*/true))
      continue;
    // newsindex makes up an id from the URL or a hash; any unique one does
    // here (scriptindex warns about a record without its unique field).
    WriteField(out, "id",
               record.id.empty() ? absl::StrCat("line-", i + 1) : record.id);
    WriteField(out, "title", record.title);
    WriteField(out, "body", record.body);
    if (record.published.has_value()) {
      WriteField(out, "published",
                 absl::StrCat(absl::ToUnixSeconds(*record.published)));
      WriteField(out, "day", DayKey(*record.published));
    }
    for (const std::string& topic : record.topics) {
      WriteField(out, "topic", topic);
    }
    out << '\n';
    ++records;
  }
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("cannot write ", out_path));
  std::cerr << "compare_tool: scriptindex-input: " << records << " records\n";
  return absl::OkStatus();
}

// --name value pairs; UsageError for anything else.
absl::StatusOr<std::map<std::string, std::string>> ParseOptions(int argc,
                                                                char** argv,
                                                                int first) {
  std::map<std::string, std::string> options;
  for (int i = first; i < argc; i += 2) {
    const std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) return UsageError();
    options[name.substr(2)] = argv[i + 1];
  }
  return options;
}

absl::Status Query(int argc, char** argv) {
  ASSIGN_OR_RETURN(auto flags, ParseOptions(argc, argv, 2));
  QueryBenchOptions options;
  options.system = flags["system"];
  options.db = flags["db"];
  options.queries_path = flags["queries"];
  const std::string facets = flags.count("facets") ? flags["facets"] : "0";
  if (options.system.empty() || options.db.empty() ||
      options.queries_path.empty() || (facets != "0" && facets != "1")) {
    return UsageError();
  }
  options.facets = facets == "1";
  if (flags.count("repeat") &&
      !absl::SimpleAtoi(flags["repeat"], &options.repeat)) {
    return UsageError();
  }
  flags.erase("system");
  flags.erase("db");
  flags.erase("queries");
  flags.erase("facets");
  if (flags.count("dates")) options.dates = flags["dates"];
  flags.erase("repeat");
  flags.erase("dates");
  if (!flags.empty()) return UsageError();
  ASSIGN_OR_RETURN(const LatencyReport report, RunQueryBench(options));
  std::cout << FormatReport(options, report) << std::endl;
  return absl::OkStatus();
}

absl::Status Run(int argc, char** argv) {
  if (argc < 2) return UsageError();
  const std::string command = argv[1];
  if (command == "query") return Query(argc, argv);
  if (argc != 4) return UsageError();
  if (command == "fts5-index") return Fts5Index(argv[2], argv[3]);
  if (command == "fts5-vacuum") return Fts5Vacuum(argv[2], argv[3]);
  if (command == "scriptindex-input") return ScriptindexInput(argv[2], argv[3]);
  return UsageError();
}

}  // namespace
}  // namespace bench
}  // namespace newsearch

int main(int argc, char** argv) {
  const absl::Status status = newsearch::bench::Run(argc, argv);
  if (status.message() == newsearch::bench::kUsage) {
    std::cerr << newsearch::bench::kUsage;
    return 2;
  }
  if (!status.ok()) {
    std::cerr << "compare_tool: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
