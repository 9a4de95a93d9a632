#include "indexer/ingest.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "indexer/identity.h"
#include "indexer/news_record.h"
#include "newsearch/status_macros.h"

namespace newsearch {
namespace {

namespace fs = std::filesystem;

bool IsJsonlExtension(const std::string& ext) {
  return ext == ".jsonl" || ext == ".ndjson" || ext == ".json";
}
bool IsPageExtension(const std::string& ext) {
  return ext == ".txt" || ext == ".page";
}

class Ingestor {
 public:
  Ingestor(const IngestOptions& options, IndexWriter& writer,
           const DiagnosticSink& sink)
      : options_(options), writer_(writer), sink_(sink) {}

  absl::StatusOr<IngestStats> Run() {
    const absl::Time start = absl::Now();
    for (const std::string& input : options_.inputs) {
      RETURN_IF_ERROR(ReadInput(input));
    }
    RETURN_IF_ERROR(writer_.Commit());
    stats_.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    return stats_;
  }

 private:
  void Report(const std::string& file, int line, std::string message) {
    sink_(Diagnostic{file, line, std::move(message)});
  }

  absl::Status ReadInput(const std::string& input) {
    if (input == "-") {
      const InputFormat format = options_.format == InputFormat::kPageText
                                     ? InputFormat::kPageText
                                     : InputFormat::kJsonl;
      ++stats_.files;
      return ReadStream(std::cin, "<stdin>", format);
    }
    std::error_code ec;
    if (fs::is_directory(input, ec)) return ReadDirectory(input);
    return ReadFile(input, options_.format);
  }

  // Files with a known extension, in a stable (sorted) order.
  absl::Status ReadDirectory(const std::string& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string ext =
          absl::AsciiStrToLower(it->path().extension().string());
      if (IsJsonlExtension(ext) || IsPageExtension(ext))
        files.push_back(it->path());
    }
    if (ec) {
      Report(dir, 0, absl::StrCat("cannot read directory: ", ec.message()));
      ++stats_.files_failed;
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      RETURN_IF_ERROR(ReadFile(file.string(), options_.format));
    }
    return absl::OkStatus();
  }

  absl::Status ReadFile(const std::string& path, InputFormat format) {
    std::ifstream in(path, std::ios::binary);
    std::error_code ec;
    if (!in || fs::is_directory(path, ec)) {
      const std::string reason =
          fs::is_directory(path, ec) ? "is a directory" : std::strerror(errno);
      Report(path, 0, absl::StrCat("cannot read: ", reason));
      ++stats_.files_failed;
      return absl::OkStatus();
    }
    ++stats_.files;
    if (format == InputFormat::kAuto) format = Detect(path, in);
    return ReadStream(in, path, format);
  }

  static InputFormat Detect(const std::string& path, std::istream& in) {
    const std::string ext =
        absl::AsciiStrToLower(fs::path(path).extension().string());
    if (IsJsonlExtension(ext)) return InputFormat::kJsonl;
    if (IsPageExtension(ext)) return InputFormat::kPageText;
    // Unknown extension: a JSON record starts with '{'.
    int c;
    while ((c = in.peek()) != EOF && absl::ascii_isspace(static_cast<char>(c)))
      in.get();
    return c == '{' ? InputFormat::kJsonl : InputFormat::kPageText;
  }

  absl::Status ReadStream(std::istream& in, const std::string& name,
                          InputFormat format) {
    if (format == InputFormat::kPageText) return ReadPage(in, name);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      absl::StatusOr<NewsDocument> doc = ParseNewsRecord(line);
      if (!doc.ok()) {
        Report(name, number, std::string(doc.status().message()));
        ++stats_.skipped;
        continue;
      }
      RETURN_IF_ERROR(Index(std::move(*doc), name, number));
    }
    if (in.bad()) {
      Report(name, number + 1,
             absl::StrCat("read error: ", std::strerror(errno)));
      ++stats_.files_failed;
    }
    return absl::OkStatus();
  }

  absl::Status ReadPage(std::istream& in, const std::string& name) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    ParsedPage page = ParsePageText(buffer.str(), options_.page);
    for (const Diagnostic& problem : page.problems) {
      Report(name, problem.line, problem.message);
      ++stats_.skipped;
    }
    for (NewsDocument& doc : page.documents) {
      RETURN_IF_ERROR(Index(std::move(doc), name, 0));
    }
    return absl::OkStatus();
  }

  // A bad record is reported and skipped; a database failure stops the run.
  absl::Status Index(NewsDocument doc, const std::string& name, int line) {
    absl::Status prepared = PrepareDocument(&doc);
    if (!prepared.ok()) {
      Report(name, line, std::string(prepared.message()));
      ++stats_.skipped;
      return absl::OkStatus();
    }
    if (doc.topics.empty()) InferTopics(doc);
    ASSIGN_OR_RETURN(IndexWriter::Outcome outcome, writer_.Add(doc));
    ++(outcome == IndexWriter::Outcome::kAdded ? stats_.added
                                               : stats_.replaced);
    return absl::OkStatus();
  }

  // The model's label when it is confident, else the taxonomy's topics.
  void InferTopics(NewsDocument& doc) const {
    if (options_.topic_model != nullptr) {
      const std::optional<TopicModel::Prediction> prediction =
          options_.topic_model->Predict(doc);
      if (prediction && prediction->probability >= kTopicModelMinProbability) {
        doc.inferred_topics = {prediction->topic};
        return;
      }
    }
    if (options_.tagger != nullptr) {
      doc.inferred_topics = options_.tagger->Infer(doc);
    }
  }

  const IngestOptions& options_;
  IndexWriter& writer_;
  const DiagnosticSink& sink_;
  IngestStats stats_;
};

}  // namespace

std::string IngestStats::Summary() const {
  const double rate =
      seconds > 0 ? static_cast<double>(indexed()) / seconds : 0;
  std::string out = absl::StrFormat(
      "%d indexed (%d new, %d replaced), %d skipped, %d file%s", indexed(),
      added, replaced, skipped, files, files == 1 ? "" : "s");
  if (files_failed > 0)
    absl::StrAppendFormat(&out, ", %d unreadable", files_failed);
  absl::StrAppendFormat(&out, ", %.2f s, %.0f docs/s", seconds, rate);
  return out;
}

absl::StatusOr<IngestStats> Ingest(const IngestOptions& options,
                                   IndexWriter& writer,
                                   const DiagnosticSink& sink) {
  return Ingestor(options, writer, sink).Run();
}

}  // namespace newsearch
