// Time shards and the stub file that lists them.
//
// A time-sharded newsearch database is a directory holding one ordinary
// Xapian database per month (or per year) of publication, one for undated
// documents, a `lexicon` database with no documents (metadata, spelling and
// the name-variants synonyms, which every search reads from the first
// database of a stub), and the Xapian stub file `XAPIANDB` that lists them,
// so that Xapian's own tools (delve, quest, xapian-tcpsrv) open the
// directory as one database:
//
//   # newsearch time shards, one per month (see README "Time shards")
//   glass lexicon
//   # period 1987-02
//   glass 1987-02
//   # period undated
//   glass undated
//
// `# period P...` comments (Xapian skips `#` lines) tell newsearch which
// documents a shard holds, so that a date-range search asks only the shards
// it can match; a shard moved to another machine keeps its comment above a
// `remote HOST:PORT` line, and a xapian-tcpsrv serving several shards as
// one lists them all (`# period 1987-02 1987-03`). Without a comment, a local shard's directory
// name is read as its period, and any other shard is always searched.
//
// A period is a UTC month or year of the published instant (StoredInstant).
//
//   ASSIGN_OR_RETURN(std::vector<StubShard> shards, ReadStub("db/XAPIANDB"));
//   for (const StubShard& s : shards) if (s.period.Overlaps(from, until)) ...
//
// Thread-safe: plain functions and values.
#ifndef NEWSEARCH_SHARD_STUB_H_
#define NEWSEARCH_SHARD_STUB_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsearch {

// What shards a time-sharded database is cut into.
enum class ShardBy { kNone, kMonth, kYear };

// "month", "year" or "none".
absl::StatusOr<ShardBy> ParseShardBy(absl::string_view name);

struct ShardPeriod {
  enum class Kind { kUnknown, kLexicon, kUndated, kMonth, kYear };
  Kind kind = Kind::kUnknown;
  absl::Time begin;  // kMonth, kYear: [begin, end), UTC
  absl::Time end;

  // "1987-03", "1987", "undated", "lexicon", "" (unknown).
  std::string Name() const;
  // Whether a document published in [from, until] (inclusive, either end
  // open) could be in this shard. Undated documents never are; a lexicon
  // holds no documents; an unknown period always could.
  bool Overlaps(std::optional<absl::Time> from,
                std::optional<absl::Time> until) const;
};

// "1987-03", "1987", "undated" or "lexicon"; kInvalidArgument otherwise.
absl::StatusOr<ShardPeriod> ParsePeriod(absl::string_view name);
// The period of `by` holding a document published at `published` (nullopt:
// undated).
ShardPeriod PeriodOf(ShardBy by, std::optional<absl::Time> published);

struct StubShard {
  enum class Type { kLocal, kRemoteTcp, kRemoteProgram };
  Type type = Type::kLocal;
  std::string backend;  // local: "auto", "glass" or "chert"
  std::string path;     // local: resolved against the stub's directory
  std::string host;     // kRemoteTcp
  unsigned port = 0;    // kRemoteTcp
  std::string program;  // kRemoteProgram
  std::string args;     // kRemoteProgram
  // What the shard holds; several for a server of several shards
  // (`# period 1987-02 1987-03`); none: unknown, always searched.
  std::vector<ShardPeriod> periods;
  int line = 0;  // in the stub file

  // Whether it can hold documents published in [from, until].
  bool Overlaps(std::optional<absl::Time> from,
                std::optional<absl::Time> until) const;

  // For messages: "1987-03 (remote 10.0.0.2:7001)", "lexicon (glass
  // /data/news/lexicon)".
  std::string Describe() const;
};

// The shards a Xapian stub file lists, in order. kNotFound when the file is
// missing; kInvalidArgument with "FILE:LINE: error: ..." for a line Xapian
// would reject or a bad `# period` comment.
absl::StatusOr<std::vector<StubShard>> ReadStub(const std::string& file);

// The stub file text for local shards, named by their period (relative
// paths, so the directory can be moved), lexicon first.
std::string FormatStub(ShardBy by, const std::vector<ShardPeriod>& periods);

// If `path` is a stub: the stub file (`path` itself, or `path/XAPIANDB` for
// a stub directory); else "" (a database directory, a single-file database
// or nothing).
std::string StubFileOf(const std::string& path);

// Raises this process's soft limit on open files to its hard limit, once:
// each open glass shard holds several files, per writer and per concurrent
// search, so a few hundred monthly shards pass the usual soft limit of 1024.
void RaiseOpenFileLimit();

}  // namespace newsearch

#endif  // NEWSEARCH_SHARD_STUB_H_
