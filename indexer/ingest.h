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
#ifndef NEWSEARCH_INDEXER_INGEST_H_
#define NEWSEARCH_INDEXER_INGEST_H_

#include <cstdint>
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

struct IngestOptions {
  std::vector<std::string> inputs;
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
  double seconds = 0;

  int64_t indexed() const { return added + replaced; }
  // "21577 indexed (21577 new, 0 replaced), 1 skipped, 1 file, 11.9 s, 1810
  // docs/s"
  std::string Summary() const;
};

absl::StatusOr<IngestStats> Ingest(const IngestOptions& options,
                                   IndexWriter& writer,
                                   const DiagnosticSink& sink);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_INGEST_H_
