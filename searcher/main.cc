// newsearch: searches a newsearch database from the command line.
//
//   newsearch --db news.db 'peace talks date:2025-12-01..'
//   newsearch --db news.db --json --sort newest 'topic:grain'
//
// Exit status: 0 on success (also when nothing matched), 1 for a malformed
// query or request, 2 for a usage error or a database that cannot be read.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "newsearch/search_json.h"
#include "newsearch/searcher.h"
#include "searcher/terminal_output.h"

ABSL_FLAG(std::string, db, "", "database: a Xapian database or stub file");
ABSL_FLAG(int, limit, 10, "results per page");
ABSL_FLAG(int, offset, 0, "results to skip");
ABSL_FLAG(std::string, sort, "relevance", "relevance, newest or oldest");
ABSL_FLAG(std::string, tz, "UTC", "IANA time zone for date: ranges");
ABSL_FLAG(std::string, lang, "en", "language of the query (stemmer)");
ABSL_FLAG(bool, json, false, "print the JSON contract instead of text");
ABSL_FLAG(std::string, color, "auto", "auto (on a terminal), always or never");

namespace newsearch {
namespace {

constexpr int kExitBadQuery = 1;
constexpr int kExitFatal = 2;

int Fail(int code, const std::string& message) {
  std::cerr << "newsearch: error: " << message << "\n";
  return code;
}

absl::StatusOr<SortOrder> ParseSort(const std::string& name) {
  if (name == "relevance") return SortOrder::kRelevance;
  if (name == "newest") return SortOrder::kNewest;
  if (name == "oldest") return SortOrder::kOldest;
  return absl::InvalidArgumentError(absl::StrCat(
      "--sort must be relevance, newest or oldest, not '", name, "'"));
}

absl::StatusOr<bool> UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (mode == "auto") return isatty(STDOUT_FILENO) == 1;
  return absl::InvalidArgumentError(
      absl::StrCat("--color must be auto, always or never, not '", mode, "'"));
}

// Turns the flags into a request once (Abseil tip #103).
absl::StatusOr<SearchRequest> RequestFromFlags(const std::string& query,
                                               bool color) {
  SearchRequest request;
  request.query = query;
  absl::StatusOr<SortOrder> sort = ParseSort(absl::GetFlag(FLAGS_sort));
  if (!sort.ok()) return sort.status();
  request.sort = *sort;
  request.limit = absl::GetFlag(FLAGS_limit);
  request.offset = absl::GetFlag(FLAGS_offset);
  request.time_zone = absl::GetFlag(FLAGS_tz);
  request.language = absl::GetFlag(FLAGS_lang);
  if (!absl::GetFlag(FLAGS_json)) {
    const TerminalMarks marks = TerminalHighlight(color);
    request.highlight_start = marks.start;
    request.highlight_end = marks.end;
  }
  return request;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "searches a newsearch database.\n"
      "usage: newsearch --db DB [options] QUERY...\n"
      "QUERY: Xapian QueryParser syntax (AND OR NOT \"phrase\" NEAR word*), "
      "prefixes title: topic: kind: source: section: lang: author: place: "
      "story: id:, dates date:2025-12-01..2025-12-21 (either end open) or "
      "date:2025-12-21");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string query = absl::StrJoin(args.begin() + 1, args.end(), " ");
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail(kExitFatal, "--db is required (see --help)");
  absl::StatusOr<bool> color = UseColor(absl::GetFlag(FLAGS_color));
  if (!color.ok())
    return Fail(kExitFatal, std::string(color.status().message()));
  absl::StatusOr<SearchRequest> request = RequestFromFlags(query, *color);
  if (!request.ok())
    return Fail(kExitFatal, std::string(request.status().message()));

  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(db);
  if (!searcher.ok())
    return Fail(kExitFatal, std::string(searcher.status().message()));
  absl::StatusOr<SearchResponse> response = (*searcher)->Search(*request);
  if (!response.ok()) {
    const bool bad_query =
        response.status().code() == absl::StatusCode::kInvalidArgument;
    return Fail(bad_query ? kExitBadQuery : kExitFatal,
                std::string(response.status().message()));
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << SearchResponseToJson(*response) << "\n";
  } else {
    std::cout << FormatForTerminal(*response, *color);
  }
  return 0;
}

}  // namespace
}  // namespace newsearch

int main(int argc, char** argv) { return newsearch::Run(argc, argv); }
