// Reads inputs (news.jsonl files, page-text files, directories searched
// recursively by extension, "-" for standard input), prepares each document
// and hands it to an IndexWriter. Bad records are reported through the
// DiagnosticSink as "FILE:LINE: error: ..." and skipped; the rest is indexed.
// Only a failure of the database itself stops the run (an error status).
//
// Topics: a document without explicit topics gets inferred ones
// (NewsDocument::inferred_topics): the learned model's label when the model
// gives it a probability of at least kTopicModelMinProbability, else the
// taxonomy tagger's topics. Either source may be absent (nullptr); with
// neither, nothing is inferred.
//
//   IngestOptions options;
//   options.inputs = {"data/sample"};
//   ASSIGN_OR_RETURN(IngestStats stats, Ingest(options, *writer, sink));
//
// Threads: records are parsed, prepared and tokenised on `threads` worker
// threads in chunks, and written in input order on the calling thread, so
// the database is the same with any number of threads (story keys are
// assigned in input order). Stopping (`stop` set, e.g. by SIGINT) ends the
// run after the document being written; what was written is committed.
// Resuming (`resume`): each commit records, in the same transaction, how
// far each input file was written (by path, size and modification time);
// a resumed run skips what an earlier, interrupted run committed.
#ifndef NEWSEARCH_INDEXER_INGEST_H_
#define NEWSEARCH_INDEXER_INGEST_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "indexer/diagnostic.h"
#include "indexer/index_writer.h"
#include "indexer/page_text.h"
#include "indexer/topic_model.h"
#include "indexer/topic_tagger.h"

namespace newsearch {

enum class InputFormat {
  kAuto,  // by extension (.jsonl/.ndjson/.json, .txt/.page), else sniffed
  kJsonl,
  kPageText,
};

// The learned model's label is used only from this probability on; below
// it the taxonomy's broader topics are the safer guess. On the BBC corpus
// (half learned, half predicted) 98.5% of the labels at or above it are
// right, 72% of those below it.
inline constexpr double kTopicModelMinProbability = 0.9;

// How far a run is, for progress reports.
struct IngestProgress {
  int64_t documents = 0;    // written so far
  int64_t bytes_read = 0;   // of the input files
  int64_t bytes_total = 0;  // of all input files (0: unknown, e.g. stdin)
  double seconds = 0;
};

struct IngestOptions {
  std::vector<std::string> inputs;
  int threads = 1;  // worker threads preparing documents
  const std::atomic<bool>* stop = nullptr;  // not owned; may be null
  bool resume = false;
  // Called on the writing thread after each chunk of documents.
  std::function<void(const IngestProgress&)> progress;
  InputFormat format = InputFormat::kAuto;
  PageTextOptions page;
  // Topic inference for documents without explicit topics; not owned, must
  // outlive Ingest(). Both are only read (const), so may be shared.
  const TopicTagger* tagger = nullptr;
  const TopicModel* topic_model = nullptr;
};

struct IngestStats {
  int64_t files = 0;         // files read
  int64_t files_failed = 0;  // files that could not be read at all
  int64_t added = 0;         // new documents
  int64_t replaced = 0;      // documents whose id was already indexed
  int64_t skipped = 0;       // records reported and not indexed
  int64_t resumed = 0;       // records an earlier run had committed
  bool stopped = false;      // `stop` ended the run early
  double seconds = 0;

  int64_t indexed() const { return added + replaced; }
  // "21577 indexed (21577 new, 0 replaced), 1 skipped, 1 file, 11.9 s, 1810
  // docs/s"
  std::string Summary() const;
};

// Sets doc->inferred_topics: the model's label when it is confident (at
// least kTopicModelMinProbability), else the taxonomy's topics. Either may be
// null. Thread-safe.
void InferTopics(const TopicTagger* tagger, const TopicModel* model,
                 NewsDocument* doc);

absl::StatusOr<IngestStats> Ingest(const IngestOptions& options,
                                   IndexWriter& writer,
                                   const DiagnosticSink& sink);

// Every record of news.jsonl files ("-": standard input) through
// PrepareDocument, in memory (for learn-topics); bad records and unreadable
// inputs go to `sink` and are counted in `skipped`.
std::vector<NewsDocument> ReadPreparedRecords(
    const std::vector<std::string>& inputs, const DiagnosticSink& sink,
    int64_t* skipped);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_INGEST_H_
