// One Xapian::WritableDatabase written by a thread of its own: the writer
// of a sharded build (index_writer.h) queues work for each shard, so that
// Xapian's inversion and flushing of several shards run on several cores.
// Tasks run in the order queued; the queue is bounded (Push blocks when it
// is full). A Xapian::Error in a task is kept and reported by Drain(); the
// tasks after it are skipped.
//
//   ShardThread shard(Xapian::WritableDatabase(dir, Xapian::DB_CREATE));
//   shard.Push([doc](Xapian::WritableDatabase& db) { db.add_document(doc); });
//   RETURN_IF_ERROR(shard.Drain());
//
// Push and Drain are for one thread (the writer); the database is touched
// only by the shard's own thread.
#ifndef NEWSEARCH_INDEXER_SHARD_THREAD_H_
#define NEWSEARCH_INDEXER_SHARD_THREAD_H_

#include <xapian.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace newsearch {

class ShardThread {
 public:
  using Task = std::function<void(Xapian::WritableDatabase&)>;

  ShardThread(Xapian::WritableDatabase db, std::string name);
  ~ShardThread();  // runs what is queued, then stops
  ShardThread(const ShardThread&) = delete;
  ShardThread& operator=(const ShardThread&) = delete;

  void Push(Task task);
  // Waits until every queued task has run; the first error, if any.
  absl::Status Drain();

 private:
  void Loop();

  static constexpr size_t kMaxQueued = 512;
  Xapian::WritableDatabase db_;
  const std::string name_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Task> queue_;  // guarded by mu_
  bool busy_ = false;       // guarded by mu_: a task is running
  bool done_ = false;       // guarded by mu_
  absl::Status error_;      // guarded by mu_
  std::thread thread_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_SHARD_THREAD_H_
