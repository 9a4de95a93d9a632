// Facet requests and results: exact counts over all matches of a search,
// never the matcher's estimate, of reports or of stories (FacetCount).
// Counted with Xapian's built-in ValueCountMatchSpy (one per facet, or one
// on the story-facets slot when counting stories), so that remote shards can
// count too; or, by a server on a local database, from an in-memory copy of
// the same values (SearcherOptions::facet_cache), with the same result.
//
//   SearchRequest request;
//   request.facets = {"date", "topic", "source"};
//   request.date_interval = DateInterval::kMonth;
//   ...
//   for (const DateBucket& b : response.facets.date->buckets) ...
//   for (const FacetValue& v : response.facets.fields.at("topic").values) ...
//
// Plain structs; thread-compatible.
#ifndef NEWSEARCH_FACETS_H_
#define NEWSEARCH_FACETS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsearch {

// Facets that can be asked for: "date" (a histogram) and the fields below.
inline constexpr absl::string_view kFacetNames[] = {"date", "topic", "source",
                                                    "kind", "section"};

enum class DateInterval { kAuto, kHour, kDay, kWeek, kMonth, kYear };

// What facet counts count. Stories: a story counts once under each value any
// of its matching reports has (so a topic's stories, a day's stories); a
// story spanning two days counts on both.
enum class FacetCount { kStories, kReports };

// "stories" or "reports".
absl::StatusOr<FacetCount> ParseFacetCount(absl::string_view name);
absl::string_view FacetCountName(FacetCount count);

// "hour", "day", "week", "month", "year" or "auto".
absl::StatusOr<DateInterval> ParseDateInterval(absl::string_view name);
absl::string_view DateIntervalName(DateInterval interval);

// One bucket of the date histogram, on the local calendar of the request's
// zone: "2025-12-21T10" (hour), "2025-12-21" (day), "2025-12-15" (week, the
// Monday it starts on), "2025-12" (month), "2025" (year).
struct DateBucket {
  std::string key;
  int64_t count = 0;
};

struct DateHistogram {
  DateInterval interval = DateInterval::kDay;  // never kAuto once counted
  std::string time_zone;
  // From the first bucket with a match to the last, empty ones included.
  std::vector<DateBucket> buckets;
};

struct FacetValue {
  std::string value;  // the filter value: a topic's slug, a source...
  std::string name;   // for display: the topic's name; else the value
  int64_t count = 0;
};

struct FacetCounts {
  std::vector<FacetValue> values;  // top N, highest count first
  int64_t other = 0;               // the counts of the values left out, summed
};

struct Facets {
  FacetCount counted = FacetCount::kReports;
  std::optional<DateHistogram> date;
  std::map<std::string, FacetCounts> fields;  // "topic", "source", ...
};

}  // namespace newsearch

#endif  // NEWSEARCH_FACETS_H_
