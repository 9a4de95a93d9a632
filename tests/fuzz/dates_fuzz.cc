// Fuzzes the date parsers of newsearch/dates.h: ParseTimestamp (with the
// round trip FormatTimestamp -> ParseTimestamp, which must give the same
// text and, for whole seconds, the same instant), ParseRangeBound (a lower
// bound at most one second after the upper one) and ParseDateSpec (the
// same), in UTC and in zones with daylight saving and odd offsets; and LoadZone,
// which must never open a path outside the tz database ("/etc/...", "../").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "newsearch/dates.h"

namespace newsearch {
namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void RoundTrip(const Timestamp& t) {
  const std::string text = FormatTimestamp(t);
  const absl::StatusOr<Timestamp> again = ParseTimestamp(text);
  Check(again.ok());
  Check(FormatTimestamp(*again) == text);
  if (t.time == absl::FromUnixSeconds(absl::ToUnixSeconds(t.time))) {
    Check(again->time == t.time);
  }
  DayKey(StoredInstant(t));
  HourKey(StoredInstant(t));
}

}  // namespace
}  // namespace newsearch

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsearch;  // NOLINT: a fuzz target's only function
  static const std::vector<absl::TimeZone>* const zones = [] {
    auto* z = new std::vector<absl::TimeZone>{absl::UTCTimeZone()};
    for (const char* name :
         {"Europe/Paris", "America/St_Johns", "Pacific/Chatham"}) {
      z->push_back(*LoadZone(name));
    }
    return z;
  }();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (absl::StatusOr<Timestamp> t = ParseTimestamp(text); t.ok()) RoundTrip(*t);
  const absl::Time now = absl::FromUnixSeconds(1766275200);  // 2025-12-21
  const absl::TimeZone zone = (*zones)[size % zones->size()];
  absl::StatusOr<absl::Time> lower = ParseRangeBound(text, zone, Bound::kLower);
  absl::StatusOr<absl::Time> upper = ParseRangeBound(text, zone, Bound::kUpper);
  Check(lower.ok() == upper.ok());
  // An hour that daylight saving skips ("2026-03-29T02" in Paris) holds no
  // second: its span is empty (upper one second before lower), not inverted.
  if (lower.ok()) Check(*lower <= *upper + absl::Seconds(1));
  if (absl::StatusOr<DateSpan> span = ParseDateSpec(text, zone, now);
      span.ok()) {
    Check(span->lower <= span->upper + absl::Seconds(1));
  }
  if (size <= 80 && LoadZone(text).ok()) {
    Check(text[0] != '/' && text.find("..") == absl::string_view::npos &&
          text.find(':') == absl::string_view::npos);
  }
  return 0;
}
