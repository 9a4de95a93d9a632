#include "searcher/facet_column.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "newsearch/schema.h"
#include "newsearch/topics.h"
#include "newsearch/xapian_status.h"
#include "searcher/date_buckets.h"

namespace newsearch {
namespace {

constexpr int64_t kSecondsPerHour = 3600;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Interns strings of one kind (a field's values, topic sets) while building.
using Interner = absl::flat_hash_map<std::string, uint32_t>;

// Maps a UTC time to the start of its local bucket, as seconds after
// 1970-01-01T00:00 on the local calendar. Whole UTC hours that fall inside
// one local hour (every hour of a zone with whole-hour offsets, all but the
// transition hours of the others) are converted once.
class Bucketer {
 public:
  Bucketer(absl::TimeZone zone, DateInterval interval)
      : zone_(zone), interval_(interval) {}

  int64_t operator()(int64_t t) {
    const int64_t hour = FloorDiv(t, kSecondsPerHour);
    auto it = hours_.find(hour);
    if (it == hours_.end()) {
      const absl::Time start = absl::FromUnixSeconds(hour * kSecondsPerHour);
      const int offset = zone_.At(start).offset;
      const bool whole =
          offset % kSecondsPerHour == 0 &&
          zone_.At(start + absl::Seconds(kSecondsPerHour - 1)).offset ==
              offset;
      it = hours_.emplace(hour, whole ? Exact(start) : kUneven).first;
    }
    return it->second != kUneven ? it->second
                                 : Exact(absl::FromUnixSeconds(t));
  }

  static absl::CivilSecond Civil(int64_t key) { return Epoch() + key; }

 private:
  static constexpr int64_t kUneven = INT64_MIN;
  static absl::CivilSecond Epoch() { return absl::CivilSecond(1970, 1, 1); }
  int64_t Exact(absl::Time t) const {
    return BucketStart(absl::ToCivilSecond(t, zone_), interval_) - Epoch();
  }

  absl::TimeZone zone_;
  DateInterval interval_;
  absl::flat_hash_map<int64_t, int64_t> hours_;
};

}  // namespace

FacetColumn::Field FacetColumn::FieldOf(const std::string& name) {
  if (name == "topic") return kTopic;
  if (name == "source") return kSource;
  if (name == "kind") return kKind;
  return kSection;
}

// Interns strings while building: story keys, each field's values, and
// whole topic sets (few distinct ones, shared by many documents).
struct FacetColumn::Interners {
  Interner stories;
  std::array<Interner, kFieldCount> values;
  absl::flat_hash_map<std::string, std::pair<uint32_t, uint16_t>> topic_sets;
};

absl::StatusOr<std::shared_ptr<const FacetColumn>> FacetColumn::Build(
    Xapian::Database& db) {
  std::shared_ptr<FacetColumn> column(new FacetColumn());
  try {
    column->uuid_ = db.get_uuid();
    column->revision_ = db.get_revision();
    column->rows_.resize(static_cast<size_t>(db.get_lastdocid()) + 1);
    Interners interners;
    for (Xapian::ValueIterator it = db.valuestream_begin(
             schema::kSlotStoryFacets);
         it != db.valuestream_end(schema::kSlotStoryFacets); ++it) {
      column->AddRow(it.get_docid(), *it, &interners);
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read the facet values");
  }
  return std::shared_ptr<const FacetColumn>(std::move(column));
}

void FacetColumn::AddRow(Xapian::docid did, const std::string& value,
                         Interners* interners) {
  schema::StoryFacets facets;
  if (did >= rows_.size() || !schema::DecodeStoryFacets(value, &facets)) return;
  Row& row = rows_[did];
  auto [story, added] =
      interners->stories.emplace(facets.story, stories_ + 1);
  if (added) ++stories_;
  row.story = story->second;
  if (!facets.published.empty()) {
    row.dated = true;
    row.published =
        static_cast<int64_t>(Xapian::sortable_unserialise(facets.published));
  }
  const std::string* single[] = {&facets.source, &facets.kind, &facets.section};
  for (int f = kSource; f <= kSection; ++f) {
    const std::string& v = *single[f - kSource];
    if (v.empty()) continue;
    auto [it, fresh] = interners->values[f].emplace(
        v, static_cast<uint32_t>(dictionary_[f].size() + 1));
    if (fresh) dictionary_[f].push_back(FacetValue{v, v, 0});
    row.values[f - kSource] = it->second;
  }
  auto set = interners->topic_sets.find(facets.topics);
  if (set == interners->topic_sets.end()) {
    const uint32_t offset = static_cast<uint32_t>(topic_ids_.size());
    for (TopicEntry& topic : DecodeTopicSet(facets.topics)) {
      auto [it, fresh] = interners->values[kTopic].emplace(
          topic.slug, static_cast<uint32_t>(dictionary_[kTopic].size() + 1));
      if (fresh) {
        dictionary_[kTopic].push_back(
            FacetValue{std::move(topic.slug), std::move(topic.name), 0});
      }
      topic_ids_.push_back(it->second);
    }
    const auto count = static_cast<uint16_t>(
        std::min<size_t>(topic_ids_.size() - offset, UINT16_MAX));
    set = interners->topic_sets.emplace(facets.topics, std::make_pair(offset, count))
              .first;
  }
  row.topics = set->second.first;
  row.topic_count = set->second.second;
}

absl::string_view FacetColumn::Source(Xapian::docid did) const {
  if (did >= rows_.size()) return "";
  const uint32_t id = rows_[did].values[0];  // [kSource - kSource]
  // Not a ?: of "" and the std::string: that makes a temporary string, and
  // the view returned would dangle (clang's -Wreturn-stack-address).
  if (id == 0) return "";
  return dictionary_[kSource][id - 1].value;
}

bool FacetColumn::Published(Xapian::docid did, int64_t* unix_seconds) const {
  if (did >= rows_.size() || !rows_[did].dated) return false;
  *unix_seconds = rows_[did].published;
  return true;
}

FacetColumn::Counts FacetColumn::Count(
    const std::vector<Xapian::docid>& matches,
    const FacetOptions& options) const {
  Counts counts;
  counts.facets.counted = options.count;
  counts.reports = static_cast<int64_t>(matches.size());
  std::vector<bool> seen(stories_ + 1);
  for (Xapian::docid did : matches) {
    const uint32_t story = did < rows_.size() ? rows_[did].story : 0;
    if (story != 0 && !seen[story]) {
      seen[story] = true;
      ++counts.stories;
    }
  }
  std::vector<Field> fields;
  for (const std::string& name : options.names) {
    if (name == "date") {
      if (!counts.facets.date) counts.facets.date = CountDates(matches, options);
      continue;
    }
    if (counts.facets.fields.count(name)) continue;
    counts.facets.fields[name] = CountField(FieldOf(name), matches, options);
  }
  return counts;
}

DateHistogram FacetColumn::CountDates(const std::vector<Xapian::docid>& matches,
                                      const FacetOptions& options) const {
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (Xapian::docid did : matches) {
    if (did >= rows_.size() || !rows_[did].dated) continue;
    first = std::min(first, rows_[did].published);
    last = std::max(last, rows_[did].published);
  }
  // Also for an explicit interval: hours over 10,000 years do not fit.
  const DateInterval interval =
      first > last ? (options.interval == DateInterval::kAuto
                          ? DateInterval::kDay
                          : options.interval)
                   : FitInterval(options.interval,
                                 absl::Seconds(last - first));
  const bool stories = options.count == FacetCount::kStories;
  Bucketer bucket(options.zone, interval);
  absl::flat_hash_map<int64_t, int64_t> by_bucket;
  absl::flat_hash_set<std::pair<int64_t, uint32_t>> story_buckets;
  for (Xapian::docid did : matches) {
    if (did >= rows_.size() || !rows_[did].dated) continue;
    const Row& row = rows_[did];
    const int64_t key = bucket(row.published);
    if (stories && !story_buckets.emplace(key, row.story).second) continue;
    ++by_bucket[key];
  }
  std::map<absl::CivilSecond, int64_t> ordered;
  for (const auto& [key, count] : by_bucket) {
    ordered[Bucketer::Civil(key)] = count;
  }
  return HistogramFromBuckets(ordered, interval, options.zone_name);
}

FacetCounts FacetColumn::CountField(Field field,
                                    const std::vector<Xapian::docid>& matches,
                                    const FacetOptions& options) const {
  const std::vector<FacetValue>& dictionary = dictionary_[field];
  std::vector<int64_t> counts(dictionary.size() + 1);
  const bool stories = options.count == FacetCount::kStories;
  absl::flat_hash_set<uint64_t> story_values;
  auto add = [&](uint32_t value, uint32_t story) {
    if (stories && !story_values
                        .insert((static_cast<uint64_t>(value) << 32) | story)
                        .second) {
      return;
    }
    ++counts[value];
  };
  for (Xapian::docid did : matches) {
    if (did >= rows_.size() || rows_[did].story == 0) continue;
    const Row& row = rows_[did];
    if (field == kTopic) {
      for (uint32_t i = 0; i < row.topic_count; ++i) {
        add(topic_ids_[row.topics + i], row.story);
      }
    } else if (row.values[field - kSource] != 0) {
      add(row.values[field - kSource], row.story);
    }
  }
  std::vector<FacetValue> values;
  for (size_t id = 1; id < counts.size(); ++id) {
    if (counts[id] == 0) continue;
    FacetValue value = dictionary[id - 1];
    value.count = counts[id];
    values.push_back(std::move(value));
  }
  return TopValues(std::move(values), options.size);
}

FacetColumnCache::FacetColumnCache(std::string path, Mode mode)
    : path_(std::move(path)), mode_(mode) {}

FacetColumnCache::~FacetColumnCache() {
  std::thread builder;
  {
    std::lock_guard<std::mutex> lock(mu_);
    builder = std::move(builder_);
  }
  if (builder.joinable()) builder.join();
}

std::shared_ptr<const FacetColumn> FacetColumnCache::Get(
    Xapian::Database& db) {
  if (mode_ == Mode::kOff) return nullptr;
  std::string uuid;
  Xapian::rev revision = 0;
  try {
    uuid = db.get_uuid();
    revision = db.get_revision();
  } catch (const Xapian::Error&) {
    return nullptr;  // not a single local database: spies it is
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (column_ && column_->IsOf(uuid, revision)) return column_;
  if (mode_ == Mode::kBlocking) {
    lock.unlock();
    absl::StatusOr<std::shared_ptr<const FacetColumn>> built =
        FacetColumn::Build(db);
    if (!built.ok()) return nullptr;
    lock.lock();
    column_ = *built;
    return column_;
  }
  // A handle behind the column's revision (it reopened just before a
  // commit) will catch up on its next search: no rebuild for it.
  const bool behind =
      column_ && column_->uuid() == uuid && column_->revision() > revision;
  if (!building_ && !behind) {
    building_ = true;
    if (builder_.joinable()) builder_.join();
    builder_ = std::thread(&FacetColumnCache::BuildFromPath, this);
  }
  return nullptr;
}

void FacetColumnCache::BuildFromPath() {
  std::shared_ptr<const FacetColumn> built;
  try {
    Xapian::Database db(path_);
    absl::StatusOr<std::shared_ptr<const FacetColumn>> column =
        FacetColumn::Build(db);
    if (column.ok()) built = *std::move(column);
  } catch (const Xapian::Error&) {
    // The path is being switched or is gone: searches go on with spies and
    // the next one tries again.
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (built) column_ = std::move(built);
  building_ = false;
}

}  // namespace newsearch
