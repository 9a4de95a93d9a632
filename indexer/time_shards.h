// The writer's side of a time-sharded database (layout in
// newsearch/shard_stub.h): a directory with a `lexicon` database (metadata,
// spelling, synonyms; no documents), one database per month or year of
// publication plus `undated`, and the stub file XAPIANDB listing them.
//
// Each shard is written by a thread of its own (shard_thread.h), so shards
// invert and flush on several cores. Shards are created when the first
// document of their period arrives; the stub is rewritten (atomically, by
// rename) when a commit adds one, after the shard itself is committed, so a
// reader never sees a listed shard that does not exist.
//
//   ASSIGN_OR_RETURN(auto shards, TimeShards::Open("news.db.1", ShardBy::kMonth));
//   ASSIGN_OR_RETURN(size_t k, shards->ShardFor(PeriodOf(kMonth, published)));
//   shards->thread(k).Push(...);
//   RETURN_IF_ERROR(shards->CommitAll());
//
// Only local shards are written: a stub naming a remote shard is refused
// (the search host keeps a stub of its own for remote shards; see README).
// Not thread-safe: for the writer's thread.
#ifndef NEWSEARCH_INDEXER_TIME_SHARDS_H_
#define NEWSEARCH_INDEXER_TIME_SHARDS_H_

#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "indexer/shard_thread.h"
#include "newsearch/shard_stub.h"

namespace newsearch {

class TimeShards {
 public:
  // Metadata key (in the lexicon) recording how the database is sharded.
  static constexpr char kShardByKey[] = "newsearch.shard_by";

  // How the database at `dir` is sharded: kNone when `dir` is not a
  // time-sharded database (a Xapian database, or nothing yet).
  static absl::StatusOr<ShardBy> Detect(const std::string& dir);

  // Opens (or creates) the time-sharded database at `dir`. `by` must match
  // how an existing one is sharded.
  static absl::StatusOr<std::unique_ptr<TimeShards>> Open(
      const std::string& dir, ShardBy by);

  TimeShards(const TimeShards&) = delete;
  TimeShards& operator=(const TimeShards&) = delete;

  Xapian::WritableDatabase& lexicon() { return lexicon_; }
  ShardBy by() const { return by_; }

  // The shard holding documents of `period`, created if there is none.
  absl::StatusOr<size_t> ShardFor(const ShardPeriod& period);
  size_t size() const { return shards_.size(); }
  ShardThread& thread(size_t k) { return *shards_[k].thread; }
  // Touch only while the shard's thread is drained.
  Xapian::WritableDatabase& db(size_t k) { return shards_[k].db; }
  const std::string& name(size_t k) const { return shards_[k].name; }

  // Waits for every shard's queued work; the first error.
  absl::Status DrainAll();
  // Commits every shard (in parallel), then the lexicon, then rewrites the
  // stub if shards were added.
  absl::Status CommitAll();

  // A read-only snapshot of what is committed (lexicon and shards), for
  // looking documents up; rebuilt by Refresh() after a commit. Refresh()
  // returns true when its docids changed meaning (shards were added), so
  // that what was read by docid must be read again.
  const Xapian::Database& snapshot() const { return snapshot_; }
  bool Refresh();
  // The shard of a docid of the snapshot; nullopt for none.
  std::optional<size_t> ShardOfSnapshotDocid(Xapian::docid docid) const;

 private:
  struct Shard {
    std::string name;  // the period's name, also its directory
    Xapian::WritableDatabase db;
    std::unique_ptr<ShardThread> thread;
  };
  TimeShards(std::string dir, ShardBy by, Xapian::WritableDatabase lexicon);
  absl::Status AddShard(const std::string& name);
  absl::Status WriteStub() const;
  void BuildSnapshot();

  const std::string dir_;
  const ShardBy by_;
  Xapian::WritableDatabase lexicon_;
  std::vector<Shard> shards_;
  bool stub_stale_ = false;  // shards added since the stub was written
  Xapian::Database snapshot_;
  size_t snapshot_shards_ = 0;  // shards in the snapshot (after the lexicon)
};

struct CompactShardResult {
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
};

// Compacts the shard of period `name` ("1987-03") of the time-sharded
// database at `dir` with Xapian::Database::compact, for a closed period
// that takes no more writes: the compacted copy is swapped in atomically
// (renameat2 RENAME_EXCHANGE) and the stub rewritten, so that searchers
// open the new shard. The caller holds the writer lock (db_layout.h).
absl::StatusOr<CompactShardResult> CompactTimeShard(const std::string& dir,
                                                    const std::string& name);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_TIME_SHARDS_H_
