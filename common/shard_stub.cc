#include "newsearch/shard_stub.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"

namespace newsearch {
namespace {

constexpr absl::string_view kPeriodComment = "# period ";
constexpr absl::string_view kStubName = "XAPIANDB";

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string Directory(const std::string& file) {
  const size_t slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash);
}

std::string Basename(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::Status LineError(const std::string& file, int line,
                       absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(file, ":", line, ": error: ", message));
}

// `remote HOST:PORT`, `remote [IPv6]:PORT` or `remote :PROGRAM ARGS`, as
// Xapian's stub reader takes them.
bool ParseRemote(absl::string_view rest, StubShard* shard) {
  if (rest.empty()) return false;
  if (rest[0] == ':') {
    rest.remove_prefix(1);
    const size_t space = rest.find(' ');
    shard->type = StubShard::Type::kRemoteProgram;
    shard->program = std::string(rest.substr(0, space));
    if (space != absl::string_view::npos) {
      shard->args = std::string(rest.substr(space + 1));
    }
    return !shard->program.empty();
  }
  const size_t colon = rest.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  absl::string_view host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!absl::SimpleAtoi(rest.substr(colon + 1), &shard->port) ||
      shard->port == 0 || shard->port > 65535 || host.empty()) {
    return false;
  }
  shard->type = StubShard::Type::kRemoteTcp;
  shard->host = std::string(host);
  return true;
}

}  // namespace

absl::StatusOr<ShardBy> ParseShardBy(absl::string_view name) {
  if (name == "month") return ShardBy::kMonth;
  if (name == "year") return ShardBy::kYear;
  if (name == "none" || name.empty()) return ShardBy::kNone;
  return absl::InvalidArgumentError(
      absl::StrCat("shard_by must be month, year or none, not '", name, "'"));
}

std::string ShardPeriod::Name() const {
  const absl::CivilSecond start = absl::ToCivilSecond(begin, absl::UTCTimeZone());
  const int64_t year = start.year();
  std::string year_name = year >= 0 && year <= 9999
                                    ? absl::StrFormat("%04d", year)
                                    : absl::StrFormat("%+d", year);
  switch (kind) {
    case Kind::kMonth:
      return absl::StrFormat("%s-%02d", year_name, start.month());
    case Kind::kYear:
      return year_name;
    case Kind::kUndated:
      return "undated";
    case Kind::kLexicon:
      return "lexicon";
    case Kind::kUnknown:
      break;
  }
  return "";
}

bool ShardPeriod::Overlaps(std::optional<absl::Time> from,
                           std::optional<absl::Time> until) const {
  switch (kind) {
    case Kind::kUnknown:
      return true;
    case Kind::kLexicon:
      return false;
    case Kind::kUndated:
      return !from && !until;
    case Kind::kMonth:
    case Kind::kYear:
      break;
  }
  return (!from || *from < end) && (!until || *until >= begin);
}

absl::StatusOr<ShardPeriod> ParsePeriod(absl::string_view name) {
  ShardPeriod period;
  if (name == "undated") {
    period.kind = ShardPeriod::Kind::kUndated;
    return period;
  }
  if (name == "lexicon") {
    period.kind = ShardPeriod::Kind::kLexicon;
    return period;
  }
  // Four digits, or a sign and digits for years outside 0 to 9999 (ISO
  // 8601's expanded form), as YearName() writes them: RFC 3339 dates have
  // four digits, but the date parser takes more.
  const auto is_year = [](absl::string_view s) {
    const bool sign = !s.empty() && (s[0] == '+' || s[0] == '-');
    const absl::string_view digits = sign ? s.substr(1) : s;
    return (sign ? !digits.empty() && digits.size() <= 9 : digits.size() == 4) &&
           std::all_of(digits.begin(), digits.end(), [](char c) {
             return absl::ascii_isdigit(static_cast<unsigned char>(c));
           });
  };
  // Only the one way Name() writes a year: +987 is 0987.
  const auto canonical = [](absl::string_view s, int year) {
    return s[0] == '+' ? year > 9999 : s[0] == '-' ? year < 0 : true;
  };
  int year = 0, month = 0;
  if (is_year(name) && absl::SimpleAtoi(name, &year) &&
      canonical(name, year)) {
    period.kind = ShardPeriod::Kind::kYear;
    period.begin = absl::FromCivil(absl::CivilYear(year), absl::UTCTimeZone());
    period.end = absl::FromCivil(absl::CivilYear(year + 1), absl::UTCTimeZone());
    return period;
  }
  const size_t dash = name.size() >= 3 ? name.size() - 3 : 0;
  if (dash > 0 && name[dash] == '-' && is_year(name.substr(0, dash)) &&
      absl::ascii_isdigit(static_cast<unsigned char>(name[dash + 1])) &&
      absl::ascii_isdigit(static_cast<unsigned char>(name[dash + 2])) &&
      absl::SimpleAtoi(name.substr(0, dash), &year) &&
      canonical(name, year) &&
      absl::SimpleAtoi(name.substr(dash + 1), &month) && month >= 1 &&
      month <= 12) {
    const absl::CivilMonth civil(year, month);
    period.kind = ShardPeriod::Kind::kMonth;
    period.begin = absl::FromCivil(civil, absl::UTCTimeZone());
    period.end = absl::FromCivil(civil + 1, absl::UTCTimeZone());
    return period;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "a period is YYYY-MM, YYYY, undated or lexicon, not '", name, "'"));
}

ShardPeriod PeriodOf(ShardBy by, std::optional<absl::Time> published) {
  ShardPeriod period;
  if (!published) {
    period.kind = ShardPeriod::Kind::kUndated;
    return period;
  }
  const absl::CivilSecond t =
      absl::ToCivilSecond(*published, absl::UTCTimeZone());
  if (by == ShardBy::kYear) {
    const absl::CivilYear year(t);
    period.kind = ShardPeriod::Kind::kYear;
    period.begin = absl::FromCivil(year, absl::UTCTimeZone());
    period.end = absl::FromCivil(year + 1, absl::UTCTimeZone());
  } else {
    const absl::CivilMonth month(t);
    period.kind = ShardPeriod::Kind::kMonth;
    period.begin = absl::FromCivil(month, absl::UTCTimeZone());
    period.end = absl::FromCivil(month + 1, absl::UTCTimeZone());
  }
  return period;
}

bool StubShard::Overlaps(std::optional<absl::Time> from,
                         std::optional<absl::Time> until) const {
  if (periods.empty()) return true;
  for (const ShardPeriod& period : periods) {
    if (period.Overlaps(from, until)) return true;
  }
  return false;
}

std::string StubShard::Describe() const {
  std::string where;
  switch (type) {
    case Type::kLocal:
      where = absl::StrCat(backend, " ", path);
      break;
    case Type::kRemoteTcp:
      where = host.find(':') == std::string::npos
                  ? absl::StrCat("remote ", host, ":", port)
                  : absl::StrCat("remote [", host, "]:", port);
      break;
    case Type::kRemoteProgram:
      where = absl::StrCat("remote :", program);
      break;
  }
  std::vector<std::string> names;
  for (const ShardPeriod& period : periods) names.push_back(period.Name());
  return names.empty() ? where
                       : absl::StrCat(absl::StrJoin(names, " "), " (", where,
                                      ")");
}

absl::StatusOr<std::vector<StubShard>> ReadStub(const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open stub database file '", file, "'"));
  }
  std::vector<StubShard> shards;
  std::vector<ShardPeriod> annotated;
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty()) continue;
    if (text[0] == '#') {
      absl::string_view comment = text;
      if (absl::ConsumePrefix(&comment, kPeriodComment)) {
        annotated.clear();
        for (absl::string_view name :
             absl::StrSplit(comment, ' ', absl::SkipWhitespace())) {
          absl::StatusOr<ShardPeriod> period = ParsePeriod(name);
          if (!period.ok()) {
            return LineError(file, line, period.status().message());
          }
          annotated.push_back(*period);
        }
      }
      continue;
    }
    StubShard shard;
    shard.line = line;
    const size_t space = text.find(' ');
    const std::string type = text.substr(0, space);
    const absl::string_view rest =
        space == std::string::npos ? "" : absl::string_view(text).substr(space + 1);
    if (type == "auto" || type == "glass" || type == "chert") {
      if (rest.empty()) return LineError(file, line, "no database path");
      shard.backend = type;
      shard.path = rest[0] == '/' ? std::string(rest)
                                  : absl::StrCat(Directory(file), "/", rest);
      if (annotated.empty()) {
        absl::StatusOr<ShardPeriod> named = ParsePeriod(Basename(shard.path));
        if (named.ok()) annotated.push_back(*named);
      }
    } else if (type == "remote") {
      if (!ParseRemote(rest, &shard)) {
        return LineError(file, line,
                         "remote shards are 'remote HOST:PORT' or "
                         "'remote :PROGRAM ARGS'");
      }
    } else {
      return LineError(file, line,
                       absl::StrCat("unknown database type '", type,
                                    "' (auto, glass, chert or remote)"));
    }
    shard.periods = std::move(annotated);
    annotated.clear();
    shards.push_back(std::move(shard));
  }
  return shards;
}

std::string FormatStub(ShardBy by, const std::vector<ShardPeriod>& periods) {
  std::string text = absl::StrCat(
      "# newsearch time shards, one per ",
      by == ShardBy::kYear ? "year" : "month",
      " (see the README, \"Time shards\").\n"
      "# The lexicon holds no documents: metadata, spelling, name variants.\n"
      "# A \"# period\" line names the documents of the shard below it.\n"
      "glass lexicon\n");
  for (const ShardPeriod& period : periods) {
    if (period.kind == ShardPeriod::Kind::kLexicon) continue;
    const std::string name = period.Name();
    absl::StrAppend(&text, kPeriodComment, name, "\nglass ", name, "\n");
  }
  return text;
}

void RaiseOpenFileLimit() {
  static const bool kRaised = [] {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
    if (limit.rlim_cur >= limit.rlim_max) return true;
    limit.rlim_cur = limit.rlim_max;
    return setrlimit(RLIMIT_NOFILE, &limit) == 0;
  }();
  (void)kRaised;
}

std::string StubFileOf(const std::string& path) {
  if (IsDirectory(path)) {
    if (Exists(path + "/iamglass") || Exists(path + "/iamchert")) return "";
    const std::string stub = absl::StrCat(path, "/", kStubName);
    return Exists(stub) ? stub : "";
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  char head[512];
  in.read(head, sizeof head);
  // A single-file glass database is binary; a stub is text.
  for (std::streamsize i = 0; i < in.gcount(); ++i) {
    if (head[i] == '\0') return "";
  }
  return path;
}

}  // namespace newsearch
