#include "searcher/facet_counter.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "newsearch/schema.h"
#include "newsearch/topics.h"

namespace newsearch {
namespace {

Xapian::valueno FieldSlot(const std::string& name) {
  if (name == "topic") return schema::kSlotTopics;
  if (name == "source") return schema::kSlotSource;
  if (name == "kind") return schema::kSlotKind;
  return schema::kSlotSection;
}

DateInterval AutoInterval(absl::Duration span) {
  if (span <= absl::Hours(48)) return DateInterval::kHour;
  if (span <= absl::Hours(24 * 62)) return DateInterval::kDay;
  if (span <= absl::Hours(24 * 366)) return DateInterval::kWeek;
  if (span <= absl::Hours(24 * 366 * 15)) return DateInterval::kMonth;
  return DateInterval::kYear;
}

// The first second of the local bucket holding `civil`.
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

// "2025122023" -> 2025-12-20T23:00Z. (absl::ParseTime's %Y would swallow
// every digit.)
bool ParseHourKey(absl::string_view key, absl::Time* t) {
  int year = 0, month = 0, day = 0, hour = 0;
  if (key.size() != 10 || !absl::SimpleAtoi(key.substr(0, 4), &year) ||
      !absl::SimpleAtoi(key.substr(4, 2), &month) ||
      !absl::SimpleAtoi(key.substr(6, 2), &day) ||
      !absl::SimpleAtoi(key.substr(8, 2), &hour)) {
    return false;
  }
  *t = absl::FromCivil(absl::CivilHour(year, month, day, hour),
                       absl::UTCTimeZone());
  return true;
}

FacetCounts TopValues(std::map<std::string, FacetValue> all, int size) {
  std::vector<FacetValue> values;
  for (auto& [key, value] : all) values.push_back(std::move(value));
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

FacetCounts CountField(const std::string& name,
                       const Xapian::ValueCountMatchSpy& spy, int size) {
  std::map<std::string, FacetValue> all;
  for (Xapian::TermIterator it = spy.values_begin(); it != spy.values_end();
       ++it) {
    const int64_t count = it.get_termfreq();
    if (name != "topic") {
      all[*it] = FacetValue{*it, *it, count};
      continue;
    }
    // A topic set: each of its topics gets the set's count.
    for (const TopicEntry& topic : DecodeTopicSet(*it)) {
      FacetValue& value = all[topic.slug];
      if (value.value.empty()) value = FacetValue{topic.slug, topic.name, 0};
      value.count += count;
    }
  }
  return TopValues(std::move(all), size);
}

}  // namespace

absl::StatusOr<DateInterval> ParseDateInterval(absl::string_view name) {
  for (DateInterval i :
       {DateInterval::kAuto, DateInterval::kHour, DateInterval::kDay,
        DateInterval::kWeek, DateInterval::kMonth, DateInterval::kYear}) {
    if (DateIntervalName(i) == name) return i;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "date interval must be hour, day, week, month, year or auto, not '", name,
      "'"));
}

absl::string_view DateIntervalName(DateInterval interval) {
  switch (interval) {
    case DateInterval::kAuto:
      return "auto";
    case DateInterval::kHour:
      return "hour";
    case DateInterval::kDay:
      return "day";
    case DateInterval::kWeek:
      return "week";
    case DateInterval::kMonth:
      return "month";
    case DateInterval::kYear:
      return "year";
  }
  return "day";
}

bool HasWholeHourOffsets(absl::TimeZone zone) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (int year = 1970; year <= 2040; ++year) {
    for (int month : {1, 4, 7, 10}) {
      const absl::Time t = absl::FromCivil(absl::CivilMonth(year, month), utc);
      if (zone.At(t).offset % 3600 != 0) return false;
    }
  }
  return true;
}

absl::StatusOr<std::unique_ptr<FacetCounter>> FacetCounter::Create(
    const FacetOptions& options) {
  for (const std::string& name : options.names) {
    if (std::find(std::begin(kFacetNames), std::end(kFacetNames), name) ==
        std::end(kFacetNames)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown facet '", name, "' (date, topic, source, kind, section)"));
    }
  }
  if (options.size < 1) {
    return absl::InvalidArgumentError("facet size must be at least 1");
  }
  return std::unique_ptr<FacetCounter>(new FacetCounter(options));
}

FacetCounter::FacetCounter(const FacetOptions& options) : options_(options) {
  for (const std::string& name : options_.names) {
    if (name == "date") {
      if (date_spy_) continue;
      exact_times_ = !HasWholeHourOffsets(options_.zone);
      date_spy_ = std::make_unique<Xapian::ValueCountMatchSpy>(
          exact_times_ ? schema::kSlotPublished : schema::kSlotHourKey);
      continue;
    }
    const bool seen =
        std::any_of(fields_.begin(), fields_.end(),
                    [&](const Field& f) { return f.name == name; });
    if (seen) continue;
    fields_.push_back(
        {name, std::make_unique<Xapian::ValueCountMatchSpy>(FieldSlot(name))});
  }
}

void FacetCounter::Attach(Xapian::Enquire& enquire) {
  if (date_spy_) enquire.add_matchspy(date_spy_.get());
  for (Field& field : fields_) enquire.add_matchspy(field.spy.get());
}

Facets FacetCounter::Collect() const {
  Facets facets;
  if (date_spy_) facets.date = CollectDates();
  for (const Field& field : fields_) {
    facets.fields[field.name] =
        CountField(field.name, *field.spy, options_.size);
  }
  return facets;
}

DateHistogram FacetCounter::CollectDates() const {
  std::vector<std::pair<absl::Time, int64_t>> counts;
  for (Xapian::TermIterator it = date_spy_->values_begin();
       it != date_spy_->values_end(); ++it) {
    absl::Time t;
    if (exact_times_) {
      t = absl::FromUnixSeconds(
          static_cast<int64_t>(Xapian::sortable_unserialise(*it)));
    } else if (!ParseHourKey(*it, &t)) {
      continue;
    }
    counts.emplace_back(t, it.get_termfreq());
  }
  DateHistogram histogram;
  histogram.time_zone = options_.zone_name;
  histogram.interval = options_.interval;
  if (counts.empty()) {
    if (histogram.interval == DateInterval::kAuto)
      histogram.interval = DateInterval::kDay;
    return histogram;
  }
  std::sort(counts.begin(), counts.end());
  if (histogram.interval == DateInterval::kAuto) {
    histogram.interval =
        AutoInterval(counts.back().first - counts.front().first);
  }
  std::map<absl::CivilSecond, int64_t> buckets;
  for (const auto& [t, count] : counts) {
    buckets[BucketStart(absl::ToCivilSecond(t, options_.zone),
                        histogram.interval)] += count;
  }
  const absl::CivilSecond last = buckets.rbegin()->first;
  for (absl::CivilSecond b = buckets.begin()->first; b <= last;
       b = NextBucket(b, histogram.interval)) {
    auto it = buckets.find(b);
    histogram.buckets.push_back({BucketKey(b, histogram.interval),
                                 it == buckets.end() ? 0 : it->second});
  }
  return histogram;
}

}  // namespace newsearch
