#include "indexer/story_keys.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "newsearch/folding.h"
#include "newsearch/schema.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

constexpr int kMinHashes = 64;
constexpr int kRowsPerBand = 2;
constexpr int kLedeWords = 40;
constexpr size_t kMaxFeatures = 160;
constexpr size_t kMaxCandidates = 300;
// Days either side of a report's own day that kStoryWindow (72 h) reaches.
constexpr int kWindowDays = 3;
constexpr size_t kCandidatesPerTerm = 8;
// Bands a day holds unsorted (two reports' worth) before they are merged.
constexpr size_t kMergeRecentAt = 64;

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The summary, else the first kLedeWords words of the body.
std::string Lede(const NewsDocument& doc) {
  if (!doc.summary.empty()) return doc.summary;
  std::vector<absl::string_view> words =
      absl::StrSplit(doc.body, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  if (words.size() > kLedeWords) words.resize(kLedeWords);
  return absl::StrJoin(words, " ");
}

bool IsEditionWord(const std::string& w) {
  if (!w.empty() && w[0] == '#') return true;  // "Day 101" (TitleWords)
  static const auto* const kWords = new std::set<std::string>{
      "morning",   "midday",    "noon",    "afternoon", "evening",  "night",
      "tonight",   "today",     "am",      "pm",        "monday",   "tuesday",
      "wednesday", "thursday",  "friday",  "saturday",  "sunday",   "january",
      "february",  "march",     "april",   "may",       "june",     "july",
      "august",    "september", "october", "november",  "december", "jan",
      "feb",       "mar",       "apr",     "jun",       "jul",      "aug",
      "sep",       "sept",      "oct",     "nov",       "dec",      "edition",
      "update"};
  if (kWords->count(w) > 0) return true;
  // Ordinal days (21st) and years.
  size_t digits = 0;
  while (digits < w.size() &&
         absl::ascii_isdigit(static_cast<unsigned char>(w[digits]))) {
    ++digits;
  }
  if (digits == 0) return false;
  const std::string rest = w.substr(digits);
  return rest == "st" || rest == "nd" || rest == "rd" || rest == "th" ||
         (rest.empty() && digits == 4);
}

// Words after which a number counts an edition: "Day 101", "Part 2",
// "Thread #241".
bool IsCounterWord(const std::string& w) {
  static const auto* const kWords = new std::set<std::string>{
      "day",    "week",    "part",   "episode", "ep",     "issue", "vol",
      "volume", "chapter", "thread", "round",   "number", "no"};
  return kWords->count(w) > 0;
}

bool IsNumber(const std::string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// Lower-cased ASCII words; a number after a counter word is marked "#101"
// (no word has a '#'), an edition word.
std::set<std::string> TitleWords(const std::string& title) {
  std::set<std::string> words;
  std::string word, previous;
  for (char c : title + " ") {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      word.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.insert(IsNumber(word) && IsCounterWord(previous) ? "#" + word
                                                             : word);
      previous = std::move(word);
      word.clear();
    }
  }
  return words;
}

}  // namespace

std::vector<uint32_t> StoryBands(const std::vector<uint32_t>& features) {
  std::vector<uint32_t> bands;
  if (features.empty()) return bands;
  uint64_t mins[kMinHashes];
  for (int i = 0; i < kMinHashes; ++i) {
    const uint64_t seed = Mix(static_cast<uint64_t>(i) + 1);
    uint64_t best = ~0ULL;
    for (uint32_t f : features) best = std::min(best, Mix(f ^ seed));
    mins[i] = best;
  }
  for (int b = 0; b < kMinHashes / kRowsPerBand; ++b) {
    uint64_t h = Mix(static_cast<uint64_t>(b) << 56);
    for (int r = 0; r < kRowsPerBand; ++r)
      h = Mix(h ^ mins[b * kRowsPerBand + r]);
    bands.push_back(static_cast<uint32_t>(h));
  }
  return bands;
}

double Jaccard(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t i = 0, j = 0, both = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++both, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(both) /
         static_cast<double>(a.size() + b.size() - both);
}

std::string EncodeFeatures(const std::vector<uint32_t>& features) {
  std::string out;
  out.reserve(features.size() * 4);
  for (uint32_t f : features) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((f >> shift) & 0xff));
    }
  }
  return out;
}

std::vector<uint32_t> DecodeFeatures(const std::string& value) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i + 4 <= value.size(); i += 4) {
    uint32_t f = 0;
    for (size_t k = 0; k < 4; ++k) {
      f = (f << 8) | static_cast<unsigned char>(value[i + k]);
    }
    out.push_back(f);
  }
  return out;
}

bool AreSeriesEditions(const std::string& title_a, const std::string& title_b) {
  const std::set<std::string> a = TitleWords(title_a);
  const std::set<std::string> b = TitleWords(title_b);
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(),
                      std::back_inserter(only_b));
  // An edition replaces words; adding some ("| World Cup 2022") rewrites.
  if (only_a.empty() || only_b.empty()) return false;
  return std::all_of(only_a.begin(), only_a.end(), IsEditionWord) &&
         std::all_of(only_b.begin(), only_b.end(), IsEditionWord);
}

StoryKeyer::StoryKeyer(size_t max_cached_reports)
    : max_cached_reports_(max_cached_reports) {
  term_generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
  const std::vector<std::string>& stopwords = EnglishStopwords();
  term_generator_.set_stopper(
      (new Xapian::SimpleStopper(stopwords.begin(), stopwords.end()))
          ->release());
  term_generator_.set_stopper_strategy(Xapian::TermGenerator::STOP_ALL);
}

const Xapian::Stem& StoryKeyer::StemmerFor(const std::string& language) {
  auto it = stemmers_.find(language);
  if (it == stemmers_.end()) {
    // Accent-folded, so Markovic and Marković are one feature.
    it = stemmers_.emplace(language, FoldingStemmer(language)).first;
  }
  return it->second;
}

StorySketch StoryKeyer::Sketch(const NewsDocument& doc) {
  Xapian::Document scratch;
  term_generator_.set_document(scratch);
  term_generator_.set_stemmer(StemmerFor(doc.language));
  term_generator_.index_text_without_positions(doc.title);
  term_generator_.index_text_without_positions(doc.title, 1, "T");
  term_generator_.index_text_without_positions(Lede(doc));
  StorySketch sketch;
  for (Xapian::TermIterator t = scratch.termlist_begin();
       t != scratch.termlist_end() && sketch.features.size() < kMaxFeatures;
       ++t) {
    sketch.features.push_back(static_cast<uint32_t>(StableHash64(*t)));
  }
  std::sort(sketch.features.begin(), sketch.features.end());
  sketch.features.erase(
      std::unique(sketch.features.begin(), sketch.features.end()),
      sketch.features.end());
  sketch.bands = StoryBands(sketch.features);
  if (doc.published) {
    // The days of the window around the stored instant, as the D terms,
    // nearest first (the candidates taken are bounded).
    const absl::Time t = StoredInstant(*doc.published);
    sketch.day = DayKey(t);
    sketch.days.push_back(sketch.day);
    for (int d = 1; d <= kWindowDays; ++d) {
      sketch.days.push_back(DayKey(t - absl::Hours(24 * d)));
      sketch.days.push_back(DayKey(t + absl::Hours(24 * d)));
    }
  } else {
    sketch.days = {""};
  }
  return sketch;
}

struct StoryKeyer::Best {
  double similarity = 0;
  double published = 0;
  std::string key;
  // Story key -> StorySimilarity, computed once per lookup.
  absl::flat_hash_map<std::string, double> story_similarity;
};

double StoryKeyer::StorySimilarity(
    const Xapian::Database& committed, const std::string& key,
    const std::vector<uint32_t>& features) const {
  double sum = 0;
  size_t members = 0;
  const std::string term = schema::BooleanTerm(schema::kPrefixStory, key);
  for (Xapian::PostingIterator it = committed.postlist_begin(term);
       it != committed.postlist_end(term) && members < kMaxStoryMembers;
       ++it, ++members) {
    sum += Similarity(features,
                      DecodeFeatures(committed.get_document(*it).get_value(
                          schema::kSlotStoryFeatures)));
  }
  if (auto it = pending_members_.find(key); it != pending_members_.end()) {
    for (size_t i = 0; i < it->second.size() && members < kMaxStoryMembers;
         ++i, ++members) {
      sum += Similarity(features, it->second[i]->features);
    }
  }
  return members == 0 ? 1 : sum / static_cast<double>(members);
}

bool StoryKeyer::Identify(const Xapian::Database& committed,
                          Entry& entry) const {
  if (entry.identified) return true;
  try {
    absl::StatusOr<NewsDocument> data =
        DecodeDocData(committed.get_document(entry.docid).get_data());
    if (!data.ok()) return false;
    entry.id = std::move(data->id);
    entry.title = std::move(data->title);
    entry.identified = true;
    return true;
  } catch (const Xapian::DocNotFoundError&) {
    return false;  // deleted since its day was loaded
  }
}

void StoryKeyer::Consider(const Xapian::Database& committed,
                          const NewsDocument& doc, const StorySketch& sketch,
                          Entry& other, Best* best) const {
  if (other.dated != doc.published.has_value()) return;
  const double published =
      other.dated ? static_cast<double>(
                        absl::ToUnixSeconds(StoredInstant(*doc.published)))
                  : 0;
  if (std::abs(other.published - published) >
      absl::ToDoubleSeconds(kStoryWindow)) {
    return;
  }
  const double threshold =
      other.dated ? kStoryThreshold : kUndatedStoryThreshold;
  const double similarity = Similarity(sketch.features, other.features);
  if (similarity < threshold || similarity < best->similarity) return;
  if (similarity == best->similarity && other.published >= best->published)
    return;
  if (!Identify(committed, other) || other.id == doc.id) return;
  if (AreSeriesEditions(doc.title, other.title)) return;
  auto [it, added] = best->story_similarity.try_emplace(other.key, 0);
  if (added)
    it->second = StorySimilarity(committed, other.key, sketch.features);
  if (it->second < threshold) return;
  best->similarity = similarity;
  best->published = other.published;
  best->key = other.key;
}

void StoryKeyer::Append(Day& day, Entry entry,
                        const std::vector<uint32_t>& bands) {
  const uint64_t index = day.entries.size();
  day.entries.push_back(std::move(entry));
  for (uint32_t band : bands) {
    day.recent.push_back(static_cast<uint64_t>(band) << 32 | index);
  }
  // Lookups scan `recent`: keep it short.
  if (day.recent.size() >= kMergeRecentAt) MergeRecent(day);
  ++cached_reports_;
}

void StoryKeyer::MergeRecent(Day& day) {
  if (day.recent.empty()) return;
  std::sort(day.recent.begin(), day.recent.end());
  std::vector<uint64_t> merged;
  merged.reserve(day.sorted.size() + day.recent.size());  // no spare room
  std::merge(day.sorted.begin(), day.sorted.end(), day.recent.begin(),
             day.recent.end(), std::back_inserter(merged));
  day.sorted.swap(merged);
  day.recent.clear();
}

template <typename Visit>
void StoryKeyer::ForEachInBand(Day& day, uint32_t band, Visit visit) {
  const uint64_t low = static_cast<uint64_t>(band) << 32;
  for (auto it = day.recent.rbegin(); it != day.recent.rend(); ++it) {
    if ((*it & ~uint64_t{0xffffffff}) == low &&
        !visit(day.entries[*it & 0xffffffff])) {
      return;
    }
  }
  auto first = std::lower_bound(day.sorted.begin(), day.sorted.end(), low);
  auto last = std::upper_bound(first, day.sorted.end(), low | 0xffffffff);
  while (last != first) {
    --last;
    if (!visit(day.entries[*last & 0xffffffff])) return;
  }
}

StoryKeyer::Day& StoryKeyer::LoadDay(const Xapian::Database& committed,
                                     const std::string& key) {
  auto [it, added] = days_.try_emplace(key);
  Day& day = it->second;
  day.last_used = ++clock_;
  if (!added || committed.get_doccount() == 0) return day;
  const std::string term = key.empty() ? std::string(schema::kTermUndated)
                                       : absl::StrCat(schema::kPrefixDay, key);
  for (Xapian::PostingIterator p = committed.postlist_begin(term);
       p != committed.postlist_end(term); ++p) {
    const Xapian::Document xdoc = committed.get_document(*p);
    Entry entry;
    entry.docid = *p;
    entry.features = DecodeFeatures(xdoc.get_value(schema::kSlotStoryFeatures));
    if (entry.features.empty()) continue;
    const std::string when = xdoc.get_value(schema::kSlotPublished);
    entry.dated = !when.empty();
    entry.published = entry.dated ? Xapian::sortable_unserialise(when) : 0;
    entry.key = xdoc.get_value(schema::kSlotStoryKey);
    const std::vector<uint32_t> bands = StoryBands(entry.features);
    Append(day, std::move(entry), bands);
  }
  MergeRecent(day);
  return day;
}

std::string StoryKeyer::Assign(const Xapian::Database& committed,
                               const NewsDocument& doc,
                               const StorySketch& sketch,
                               bool may_be_committed) {
  if (!doc.story_key.empty()) return doc.story_key;
  // Re-indexed: keep the key the document had.
  if (auto it = pending_ids_.find(doc.id); it != pending_ids_.end()) {
    return it->second->key;
  }
  const std::string id_term = schema::IdTerm(doc.id);
  Xapian::PostingIterator self = may_be_committed
                                     ? committed.postlist_begin(id_term)
                                     : committed.postlist_end(id_term);
  if (self != committed.postlist_end(id_term)) {
    std::string key =
        committed.get_document(*self).get_value(schema::kSlotStoryKey);
    if (!key.empty()) return key;
  }
  Best best;
  size_t candidates = 0;
  absl::flat_hash_set<const Entry*> seen;
  for (const std::string& key : sketch.days) {
    Day& day = LoadDay(committed, key);
    for (uint32_t band : sketch.bands) {
      // The latest few of the day in this band.
      size_t taken = 0;
      ForEachInBand(day, band, [&](Entry& other) {
        if (taken >= kCandidatesPerTerm || candidates >= kMaxCandidates)
          return false;
        ++taken;
        if (seen.insert(&other).second) {
          ++candidates;
          Consider(committed, doc, sketch, other, &best);
        }
        return true;
      });
    }
  }
  if (!best.key.empty()) return best.key;
  return HexHash(absl::StrCat("story\n", doc.id));
}

void StoryKeyer::Remember(const Xapian::Database& committed,
                          const NewsDocument& doc, const StorySketch& sketch) {
  ++documents_;
  for (uint32_t f : sketch.features) ++frequencies_[f];
  if (sketch.features.empty()) return;
  Day& day = LoadDay(committed, sketch.day);
  Entry entry;
  entry.dated = doc.published.has_value();
  entry.published = entry.dated ? static_cast<double>(absl::ToUnixSeconds(
                                      StoredInstant(*doc.published)))
                                : 0;
  entry.features = sketch.features;
  entry.key = doc.story_key;
  entry.id = doc.id;
  entry.title = doc.title;
  entry.identified = true;
  Append(day, std::move(entry), sketch.bands);
  const Entry* remembered = &day.entries.back();
  pending_ids_[doc.id] = remembered;
  pending_members_[doc.story_key].push_back(remembered);
}

double StoryKeyer::Similarity(const std::vector<uint32_t>& a,
                              const std::vector<uint32_t>& b) const {
  const double n = static_cast<double>(documents_);
  auto weight = [&](uint32_t f) {
    auto it = frequencies_.find(f);
    const double df = it == frequencies_.end() ? 0 : it->second;
    return std::log1p(n / (1 + df)) + 1e-6;
  };
  double shared = 0, all = 0;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i] < b[j])) {
      all += weight(a[i++]);
    } else if (i == a.size() || b[j] < a[i]) {
      all += weight(b[j++]);
    } else {
      const double w = weight(a[i]);
      shared += w;
      all += w;
      ++i, ++j;
    }
  }
  return all > 0 ? shared / all : 0;
}

void StoryKeyer::LoadFrequencies(const Xapian::Database& db) {
  const std::vector<uint32_t> data =
      DecodeFeatures(db.get_metadata(kStoryFrequencyKey));
  if (data.empty()) return;
  documents_ = data[0];
  for (size_t i = 1; i + 1 < data.size(); i += 2)
    frequencies_[data[i]] = data[i + 1];
}

void StoryKeyer::SaveFrequencies(Xapian::WritableDatabase& db) const {
  std::vector<uint32_t> data = {documents_};
  data.reserve(1 + 2 * frequencies_.size());
  for (const auto& [feature, count] : frequencies_) {
    data.push_back(feature);
    data.push_back(count);
  }
  db.set_metadata(kStoryFrequencyKey, EncodeFeatures(data));
}

void StoryKeyer::ForgetPending() {
  pending_ids_.clear();
  pending_members_.clear();
  if (cached_reports_ <= max_cached_reports_) return;
  // Everything is committed now, so any day can be dropped and read again:
  // keep the most recently used half.
  std::vector<std::pair<uint64_t, std::string>> by_use;
  for (const auto& [key, day] : days_) by_use.emplace_back(day.last_used, key);
  std::sort(by_use.begin(), by_use.end());
  for (const auto& [used, key] : by_use) {
    if (cached_reports_ <= max_cached_reports_ / 2) break;
    auto it = days_.find(key);
    cached_reports_ -= it->second.entries.size();
    days_.erase(it);
  }
}

void StoryKeyer::ForgetDays() {
  pending_ids_.clear();
  pending_members_.clear();
  days_.clear();
  cached_reports_ = 0;
}

void StoryKeyer::ForgetDocids() {
  for (auto it = days_.begin(); it != days_.end();) {
    const std::deque<Entry>& entries = it->second.entries;
    const bool stale = std::any_of(
        entries.begin(), entries.end(),
        [](const Entry& e) { return e.docid != 0 && !e.identified; });
    if (!stale) {
      ++it;
      continue;
    }
    cached_reports_ -= entries.size();
    days_.erase(it++);
  }
}

void StoryKeyer::AddTo(const StorySketch& sketch, Xapian::Document& xdoc) {
  if (sketch.day.empty()) xdoc.add_boolean_term(schema::kTermUndated);
  if (!sketch.features.empty()) {
    xdoc.add_value(schema::kSlotStoryFeatures, EncodeFeatures(sketch.features));
  }
}

}  // namespace newsearch
