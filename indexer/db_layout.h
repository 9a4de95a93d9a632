// How newsindex lays a database out on disk so that a batch reindex can
// replace it under running searchers:
//
//   news.db -> news.db.3       the path searchers open: a symlink, switched
//                              to a new generation with rename(2), atomic
//   news.db.3/                 the live generation, an ordinary Xapian
//                              database
//   news.db.4.build/           a rebuild under way (resumable after a crash)
//   news.db.lock               held (flock) by whichever newsindex writes
//
// A database created before this layout (news.db a plain directory) keeps
// working; its first reindex renames it to news.db.0 and puts the symlink
// in its place, the one moment when the path briefly does not exist
// (searchers already open keep their handles; see database_pool.h).
//
//   ASSIGN_OR_RETURN(WriterLock lock, WriterLock::Acquire("news.db"));
//   ASSIGN_OR_RETURN(std::string dir, ResolveForWriting("news.db"));
//   IndexWriter::Open(dir, ...);
//
// Functions are thread-compatible; the lock is what keeps two processes
// from writing one database.
#ifndef NEWSEARCH_INDEXER_DB_LAYOUT_H_
#define NEWSEARCH_INDEXER_DB_LAYOUT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace newsearch {

// An exclusive lock on a database path for one writing process, released
// when destroyed (or when the process dies: flock).
class WriterLock {
 public:
  // kUnavailable when another process holds it.
  static absl::StatusOr<WriterLock> Acquire(const std::string& db);
  WriterLock(WriterLock&& other) noexcept;
  WriterLock& operator=(WriterLock&&) = delete;
  ~WriterLock();

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

// The generation directory `db` names now; when nothing is at `db`, creates
// the layout with an empty first generation (news.db.1). A plain directory
// (the old layout) is returned as it is.
absl::StatusOr<std::string> ResolveForWriting(const std::string& db);

// The generation number the symlink at `db` points to (news.db.3 -> 3);
// nullopt when `db` is not such a symlink.
std::optional<int> LiveGeneration(const std::string& db);

// The directory of generation `n` of `db` ("news.db.3") and of its build.
std::string GenerationDir(const std::string& db, int n);
std::string BuildDir(const std::string& db, int n);

// Points `db` at generation `n` atomically (a new symlink renamed over the
// old one, then the directory synced). A plain directory at `db` is first
// renamed to generation 0.
absl::Status SwitchTo(const std::string& db, int n);

// Generation and build directories of `db` other than generation `keep`
// (and the build of `keep_build`, if not negative): what a switch leaves
// behind or a crash abandoned, discarded directories included.
std::vector<std::string> StaleDirectories(const std::string& db, int keep,
                                          int keep_build);

// Removes the directory `dir` so that a crash part way leaves either all of
// it or none of it under its name: it is renamed to "<dir>.discard" first
// (which StaleDirectories reports), then removed. A build removed in place
// could be cut short and then taken for a resumable build with all its
// documents "already indexed". If the rename fails, `dir` is left whole.
void Discard(const std::string& dir);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_DB_LAYOUT_H_
