#include "searcher/facet_counter.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "newsearch/schema.h"
#include "newsearch/topics.h"
#include "searcher/date_buckets.h"
#include "searcher/facet_column.h"

namespace newsearch {
namespace {

Xapian::valueno FieldSlot(const std::string& name) {
  if (name == "topic") return schema::kSlotTopics;
  if (name == "source") return schema::kSlotSource;
  if (name == "kind") return schema::kSlotKind;
  return schema::kSlotSection;
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

// A time to put in the date histogram: with its report count, or (counting
// stories) the story it belongs to.
struct TimedCount {
  absl::Time t;
  int64_t count = 0;
  std::string story;  // non-empty: counted once per bucket
};

DateHistogram BuildHistogram(const std::vector<TimedCount>& items,
                             const FacetOptions& options) {
  DateInterval interval = options.interval;
  if (!items.empty()) {
    // Also for an explicit interval: hours over 10,000 years do not fit.
    const auto [first, last] = std::minmax_element(
        items.begin(), items.end(),
        [](const TimedCount& a, const TimedCount& b) { return a.t < b.t; });
    interval = FitInterval(interval, last->t - first->t);
  }
  struct Bucket {
    int64_t count = 0;
    absl::flat_hash_set<std::string> stories;
  };
  std::map<absl::CivilSecond, Bucket> buckets;
  for (const TimedCount& item : items) {
    Bucket& bucket = buckets[BucketStart(
        absl::ToCivilSecond(item.t, options.zone), interval)];
    if (item.story.empty()) {
      bucket.count += item.count;
    } else {
      bucket.stories.insert(item.story);
    }
  }
  std::map<absl::CivilSecond, int64_t> counts;
  for (const auto& [start, bucket] : buckets) {
    counts[start] = bucket.count + static_cast<int64_t>(bucket.stories.size());
  }
  return HistogramFromBuckets(counts, interval, options.zone_name);
}

absl::Time PublishedTime(const std::string& value) {
  return absl::FromUnixSeconds(
      static_cast<int64_t>(Xapian::sortable_unserialise(value)));
}

// A field facet's values in one document's StoryFacets: (value, name).
std::vector<std::pair<std::string, std::string>> FieldValues(
    const std::string& name, const schema::StoryFacets& facets) {
  std::vector<std::pair<std::string, std::string>> values;
  if (name == "topic") {
    for (TopicEntry& topic : DecodeTopicSet(facets.topics)) {
      values.emplace_back(std::move(topic.slug), std::move(topic.name));
    }
    return values;
  }
  const std::string& value = name == "source" ? facets.source
                             : name == "kind" ? facets.kind
                                              : facets.section;
  if (!value.empty()) values.emplace_back(value, value);
  return values;
}

// Takes `all` by rvalue: its values are moved out.
FacetCounts TopOf(std::map<std::string, FacetValue>&& all, int size) {
  std::vector<FacetValue> values;
  values.reserve(all.size());
  for (auto& [key, value] : all) values.push_back(std::move(value));
  return TopValues(std::move(values), size);
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
  return TopOf(std::move(all), size);
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

absl::StatusOr<FacetCount> ParseFacetCount(absl::string_view name) {
  if (name == "stories") return FacetCount::kStories;
  if (name == "reports") return FacetCount::kReports;
  return absl::InvalidArgumentError(
      absl::StrCat("facets count stories or reports, not '", name, "'"));
}

absl::string_view FacetCountName(FacetCount count) {
  return count == FacetCount::kStories ? "stories" : "reports";
}

namespace {

bool ComputeWholeHourOffsets(absl::TimeZone zone) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (int year = 1970; year <= 2040; ++year) {
    for (int month : {1, 4, 7, 10}) {
      const absl::Time t = absl::FromCivil(absl::CivilMonth(year, month), utc);
      if (zone.At(t).offset % 3600 != 0) return false;
    }
  }
  return true;
}

}  // namespace

bool HasWholeHourOffsets(absl::TimeZone zone) {
  if (zone == absl::UTCTimeZone()) return true;
  // 284 offset lookups were 7% of a faceted search: once per zone, as a
  // zone's rules do not change while a process runs.
  static absl::Mutex mutex(absl::kConstInit);
  static auto* const known = new absl::flat_hash_map<std::string, bool>();
  absl::MutexLock lock(&mutex);
  auto [it, added] = known->try_emplace(zone.name(), false);
  if (added) it->second = ComputeWholeHourOffsets(zone);
  return it->second;
}

absl::StatusOr<std::unique_ptr<FacetCounter>> FacetCounter::Create(
    const FacetOptions& options, std::shared_ptr<const FacetColumn> column) {
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
  return std::unique_ptr<FacetCounter>(
      new FacetCounter(options, std::move(column)));
}

FacetCounter::FacetCounter(const FacetOptions& options,
                           std::shared_ptr<const FacetColumn> column)
    : options_(options), column_(std::move(column)) {
  if (column_) return;
  const bool stories = options_.count == FacetCount::kStories;
  if (stories && !options_.names.empty()) {
    story_spy_ =
        std::make_unique<Xapian::ValueCountMatchSpy>(schema::kSlotStoryFacets);
  }
  for (const std::string& name : options_.names) {
    if (name == "date") {
      if (stories) continue;
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
    fields_.push_back({name, stories
                                 ? nullptr
                                 : std::make_unique<Xapian::ValueCountMatchSpy>(
                                       FieldSlot(name))});
  }
}

void FacetCounter::Attach(Xapian::Enquire& enquire) {
  if (column_) enquire.add_matchspy(&collector_);
  if (story_spy_) enquire.add_matchspy(story_spy_.get());
  if (date_spy_) enquire.add_matchspy(date_spy_.get());
  for (Field& field : fields_) {
    if (field.spy) enquire.add_matchspy(field.spy.get());
  }
}

void FacetCounter::CountColumn() const {
  if (column_counted_) return;
  FacetColumn::Counts counts = column_->Count(collector_.docids, options_);
  column_facets_ = std::move(counts.facets);
  column_reports_ = counts.reports;
  column_stories_ = counts.stories;
  column_counted_ = true;
}

bool FacetCounter::StoryTotals(int64_t* reports, int64_t* stories) const {
  if (column_) {
    CountColumn();
    *reports = column_reports_;
    *stories = column_stories_;
    return true;
  }
  if (!story_spy_) return false;
  *reports = static_cast<int64_t>(story_spy_->get_total());
  absl::flat_hash_set<std::string> keys;
  schema::StoryFacets doc;
  for (Xapian::TermIterator it = story_spy_->values_begin();
       it != story_spy_->values_end(); ++it) {
    if (schema::DecodeStoryFacets(*it, &doc)) keys.insert(doc.story);
  }
  *stories = static_cast<int64_t>(keys.size());
  return true;
}

bool FacetCounter::WantsDate() const {
  return std::find(options_.names.begin(), options_.names.end(), "date") !=
         options_.names.end();
}

Facets FacetCounter::Collect() const {
  if (column_) {
    CountColumn();
    return column_facets_;
  }
  if (options_.count == FacetCount::kStories) return CollectStories();
  Facets facets;
  if (date_spy_) facets.date = CollectDates();
  for (const Field& field : fields_) {
    facets.fields[field.name] =
        CountField(field.name, *field.spy, options_.size);
  }
  return facets;
}

DateHistogram FacetCounter::CollectDates() const {
  std::vector<TimedCount> counts;
  for (Xapian::TermIterator it = date_spy_->values_begin();
       it != date_spy_->values_end(); ++it) {
    absl::Time t;
    if (exact_times_) {
      t = PublishedTime(*it);
    } else if (!ParseHourKey(*it, &t)) {
      continue;
    }
    counts.push_back({t, it.get_termfreq(), ""});
  }
  return BuildHistogram(counts, options_);
}

Facets FacetCounter::CollectStories() const {
  Facets facets;
  facets.counted = FacetCount::kStories;
  if (!story_spy_) return facets;
  std::vector<TimedCount> times;
  struct Counted {
    FacetValue value;
    absl::flat_hash_set<std::string> stories;
  };
  std::vector<std::map<std::string, Counted>> counted(fields_.size());
  schema::StoryFacets doc;
  for (Xapian::TermIterator it = story_spy_->values_begin();
       it != story_spy_->values_end(); ++it) {
    if (!schema::DecodeStoryFacets(*it, &doc)) continue;
    if (!doc.published.empty()) {
      times.push_back({PublishedTime(doc.published), 0, doc.story});
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
      for (auto& [value, name] : FieldValues(fields_[i].name, doc)) {
        Counted& c = counted[i][value];
        if (c.value.value.empty()) c.value = FacetValue{value, name, 0};
        c.stories.insert(doc.story);
      }
    }
  }
  if (WantsDate()) facets.date = BuildHistogram(times, options_);
  for (size_t i = 0; i < fields_.size(); ++i) {
    std::map<std::string, FacetValue> all;
    for (auto& [value, c] : counted[i]) {
      c.value.count = static_cast<int64_t>(c.stories.size());
      all[value] = std::move(c.value);
    }
    facets.fields[fields_[i].name] = TopOf(std::move(all), options_.size);
  }
  return facets;
}

}  // namespace newsearch
