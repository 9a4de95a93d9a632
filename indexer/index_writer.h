// Writes prepared NewsDocuments into a Xapian database, replacing any document
// with the same id (the `Q` term), and commits in batches.
//
//   ASSIGN_OR_RETURN(auto writer, IndexWriter::Open("news.db", {}));
//   ASSIGN_OR_RETURN(IndexWriter::Outcome o, writer->Add(doc));
//   RETURN_IF_ERROR(writer->Commit());
//
// One IndexWriter holds Xapian's write lock on the database; a second writer
// gets kUnavailable. Readers see only committed batches, never a half-written
// one. Not thread-safe. Destroying the writer commits what is pending.
//
// To use more cores, the costly part of Add() (tokenising, stemming, the
// story sketch) can run on other threads, one DocumentPreparer each, and
// only Add(PreparedDocument) on the writer's:
//
//   DocumentPreparer preparer(options);            // on a worker thread
//   PreparedDocument prepared = preparer.Prepare(std::move(doc));
//   writer->Add(std::move(prepared));              // on the writer thread
//
// A checkpoint callback, when set, returns metadata (key, value) pairs that
// are written in the same commit as the documents, so that what a batch
// recorded (how far an input was read) is exactly what the database holds.
#ifndef NEWSEARCH_INDEXER_INDEX_WRITER_H_
#define NEWSEARCH_INDEXER_INDEX_WRITER_H_

#include <xapian.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "indexer/document_builder.h"
#include "indexer/name_variants.h"
#include "indexer/segments.h"
#include "indexer/shard_thread.h"
#include "indexer/story_keys.h"
#include "indexer/time_shards.h"
#include "newsearch/document.h"

namespace newsearch {

struct IndexWriterOptions {
  // Documents per commit: bounds memory and what a crash can lose. Small
  // batches are also faster (see flush_every): 2,000 indexed Reuters-21578
  // 1.2x faster than 20,000.
  int batch_size = 2000;
  // Near-duplicate story keys (story_keys.h). Off: every document is its own
  // story unless the input gives a key; indexing is then faster.
  bool story_keys = true;
  // Reports the story keyer holds in memory before dropping days
  // (story_keys.h); about 700 bytes each.
  size_t story_cache_reports = kMaxCachedReports;
  // Words go into Xapian's spelling table, for did-you-mean suggestions.
  bool spelling = true;
  // A build no reader sees (reindex): with segment_docs > 0 or shards > 1,
  // `path` is a directory of bounded segments (segments.h), written by
  // `shards` threads (Xapian's inversion and flushing are most of indexing)
  // and merged by compaction; each holds segment_docs documents per writer
  // before it closes. Metadata and synonyms live in its meta database;
  // Delete is not supported.
  int shards = 1;
  int segment_docs = 0;
  // For a build no reader sees (reindex): each database also commits after
  // this many of its documents between batches (0: only at batches).
  // Xapian's inverter keeps pending postings in std::maps that grow slower
  // to update as they fill; flushing every 1,000 documents made a sharded
  // reindex of Reuters-21578 1.4x faster and halved its peak memory. A crash
  // leaves a database ahead of the checkpoint, which resume makes good by
  // replacing (documents are found by id).
  int flush_every = 0;
  // Time shards (time_shards.h): `path` is a directory of one database per
  // month or year of publication, a lexicon (metadata, spelling, synonyms)
  // and the stub file listing them; a document always lands in the shard of
  // its published date, and one whose date changed is deleted from its old
  // shard in the same commit. An existing time-sharded database is written
  // as such whatever this says (kNone), but asking for another period is an
  // error. Not with `shards` > 1.
  ShardBy shard_by = ShardBy::kNone;
};

// Which documents IndexWriter::Delete removes: those matching every
// criterion given (ids: any of them). At least one must be given.
struct DeleteSpec {
  std::vector<std::string> ids;
  std::string source;               // as a source: filter would match it
  std::optional<absl::Time> from;   // published at or after
  std::optional<absl::Time> until;  // published at or before
};

// A document ready for IndexWriter::Add: everything but its story key.
struct PreparedDocument {
  NewsDocument doc;
  StorySketch sketch;     // when story keys are on
  Xapian::Document xdoc;  // DocumentBuilder::Build(doc)
  // SpellingWords(xdoc), when spelling is on.
  std::vector<std::pair<std::string, Xapian::termcount>> spelling;
};

// The part of indexing that needs no database. Not thread-safe: one per
// thread.
class DocumentPreparer {
 public:
  explicit DocumentPreparer(const IndexWriterOptions& options)
      : options_(options) {}
  // `doc` must have been through PrepareDocument (identity.h).
  PreparedDocument Prepare(NewsDocument doc);

 private:
  IndexWriterOptions options_;
  DocumentBuilder builder_;
  StoryKeyer sketcher_;  // only its Sketch(), which reads no database
};

class IndexWriter {
 public:
  enum class Outcome { kAdded, kReplaced };

  // Opens `path`, creating the database if it does not exist.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(
      const std::string& path, const IndexWriterOptions& options);

  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;
  ~IndexWriter();

  // `doc` must have been through PrepareDocument (identity.h). Without an
  // explicit story key it gets one from story_keys.h.
  absl::StatusOr<Outcome> Add(NewsDocument doc);
  absl::StatusOr<Outcome> Add(PreparedDocument prepared);
  // Errors name the database. After a failed commit (a full disk, a
  // read-only file system, an I/O error) the writer is spent: Xapian has
  // dropped the batch, the database keeps its last commit, and every later
  // call (the destructor's commit too) returns that error and writes
  // nothing, so no metadata of a batch that was not written is committed.
  absl::Status Commit();

  using Checkpoint =
      std::function<std::vector<std::pair<std::string, std::string>>()>;
  void set_checkpoint(Checkpoint checkpoint) {
    checkpoint_ = std::move(checkpoint);
  }
  // Metadata of the database as last committed (or as pending, if set
  // since); of the meta database or the lexicon when segmented or
  // time-sharded.
  std::string GetMetadata(const std::string& key);
  // Set now, committed with the next batch.
  absl::Status SetMetadata(const std::string& key, const std::string& value);

  // Commits, then deletes the documents `spec` matches, committing every
  // batch_size deletions; returns how many. Deleting what is not there is
  // no error (a re-run deletes 0). Undated documents never match a date
  // criterion. kInvalidArgument when `spec` has no criterion.
  absl::StatusOr<int64_t> Delete(const DeleteSpec& spec);

  // Commits, then stores `variants` as the synonym table (see
  // name_variants.h); false when it was already there.
  absl::StatusOr<bool> WriteVariants(const NameVariants& variants);

  // Documents committed (and, for one database, pending).
  Xapian::doccount doc_count();
  const IndexWriterOptions& options() const { return options_; }
  // Reports the story keyer holds in memory now.
  size_t cached_story_reports() const { return story_keyer_.CachedReports(); }

 private:
  IndexWriter(std::string path, Xapian::WritableDatabase db,
              Xapian::Database committed, const IndexWriterOptions& options,
              std::unique_ptr<TimeShards> time = nullptr,
              std::unique_ptr<Segments> segments = nullptr);
  // Commit() but for the failure bookkeeping.
  absl::Status CommitPending();
  // Records a write failure: the writer is spent (see Commit()).
  absl::Status Fail(const absl::Status& status, absl::string_view what);
  // Time shards: writes `xdoc` to the shard of its period, deleting other
  // versions from other shards; whether one existed. `xdoc` moves to the
  // shard's thread: Xapian handles count references without atomics, so
  // no copy may stay on this thread.
  absl::StatusOr<bool> WriteTimeSharded(const NewsDocument& doc,
                                        const std::string& id_term,
                                        Xapian::Document xdoc);
  absl::StatusOr<int64_t> DeleteTimeSharded(const Xapian::Query& query);
  // Segmented: commits the segments, then the meta database with the
  // checkpoint, and closes full segments.
  absl::Status CommitSegmented();
  // Metadata, spelling of a single database and the checkpoint, into db_.
  void WriteBatchMetadata();
  // Counts a document written to `database`; true when it should commit
  // now (options_.flush_every).
  bool FlushDue(size_t database);

  const std::string path_;
  absl::Status failed_;          // the first failed write: the writer is spent
  Xapian::WritableDatabase db_;  // segmented: meta; time: the lexicon
  std::unique_ptr<TimeShards> time_;  // time shards, when so
  // Time shards: the shard each document of this batch went to.
  absl::flat_hash_map<std::string, size_t> pending_shard_;
  std::unique_ptr<Segments> segments_;  // a segmented build, when so
  Xapian::Database committed_;  // read-only snapshot for story lookups
  IndexWriterOptions options_;
  DocumentPreparer preparer_;  // for Add(NewsDocument)
  StoryKeyer story_keyer_;
  Checkpoint checkpoint_;
  // Spelling words of the batch, summed, added to Xapian at commit.
  absl::flat_hash_map<std::string, Xapian::termcount> spelling_;
  int pending_ = 0;
  // Documents written to each database since it last committed.
  std::vector<int> since_flush_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_INDEX_WRITER_H_
