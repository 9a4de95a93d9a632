// Batch reindexing without downtime: rebuilds a database from its sources
// into a new generation (db_layout.h), compacts it, switches the path
// searchers open to it atomically, and removes the old generation after a
// grace period for searches still running on it.
//
//   ReindexOptions options;
//   options.db = "news.db";               // inputs: what the database lists
//   ASSIGN_OR_RETURN(ReindexResult r, Reindex(options, sink));
//
// Sources: the inputs given, or else the ones the live database records
// (kSourcesKey, written by every add and reindex). Stopped (options.ingest
// .stop) or killed, a rebuild leaves its committed batches in
// news.db.N.build and the live database untouched; the next Reindex with
// the same sources resumes it. The caller holds the WriterLock.
//
// With options.writer.shard_by, the new generation is time-sharded
// (time_shards.h), each shard compacted on its own; so a database can be
// cut into time shards, or merged back into one (kNone), by a reindex.
#ifndef NEWSEARCH_INDEXER_REINDEX_H_
#define NEWSEARCH_INDEXER_REINDEX_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "indexer/diagnostic.h"
#include "indexer/index_writer.h"
#include "indexer/ingest.h"
#include "indexer/name_variants.h"

namespace newsearch {

// Metadata: the database's inputs, one absolute path a line.
inline constexpr char kSourcesKey[] = "newsearch:sources";

struct ReindexOptions {
  std::string db;
  IngestOptions ingest;  // inputs: empty for the recorded sources
  IndexWriterOptions writer;
  const NameVariants* variants = nullptr;  // not owned; may be null
  bool compact = true;
  absl::Duration grace = absl::Seconds(10);  // before the old one goes
};

struct ReindexResult {
  IngestStats stats;
  int generation = 0;        // the new one (0 when stopped)
  bool resumed = false;      // continued an interrupted rebuild
  bool stopped = false;      // stopped before the switch
  double compact_seconds = 0;
  // Whether the facet column file of the new generation was written
  // (common/facet_column_data.h); not an error when it was not.
  absl::Status facet_column;
};

absl::StatusOr<ReindexResult> Reindex(const ReindexOptions& options,
                                      const DiagnosticSink& sink);

// `add` into a database that does not exist yet: the inputs as given
// (standard input too) are built the way Reindex builds, in parallel
// segments merged by compaction, as generation 1 (db_layout.h), and
// recorded as the sources. A first load stopped or killed leaves its
// build, which the next first load of the same inputs resumes.
// kFailedPrecondition when the database exists.
absl::StatusOr<ReindexResult> FirstLoad(const ReindexOptions& options,
                                        const DiagnosticSink& sink);

// The sources a database records, and `inputs` added to them (absolute,
// without duplicates, stdin left out), as stored under kSourcesKey.
std::vector<std::string> RecordedSources(const std::string& metadata);
std::string MergeSources(const std::string& metadata,
                         const std::vector<std::string>& inputs);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_REINDEX_H_
