// newsindex: reads news and stores it in a Xapian database.
//
//   newsindex --db news.db data/sample ../shared/corpora/reuters21578.jsonl
//   cat feed.jsonl | newsindex --db news.db -
//
// Exit status: 0 when everything was indexed, 1 when some input was reported
// and skipped (the rest is indexed and committed), 2 on a usage error or when
// the database cannot be written.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "indexer/ingest.h"
#include "newsearch/dates.h"

ABSL_FLAG(std::string, db, "", "Xapian database to create or update");
ABSL_FLAG(std::string, format, "auto",
          "input format: auto (by extension), jsonl or page");
ABSL_FLAG(std::string, page_tz, newsearch::kDefaultPageZone,
          "IANA time zone of the outlet for page-text times");
ABSL_FLAG(std::string, source, "",
          "outlet of page-text files (default: from the page's links)");
ABSL_FLAG(int, batch_size, 20000, "documents per commit");
ABSL_FLAG(bool, quiet, false, "do not print the summary line");

namespace newsearch {
namespace {

constexpr int kExitSkipped = 1;
constexpr int kExitFatal = 2;

int Fail(const std::string& message) {
  std::cerr << "newsindex: error: " << message << "\n";
  return kExitFatal;
}

// Turns the flags into options once (Abseil tip #103).
absl::StatusOr<IngestOptions> OptionsFromFlags(
    std::vector<std::string> inputs) {
  IngestOptions options;
  options.inputs = std::move(inputs);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "jsonl") {
    options.format = InputFormat::kJsonl;
  } else if (format == "page") {
    options.format = InputFormat::kPageText;
  } else if (format != "auto") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--format must be auto, jsonl or page, not '", format, "'"));
  }
  absl::StatusOr<absl::TimeZone> zone = LoadZone(absl::GetFlag(FLAGS_page_tz));
  if (!zone.ok()) return zone.status();
  options.page.zone = *zone;
  options.page.source = absl::GetFlag(FLAGS_source);
  return options;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "indexes news into a Xapian database.\n"
      "usage: newsindex --db DB [options] INPUT...\n"
      "INPUT: a news.jsonl or page-text file, a directory (searched "
      "recursively for .jsonl/.ndjson/.json/.txt/.page) or - for stdin");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> inputs(args.begin() + 1, args.end());
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail("--db is required (see --help)");
  if (inputs.empty()) return Fail("no input given (see --help)");
  if (absl::GetFlag(FLAGS_batch_size) < 1)
    return Fail("--batch_size must be >= 1");

  absl::StatusOr<IngestOptions> options = OptionsFromFlags(std::move(inputs));
  if (!options.ok()) return Fail(std::string(options.status().message()));
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(db, {absl::GetFlag(FLAGS_batch_size)});
  if (!writer.ok()) return Fail(std::string(writer.status().message()));

  const DiagnosticSink sink = [](const Diagnostic& d) {
    std::cerr << d.ToString() << "\n";
  };
  absl::StatusOr<IngestStats> stats = Ingest(*options, **writer, sink);
  if (!stats.ok()) return Fail(std::string(stats.status().message()));
  if (!absl::GetFlag(FLAGS_quiet)) {
    std::cerr << "newsindex: " << stats->Summary() << "\n";
  }
  return stats->skipped > 0 || stats->files_failed > 0 ? kExitSkipped : 0;
}

}  // namespace
}  // namespace newsearch

int main(int argc, char** argv) { return newsearch::Run(argc, argv); }
