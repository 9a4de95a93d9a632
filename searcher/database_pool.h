// A pool of Xapian::Database handles on one path, so that many threads can
// search at once: a Xapian::Database is not safe for concurrent use, so each
// search borrows a handle of its own and gives it back.
//
// Every Acquire() brings the handle up to the latest commit (reopen(), a few
// system calls), so searches see what the indexer committed without a
// restart, never a half-written batch. When the path itself now names another
// database (a symlink or a stub file swapped by a batch reindex), every handle
// is opened afresh from the path; handles lent out before the switch finish
// their search on the old database and are then dropped.
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

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace newsearch {

class DatabasePool {
 public:
  // kNotFound when there is no database at `path`, kDataLoss when it is
  // corrupt (see xapian_status.h).
  static absl::StatusOr<std::unique_ptr<DatabasePool>> Open(
      const std::string& path);

  // A borrowed handle; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Xapian::Database& db() { return *db_; }

   private:
    friend class DatabasePool;
    Lease(DatabasePool* pool, std::unique_ptr<Xapian::Database> db,
          uint64_t generation);
    DatabasePool* pool_;
    std::unique_ptr<Xapian::Database> db_;
    uint64_t generation_;
  };

  // A handle at the latest commit of what the path names now.
  absl::StatusOr<Lease> Acquire();

  const std::string& path() const { return path_; }

 private:
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

  DatabasePool(std::string path, Identity identity,
               std::unique_ptr<Xapian::Database> first);
  void Release(std::unique_ptr<Xapian::Database> db, uint64_t generation);

  const std::string path_;
  std::mutex mu_;
  Identity identity_;        // guarded by mu_
  uint64_t generation_ = 0;  // guarded by mu_; bumped on a switch
  std::vector<std::unique_ptr<Xapian::Database>> free_;  // guarded by mu_
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_DATABASE_POOL_H_
