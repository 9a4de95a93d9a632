#include "indexer/db_layout.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace newsearch {
namespace {

namespace fs = std::filesystem;

absl::Status ErrnoError(const std::string& what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// The directory `path` is in, for fsync after a rename.
absl::Status SyncParent(const fs::path& path) {
  const fs::path parent =
      path.has_parent_path() ? path.parent_path() : fs::path(".");
  const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoError("cannot open " + parent.string());
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return ErrnoError("cannot sync " + parent.string());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WriterLock> WriterLock::Acquire(const std::string& db) {
  const std::string path = db + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot open lock file " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat(
          "another newsindex is writing ", db, " (it holds ", path, ")"));
    }
    errno = error;
    return ErrnoError("cannot lock " + path);
  }
  return WriterLock(fd);
}

WriterLock::WriterLock(WriterLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

std::string GenerationDir(const std::string& db, int n) {
  return absl::StrCat(db, ".", n);
}

std::string BuildDir(const std::string& db, int n) {
  return absl::StrCat(GenerationDir(db, n), ".build");
}

std::optional<int> LiveGeneration(const std::string& db) {
  std::error_code ec;
  if (!fs::is_symlink(db, ec)) return std::nullopt;
  const fs::path target = fs::read_symlink(db, ec);
  if (ec) return std::nullopt;
  const std::string filename = target.filename().string();
  absl::string_view name = filename;
  const std::string base = fs::path(db).filename().string() + ".";
  int n = 0;
  if (!absl::ConsumePrefix(&name, base) || !absl::SimpleAtoi(name, &n)) {
    return std::nullopt;
  }
  return n;
}

absl::StatusOr<std::string> ResolveForWriting(const std::string& db) {
  std::error_code ec;
  if (std::optional<int> n = LiveGeneration(db)) return GenerationDir(db, *n);
  if (fs::exists(fs::symlink_status(db, ec))) return db;  // old layout
  const std::string first = GenerationDir(db, 1);
  fs::create_directories(first, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", first, ": ", ec.message()));
  }
  absl::Status switched = SwitchTo(db, 1);
  if (!switched.ok()) return switched;
  return first;
}

absl::Status SwitchTo(const std::string& db, int n) {
  std::error_code ec;
  const fs::path path(db);
  if (fs::is_directory(fs::symlink_status(path, ec))) {
    // The old layout: the directory becomes generation 0.
    if (::rename(db.c_str(), GenerationDir(db, 0).c_str()) != 0) {
      return ErrnoError("cannot rename " + db);
    }
  }
  // Relative, so that the whole layout can be moved or mounted elsewhere.
  const std::string target = fs::path(GenerationDir(db, n)).filename();
  const std::string temporary = absl::StrCat(db, ".switch-", ::getpid());
  fs::remove(temporary, ec);
  if (::symlink(target.c_str(), temporary.c_str()) != 0) {
    return ErrnoError("cannot create symlink " + temporary);
  }
  if (::rename(temporary.c_str(), db.c_str()) != 0) {
    absl::Status status = ErrnoError("cannot switch " + db);
    fs::remove(temporary, ec);
    return status;
  }
  return SyncParent(path);
}

std::vector<std::string> StaleDirectories(const std::string& db, int keep,
                                          int keep_build) {
  std::vector<std::string> stale;
  const fs::path path(db);
  const fs::path parent =
      path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string base = path.filename().string() + ".";
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string filename = it->path().filename().string();
    absl::string_view name = filename;
    if (!absl::ConsumePrefix(&name, base)) continue;
    if (absl::EndsWith(name, ".discard")) {
      stale.push_back(it->path());
      continue;
    }
    const bool build = absl::ConsumeSuffix(&name, ".build");
    int n = 0;
    if (!absl::SimpleAtoi(name, &n)) {
      // A symlink a crashed switch left behind.
      if (absl::StartsWith(name, "switch-")) stale.push_back(it->path());
      continue;
    }
    if (build ? n == keep_build : n == keep) continue;
    stale.push_back(it->path());
  }
  return stale;
}

void Discard(const std::string& dir) {
  const std::string discarded = dir + ".discard";
  std::error_code ec;
  fs::remove_all(discarded, ec);
  fs::rename(dir, discarded, ec);
  if (!ec) fs::remove_all(discarded, ec);
}

}  // namespace newsearch
