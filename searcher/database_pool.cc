#include "searcher/database_pool.h"

#include <sys/stat.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

// The longest a check of a failed remote shard waits.
constexpr absl::Duration kProbeTimeout = absl::Seconds(1);

int Milliseconds(absl::Duration d) {
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

}  // namespace

DatabasePool::Identity DatabasePool::Stat(const std::string& path) {
  Identity identity;
  // A stub directory changes when its stub file is rewritten.
  std::string file = path + "/XAPIANDB";
  struct stat st;
  if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) file = path;
  if (stat(file.c_str(), &st) != 0) return identity;
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
    const std::string& path, const ShardOptions& options) {
  const Identity identity = Stat(path);
  const bool stub = !StubFileOf(path).empty();
  if (stub) RaiseOpenFileLimit();
  std::unique_ptr<DatabasePool> pool(new DatabasePool(path, stub, options));
  pool->identity_ = identity;
  std::lock_guard<std::mutex> lock(pool->mu_);
  absl::StatusOr<std::vector<Shard>> shards = ReadShards(path, stub);
  if (!shards.ok()) return shards.status();
  pool->shards_ = std::move(*shards);
  if (!stub) {
    // A single database is opened now, so that a bad path fails at once.
    absl::StatusOr<std::unique_ptr<Xapian::Database>> db =
        pool->OpenShard(pool->shards_[0].spec, options);
    if (!db.ok()) return db.status();
    pool->shards_[0].free.push_back(std::move(*db));
  }
  return pool;
}

DatabasePool::DatabasePool(std::string path, bool stub,
                           const ShardOptions& options)
    : path_(std::move(path)), stub_(stub), options_(options) {}

DatabasePool::~DatabasePool() = default;

absl::StatusOr<std::vector<DatabasePool::Shard>> DatabasePool::ReadShards(
    const std::string& path, bool stub) {
  std::vector<Shard> shards;
  if (!stub) {
    Shard shard;
    shard.spec.backend = "auto";
    shard.spec.path = path;
    shards.push_back(std::move(shard));
    return shards;
  }
  const std::string file = StubFileOf(path);
  if (file.empty()) {
    return absl::NotFoundError(
        absl::StrCat("cannot open database '", path, "': no stub file"));
  }
  absl::StatusOr<std::vector<StubShard>> specs = ReadStub(file);
  if (!specs.ok()) return specs.status();
  if (specs->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": error: the stub lists no databases"));
  }
  for (StubShard& spec : *specs) {
    Shard shard;
    shard.spec = std::move(spec);
    shards.push_back(std::move(shard));
  }
  return shards;
}

absl::StatusOr<std::unique_ptr<Xapian::Database>> DatabasePool::OpenShard(
    const StubShard& spec, const ShardOptions& options) const {
  try {
    switch (spec.type) {
      case StubShard::Type::kLocal: {
        int flags = 0;
        if (spec.backend == "glass") flags = Xapian::DB_BACKEND_GLASS;
        if (spec.backend == "chert") flags = Xapian::DB_BACKEND_CHERT;
        return std::make_unique<Xapian::Database>(spec.path, flags);
      }
      case StubShard::Type::kRemoteTcp:
        return std::make_unique<Xapian::Database>(Xapian::Remote::open(
            spec.host, spec.port, Milliseconds(options.remote_timeout),
            Milliseconds(options.connect_timeout)));
      case StubShard::Type::kRemoteProgram:
        return std::make_unique<Xapian::Database>(Xapian::Remote::open(
            spec.program, spec.args, Milliseconds(options.remote_timeout)));
    }
  } catch (const Xapian::Error& e) {
    if (!stub_) {
      return XapianErrorToStatus(
          e, absl::StrCat("cannot open database '", spec.path, "'"));
    }
    return absl::UnavailableError(
        absl::StrCat("shard ", spec.Describe(), " is unavailable: ",
                     e.get_type(), ": ", e.get_msg()));
  }
  return absl::InternalError("unknown shard type");
}

void DatabasePool::MarkDown(size_t shard, uint64_t generation,
                            const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation != generation_ || shard >= shards_.size()) return;
  Shard& s = shards_[shard];
  s.down_until = absl::Now() + options_.retry_after;
  s.error = error;
  // Other connections to a server that stopped answering are no better.
  s.free.clear();
}

absl::Status DatabasePool::Borrow(size_t shard, bool path_present,
                                  Lease* lease) {
  std::unique_ptr<Xapian::Database> db;
  StubShard spec;
  bool was_down = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (lease->generation_ != generation_) {
      return absl::AbortedError("the database was switched; try again");
    }
    Shard& s = shards_[shard];
    spec = s.spec;
    was_down = !s.error.empty();
    if (!s.free.empty()) {
      db = std::move(s.free.back());
      s.free.pop_back();
    }
  }
  if (db == nullptr) {
    absl::StatusOr<std::unique_ptr<Xapian::Database>> opened =
        OpenShard(spec, options_);
    if (!opened.ok()) {
      if (stub_) MarkDown(shard, lease->generation_, std::string(opened.status().message()));
      return opened.status();
    }
    db = std::move(*opened);
  } else {
    try {
      db->reopen();
    } catch (const Xapian::Error& e) {
      // reopen() reads the revision file by path; with nothing at the path
      // (the moment of a switch) the handle's open tables serve the
      // revision it has.
      if (!stub_ && !path_present) {
        lease->handles_.push_back({shard, std::move(db)});
        return absl::OkStatus();
      }
      if (!stub_) {
        return XapianErrorToStatus(
            e, absl::StrCat("cannot reopen database '", path_, "'"));
      }
      const std::string error =
          absl::StrCat("shard ", spec.Describe(), " is unavailable: ",
                       e.get_type(), ": ", e.get_msg());
      MarkDown(shard, lease->generation_, error);
      return absl::UnavailableError(error);
    }
  }
  lease->handles_.push_back({shard, std::move(db)});
  if (spec.type != StubShard::Type::kLocal) lease->remote_ = true;
  if (was_down) {  // back
    std::lock_guard<std::mutex> lock(mu_);
    if (lease->generation_ == generation_) {
      shards_[shard].error.clear();
      shards_[shard].down_until = absl::InfinitePast();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<DatabasePool::Lease> DatabasePool::Acquire(
    const ShardSelection& selection) {
  const Identity now = Stat(path_);
  std::vector<size_t> wanted;
  Lease lease(this, 0);
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Nothing at the path (inode 0) is a moment of a switch (newsindex
    // turning an old-layout directory into a symlink): keep the handles.
    if (now.inode != 0 && !(now == identity_)) {
      // A stub that cannot be read is an error for every search until it
      // is fixed; the shards it replaces are not used meanwhile.
      const bool stub = !StubFileOf(path_).empty();
      absl::StatusOr<std::vector<Shard>> shards = ReadShards(path_, stub);
      if (!shards.ok()) return shards.status();
      identity_ = now;
      ++generation_;
      stub_ = stub;
      shards_ = std::move(*shards);  // old handles are of no more use
    }
    lease.generation_ = generation_;
    const absl::Time clock = absl::Now();
    for (size_t i = 0; i < shards_.size(); ++i) {
      const Shard& shard = shards_[i];
      // The first shard holds what every search reads (metadata, spelling,
      // synonyms).
      if (i > 0 && !shard.spec.Overlaps(selection.from, selection.until)) {
        ++lease.pruned_;
        continue;
      }
      if (stub_ && clock < shard.down_until) {
        if (!selection.allow_partial) {
          return absl::UnavailableError(shard.error);
        }
        lease.missing_.push_back(shard.spec.Describe());
        continue;
      }
      if (!shard.error.empty()) {
        // Down, and due to be tried again: by this search alone, while the
        // others still count it down.
        shards_[i].down_until = clock + options_.retry_after;
      }
      wanted.push_back(i);
    }
  }
  for (size_t i : wanted) {
    absl::Status borrowed = Borrow(i, now.inode != 0, &lease);
    if (borrowed.ok()) continue;
    // Aborted: switched meanwhile; the search starts again.
    if (borrowed.code() == absl::StatusCode::kAborted || !stub_ ||
        !selection.allow_partial) {
      return borrowed;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (i < shards_.size()) lease.missing_.push_back(shards_[i].spec.Describe());
  }
  for (const Lease::Handle& handle : lease.handles_) {
    lease.db_.add_database(*handle.db);
  }
  return lease;
}

std::vector<std::string> DatabasePool::MarkFailed(Lease& lease,
                                                  const std::string& error) {
  std::vector<std::string> failed;
  if (!stub_) return failed;
  for (Lease::Handle& handle : lease.handles_) {
    StubShard spec;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (lease.generation_ != generation_ || handle.shard >= shards_.size())
        continue;
      spec = shards_[handle.shard].spec;
    }
    if (Answers(spec, *handle.db)) continue;
    const std::string description = spec.Describe();
    MarkDown(handle.shard, lease.generation_,
             absl::StrCat("shard ", description, " is unavailable: ", error));
    handle.db.reset();
    failed.push_back(description);
  }
  return failed;
}

bool DatabasePool::Answers(const StubShard& spec,
                           Xapian::Database& handle) const {
  try {
    if (spec.type == StubShard::Type::kLocal) {
      handle.reopen();  // reads the revision file by path
      return true;
    }
    // Not the handle that failed: after a timeout, it would first wait for
    // the answer it missed. A new connection, with short timeouts.
    ShardOptions probe = options_;
    probe.remote_timeout = std::min(probe.remote_timeout, kProbeTimeout);
    probe.connect_timeout = std::min(probe.connect_timeout, kProbeTimeout);
    return OpenShard(spec, probe).ok();
  } catch (const Xapian::Error&) {
    return false;
  }
}

std::vector<std::string> DatabasePool::Warnings() {
  if (!stub_) return {};
  std::lock_guard<std::mutex> lock(mu_);
  // One database (stub_ turned false meanwhile) is one local shard.
  if (shards_.empty() || shards_[0].spec.type == StubShard::Type::kLocal) {
    return {};
  }
  // Xapian 1.4's remote backend serves neither spelling nor synonyms.
  return {absl::StrCat("the first shard (", shards_[0].spec.Describe(),
                       ") is remote: no spelling suggestions or name "
                       "variants (they are read only from a local first "
                       "shard, the lexicon)")};
}

void DatabasePool::Release(Lease& lease) {
  std::lock_guard<std::mutex> lock(mu_);
  if (lease.generation_ != generation_) return;
  const absl::Time clock = absl::Now();
  for (Lease::Handle& handle : lease.handles_) {
    if (handle.db == nullptr || handle.shard >= shards_.size()) continue;
    Shard& shard = shards_[handle.shard];
    if (clock < shard.down_until) continue;
    shard.free.push_back(std::move(handle.db));
  }
}

DatabasePool::Lease::Lease(DatabasePool* pool, uint64_t generation)
    : pool_(pool), generation_(generation) {}

DatabasePool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      generation_(other.generation_),
      handles_(std::move(other.handles_)),
      db_(std::move(other.db_)),
      missing_(std::move(other.missing_)),
      pruned_(other.pruned_),
      remote_(other.remote_) {
  other.pool_ = nullptr;
}

DatabasePool::Lease::~Lease() {
  db_ = Xapian::Database();  // drops its references to the handles' shards
  if (pool_ != nullptr) pool_->Release(*this);
}

}  // namespace newsearch
