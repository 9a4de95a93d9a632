#include "searcher/recency.h"

#include <cmath>

#include "absl/time/civil_time.h"
#include "newsearch/dates.h"
#include "newsearch/schema.h"

namespace newsearch {
namespace {

constexpr double kHalfLivesKept = 10;  // 2^-10: under 0.1% of the maximum

// The bucketing of one boost map: hours or days.
struct Buckets {
  Xapian::valueno slot;
  absl::Duration width;
  std::string (*key)(absl::Time);

  static Buckets For(absl::Duration half_life) {
    if (half_life <= absl::Hours(48)) {
      return {schema::kSlotHourKey, absl::Hours(1), &HourKey};
    }
    return {schema::kSlotDayKey, absl::Hours(24), &DayKey};
  }

  // Start of the UTC bucket holding t.
  absl::Time Start(absl::Time t) const {
    const absl::Duration since_epoch = t - absl::UnixEpoch();
    return absl::UnixEpoch() + absl::Floor(since_epoch, width);
  }
};

double Decay(const RecencyOptions& options, absl::Time bucket_start,
             const Buckets& buckets) {
  const absl::Time latest = std::min(bucket_start + buckets.width, options.now);
  const absl::Duration age =
      std::max(absl::ZeroDuration(), options.now - latest);
  return std::exp2(-absl::FDivDuration(age, options.half_life));
}

}  // namespace

Xapian::Query RecencyBoostQuery(const RecencyOptions& options, double scale) {
  const double max_boost = options.weight * scale;
  if (max_boost <= 0 || options.half_life <= absl::ZeroDuration()) {
    return Xapian::Query();
  }
  const Buckets buckets = Buckets::For(options.half_life);
  const absl::Time current = buckets.Start(options.now);
  const absl::Time oldest = current - options.half_life * kHalfLivesKept;
  auto* map = new Xapian::ValueMapPostingSource(buckets.slot);
  for (absl::Time b = current; b >= oldest; b -= buckets.width) {
    map->add_mapping(buckets.key(b), max_boost * Decay(options, b, buckets));
  }
  map->set_default_weight(0);
  // After now's bucket: the future, age 0.
  auto* future = new Xapian::FixedWeightPostingSource(max_boost);
  const double after =
      static_cast<double>(absl::ToUnixSeconds(current + buckets.width));
  Xapian::Query future_query(
      Xapian::Query::OP_FILTER, Xapian::Query(future->release()),
      Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPublished,
                    Xapian::sortable_serialise(after)));
  return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(map->release()),
                       future_query);
}

double RecencyBoost(const RecencyOptions& options, double scale,
                    absl::Time published) {
  const double max_boost = options.weight * scale;
  if (max_boost <= 0 || options.half_life <= absl::ZeroDuration()) return 0;
  const Buckets buckets = Buckets::For(options.half_life);
  const absl::Time current = buckets.Start(options.now);
  const absl::Time bucket = buckets.Start(published);
  if (bucket > current) return max_boost;
  if (bucket < current - options.half_life * kHalfLivesKept) return 0;
  return max_boost * Decay(options, bucket, buckets);
}

}  // namespace newsearch
