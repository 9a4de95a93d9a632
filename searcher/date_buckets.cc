#include "searcher/date_buckets.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"

namespace newsearch {
namespace {

absl::CivilSecond NextBucket(absl::CivilSecond start, DateInterval interval) {
  switch (interval) {
    case DateInterval::kHour:
      return absl::CivilHour(start) + 1;
    case DateInterval::kWeek:
      return absl::CivilDay(start) + 7;
    case DateInterval::kMonth:
      return absl::CivilMonth(start) + 1;
    case DateInterval::kYear:
      return absl::CivilYear(start) + 1;
    case DateInterval::kAuto:
    case DateInterval::kDay:
      break;
  }
  return absl::CivilDay(start) + 1;
}

std::string BucketKey(absl::CivilSecond start, DateInterval interval) {
  switch (interval) {
    case DateInterval::kHour:
      return absl::StrFormat("%04d-%02d-%02dT%02d", start.year(), start.month(),
                             start.day(), start.hour());
    case DateInterval::kMonth:
      return absl::StrFormat("%04d-%02d", start.year(), start.month());
    case DateInterval::kYear:
      return absl::StrFormat("%04d", start.year());
    default:
      break;
  }
  return absl::StrFormat("%04d-%02d-%02d", start.year(), start.month(),
                         start.day());
}

}  // namespace

DateInterval AutoInterval(absl::Duration span) {
  if (span <= absl::Hours(48)) return DateInterval::kHour;
  if (span <= absl::Hours(24 * 62)) return DateInterval::kDay;
  if (span <= absl::Hours(24 * 366)) return DateInterval::kWeek;
  if (span <= absl::Hours(24 * 366 * 15)) return DateInterval::kMonth;
  return DateInterval::kYear;
}

absl::CivilSecond BucketStart(absl::CivilSecond civil, DateInterval interval) {
  switch (interval) {
    case DateInterval::kHour:
      return absl::CivilHour(civil);
    case DateInterval::kWeek:
      return absl::PrevWeekday(absl::CivilDay(civil) + 1,
                               absl::Weekday::monday);
    case DateInterval::kMonth:
      return absl::CivilMonth(civil);
    case DateInterval::kYear:
      return absl::CivilYear(civil);
    case DateInterval::kAuto:
    case DateInterval::kDay:
      break;
  }
  return absl::CivilDay(civil);
}

DateHistogram HistogramFromBuckets(
    const std::map<absl::CivilSecond, int64_t>& counts, DateInterval interval,
    const std::string& zone_name) {
  DateHistogram histogram;
  histogram.time_zone = zone_name;
  histogram.interval =
      interval == DateInterval::kAuto ? DateInterval::kDay : interval;
  if (counts.empty()) return histogram;
  const absl::CivilSecond last = counts.rbegin()->first;
  for (absl::CivilSecond b = counts.begin()->first; b <= last;
       b = NextBucket(b, histogram.interval)) {
    auto it = counts.find(b);
    histogram.buckets.push_back({BucketKey(b, histogram.interval),
                                 it == counts.end() ? 0 : it->second});
  }
  return histogram;
}

FacetCounts TopValues(std::vector<FacetValue> values, int size) {
  std::sort(values.begin(), values.end(),
            [](const FacetValue& a, const FacetValue& b) {
              return a.count != b.count ? a.count > b.count : a.value < b.value;
            });
  FacetCounts counts;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i < static_cast<size_t>(size)) {
      counts.values.push_back(std::move(values[i]));
    } else {
      counts.other += values[i].count;
    }
  }
  return counts;
}

}  // namespace newsearch
