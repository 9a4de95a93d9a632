// Counts the facets of one search exactly: attaches one built-in
// ValueCountMatchSpy per requested facet to an Enquire, and after the match
// (which must check every document: check_at_least >= the document count)
// turns the spies' counts into Facets.
//
//   ASSIGN_OR_RETURN(auto counter, FacetCounter::Create(options));
//   counter->Attach(enquire);
//   enquire.get_mset(0, 10, db.get_doccount());
//   Facets facets = counter->Collect();
//
// Dates are counted by UTC hour (kSlotHourKey) and regrouped on the local
// calendar of the zone, which is exact for zones whose offsets are whole
// hours; for others (Asia/Kolkata) the exact published times are counted.
// Topics are counted from the per-document topic set (schema.h), each topic
// of a document once. Counting stories, one spy on kSlotStoryFacets sees
// every matching report's story and facet values, and each value counts its
// distinct stories (dates then use exact times, in any zone). Given the
// FacetColumn of the database's revision (facet_column.h), it collects the
// matching docids instead and counts from memory: the same counts, without
// a value read per match. Not thread-safe: one per search.
#ifndef NEWSEARCH_SEARCHER_FACET_COUNTER_H_
#define NEWSEARCH_SEARCHER_FACET_COUNTER_H_

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "newsearch/facets.h"

namespace newsearch {

class FacetColumn;

struct FacetOptions {
  std::vector<std::string> names;  // from kFacetNames
  DateInterval interval = DateInterval::kAuto;
  absl::TimeZone zone = absl::UTCTimeZone();
  std::string zone_name = "UTC";
  int size = 10;  // values kept per field facet
  FacetCount count = FacetCount::kReports;
};

class FacetCounter {
 public:
  // kInvalidArgument for an unknown facet name.
  static absl::StatusOr<std::unique_ptr<FacetCounter>> Create(
      const FacetOptions& options,
      std::shared_ptr<const FacetColumn> column = nullptr);

  // The spies stay owned by this object, which must outlive the match.
  void Attach(Xapian::Enquire& enquire);
  Facets Collect() const;

  // Counting stories or from a column, the counter sees every match's story:
  // the matching reports and distinct stories, exactly, so that a search need
  // not count them with a spy of its own. False otherwise.
  bool StoryTotals(int64_t* reports, int64_t* stories) const;
  bool HasStoryTotals() const { return story_spy_ || column_; }
  // Counting from a column: the docid of every match, in docid order of
  // the match; else empty.
  const std::vector<Xapian::docid>& Matches() const {
    return collector_.docids;
  }

 private:
  struct Field {
    std::string name;
    std::unique_ptr<Xapian::ValueCountMatchSpy> spy;
  };

  // Collects the docids of every match, for counting from a column.
  class DocidCollector : public Xapian::MatchSpy {
   public:
    void operator()(const Xapian::Document& doc, double) override {
      docids.push_back(doc.get_docid());
    }
    std::vector<Xapian::docid> docids;
  };

  FacetCounter(const FacetOptions& options,
               std::shared_ptr<const FacetColumn> column);
  void CountColumn() const;
  DateHistogram CollectDates() const;
  Facets CollectStories() const;
  bool WantsDate() const;

  FacetOptions options_;
  std::shared_ptr<const FacetColumn> column_;  // set: count from it
  DocidCollector collector_;
  mutable bool column_counted_ = false;  // the three below are set
  mutable Facets column_facets_;
  mutable int64_t column_reports_ = 0;
  mutable int64_t column_stories_ = 0;
  std::unique_ptr<Xapian::ValueCountMatchSpy> story_spy_;  // counting stories
  bool exact_times_ = false;  // count kSlotPublished instead of hour keys
  std::unique_ptr<Xapian::ValueCountMatchSpy> date_spy_;
  std::vector<Field> fields_;
};

// Whether every UTC offset of `zone` between 1970 and 2040 is a whole number
// of hours, so that UTC hours fall inside one local hour.
bool HasWholeHourOffsets(absl::TimeZone zone);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_FACET_COUNTER_H_
