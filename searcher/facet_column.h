// An in-memory copy of one revision of a local database's story-facets slot
// (schema::kSlotStoryFacets), decoded into small integers per document, so
// that exact facet counts and story totals over every match read memory
// instead of a value per matching document (which Xapian reads block by
// block with pread: a third of a faceted search's time).
//
// FacetColumn is immutable once built and shared by all searches of its
// revision. FacetColumnCache keeps the column of the latest revision a search
// has seen, read from the file the indexer writes beside the database when
// it is of that revision: a search whose handle is at a revision with
// neither gets none and counts with Xapian's value spies, exactly as before,
// while (kBackground) a thread builds the new one from the path. Only for a
// single local database: remote
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
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/facet_column_data.h"
#include "newsearch/facets.h"
#include "searcher/facet_counter.h"

namespace newsearch {

class FacetColumn {
 public:
  // Reads the slot of every document of `db` at its current revision.
  static absl::StatusOr<std::shared_ptr<const FacetColumn>> Build(
      Xapian::Database& db);
  // The column file the indexer wrote in the database directory `dir`
  // (common/facet_column_data.h), if it is of `db`'s revision; errors as
  // ReadFacetColumnFile's.
  static absl::StatusOr<std::shared_ptr<const FacetColumn>> Load(
      const std::string& dir, Xapian::Database& db);

  // Whether this column is of `db`'s database and revision.
  bool IsOf(const std::string& uuid, Xapian::rev revision) const {
    return uuid == data_.uuid && revision == data_.revision;
  }
  const std::string& uuid() const { return data_.uuid; }
  Xapian::rev revision() const { return data_.revision; }

  // One document's values (0, "" and false when it has none), for the
  // other per-document reads of a search.
  uint32_t Story(Xapian::docid did) const {
    return did < data_.rows.size() ? data_.rows[did].story : 0;
  }
  absl::string_view Source(Xapian::docid did) const;
  bool Published(Xapian::docid did, int64_t* unix_seconds) const;
  // One past the highest docid.
  Xapian::docid size() const {
    return static_cast<Xapian::docid>(data_.rows.size());
  }

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
  using Field = FacetColumnData::Field;
  using Row = FacetColumnData::Row;
  explicit FacetColumn(FacetColumnData data) : data_(std::move(data)) {}
  static Field FieldOf(const std::string& name);
  DateHistogram CountDates(const std::vector<Xapian::docid>& matches,
                           const FacetOptions& options) const;
  FacetCounts CountField(Field field,
                         const std::vector<Xapian::docid>& matches,
                         const FacetOptions& options) const;

  FacetColumnData data_;
};

class FacetColumnCache {
 public:
  // Every mode but kOff first reads the column file of `path` (when `path`
  // is a database directory) for a revision it has no column of.
  enum class Mode {
    kOff,         // never: always count with Xapian's spies
    kFile,        // only the file, never built: one-shot searches
    kBackground,  // build on a thread; searches meanwhile count with spies
    kBlocking,    // build in the search that needs it (tests, tools)
  };
  // read_file false: never the file (tests comparing the ways of counting).
  FacetColumnCache(std::string path, Mode mode, bool read_file = true);
  ~FacetColumnCache();  // waits for a build under way
  FacetColumnCache(const FacetColumnCache&) = delete;
  FacetColumnCache& operator=(const FacetColumnCache&) = delete;

  // The column of `db`'s revision, or null (then, in kBackground, a build is
  // started unless one is under way). `matches`, called in kFile mode
  // only: an estimate of what the search will count. The file is read only
  // when they are at least 1/kFileWorthFraction of the documents: below
  // that their value reads cost less than reading the file (about 30 ms a
  // million documents).
  static constexpr Xapian::doccount kFileWorthFraction = 50;
  std::shared_ptr<const FacetColumn> Get(
      Xapian::Database& db,
      const std::function<Xapian::doccount()>& matches = nullptr);

 private:
  void BuildFromPath();

  const std::string path_;
  const Mode mode_;
  const bool read_file_;
  std::mutex mu_;
  std::shared_ptr<const FacetColumn> column_;  // guarded by mu_
  bool building_ = false;                      // guarded by mu_
  // The database and revision whose file was last read.
  std::pair<std::string, Xapian::rev> file_tried_;  // guarded by mu_
  std::thread builder_;                        // guarded by mu_
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_FACET_COLUMN_H_
