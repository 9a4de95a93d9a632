// Turning counts into Facets: date buckets on the local calendar of a zone
// (an hour, a day, a week starting on Monday, a month, a year) and the top
// values of a field facet. Shared by the two ways of counting: Xapian's
// value spies (facet_counter.cc) and the in-memory column (facet_column.cc).
//
//   std::map<absl::CivilSecond, int64_t> counts;
//   counts[BucketStart(absl::ToCivilSecond(t, zone), interval)] += 1;
//   DateHistogram h = HistogramFromBuckets(counts, interval, "Europe/Paris");
//
// Stateless functions; thread-safe.
#ifndef NEWSEARCH_SEARCHER_DATE_BUCKETS_H_
#define NEWSEARCH_SEARCHER_DATE_BUCKETS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "newsearch/facets.h"

namespace newsearch {

// The interval for a histogram of matches spanning `span` (kAuto): hours up
// to two days, days up to two months, weeks up to a year, then months up to
// 15 years, then years.
DateInterval AutoInterval(absl::Duration span);

// The first second of the local bucket holding `civil`; `interval` is not
// kAuto (it is treated as kDay).
absl::CivilSecond BucketStart(absl::CivilSecond civil, DateInterval interval);

// At most this many buckets in a histogram: matches from year 0000 to 9999
// by hour would be 87 million (gigabytes of JSON). When `interval` would
// give more, the next coarser one that fits is used (hour, day, month, year;
// a week becomes the month of its Thursday) and reported as the histogram's
// interval. Years always fit, since indexed dates lie in 0000..9999.
inline constexpr int64_t kMaxDateBuckets = 10000;

// `interval` (kAuto: AutoInterval(span)), made coarse enough that matches
// spanning `span` fit in kMaxDateBuckets buckets: what a counter should
// bucket by, knowing the times (HistogramFromBuckets only has buckets).
DateInterval FitInterval(DateInterval interval, absl::Duration span);

// The histogram from the first bucket to the last, empty ones included;
// `counts` is keyed by BucketStart.
DateHistogram HistogramFromBuckets(
    const std::map<absl::CivilSecond, int64_t>& counts, DateInterval interval,
    const std::string& zone_name);

// The `size` values with the highest counts (ties by value), the counts of
// the rest summed in `other`.
FacetCounts TopValues(std::vector<FacetValue> values, int size);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_DATE_BUCKETS_H_
