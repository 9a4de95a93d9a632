#include "indexer/ingest.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "indexer/identity.h"
#include "indexer/news_record.h"
#include "indexer/record_limits.h"
#include "newsearch/status_macros.h"

namespace newsearch {
namespace {

namespace fs = std::filesystem;

// Records per chunk handed to a worker: large enough that handing over
// costs nothing, small enough that a stop request is honoured quickly.
constexpr size_t kChunkSize = 128;
// Metadata key prefix of resume checkpoints: "<size> <mtime ns> <line>".
constexpr char kCheckpointPrefix[] = "newsearch:ingest:";

bool IsJsonlExtension(const std::string& ext) {
  return ext == ".jsonl" || ext == ".ndjson" || ext == ".json";
}
bool IsPageExtension(const std::string& ext) {
  return ext == ".txt" || ext == ".page";
}

// One record to prepare, in input order: a news.jsonl line, or a document
// a page already yielded.
struct Work {
  std::string text;
  std::optional<NewsDocument> doc;
  int line = 0;
  std::string error;  // found while reading: reported in input order
};

// A prepared record, or why it was skipped.
struct Prepared {
  std::optional<PreparedDocument> prepared;
  std::string error;
  int line = 0;
  std::vector<std::string> warnings;  // what was repaired or cut
};

// The records of one file handed out together, with where they came from.
struct Chunk {
  std::string file;  // as reported
  std::vector<Work> work;
  int64_t bytes = 0;  // of input they account for
};

struct PreparedChunk {
  std::string file;
  std::vector<Prepared> records;
  int64_t bytes = 0;
};

// The part of Ingest that runs on worker threads: parse, prepare, infer
// topics, tokenise. Reads only const state.
class RecordPreparer {
 public:
  RecordPreparer(const IngestOptions& options,
                 const IndexWriterOptions& writer_options)
      : options_(options), preparer_(writer_options) {}

  PreparedChunk Prepare(Chunk chunk) {
    PreparedChunk out{std::move(chunk.file), {}, chunk.bytes};
    out.records.reserve(chunk.work.size());
    for (Work& work : chunk.work) out.records.push_back(One(std::move(work)));
    return out;
  }

 private:
  Prepared One(Work work) {
    Prepared out;
    out.line = work.line;
    if (!work.error.empty()) {
      out.error = std::move(work.error);
      return out;
    }
    absl::StatusOr<NewsDocument> doc =
        work.doc ? std::move(*work.doc)
                 : ParseNewsRecord(work.text, &out.warnings);
    if (doc.ok()) ApplyRecordLimits(&*doc, &out.warnings);
    absl::Status status = doc.ok() ? PrepareDocument(&*doc) : doc.status();
    if (!status.ok()) {
      out.error = std::string(status.message());
      return out;
    }
    if (doc->topics.empty()) {
      InferTopics(options_.tagger, options_.topic_model, &*doc);
    }
    out.prepared = preparer_.Prepare(std::move(*doc));
    return out;
  }

  const IngestOptions& options_;
  DocumentPreparer preparer_;
};

// Worker threads, each with a RecordPreparer of its own; with no threads,
// chunks are prepared on the caller's thread.
class PreparePool {
 public:
  PreparePool(int threads, const IngestOptions& options,
              const IndexWriterOptions& writer_options) {
    for (int i = 0; i < std::max(threads, 1); ++i) {
      preparers_.push_back(
          std::make_unique<RecordPreparer>(options, writer_options));
    }
    if (threads <= 1) return;
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, i] { Loop(*preparers_[i]); });
    }
  }
  ~PreparePool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  std::future<PreparedChunk> Submit(Chunk chunk) {
    std::packaged_task<PreparedChunk(RecordPreparer&)> task(
        [chunk = std::move(chunk)](RecordPreparer& p) mutable {
          return p.Prepare(std::move(chunk));
        });
    std::future<PreparedChunk> result = task.get_future();
    if (threads_.empty()) {
      task(*preparers_[0]);
      return result;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(task));
    }
    ready_.notify_one();
    return result;
  }

  size_t threads() const { return std::max<size_t>(threads_.size(), 1); }

 private:
  void Loop(RecordPreparer& preparer) {
    for (;;) {
      std::packaged_task<PreparedChunk(RecordPreparer&)> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [this] { return done_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task(preparer);
    }
  }

  std::vector<std::unique_ptr<RecordPreparer>> preparers_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::packaged_task<PreparedChunk(RecordPreparer&)>> queue_;
  bool done_ = false;
};

// What a resume checkpoint identifies a file by.
std::string FileStamp(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return "";
  const auto mtime = fs::last_write_time(path, ec);
  if (ec) return "";
  return absl::StrCat(size, " ", mtime.time_since_epoch().count());
}

std::string CheckpointKey(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return kCheckpointPrefix + (ec ? path : absolute.lexically_normal().string());
}

}  // namespace

namespace {

class Ingestor {
 public:
  Ingestor(const IngestOptions& options, IndexWriter& writer,
           const DiagnosticSink& sink)
      : options_(options),
        writer_(writer),
        sink_(sink),
        pool_(options.threads, options, writer.options()) {}

  absl::StatusOr<IngestStats> Run() {
    start_ = absl::Now();
    if (options_.resume) {
      writer_.set_checkpoint([this] { return Checkpoints(); });
    }
    for (const std::string& input : options_.inputs) {
      progress_.bytes_total += InputBytes(input);
    }
    absl::Status status = absl::OkStatus();
    for (const std::string& input : options_.inputs) {
      if (Stopping()) break;
      status = ReadInput(input);
      if (!status.ok()) break;
    }
    while (status.ok() && !in_flight_.empty()) status = WriteOldest();
    in_flight_.clear();  // after an error or a stop: prepared, not written
    if (status.ok()) status = writer_.Commit();
    writer_.set_checkpoint(nullptr);
    RETURN_IF_ERROR(status);
    stats_.seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    return stats_;
  }

 private:
  bool Stopping() const {
    return stats_.stopped ||
           (options_.stop != nullptr && options_.stop->load());
  }

  void Report(const std::string& file, int line, std::string message,
              bool warning = false) {
    sink_(Diagnostic{file, line, std::move(message), warning});
  }

  static int64_t InputBytes(const std::string& input) {
    std::error_code ec;
    if (input == "-") return 0;
    if (!fs::is_directory(input, ec)) {
      const auto size = fs::file_size(input, ec);
      return ec ? 0 : static_cast<int64_t>(size);
    }
    int64_t total = 0;
    for (const fs::path& file : DirectoryFiles(input, &ec)) {
      const auto size = fs::file_size(file, ec);
      if (!ec) total += static_cast<int64_t>(size);
    }
    return total;
  }

  // Files with a known extension, in a stable (sorted) order.
  static std::vector<fs::path> DirectoryFiles(const std::string& dir,
                                              std::error_code* ec) {
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(dir, *ec), end;
    for (; !*ec && it != end; it.increment(*ec)) {
      if (!it->is_regular_file(*ec)) continue;
      const std::string ext =
          absl::AsciiStrToLower(it->path().extension().string());
      if (IsJsonlExtension(ext) || IsPageExtension(ext))
        files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  absl::Status ReadInput(const std::string& input) {
    if (input == "-") {
      const InputFormat format = options_.format == InputFormat::kPageText
                                     ? InputFormat::kPageText
                                     : InputFormat::kJsonl;
      ++stats_.files;
      return ReadStream(std::cin, "<stdin>", format, 0);
    }
    std::error_code ec;
    if (!fs::is_directory(input, ec)) return ReadFile(input, options_.format);
    const std::vector<fs::path> files = DirectoryFiles(input, &ec);
    if (ec) {
      Report(input, 0, absl::StrCat("cannot read directory: ", ec.message()));
      ++stats_.files_failed;
    }
    for (const fs::path& file : files) {
      if (Stopping()) break;
      RETURN_IF_ERROR(ReadFile(file.string(), options_.format));
    }
    return absl::OkStatus();
  }

  // Lines an earlier run committed of `path` (-1: all of it), when resuming
  // and the file is unchanged since.
  int ResumeFrom(const std::string& path) {
    if (!options_.resume) return 0;
    const std::string stamp = FileStamp(path);
    if (stamp.empty()) return 0;
    const std::string saved = writer_.GetMetadata(CheckpointKey(path));
    if (!absl::StartsWith(saved, stamp + " ")) return 0;
    const std::string rest = saved.substr(stamp.size() + 1);
    int line = 0;
    if (rest == "done") return -1;
    if (!absl::SimpleAtoi(rest, &line)) return 0;
    return line;
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
    const int resume_from = ResumeFrom(path);
    if (resume_from < 0) {
      progress_.bytes_read += InputBytes(path);
      return absl::OkStatus();
    }
    if (format == InputFormat::kAuto) format = Detect(path, in);
    return ReadStream(in, path, format, resume_from);
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

  // Hands the records on in chunks; lines up to `skip` were committed by an
  // earlier run.
  absl::Status ReadStream(std::istream& in, const std::string& name,
                          InputFormat format, int skip) {
    if (format == InputFormat::kPageText) return ReadPage(in, name);
    Chunk chunk{name, {}, 0};
    std::string line;
    int number = 0;
    LineRead read;
    while (!Stopping() && (read = ReadBoundedLine(in, kMaxLineBytes, &line)) !=
                              LineRead::kEnd) {
      ++number;
      chunk.bytes += static_cast<int64_t>(line.size()) + 1;
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      if (number <= skip) {
        ++stats_.resumed;
        continue;
      }
      const bool too_long = read == LineRead::kTooLong;
      chunk.work.push_back({too_long ? "" : std::move(line), std::nullopt,
                            number, too_long ? LineTooLongError() : ""});
      if (chunk.work.size() >= kChunkSize) {
        RETURN_IF_ERROR(Submit(std::move(chunk), /*ends_file=*/false));
        chunk = Chunk{name, {}, 0};
      }
    }
    if (in.bad()) {
      Report(name, number + 1,
             absl::StrCat("read error: ", std::strerror(errno)));
      ++stats_.files_failed;
    }
    return Submit(std::move(chunk), /*ends_file=*/true);
  }

  absl::Status ReadPage(std::istream& in, const std::string& name) {
    std::string text;
    if (!ReadBoundedText(in, kMaxPageBytes, &text)) {
      Report(name, 0, absl::StrCat("page text is larger than ", kMaxPageBytes,
                                   " bytes (the limit); skipped"));
      ++stats_.skipped;
      return absl::OkStatus();
    }
    ParsedPage page = ParsePageText(text, options_.page);
    for (const Diagnostic& problem : page.problems) {
      Report(name, problem.line, problem.message);
      ++stats_.skipped;
    }
    for (const Diagnostic& warning : page.warnings) {
      Report(name, warning.line, warning.message, /*warning=*/true);
    }
    Chunk chunk{name, {}, static_cast<int64_t>(text.size())};
    for (NewsDocument& doc : page.documents) {
      chunk.work.push_back({"", std::move(doc), 0, ""});
    }
    return Submit(std::move(chunk), /*ends_file=*/true);
  }

  // Queues a chunk, writing the oldest ones while too many are in flight.
  // `ends_file`: the last chunk of its file (for resume checkpoints).
  absl::Status Submit(Chunk chunk, bool ends_file) {
    in_flight_.push_back({pool_.Submit(std::move(chunk)), ends_file});
    while (in_flight_.size() > 2 * pool_.threads()) {
      RETURN_IF_ERROR(WriteOldest());
    }
    return absl::OkStatus();
  }

  absl::Status WriteOldest() {
    InFlight oldest = std::move(in_flight_.front());
    in_flight_.pop_front();
    PreparedChunk chunk = oldest.result.get();
    if (Stopping()) return absl::OkStatus();
    RETURN_IF_ERROR(Write(chunk));
    if (oldest.ends_file && !Stopping()) FileDone(chunk.file);
    progress_.bytes_read += chunk.bytes;
    progress_.documents = stats_.indexed();
    progress_.seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    if (options_.progress) options_.progress(progress_);
    return absl::OkStatus();
  }

  // A bad record is reported and skipped; a database failure stops the run.
  absl::Status Write(PreparedChunk& chunk) {
    for (Prepared& record : chunk.records) {
      if (Stopping()) {
        stats_.stopped = true;
        return absl::OkStatus();
      }
      if (!record.prepared) {
        Report(chunk.file, record.line, std::move(record.error));
        ++stats_.skipped;
        continue;
      }
      for (std::string& warning : record.warnings) {
        Report(chunk.file, record.line, std::move(warning), /*warning=*/true);
      }
      // Before Add, which may commit: the checkpoint then covers it.
      Position(chunk.file, record.line);
      ASSIGN_OR_RETURN(IndexWriter::Outcome outcome,
                       writer_.Add(std::move(*record.prepared)));
      ++(outcome == IndexWriter::Outcome::kAdded ? stats_.added
                                                 : stats_.replaced);
    }
    return absl::OkStatus();
  }

  // Resume checkpoints: the file being written and how far; files done.
  void Position(const std::string& file, int line) {
    if (!options_.resume) return;
    if (file != current_file_) {
      current_file_ = file;
      current_stamp_ = FileStamp(file);
    }
    current_line_ = line;
  }
  void FileDone(const std::string& file) {
    if (!options_.resume || file == "<stdin>") return;
    const std::string stamp = FileStamp(file);
    if (!stamp.empty()) done_[CheckpointKey(file)] = stamp + " done";
    if (file == current_file_) current_file_.clear();
  }
  std::vector<std::pair<std::string, std::string>> Checkpoints() {
    std::vector<std::pair<std::string, std::string>> out(done_.begin(),
                                                         done_.end());
    done_.clear();
    if (!current_file_.empty() && current_file_ != "<stdin>" &&
        !current_stamp_.empty() && current_line_ > 0) {
      out.emplace_back(CheckpointKey(current_file_),
                       absl::StrCat(current_stamp_, " ", current_line_));
    }
    return out;
  }

  struct InFlight {
    std::future<PreparedChunk> result;
    bool ends_file = false;
  };

  const IngestOptions& options_;
  IndexWriter& writer_;
  const DiagnosticSink& sink_;
  PreparePool pool_;
  std::deque<InFlight> in_flight_;
  IngestStats stats_;
  IngestProgress progress_;
  absl::Time start_;
  std::string current_file_, current_stamp_;
  int current_line_ = 0;
  std::map<std::string, std::string> done_;
};

}  // namespace

void InferTopics(const TopicTagger* tagger, const TopicModel* model,
                 NewsDocument* doc) {
  if (model != nullptr) {
    const std::optional<TopicModel::Prediction> prediction =
        model->Predict(*doc);
    if (prediction && prediction->probability >= kTopicModelMinProbability) {
      doc->inferred_topics = {prediction->topic};
      return;
    }
  }
  if (tagger != nullptr) doc->inferred_topics = tagger->Infer(*doc);
}

std::string IngestStats::Summary() const {
  const double rate =
      seconds > 0 ? static_cast<double>(indexed()) / seconds : 0;
  std::string out = absl::StrFormat(
      "%d indexed (%d new, %d replaced), %d skipped, %d file%s", indexed(),
      added, replaced, skipped, files, files == 1 ? "" : "s");
  if (resumed > 0)
    absl::StrAppendFormat(&out, ", %d already indexed by an earlier run",
                          resumed);
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

namespace {

// Appends the prepared records of one news.jsonl stream to `documents`; bad
// records are reported as in indexing and counted in `skipped`.
void ReadRecords(std::istream& in, const std::string& name,
                 const DiagnosticSink& sink,
                 std::vector<NewsDocument>& documents, int64_t& skipped) {
  std::string line;
  LineRead read;
  for (int number = 1;
       (read = ReadBoundedLine(in, kMaxLineBytes, &line)) != LineRead::kEnd;
       ++number) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::StatusOr<NewsDocument> doc =
        read == LineRead::kTooLong
            ? absl::InvalidArgumentError(LineTooLongError())
            : ParseNewsRecord(line);
    const absl::Status status =
        doc.ok() ? PrepareDocument(&*doc) : doc.status();
    if (!status.ok()) {
      sink({name, number, std::string(status.message())});
      ++skipped;
      continue;
    }
    documents.push_back(std::move(*doc));
  }
}

}  // namespace

std::vector<NewsDocument> ReadPreparedRecords(
    const std::vector<std::string>& inputs, const DiagnosticSink& sink,
    int64_t* skipped_out) {
  int64_t& skipped = *skipped_out;
  std::vector<NewsDocument> documents;
  for (const std::string& input : inputs) {
    if (input == "-") {
      ReadRecords(std::cin, "<stdin>", sink, documents, skipped);
      continue;
    }
    std::error_code ec;
    std::ifstream in(input, std::ios::binary);
    if (!in || std::filesystem::is_directory(input, ec)) {
      sink({input, 0,
              in ? "is a directory (learn-topics reads news.jsonl files)"
                 : absl::StrCat("cannot read: ", std::strerror(errno))});
      ++skipped;
      continue;
    }
    ReadRecords(in, input, sink, documents, skipped);
  }
  return documents;
}

}  // namespace newsearch
