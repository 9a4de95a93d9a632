#include "indexer/shard_thread.h"

#include <utility>

#include "newsearch/xapian_status.h"

namespace newsearch {

ShardThread::ShardThread(Xapian::WritableDatabase db, std::string name)
    : db_(std::move(db)), name_(std::move(name)) {
  thread_ = std::thread([this] { Loop(); });
}

ShardThread::~ShardThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ShardThread::Push(Task task) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
  queue_.push_back(std::move(task));
  lock.unlock();
  changed_.notify_all();
}

absl::Status ShardThread::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
  return error_;
}

void ShardThread::Loop() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      busy_ = error_.ok();
      if (!busy_) {  // after an error, what follows is skipped
        changed_.notify_all();
        continue;
      }
    }
    changed_.notify_all();  // room in the queue
    absl::Status status;
    try {
      task(db_);
    } catch (const Xapian::Error& e) {
      status = XapianErrorToStatus(e, "cannot write " + name_);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!status.ok() && error_.ok()) error_ = status;
      busy_ = false;
    }
    changed_.notify_all();
  }
}

}  // namespace newsearch
