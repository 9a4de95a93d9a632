#include "searcher/facet_column.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "newsearch/status_macros.h"
#include "newsearch/xapian_status.h"
#include "searcher/date_buckets.h"

namespace newsearch {
namespace {

constexpr int64_t kSecondsPerHour = 3600;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Maps a UTC time to its local bucket, numbered in order of first use
// (keys() has each one's start, as seconds after 1970-01-01T00:00 on the
// local calendar). Whole UTC hours that fall inside one local hour (every
// hour of a zone with whole-hour offsets, all but the transition hours of
// the others) are converted once, in an array over the matches' span of
// hours when it is at most kDenseHours and 4 a time (else a hash map), so
// that a match costs an array read rather than two hash lookups.
class Bucketer {
 public:
  // [first, last]: the span of the times to come, `times` how many.
  Bucketer(absl::TimeZone zone, DateInterval interval, int64_t first,
           int64_t last, size_t times)
      : zone_(zone), interval_(interval) {
    first_hour_ = FloorDiv(first, kSecondsPerHour);
    const int64_t span = FloorDiv(last, kSecondsPerHour) - first_hour_ + 1;
    // Filling the array must cost less than the lookups it saves.
    if (first <= last && span <= kDenseHours &&
        span <= 4 * static_cast<int64_t>(times)) {
      dense_.assign(span, kUnknown);
    }
  }

  uint32_t operator()(int64_t t) {
    const int64_t hour = FloorDiv(t, kSecondsPerHour);
    int32_t* slot = dense_.empty() ? &sparse_.try_emplace(hour, kUnknown)
                                          .first->second
                                   : &dense_[hour - first_hour_];
    if (*slot == kUnknown) {
      const absl::Time start = absl::FromUnixSeconds(hour * kSecondsPerHour);
      const int offset = zone_.At(start).offset;
      const bool whole =
          offset % kSecondsPerHour == 0 &&
          zone_.At(start + absl::Seconds(kSecondsPerHour - 1)).offset ==
              offset;
      *slot = whole ? static_cast<int32_t>(IndexOf(Exact(start))) : kUneven;
    }
    return *slot != kUneven ? static_cast<uint32_t>(*slot)
                            : IndexOf(Exact(absl::FromUnixSeconds(t)));
  }

  const std::vector<int64_t>& keys() const { return keys_; }
  static absl::CivilSecond Civil(int64_t key) { return Epoch() + key; }

 private:
  static constexpr int64_t kDenseHours = int64_t{1} << 20;  // 120 years
  static constexpr int32_t kUnknown = -1;
  static constexpr int32_t kUneven = -2;
  static absl::CivilSecond Epoch() { return absl::CivilSecond(1970, 1, 1); }
  int64_t Exact(absl::Time t) const {
    return BucketStart(absl::ToCivilSecond(t, zone_), interval_) - Epoch();
  }
  uint32_t IndexOf(int64_t key) {
    auto [it, added] =
        index_.try_emplace(key, static_cast<uint32_t>(keys_.size()));
    if (added) keys_.push_back(key);
    return it->second;
  }

  absl::TimeZone zone_;
  DateInterval interval_;
  int64_t first_hour_ = 0;
  std::vector<int32_t> dense_;  // by hour - first_hour_
  absl::flat_hash_map<int64_t, int32_t> sparse_;
  absl::flat_hash_map<int64_t, uint32_t> index_;  // bucket start -> index
  std::vector<int64_t> keys_;
};

}  // namespace

FacetColumn::Field FacetColumn::FieldOf(const std::string& name) {
  if (name == "topic") return FacetColumnData::kTopic;
  if (name == "source") return FacetColumnData::kSource;
  if (name == "kind") return FacetColumnData::kKind;
  return FacetColumnData::kSection;
}

absl::StatusOr<std::shared_ptr<const FacetColumn>> FacetColumn::Build(
    Xapian::Database& db) {
  ASSIGN_OR_RETURN(FacetColumnData data, BuildFacetColumnData(db));
  return std::shared_ptr<const FacetColumn>(new FacetColumn(std::move(data)));
}

absl::StatusOr<std::shared_ptr<const FacetColumn>> FacetColumn::Load(
    const std::string& dir, Xapian::Database& db) {
  std::string uuid;
  Xapian::rev revision = 0;
  try {
    uuid = db.get_uuid();
    revision = db.get_revision();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read the revision of " + dir);
  }
  ASSIGN_OR_RETURN(FacetColumnData data,
                   ReadFacetColumnFile(dir, uuid, revision));
  return std::shared_ptr<const FacetColumn>(new FacetColumn(std::move(data)));
}

absl::string_view FacetColumn::Source(Xapian::docid did) const {
  if (did >= data_.rows.size()) return "";
  const uint32_t id = data_.rows[did].values[0];  // [kSource - kSource]
  // Not a ?: of "" and the std::string: that makes a temporary string, and
  // the view returned would dangle (clang's -Wreturn-stack-address).
  if (id == 0) return "";
  return data_.dictionary[FacetColumnData::kSource][id - 1].value;
}

bool FacetColumn::Published(Xapian::docid did, int64_t* unix_seconds) const {
  if (did >= data_.rows.size() || !data_.rows[did].dated) return false;
  *unix_seconds = data_.rows[did].published;
  return true;
}

FacetColumn::Counts FacetColumn::Count(
    const std::vector<Xapian::docid>& matches,
    const FacetOptions& options) const {
  Counts counts;
  counts.facets.counted = options.count;
  counts.reports = static_cast<int64_t>(matches.size());
  std::vector<bool> seen(data_.stories + 1);
  for (Xapian::docid did : matches) {
    const uint32_t story = did < data_.rows.size() ? data_.rows[did].story : 0;
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
    if (did >= data_.rows.size() || !data_.rows[did].dated) continue;
    first = std::min(first, data_.rows[did].published);
    last = std::max(last, data_.rows[did].published);
  }
  // Also for an explicit interval: hours over 10,000 years do not fit.
  const DateInterval interval =
      first > last ? (options.interval == DateInterval::kAuto
                          ? DateInterval::kDay
                          : options.interval)
                   : FitInterval(options.interval,
                                 absl::Seconds(last - first));
  const bool stories = options.count == FacetCount::kStories;
  Bucketer bucket(options.zone, interval, first, last, matches.size());
  std::vector<int64_t> counts;  // by bucket index
  absl::flat_hash_set<uint64_t> story_buckets;
  for (Xapian::docid did : matches) {
    if (did >= data_.rows.size() || !data_.rows[did].dated) continue;
    const Row& row = data_.rows[did];
    const uint32_t index = bucket(row.published);
    if (stories &&
        !story_buckets.insert((uint64_t{index} << 32) | row.story).second) {
      continue;
    }
    if (index >= counts.size()) counts.resize(index + 1);
    ++counts[index];
  }
  std::map<absl::CivilSecond, int64_t> ordered;
  for (size_t index = 0; index < counts.size(); ++index) {
    if (counts[index] > 0) {
      ordered[Bucketer::Civil(bucket.keys()[index])] = counts[index];
    }
  }
  return HistogramFromBuckets(ordered, interval, options.zone_name);
}

FacetCounts FacetColumn::CountField(Field field,
                                    const std::vector<Xapian::docid>& matches,
                                    const FacetOptions& options) const {
  const std::vector<FacetColumnData::Entry>& dictionary =
      data_.dictionary[field];
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
    if (did >= data_.rows.size() || data_.rows[did].story == 0) continue;
    const Row& row = data_.rows[did];
    if (field == FacetColumnData::kTopic) {
      for (uint32_t i = 0; i < row.topic_count; ++i) {
        add(data_.topic_ids[row.topics + i], row.story);
      }
    } else if (row.values[field - FacetColumnData::kSource] != 0) {
      add(row.values[field - FacetColumnData::kSource], row.story);
    }
  }
  std::vector<FacetValue> values;
  for (size_t id = 1; id < counts.size(); ++id) {
    if (counts[id] == 0) continue;
    const FacetColumnData::Entry& entry = dictionary[id - 1];
    values.push_back(FacetValue{entry.value, entry.name, counts[id]});
  }
  return TopValues(std::move(values), options.size);
}

FacetColumnCache::FacetColumnCache(std::string path, Mode mode,
                                   bool read_file)
    : path_(std::move(path)), mode_(mode), read_file_(read_file) {}

FacetColumnCache::~FacetColumnCache() {
  std::thread builder;
  {
    std::lock_guard<std::mutex> lock(mu_);
    builder = std::move(builder_);
  }
  if (builder.joinable()) builder.join();
}

std::shared_ptr<const FacetColumn> FacetColumnCache::Get(
    Xapian::Database& db, const std::function<Xapian::doccount()>& matches) {
  if (mode_ == Mode::kOff) return nullptr;
  std::string uuid;
  Xapian::rev revision = 0;
  Xapian::doccount documents = 0;
  try {
    uuid = db.get_uuid();
    revision = db.get_revision();
    documents = db.get_doccount();
  } catch (const Xapian::Error&) {
    return nullptr;  // not a single local database: spies it is
  }
  if (mode_ == Mode::kFile && matches &&
      matches() < documents / kFileWorthFraction) {
    return nullptr;
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (column_ && column_->IsOf(uuid, revision)) return column_;
  // The file the indexer wrote, once per revision (not again while it is
  // of another revision or absent).
  if (read_file_ && file_tried_ != std::make_pair(uuid, revision)) {
    file_tried_ = {uuid, revision};
    lock.unlock();
    absl::StatusOr<std::shared_ptr<const FacetColumn>> loaded =
        FacetColumn::Load(path_, db);
    lock.lock();
    if (loaded.ok()) {
      if (!column_ || column_->uuid() != uuid ||
          column_->revision() < revision) {
        column_ = *std::move(loaded);
      }
      if (column_->IsOf(uuid, revision)) return column_;
    }
  }
  if (mode_ == Mode::kFile) return nullptr;
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
