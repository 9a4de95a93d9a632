// Story keys: documents about the same event, published close in time, share
// one key, so the searcher can fold them into one result (Xapian's collapse
// on kSlotStoryKey) and list a story's reports.
//
// Method: a document's features are the stemmed words of its title (twice:
// plain and marked as title words, so titles weigh more) and of its lede
// (the summary, else the first 40 words of the body), stopwords removed.
// Similarity is the Jaccard index of two feature sets weighted by each
// feature's inverse document frequency (exact, from the sets stored in
// kSlotStoryFeatures), so that shared template words ("4th qtr net", "shr",
// "revs") count for little and shared names for much: without it, every
// quarterly-results report of a week folded into one story. Frequencies are
// counted over the documents written, kept across runs in the database's
// metadata (kStoryFrequencyKey). Candidates are found with MinHash LSH: 64
// min-hashes in 32 bands of 2, so a pair at Jaccard 0.35 is a candidate with
// probability 0.985, a bounded number of candidates from each band of each
// day (templated wire copy, such as quarterly results, shares bands by the
// hundred). The bands are not index terms: the keyer keeps them in memory,
// per UTC day, for the days it has met. A day is loaded from the database
// once, through its `D` term (undated documents: kTermUndated), recomputing
// each document's bands from its stored features; 32 unique terms a
// document made indexing Reuters-21578 1.35x slower and its compacted
// index 1.3x larger. Days least recently used are dropped after a commit
// once more than kMaxCachedReports reports are held, so memory stays
// bounded. A document
// joins the most similar candidate published within kStoryWindow of it (undated
// ones: only other undated ones, at a stricter threshold) when the Jaccard
// index is at least kStoryThreshold, and is not a different edition of a series
// (titles that differ only in words such as Morning/Midday, weekdays, months,
// ordinals, the number in "Day 101" or "Part 2", each title having such a word
// the other lacks); otherwise it starts
// a story keyed by a hash of its id. Its mean similarity to the story's reports
// (the first kMaxStoryMembers of them) must also reach kStoryThreshold, so that
// stories cannot drift through chains of pairwise-similar reports (quarterly
// results of one company after another). The mean, rather than the similarity
// to the story's first report alone, because the first report written is
// whichever came first in the input (often a later follow-up, as feeds list
// the newest first): a close rewrite of one report ("Boris Johnson to resign
// as prime minister" / "Boris Johnson resigns as UK prime minister") must not
// be kept out because a loosely related report founded the story. A document
// that is re-indexed keeps the key it had, so keys are stable; a late-arriving
// copy finds the story's earlier reports and joins it.
//
// Measured on ../shared/corpora/headlines-2022.jsonl (10,037 headlines, no
// lede; tests/e2e/headlines_stories_test.cc): 10,037 reports fold into 8,747
// stories. Of 50 folded pairs drawn at random, 39 were one event, 6 one
// storyline (a trial's different days), 5 wrong: headlines of one template
// about different shows or places ("'South Side' Renewed for Season 3 at HBO
// Max" / "HBO Renews 'How To With John Wilson' for Season 3", "Australia
// police arrest quarantine escapees" / "Dutch police arrest quarantine hotel
// escapees"), where the one distinguishing name weighs less than the shared
// template.
//
// Days are loaded from a read-only snapshot of what is committed (reading
// pending changes through the WritableDatabase would flush them term by
// term, which tripled indexing time); documents written since are added to
// the days in memory as they are written.
//
//   StoryKeyer keyer;
//   StorySketch sketch = keyer.Sketch(doc);
//   doc.story_key = keyer.Assign(committed, doc, sketch);
//   keyer.AddTo(sketch, xdoc);                // undated term and features
//   keyer.Remember(committed, doc, sketch);   // visible to the next Assign
//   ...after db.commit(): committed.reopen(); keyer.ForgetPending();
//
// Not thread-safe (one TermGenerator): one keyer per writer.
#ifndef NEWSEARCH_INDEXER_STORY_KEYS_H_
#define NEWSEARCH_INDEXER_STORY_KEYS_H_

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/time/time.h"
#include "newsearch/document.h"

namespace newsearch {

inline constexpr double kStoryThreshold = 0.25;
// Reports of a story a newcomer is compared with (the first ones written).
inline constexpr size_t kMaxStoryMembers = 16;
inline constexpr double kUndatedStoryThreshold = 0.6;
inline constexpr absl::Duration kStoryWindow = absl::Hours(72);

// Reports held in memory before least recently used days are dropped
// (about 700 bytes each: 1 GB at the bound). Input in no date order touches
// days at random, so once the bound is passed most documents reread days
// from the database: a million synthetic records in random date order fell
// from 520 to 140 documents/s after 400,000. Keep whole archives under it.
inline constexpr size_t kMaxCachedReports = 1500000;

struct StorySketch {
  std::vector<uint32_t> features;  // sorted, unique feature hashes
  std::vector<uint32_t> bands;     // LSH band hashes
  std::string day;  // UTC day key of the stored instant, "" undated
  std::vector<std::string> days;  // the days a match can be on (kStoryWindow)
};

// The LSH band hashes of a feature set (empty for no features).
std::vector<uint32_t> StoryBands(const std::vector<uint32_t>& features);

// Jaccard index of two sorted feature sets (0 when both are empty).
double Jaccard(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

// Metadata keys under which document frequencies of features persist.
inline constexpr char kStoryFrequencyKey[] = "newsearch:story-df";

// Encoding of a feature set in kSlotStoryFeatures.
std::string EncodeFeatures(const std::vector<uint32_t>& features);
std::vector<uint32_t> DecodeFeatures(const std::string& value);

// True when two titles differ only in edition words (Morning, Midday,
// Monday, December, 21st, 2025, the 101 of "Day 101"...), each having one
// the other lacks: editions of a series, not one story. A title that only
// adds edition words to the other ("... | World Cup 2022") is a rewrite of
// it, not an edition.
bool AreSeriesEditions(const std::string& title_a, const std::string& title_b);

class StoryKeyer {
 public:
  explicit StoryKeyer(size_t max_cached_reports = kMaxCachedReports);

  StorySketch Sketch(const NewsDocument& doc);

  // The key `doc` should have: its own explicit key, the key its previous
  // version had in `db`, the key of the most similar story in `db`, or a
  // new one.
  // `may_be_committed` false skips looking for a previous version in
  // `committed`, for a caller that knows the id is new.
  std::string Assign(const Xapian::Database& committed, const NewsDocument& doc,
                     const StorySketch& sketch, bool may_be_committed = true);

  static void AddTo(const StorySketch& sketch, Xapian::Document& xdoc);

  // Makes a written but uncommitted document visible to Assign().
  void Remember(const Xapian::Database& committed, const NewsDocument& doc,
                const StorySketch& sketch);
  // After a commit, when the committed snapshot has been reopened: drops
  // what only pending documents needed, and the least recently used days
  // when more than `max_cached_reports` reports are held.
  void ForgetPending();
  // After a commit whose snapshot numbers documents anew (time shards were
  // added, see time_shards.h): drops every day, to be read again.
  void ForgetDays();
  // After a commit whose snapshot numbers documents anew but holds all it
  // held (segments were closed, see segments.h): drops the days holding a
  // report known only by its old docid, to be read again.
  void ForgetDocids();

  // Reports held in memory (for tests of the bound).
  size_t CachedReports() const { return cached_reports_; }

  // Feature frequencies: loaded when a writer opens a database, saved (as
  // metadata, committed with the documents) before each commit.
  void LoadFrequencies(const Xapian::Database& db);
  void SaveFrequencies(Xapian::WritableDatabase& db) const;

  // IDF-weighted Jaccard index of two sorted feature sets.
  double Similarity(const std::vector<uint32_t>& a,
                    const std::vector<uint32_t>& b) const;

 private:
  // A report of a day: its time, features, key and, loaded only when it
  // could matter, its id and title (committed ones read by `docid`).
  struct Entry {
    Xapian::docid docid = 0;  // 0: written by this keyer
    bool dated = false;
    bool identified = false;  // id and title known
    double published = 0;
    std::vector<uint32_t> features;
    std::string key;
    std::string id;
    std::string title;
  };
  // One UTC day's reports and their bands, as (band << 32 | entry index):
  // `sorted`, and the latest appends, all newer, unsorted in `recent` until
  // MergeRecent(). 8 bytes a band; a hash map of per-band chains took about
  // three times that, and at a million reports the cache must hold them all
  // (input in no date order touches days at random).
  struct Day {
    std::deque<Entry> entries;  // a deque: pending_ids_ points into it
    std::vector<uint64_t> sorted;
    std::vector<uint64_t> recent;
    uint64_t last_used = 0;
  };
  struct Best;

  const Xapian::Stem& StemmerFor(const std::string& language);
  Day& LoadDay(const Xapian::Database& committed, const std::string& day);
  void Append(Day& day, Entry entry, const std::vector<uint32_t>& bands);
  static void MergeRecent(Day& day);
  // Calls visit(entry) for the entries of `day` in `band`, newest first,
  // while it returns true.
  template <typename Visit>
  static void ForEachInBand(Day& day, uint32_t band, Visit visit);
  // Reads a committed entry's id and title; false if it is gone.
  bool Identify(const Xapian::Database& committed, Entry& entry) const;
  void Consider(const Xapian::Database& committed, const NewsDocument& doc,
                const StorySketch& sketch, Entry& other, Best* best) const;
  // Mean similarity of `features` to the first kMaxStoryMembers reports of
  // story `key` (committed ones first, then pending ones); 1 when none.
  double StorySimilarity(const Xapian::Database& committed,
                         const std::string& key,
                         const std::vector<uint32_t>& features) const;

  Xapian::TermGenerator term_generator_;
  std::map<std::string, Xapian::Stem> stemmers_;
  // node_hash_map: Entry pointers below stay valid as days are added.
  absl::node_hash_map<std::string, Day> days_;
  size_t max_cached_reports_;
  size_t cached_reports_ = 0;
  uint64_t clock_ = 0;
  // Uncommitted documents: id -> entry, story key -> entries.
  absl::flat_hash_map<std::string, const Entry*> pending_ids_;
  absl::flat_hash_map<std::string, std::vector<const Entry*>> pending_members_;
  absl::flat_hash_map<uint32_t, uint32_t> frequencies_;
  uint32_t documents_ = 0;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_STORY_KEYS_H_
