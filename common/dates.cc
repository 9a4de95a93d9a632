#include "newsearch/dates.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
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
  if (s.size() == 10) {
    if (absl::ParseTime("%Y-%m-%d", s, absl::UTCTimeZone(), &t, &err)) {
      return Timestamp{t, TimePrecision::kDay};
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
  if (absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", s, &t, &err)) {
    return Timestamp{t, TimePrecision::kSecond};
  }
  if (absl::ParseTime("%Y-%m-%d%ET%H:%M%Ez", s, &t, &err)) {
    return Timestamp{t, TimePrecision::kMinute};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unparseable date '", text, "': expected RFC 3339 such as ",
                   "2025-12-21T00:01:00+01:00"));
}

std::string FormatTimestamp(const Timestamp& t) {
  if (t.precision == TimePrecision::kDay) {
    return absl::FormatTime("%Y-%m-%d", t.time, absl::UTCTimeZone());
  }
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t.time, absl::UTCTimeZone());
}

absl::Time StoredInstant(const Timestamp& t) {
  if (t.precision == TimePrecision::kDay) return t.time + absl::Hours(12);
  return t.time;
}

std::string DayKey(absl::Time t) {
  return absl::FormatTime("%Y%m%d", t, absl::UTCTimeZone());
}
std::string MonthKey(absl::Time t) {
  return absl::FormatTime("%Y%m", t, absl::UTCTimeZone());
}
std::string YearKey(absl::Time t) {
  return absl::FormatTime("%Y", t, absl::UTCTimeZone());
}
std::string HourKey(absl::Time t) {
  return absl::FormatTime("%Y%m%d%H", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
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
    if (!absl::ParseLenientCivilTime(s, &civil) || s.size() < 10) {
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
      return absl::Hours(24 * n);
    case 'w':
      return absl::Hours(24 * 7 * n);
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
