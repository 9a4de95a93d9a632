#include "newsearch/dates.h"

#include <sys/stat.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace newsearch {
namespace {

// Accept "2025-12-21 10:00:00Z" as well as the 'T' form.
std::string CanonicalSeparator(absl::string_view text) {
  std::string s(absl::StripAsciiWhitespace(text));
  if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
  return s;
}

bool HasUtcOffset(absl::string_view s) {
  if (s.size() <= 10) return false;
  const char last = s.back();
  if (last == 'Z' || last == 'z') return true;
  // "+01:00" / "-0500" after the time part.
  const size_t pos = s.find_last_of("+-");
  return pos != absl::string_view::npos && pos > 10;
}

// RFC 3339 years have four digits (0000-9999); absl would also read "-001"
// or "10000", whose keys (DayKey...) no longer sort as strings.
bool HasFourDigitYear(absl::string_view s) {
  return s.size() >= 5 && absl::ascii_isdigit(s[0]) &&
         absl::ascii_isdigit(s[1]) && absl::ascii_isdigit(s[2]) &&
         absl::ascii_isdigit(s[3]) && s[4] == '-';
}

// The instants an index can hold: years 0000 to 9999 in UTC, so that the
// keys stay four-digit and a UTC offset cannot push a date out of them.
constexpr int64_t kFirstUnixSecond = -62167219200;  // 0000-01-01T00:00:00Z
constexpr int64_t kLastUnixSecond = 253402300799;   // 9999-12-31T23:59:59Z

absl::StatusOr<Timestamp> InRange(absl::string_view text, Timestamp t) {
  if (t.time < absl::FromUnixSeconds(kFirstUnixSecond) ||
      t.time >= absl::FromUnixSeconds(kLastUnixSecond + 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "date '", text,
        "' is outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z"));
  }
  return t;
}

absl::Time NextInstant(const Timestamp& t) {
  switch (t.precision) {
    case TimePrecision::kDay:
      return t.time + absl::Hours(24);
    case TimePrecision::kMinute:
      return t.time + absl::Minutes(1);
    case TimePrecision::kSecond:
      break;
  }
  return t.time + absl::Seconds(1);
}

}  // namespace

absl::StatusOr<Timestamp> ParseTimestamp(absl::string_view text) {
  const std::string s = CanonicalSeparator(text);
  absl::Time t;
  std::string err;
  if (!HasFourDigitYear(s)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unparseable date '", text,
                     "': expected a four-digit year (0000-9999)"));
  }
  if (s.size() == 10) {
    if (absl::ParseTime("%Y-%m-%d", s, absl::UTCTimeZone(), &t, &err)) {
      return InRange(text, Timestamp{t, TimePrecision::kDay});
    }
    return absl::InvalidArgumentError(
        absl::StrCat("unparseable date '", text, "': expected YYYY-MM-DD"));
  }
  if (!HasUtcOffset(s)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unparseable date '", text,
        "': expected RFC 3339 with a UTC offset (2025-12-21T00:01:00+01:00) "
        "or a date (2025-12-21)"));
  }
  // A leap second (23:59:60) is read as the first second after it, as
  // absl (and POSIX time) do; fractions of a second, however many digits,
  // are kept to absl's precision and dropped from what is stored.
  if (absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", s, &t, &err)) {
    return InRange(text, Timestamp{t, TimePrecision::kSecond});
  }
  if (absl::ParseTime("%Y-%m-%d%ET%H:%M%Ez", s, &t, &err)) {
    return InRange(text, Timestamp{t, TimePrecision::kMinute});
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unparseable date '", text, "': expected RFC 3339 such as ",
                   "2025-12-21T00:01:00+01:00"));
}

std::string FormatTimestamp(const Timestamp& t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t.time, absl::UTCTimeZone());
  if (t.precision == TimePrecision::kDay) {
    return absl::StrFormat("%04d-%02d-%02d", c.year(), c.month(), c.day());
  }
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02dZ", c.year(), c.month(),
                         c.day(), c.hour(), c.minute(), c.second());
}

absl::Time StoredInstant(const Timestamp& t) {
  if (t.precision == TimePrecision::kDay) return t.time + absl::Hours(12);
  return t.time;
}

// Zero-padded by hand: absl's %Y writes year 5 as "5", and keys must keep
// their width to sort (and be cut) as strings.
std::string DayKey(absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  return absl::StrFormat("%04d%02d%02d", c.year(), c.month(), c.day());
}
std::string MonthKey(absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  return absl::StrFormat("%04d%02d", c.year(), c.month());
}
std::string YearKey(absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  return absl::StrFormat("%04d", c.year());
}
std::string HourKey(absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  return absl::StrFormat("%04d%02d%02d%02d", c.year(), c.month(), c.day(),
                         c.hour());
}

namespace {

// Whether `name` can be a zone of the system's tz database: spelt as IANA
// names are ("Europe/Paris", "Etc/GMT+5"; no "..", no absolute path) and
// present as a file. absl would open any path it is given, and caches every
// name it is asked for, loaded or not, for the life of the process: a
// server reading zones from requests would grow without bound.
bool IsInstalledZone(absl::string_view name) {
  if (name == "UTC") return true;  // absl's own, no file needed
  if (name.empty() || name.size() > 64 || name[0] == '/') return false;
  for (const char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        c != '/' && c != '_' && c != '-' && c != '+') {
      return false;
    }
  }
  const char* const dir = std::getenv("TZDIR");  // as absl looks for zones
  struct stat info;
  return stat(absl::StrCat(dir != nullptr && *dir != '\0'
                               ? dir : "/usr/share/zoneinfo",
                           "/", name).c_str(),
              &info) == 0 &&
         S_ISREG(info.st_mode);
}

}  // namespace

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name) {
  absl::TimeZone zone;
  if (!IsInstalledZone(name) ||
      !absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown time zone '", name,
                                                   "' (use an IANA name such ",
                                                   "as Europe/Paris or UTC)"));
  }
  return zone;
}

absl::StatusOr<absl::Time> ParseRangeBound(absl::string_view text,
                                           absl::TimeZone zone, Bound bound) {
  const std::string s = CanonicalSeparator(text);
  Timestamp t;
  if (HasUtcOffset(s)) {
    absl::StatusOr<Timestamp> parsed = ParseTimestamp(s);
    if (!parsed.ok()) return parsed.status();
    t = *parsed;
  } else {
    // Civil times resolve in `zone`, so day boundaries follow its DST rules.
    absl::CivilSecond civil;
    if (!HasFourDigitYear(s) || !absl::ParseLenientCivilTime(s, &civil) ||
        s.size() < 10) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad date '", text, "': expected YYYY-MM-DD[THH[:MM[:SS]]]"));
    }
    const absl::CivilSecond start = civil;
    absl::CivilSecond next;
    if (s.size() == 10) {
      next = absl::CivilSecond(absl::CivilDay(civil) + 1);
    } else if (s.size() == 13) {
      next = absl::CivilSecond(absl::CivilHour(civil) + 1);
    } else if (s.size() == 16) {
      next = absl::CivilSecond(absl::CivilMinute(civil) + 1);
    } else {
      next = civil + 1;
    }
    if (bound == Bound::kLower) return absl::FromCivil(start, zone);
    return absl::FromCivil(next, zone) - absl::Seconds(1);
  }
  if (bound == Bound::kLower) return t.time;
  return NextInstant(t) - absl::Seconds(1);
}

namespace {

// "24h", "7d", "2w" -> the duration; nullopt for anything else.
std::optional<absl::Duration> RelativeSpan(absl::string_view text) {
  if (text.size() < 2 || text.size() > 7) return std::nullopt;
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
    n = n * 10 + (c - '0');
  }
  switch (text.back()) {
    case 'h':
      return absl::Hours(n);
    case 'd':
      return absl::Hours(int64_t{24} * n);
    case 'w':
      return absl::Hours(int64_t{24} * 7 * n);
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::StatusOr<DateSpan> ParseDateSpec(absl::string_view text,
                                       absl::TimeZone zone, absl::Time now) {
  const std::string spec =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (spec == "today" || spec == "yesterday") {
    absl::CivilDay day = absl::ToCivilDay(now, zone);
    if (spec == "yesterday") day -= 1;
    return DateSpan{absl::FromCivil(day, zone),
                    absl::FromCivil(day + 1, zone) - absl::Seconds(1)};
  }
  if (std::optional<absl::Duration> span = RelativeSpan(spec)) {
    return DateSpan{now - *span, now};
  }
  absl::StatusOr<absl::Time> lower = ParseRangeBound(text, zone, Bound::kLower);
  if (!lower.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad date '", text,
        "': expected YYYY-MM-DD[THH[:MM[:SS]]], today, yesterday, or a span "
        "such as 24h, 7d, 2w"));
  }
  absl::StatusOr<absl::Time> upper = ParseRangeBound(text, zone, Bound::kUpper);
  if (!upper.ok()) return upper.status();
  return DateSpan{*lower, *upper};
}

}  // namespace newsearch
