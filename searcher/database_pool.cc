#include "searcher/database_pool.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

absl::StatusOr<std::unique_ptr<Xapian::Database>> OpenDatabase(
    const std::string& path) {
  try {
    return std::make_unique<Xapian::Database>(path);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, absl::StrCat("cannot open database '", path, "'"));
  }
}

}  // namespace

DatabasePool::Identity DatabasePool::Stat(const std::string& path) {
  Identity identity;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return identity;
  identity.device = st.st_dev;
  identity.inode = st.st_ino;
  // A database directory's own mtime changes with every commit; a stub
  // file's only when it is edited.
  if (S_ISREG(st.st_mode)) {
    identity.file_mtime_ns =
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
        st.st_mtim.tv_nsec;
  }
  return identity;
}

absl::StatusOr<std::unique_ptr<DatabasePool>> DatabasePool::Open(
    const std::string& path) {
  const Identity identity = Stat(path);
  absl::StatusOr<std::unique_ptr<Xapian::Database>> db = OpenDatabase(path);
  if (!db.ok()) return db.status();
  return std::unique_ptr<DatabasePool>(
      new DatabasePool(path, identity, std::move(*db)));
}

DatabasePool::DatabasePool(std::string path, Identity identity,
                           std::unique_ptr<Xapian::Database> first)
    : path_(std::move(path)), identity_(identity) {
  free_.push_back(std::move(first));
}

absl::StatusOr<DatabasePool::Lease> DatabasePool::Acquire() {
  const Identity now = Stat(path_);
  std::unique_ptr<Xapian::Database> db;
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Nothing at the path (inode 0) is a moment of a switch (newsindex
    // turning an old-layout directory into a symlink): keep the handles.
    if (now.inode != 0 && !(now == identity_)) {
      // switched: old handles are of no more use
      identity_ = now;
      ++generation_;
      free_.clear();
    }
    generation = generation_;
    if (!free_.empty()) {
      db = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (db == nullptr) {
    absl::StatusOr<std::unique_ptr<Xapian::Database>> opened =
        OpenDatabase(path_);
    if (!opened.ok()) return opened.status();
    db = std::move(*opened);
  } else {
    try {
      db->reopen();
    } catch (const Xapian::Error& e) {
      // reopen() reads the revision file by path; with nothing at the path
      // the handle's tables, still open, serve the revision it has.
      if (now.inode != 0) {
        return XapianErrorToStatus(
            e, absl::StrCat("cannot reopen database '", path_, "'"));
      }
    }
  }
  return Lease(this, std::move(db), generation);
}

void DatabasePool::Release(std::unique_ptr<Xapian::Database> db,
                           uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation == generation_) free_.push_back(std::move(db));
}

DatabasePool::Lease::Lease(DatabasePool* pool,
                           std::unique_ptr<Xapian::Database> db,
                           uint64_t generation)
    : pool_(pool), db_(std::move(db)), generation_(generation) {}

DatabasePool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      db_(std::move(other.db_)),
      generation_(other.generation_) {}

DatabasePool::Lease::~Lease() {
  if (db_ != nullptr) pool_->Release(std::move(db_), generation_);
}

}  // namespace newsearch
