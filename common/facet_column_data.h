// The story-facets slot (schema::kSlotStoryFacets) of one revision of a
// local database, decoded into small integers per docid, and the file that
// keeps it beside the database so that a process need not decode it again.
//
// The indexer writes the file (WriteFacetColumnFile) at the end of every
// run; a searcher reads it (ReadFacetColumnFile) when it is of the revision
// its handle is at, and otherwise builds the column or counts with Xapian's
// value spies (searcher/facet_column.h). A file of another revision, a
// crash half way through writing (it is written to a temporary name and
// renamed) or another format is never taken for the column.
//
//   ASSIGN_OR_RETURN(FacetColumnData data, BuildFacetColumnData(db));
//   RETURN_IF_ERROR(WriteFacetColumnFile(data, "news.db.3"));
//   absl::StatusOr<FacetColumnData> read = ReadFacetColumnFile(
//       "news.db.3", db.get_uuid(), db.get_revision());
//
// Memory and file: about 40 bytes a document. Thread-compatible: a
// FacetColumnData is a value; the functions share no state.
#ifndef NEWSEARCH_COMMON_FACET_COLUMN_DATA_H_
#define NEWSEARCH_COMMON_FACET_COLUMN_DATA_H_

#include <xapian.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace newsearch {

struct FacetColumnData {
  // The fields with a dictionary of values. Source, kind and section have
  // one value a document; topics a range of topic_ids.
  enum Field { kTopic, kSource, kKind, kSection, kFieldCount };
  struct Row {
    int64_t published = 0;  // UTC epoch seconds
    uint32_t story = 0;     // 1..stories; 0: no story-facets value
    std::array<uint32_t, 3> values = {};  // ids [field - kSource], 0: none
    uint32_t topics = 0;                  // offset in topic_ids
    uint16_t topic_count = 0;
    bool dated = false;
  };
  struct Entry {
    std::string value;  // the filter value: a topic's slug, a source...
    std::string name;   // for display: the topic's name; else the value
  };

  std::string uuid;
  Xapian::rev revision = 0;
  std::vector<Row> rows;  // by docid: one past the last docid
  std::vector<uint32_t> topic_ids;
  // A value's id in a field is its index here plus one.
  std::array<std::vector<Entry>, kFieldCount> dictionary;
  uint32_t stories = 0;
};

// Reads the slot of every document of `db` at its current revision.
// Errors: Xapian's, as a status naming the slot.
absl::StatusOr<FacetColumnData> BuildFacetColumnData(Xapian::Database& db);

// The column file of the database directory `dir`.
std::string FacetColumnPath(const std::string& dir);

// Writes `data` as the column file of `dir`, atomically. kUnavailable when
// it cannot be written (a read-only directory): searches then do without.
absl::Status WriteFacetColumnFile(const FacetColumnData& data,
                                  const std::string& dir);

// Builds the column of the database directory `dir` at its latest
// committed revision and writes its file: about a second a million
// documents. Only for a glass database directory; for a stub or a
// directory of time shards, OK and nothing written.
absl::Status WriteFacetColumnFile(const std::string& dir);

// The column file of `dir` if it is of database `uuid` at `revision`:
// kNotFound when there is none, kFailedPrecondition when it is of another
// revision or database, kDataLoss when it is not a whole column file of
// this format.
absl::StatusOr<FacetColumnData> ReadFacetColumnFile(const std::string& dir,
                                                    const std::string& uuid,
                                                    Xapian::rev revision);

}  // namespace newsearch

#endif  // NEWSEARCH_COMMON_FACET_COLUMN_DATA_H_
