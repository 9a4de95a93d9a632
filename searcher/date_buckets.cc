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

DateInterval Coarser(DateInterval interval) {
  switch (interval) {
    case DateInterval::kHour:
      return DateInterval::kDay;
    case DateInterval::kAuto:
    case DateInterval::kDay:
    case DateInterval::kWeek:
      return DateInterval::kMonth;
    case DateInterval::kMonth:
    case DateInterval::kYear:
      break;
  }
  return DateInterval::kYear;
}

// Buckets from the one starting at `first` to the one starting at `last`.
int64_t BucketCount(absl::CivilSecond first, absl::CivilSecond last,
                    DateInterval interval) {
  switch (interval) {
    case DateInterval::kHour:
      return absl::CivilHour(last) - absl::CivilHour(first) + 1;
    case DateInterval::kWeek:
      return (absl::CivilDay(last) - absl::CivilDay(first)) / 7 + 1;
    case DateInterval::kMonth:
      return absl::CivilMonth(last) - absl::CivilMonth(first) + 1;
    case DateInterval::kYear:
      return absl::CivilYear(last) - absl::CivilYear(first) + 1;
    case DateInterval::kAuto:
    case DateInterval::kDay:
      break;
  }
  return absl::CivilDay(last) - absl::CivilDay(first) + 1;
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

DateInterval FitInterval(DateInterval interval, absl::Duration span) {
  if (interval == DateInterval::kAuto) interval = AutoInterval(span);
  for (;;) {
    // Shortest length of a bucket (a month is at least 28 days, a day 23
    // hours across DST); +2 for the partial buckets at both ends.
    absl::Duration least;
    switch (interval) {
      case DateInterval::kHour:
        least = absl::Hours(1);
        break;
      case DateInterval::kWeek:
        least = absl::Hours(24 * 7 - 1);
        break;
      case DateInterval::kMonth:
        least = absl::Hours(24 * 28 - 1);
        break;
      case DateInterval::kYear:
        return interval;
      case DateInterval::kAuto:
      case DateInterval::kDay:
        least = absl::Hours(23);
        break;
    }
    absl::Duration rest;
    if (absl::IDivDuration(span, least, &rest) + 2 <= kMaxDateBuckets) {
      return interval;
    }
    interval = Coarser(interval);
  }
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
  // `use` is never empty: counts is not, and coarsening keeps every count.
  // (cppcheck 2.10 loses that through the pointer: containerOutOfBounds.)
  const std::map<absl::CivilSecond, int64_t>* use = &counts;
  std::map<absl::CivilSecond, int64_t> coarse;
  while (histogram.interval != DateInterval::kYear &&
         BucketCount(use->begin()->first, use->rbegin()->first,
                     histogram.interval) > kMaxDateBuckets) {
    // A week counts in the month (year) of its Thursday, as ISO 8601 has
    // it: the week of 0000-01-01 starts in year -1.
    const absl::civil_diff_t shift =
        histogram.interval == DateInterval::kWeek ? 3 * 86400 : 0;
    histogram.interval = Coarser(histogram.interval);
    std::map<absl::CivilSecond, int64_t> next;
    for (const auto& [start, count] : *use) {
      next[BucketStart(start + shift, histogram.interval)] += count;
    }
    coarse = std::move(next);
    use = &coarse;
  }
  const absl::CivilSecond last = use->rbegin()->first;
  for (absl::CivilSecond b = use->begin()->first; b <= last;
       b = NextBucket(b, histogram.interval)) {
    auto it = use->find(b);
    histogram.buckets.push_back({BucketKey(b, histogram.interval),
                                 it == use->end() ? 0 : it->second});
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
