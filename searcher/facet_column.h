// An in-memory copy of one revision of a local database's story-facets slot
// (schema::kSlotStoryFacets), decoded into small integers per document, so
// that exact facet counts and story totals over every match read memory
// instead of a value per matching document (which Xapian reads block by
// block with pread: a third of a faceted search's time).
//
// FacetColumn is immutable once built and shared by all searches of its
// revision. FacetColumnCache keeps the column of the latest revision a search
// has seen: a search whose handle is at another revision gets none and counts
// with Xapian's value spies, exactly as before, while (kBackground) a thread
// builds the new one from the path. Only for a single local database: remote
// shards cannot run a spy of ours, and a stub's sub-databases have no single
// revision.
//
//   FacetColumnCache cache("news.db", FacetColumnCache::Mode::kBackground);
//   std::shared_ptr<const FacetColumn> column = cache.Get(lease.db());
//   if (column) counts = column->Count(matching_docids, options);
//
// Memory: about 40 bytes a document (40 MB for a million). Thread-safe.
#ifndef NEWSEARCH_SEARCHER_FACET_COLUMN_H_
#define NEWSEARCH_SEARCHER_FACET_COLUMN_H_

#include <xapian.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsearch/facets.h"
#include "searcher/facet_counter.h"

namespace newsearch {

class FacetColumn {
 public:
  // Reads the slot of every document of `db` at its current revision.
  static absl::StatusOr<std::shared_ptr<const FacetColumn>> Build(
      Xapian::Database& db);

  // Whether this column is of `db`'s database and revision.
  bool IsOf(const std::string& uuid, Xapian::rev revision) const {
    return uuid == uuid_ && revision == revision_;
  }
  const std::string& uuid() const { return uuid_; }
  Xapian::rev revision() const { return revision_; }

  // One document's values (0, "" and false when it has none), for the
  // other per-document reads of a search.
  uint32_t Story(Xapian::docid did) const {
    return did < rows_.size() ? rows_[did].story : 0;
  }
  absl::string_view Source(Xapian::docid did) const;
  bool Published(Xapian::docid did, int64_t* unix_seconds) const;
  // One past the highest docid.
  Xapian::docid size() const { return static_cast<Xapian::docid>(rows_.size()); }

  struct Counts {
    Facets facets;
    int64_t reports = 0;  // matches
    int64_t stories = 0;  // distinct stories among them
  };
  // The facets `options` asks for (kFacetNames), counted over `matches`
  // (docids of this revision) as FacetCounter would count them.
  Counts Count(const std::vector<Xapian::docid>& matches,
               const FacetOptions& options) const;

 private:
  enum Field { kTopic, kSource, kKind, kSection, kFieldCount };
  struct Row {
    int64_t published = 0;  // UTC epoch seconds
    uint32_t story = 0;     // 0: the document has no story-facets value
    std::array<uint32_t, 3> values = {};  // ids [field - kSource]
    uint32_t topics = 0;                         // offset in topic_ids_
    uint16_t topic_count = 0;
    bool dated = false;
  };
  // A value's id per field is its index in dictionary_[field] plus one.
  FacetColumn() = default;
  static Field FieldOf(const std::string& name);
  struct Interners;
  void AddRow(Xapian::docid did, const std::string& value,
              Interners* interners);
  DateHistogram CountDates(const std::vector<Xapian::docid>& matches,
                           const FacetOptions& options) const;
  FacetCounts CountField(Field field,
                         const std::vector<Xapian::docid>& matches,
                         const FacetOptions& options) const;

  std::string uuid_;
  Xapian::rev revision_ = 0;
  std::vector<Row> rows_;  // by docid
  std::vector<uint32_t> topic_ids_;
  std::array<std::vector<FacetValue>, kFieldCount> dictionary_;
  uint32_t stories_ = 0;  // story ids are 1..stories_
};

class FacetColumnCache {
 public:
  enum class Mode {
    kOff,         // never: always count with Xapian's spies
    kBackground,  // build on a thread; searches meanwhile count with spies
    kBlocking,    // build in the search that needs it (tests, tools)
  };
  FacetColumnCache(std::string path, Mode mode);
  ~FacetColumnCache();  // waits for a build under way
  FacetColumnCache(const FacetColumnCache&) = delete;
  FacetColumnCache& operator=(const FacetColumnCache&) = delete;

  // The column of `db`'s revision, or null (then, in kBackground, a build is
  // started unless one is under way).
  std::shared_ptr<const FacetColumn> Get(Xapian::Database& db);

 private:
  void BuildFromPath();

  const std::string path_;
  const Mode mode_;
  std::mutex mu_;
  std::shared_ptr<const FacetColumn> column_;  // guarded by mu_
  bool building_ = false;                      // guarded by mu_
  std::thread builder_;                        // guarded by mu_
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_FACET_COLUMN_H_
