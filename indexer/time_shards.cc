#include "indexer/time_shards.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "indexer/segments.h"
#include "newsearch/status_macros.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

constexpr char kLexicon[] = "lexicon";

const char* ShardByName(ShardBy by) {
  return by == ShardBy::kYear ? "year" : "month";
}

// Replaces `path` with `text` whole: written to a temporary file, synced,
// renamed over it. A reader sees the old text or the new, never a part.
absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& text) {
  const std::string temporary = path + ".tmp";
  FILE* out = std::fopen(temporary.c_str(), "w");
  bool written = out != nullptr &&
                 std::fwrite(text.data(), 1, text.size(), out) == text.size() &&
                 std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
  if (out != nullptr && std::fclose(out) != 0) written = false;
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ShardBy> TimeShards::Detect(const std::string& dir) {
  const std::string stub = StubFileOf(dir);
  if (stub.empty()) return ShardBy::kNone;
  try {
    const Xapian::Database lexicon(absl::StrCat(dir, "/", kLexicon));
    const std::string by = lexicon.get_metadata(kShardByKey);
    absl::StatusOr<ShardBy> parsed = ParseShardBy(by);
    if (!parsed.ok() || *parsed == ShardBy::kNone) {
      return absl::InvalidArgumentError(absl::StrCat(
          dir, ": a stub whose lexicon does not say how it is sharded "
               "(not written by newsindex?)"));
    }
    return parsed;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, absl::StrCat(dir, ": a stub without a newsindex lexicon"));
  }
}

absl::StatusOr<std::unique_ptr<TimeShards>> TimeShards::Open(
    const std::string& dir, ShardBy by) {
  if (by == ShardBy::kNone) {
    return absl::InvalidArgumentError("time shards need a period");
  }
  RaiseOpenFileLimit();
  std::error_code ec;
  if (std::filesystem::exists(dir + "/iamglass", ec) ||
      Segments::IsSegmented(dir)) {
    return absl::InvalidArgumentError(absl::StrCat(
        dir, " is one database, not time-sharded: shard_by applies to a new "
             "database"));
  }
  ASSIGN_OR_RETURN(const ShardBy existing, Detect(dir));
  if (existing != ShardBy::kNone && existing != by) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, " is sharded by ", ShardByName(existing), ", not by ",
                     ShardByName(by)));
  }
  std::vector<StubShard> listed;
  if (existing != ShardBy::kNone) {
    ASSIGN_OR_RETURN(listed, ReadStub(StubFileOf(dir)));
  }
  try {
    std::filesystem::create_directories(dir, ec);
    Xapian::WritableDatabase lexicon(absl::StrCat(dir, "/", kLexicon),
                                     Xapian::DB_CREATE_OR_OPEN);
    std::unique_ptr<TimeShards> shards(
        new TimeShards(dir, by, std::move(lexicon)));
    for (const StubShard& shard : listed) {
      const ShardPeriod::Kind kind = shard.periods.size() == 1
                                         ? shard.periods[0].kind
                                         : ShardPeriod::Kind::kUnknown;
      if (kind == ShardPeriod::Kind::kLexicon) continue;
      if (shard.type != StubShard::Type::kLocal ||
          kind == ShardPeriod::Kind::kUnknown) {
        return absl::InvalidArgumentError(absl::StrCat(
            StubFileOf(dir), ":", shard.line, ": error: newsindex writes only "
            "local time shards; keep remote ones in the search host's own "
            "stub file"));
      }
      RETURN_IF_ERROR(shards->AddShard(shard.periods[0].Name()));
    }
    // A shard created by a run that died between committing it and
    // rewriting the stub: listed again now.
    const size_t listed_count = shards->shards_.size();
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      absl::StatusOr<ShardPeriod> period = ParsePeriod(name);
      if (!period.ok() || period->kind == ShardPeriod::Kind::kLexicon ||
          !std::filesystem::exists(entry.path() / "iamglass", ec)) {
        continue;
      }
      bool known = false;
      for (const Shard& shard : shards->shards_) known |= shard.name == name;
      if (!known) RETURN_IF_ERROR(shards->AddShard(name));
    }
    if (existing == ShardBy::kNone) {
      shards->lexicon_.set_metadata(kShardByKey, ShardByName(by));
      shards->lexicon_.commit();
    }
    if (existing == ShardBy::kNone || shards->shards_.size() != listed_count) {
      RETURN_IF_ERROR(shards->WriteStub());
    }
    shards->BuildSnapshot();
    return shards;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, absl::StrCat("cannot open time shards in '", dir, "'"));
  }
}

TimeShards::TimeShards(std::string dir, ShardBy by,
                       Xapian::WritableDatabase lexicon)
    : dir_(std::move(dir)), by_(by), lexicon_(std::move(lexicon)) {}

absl::Status TimeShards::AddShard(const std::string& name) {
  try {
    Shard shard;
    shard.name = name;
    shard.db = Xapian::WritableDatabase(absl::StrCat(dir_, "/", name),
                                        Xapian::DB_CREATE_OR_OPEN);
    shard.thread = std::make_unique<ShardThread>(shard.db, name);
    shards_.push_back(std::move(shard));
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, absl::StrCat("cannot open shard '", name, "' in '", dir_, "'"));
  }
}

absl::StatusOr<size_t> TimeShards::ShardFor(const ShardPeriod& period) {
  const std::string name = period.Name();
  for (size_t k = 0; k < shards_.size(); ++k) {
    if (shards_[k].name == name) return k;
  }
  RETURN_IF_ERROR(AddShard(name));
  stub_stale_ = true;
  return shards_.size() - 1;
}

absl::Status TimeShards::DrainAll() {
  absl::Status status = absl::OkStatus();
  for (Shard& shard : shards_) {
    absl::Status drained = shard.thread->Drain();
    if (status.ok()) status = drained;
  }
  return status;
}

absl::Status TimeShards::CommitAll() {
  RETURN_IF_ERROR(DrainAll());
  for (Shard& shard : shards_) {
    shard.thread->Push([](Xapian::WritableDatabase& db) { db.commit(); });
  }
  RETURN_IF_ERROR(DrainAll());
  try {
    lexicon_.commit();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot commit the lexicon");
  }
  if (stub_stale_) {
    RETURN_IF_ERROR(WriteStub());
    stub_stale_ = false;
  }
  return absl::OkStatus();
}

absl::Status TimeShards::WriteStub() const {
  std::vector<ShardPeriod> periods;
  for (const Shard& shard : shards_) {
    absl::StatusOr<ShardPeriod> period = ParsePeriod(shard.name);
    if (period.ok()) periods.push_back(*period);
  }
  std::sort(periods.begin(), periods.end(),
            [](const ShardPeriod& a, const ShardPeriod& b) {
              return a.Name() < b.Name();  // undated last
            });
  return WriteFileAtomically(absl::StrCat(dir_, "/XAPIANDB"),
                             FormatStub(by_, periods));
}

void TimeShards::BuildSnapshot() {
  snapshot_ = Xapian::Database(absl::StrCat(dir_, "/", kLexicon));
  for (const Shard& shard : shards_) {
    snapshot_.add_database(
        Xapian::Database(absl::StrCat(dir_, "/", shard.name)));
  }
  snapshot_shards_ = shards_.size();
}

bool TimeShards::Refresh() {
  if (snapshot_shards_ != shards_.size()) {
    BuildSnapshot();
    return true;
  }
  snapshot_.reopen();
  return false;
}

std::optional<size_t> TimeShards::ShardOfSnapshotDocid(
    Xapian::docid docid) const {
  const size_t n = snapshot_shards_ + 1;
  const size_t sub = (docid - 1) % n;
  if (sub == 0) return std::nullopt;
  return sub - 1;
}

namespace {

int64_t DirectoryBytes(const std::string& dir) {
  int64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  return bytes;
}

// Rewrites `file` with the same text under a new inode: searchers that
// watch it open every shard afresh (database_pool.h).
absl::Status Rewrite(const std::string& file) {
  std::ifstream in(file);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf()) || text.str().empty()) {
    return absl::UnavailableError(absl::StrCat("cannot read ", file));
  }
  return WriteFileAtomically(file, text.str());
}

}  // namespace

absl::StatusOr<CompactShardResult> CompactTimeShard(const std::string& dir,
                                                    const std::string& name) {
  ASSIGN_OR_RETURN(const ShardBy by, TimeShards::Detect(dir));
  if (by == ShardBy::kNone) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, " is not a time-sharded database"));
  }
  ASSIGN_OR_RETURN(const ShardPeriod period, ParsePeriod(name));
  const std::string shard = absl::StrCat(dir, "/", period.Name());
  std::error_code ec;
  if (period.kind == ShardPeriod::Kind::kLexicon ||
      !std::filesystem::exists(shard + "/iamglass", ec)) {
    return absl::NotFoundError(
        absl::StrCat("no shard '", name, "' in ", dir));
  }
  const std::string compacted = shard + ".compact";
  std::filesystem::remove_all(compacted, ec);
  CompactShardResult result;
  result.bytes_before = DirectoryBytes(shard);
  try {
    Xapian::Database(shard).compact(compacted);
  } catch (const Xapian::Error& e) {
    std::filesystem::remove_all(compacted, ec);
    return XapianErrorToStatus(e, absl::StrCat("cannot compact ", shard));
  }
  result.bytes_after = DirectoryBytes(compacted);
  // Atomic: a searcher opening the shard finds the old or the new one.
  if (::renameat2(AT_FDCWD, compacted.c_str(), AT_FDCWD, shard.c_str(),
                  RENAME_EXCHANGE) != 0) {
    std::filesystem::remove_all(compacted, ec);
    return absl::UnavailableError(
        absl::StrCat("cannot swap in the compacted ", shard));
  }
  std::filesystem::remove_all(compacted, ec);  // now the old shard
  RETURN_IF_ERROR(Rewrite(StubFileOf(dir)));
  return result;
}

}  // namespace newsearch
