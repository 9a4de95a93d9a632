// Date and time handling: parsing the timestamps that inputs carry, the keys
// stored in the index, and the bounds of date-range queries.
//
// All instants are absl::Time (UTC underneath). Input timestamps are RFC 3339
// ("2025-12-21T00:01:00+01:00", "...Z", optional fractional seconds, 'T' or a
// space) or a bare date ("2025-12-21"). Functions are pure and thread-safe.
//
//   ASSIGN_OR_RETURN(Timestamp t, ParseTimestamp("2025-12-21T00:01:00+01:00"));
//   FormatTimestamp(t);  // "2025-12-20T23:01:00Z"
#ifndef NEWSEARCH_DATES_H_
#define NEWSEARCH_DATES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "newsearch/document.h"

namespace newsearch {

// Parses an RFC 3339 timestamp or a bare date; keeps the precision given.
// A timestamp without a UTC offset is rejected: its instant is unknowable.
absl::StatusOr<Timestamp> ParseTimestamp(absl::string_view text);

// "2025-12-20T23:01:00Z" (seconds always shown), or "2025-12-21" for kDay.
std::string FormatTimestamp(const Timestamp& t);

// The instant stored for a published time (kSlotPublished, the date terms
// and keys). A bare date is stored at noon UTC so that it stays on its
// calendar day when read in any zone from UTC-12 to UTC+11 (see schema.h).
absl::Time StoredInstant(const Timestamp& t);

// Keys stored in value slots and boolean terms, always in UTC.
std::string DayKey(absl::Time t);    // "20251221"
std::string MonthKey(absl::Time t);  // "202512"
std::string YearKey(absl::Time t);   // "2025"
std::string HourKey(absl::Time t);   // "2025122123"

// Loads an IANA zone ("Europe/Paris", "UTC").
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name);

// One end of a date range typed in a query: "2025-12-01", "2025-12-01T10",
// "2025-12-01T10:30", "2025-12-01 10:30:15", read in `zone` unless it carries
// an offset. A lower bound is the first second it names; an upper bound is
// the last one (so "..2025-12-21" includes the whole of that day).
enum class Bound { kLower, kUpper };
absl::StatusOr<absl::Time> ParseRangeBound(absl::string_view text,
                                           absl::TimeZone zone, Bound bound);

// The span of time a date in a query names, as [lower, upper], both
// inclusive, to the second:
//   absolute: "2025-12-21" (that day in `zone`), "2025-12-21T10" (that hour),
//             "2025-12-21T10:30", "...:15", or with an offset ("...Z");
//   relative to `now`: "today" and "yesterday" (local days in `zone`),
//             "24h", "7d", "2w" (the last N hours, days or weeks up to now).
struct DateSpan {
  absl::Time lower;
  absl::Time upper;
};
absl::StatusOr<DateSpan> ParseDateSpec(absl::string_view text,
                                       absl::TimeZone zone, absl::Time now);

}  // namespace newsearch

#endif  // NEWSEARCH_DATES_H_
