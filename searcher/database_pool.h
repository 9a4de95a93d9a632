// A pool of Xapian::Database handles on one path, so that many threads can
// search at once: a Xapian::Database is not safe for concurrent use, so each
// search borrows handles of its own and gives them back.
//
// The path is a database directory, or a Xapian stub (file or directory)
// listing shards, local or remote (xapian-tcpsrv), such as the time shards
// newsindex writes (newsearch/shard_stub.h). The pool keeps handles per
// shard and lends a search the Xapian::Database combining the shards it
// needs: all of them, or, given a date range, those whose period can match
// (the first listed, which holds the metadata, spelling and synonyms, is
// always included).
//
// Every Acquire() brings the handles up to the latest commit (reopen(): a
// few system calls locally, a round trip for a remote shard), so searches
// see what the indexer committed without a restart. When the path itself
// now names another database (a symlink switched by a batch reindex, a stub
// rewritten), every handle is opened afresh; handles lent out before finish
// their search on the old database and are then dropped.
//
// Shards that fail (cannot be opened, stop answering, time out) are down
// for `retry_after`, then tried again (by one search, while the others
// still count it down): a shard that comes back is used without a restart.
// A stub that cannot be read is an error for every search until it is
// fixed. By default a search that needs a down shard fails with
// kUnavailable naming it; with allow_partial it goes on without it, and the
// lease names what is missing.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<DatabasePool> pool,
//                    DatabasePool::Open("news.db"));
//   ASSIGN_OR_RETURN(DatabasePool::Lease lease, pool->Acquire());
//   Xapian::Enquire enquire(lease.db());
//
// Thread-safe. Leases must not outlive the pool.
#ifndef NEWSEARCH_SEARCHER_DATABASE_POOL_H_
#define NEWSEARCH_SEARCHER_DATABASE_POOL_H_

#include <sys/types.h>
#include <xapian.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "newsearch/searcher.h"
#include "newsearch/shard_stub.h"

namespace newsearch {

// Which shards a search needs.
struct ShardSelection {
  std::optional<absl::Time> from;   // published at or after (whole seconds)
  std::optional<absl::Time> until;  // published at or before
  bool allow_partial = false;       // go on without shards that are down
};

class DatabasePool {
 public:
  // kNotFound when there is no database at `path`, kDataLoss when it is
  // corrupt, kInvalidArgument for a malformed stub (see xapian_status.h).
  // A stub's shards are opened when first needed.
  static absl::StatusOr<std::unique_ptr<DatabasePool>> Open(
      const std::string& path, const ShardOptions& options = {});
  ~DatabasePool();

  // Handles borrowed for one search; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Xapian::Database& db() { return db_; }
    // Shards left out because they are down (allow_partial), described.
    const std::vector<std::string>& missing() const { return missing_; }
    int shards_searched() const { return static_cast<int>(handles_.size()); }
    int shards_pruned() const { return pruned_; }
    // Whether a shard is remote (xapian-tcpsrv or a program).
    bool has_remote() const { return remote_; }

   private:
    friend class DatabasePool;
    struct Handle {
      size_t shard;
      std::unique_ptr<Xapian::Database> db;
    };
    Lease(DatabasePool* pool, uint64_t generation);
    DatabasePool* pool_;
    uint64_t generation_;
    std::vector<Handle> handles_;
    Xapian::Database db_;  // the handles combined
    std::vector<std::string> missing_;
    int pruned_ = 0;
    bool remote_ = false;
  };

  // Handles at the latest commit of what the path names now, for the shards
  // `selection` needs.
  absl::StatusOr<Lease> Acquire(const ShardSelection& selection = {});

  // After a search on `lease` failed (kUnavailable): marks down the shards
  // of the lease that no longer answer, drops their handles, and returns
  // their descriptions (empty if every shard still answers).
  std::vector<std::string> MarkFailed(Lease& lease, const std::string& error);

  const std::string& path() const { return path_; }
  // Whether the path is a stub: shards may be pruned or missing, and the
  // facet column (one local database only) does not apply.
  // (A reindex can switch the path between the two layouts.)
  bool sharded() const { return stub_; }
  // Said of every search on this database (a remote lexicon: no spelling
  // suggestions or name variants).
  std::vector<std::string> Warnings();

 private:
  struct Shard {
    StubShard spec;
    std::vector<std::unique_ptr<Xapian::Database>> free;
    absl::Time down_until = absl::InfinitePast();
    std::string error;  // why it is down
  };
  // What the path resolves to: a different file or directory means a
  // different database.
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
    int64_t file_mtime_ns = 0;  // stub files only: edited in place
    bool operator==(const Identity& o) const {
      return device == o.device && inode == o.inode &&
             file_mtime_ns == o.file_mtime_ns;
    }
  };
  static Identity Stat(const std::string& path);

  DatabasePool(std::string path, bool stub, const ShardOptions& options);
  // The shard list: a stub's lines, or the path alone.
  static absl::StatusOr<std::vector<Shard>> ReadShards(const std::string& path,
                                                       bool stub);
  absl::StatusOr<std::unique_ptr<Xapian::Database>> OpenShard(
      const StubShard& spec, const ShardOptions& options) const;
  // Whether a shard whose search failed still answers: a local one is
  // reopened, a remote one connected to anew (at most a second).
  bool Answers(const StubShard& spec, Xapian::Database& handle) const;
  // Takes a handle of `shard` for `lease`, opening or reopening it; on
  // failure marks the shard down.
  absl::Status Borrow(size_t shard, bool path_present, Lease* lease);
  void MarkDown(size_t shard, uint64_t generation, const std::string& error);
  void Release(Lease& lease);

  const std::string path_;
  std::atomic<bool> stub_;  // set again (under mu_) when the path switches
  const ShardOptions options_;
  std::mutex mu_;
  Identity identity_;        // guarded by mu_
  uint64_t generation_ = 0;  // guarded by mu_; bumped on a switch
  std::vector<Shard> shards_;  // guarded by mu_
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_DATABASE_POOL_H_
