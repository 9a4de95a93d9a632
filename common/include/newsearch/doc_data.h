// The document data: compact JSON of what a search result shows, stored with
// each Xapian document so that a result needs no second lookup. The body is
// kept too, for snippets and for rebuilding the index without the sources.
//
//   std::string data = EncodeDocData(doc);   // at index time
//   ASSIGN_OR_RETURN(NewsDocument d, DecodeDocData(data));  // at search time
//
// Layout: one JSON object, then, when there is a body, a newline and the
// body as it is. JSON never holds a raw newline, so the first one ends the
// object; a search reads the small object without scanning the body (its
// parse was a quarter of a search's instructions). Data written with the
// body as a JSON key (before 2026-11-28) still decodes.
// Keys: id, kind, title, summary, url, published, updated, topics,
// inferred_topics, authors, places, section, source, language, story,
// reading_minutes; empty fields are omitted. Timestamps are written by
// FormatTimestamp (dates.h). Both functions are pure and thread-safe.
#ifndef NEWSEARCH_DOC_DATA_H_
#define NEWSEARCH_DOC_DATA_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsearch/document.h"

namespace newsearch {

std::string EncodeDocData(const NewsDocument& doc);

// Every field, the body too, as one JSON object on one line: a news.jsonl
// record that ParseNewsRecord reads back (fetch's archive).
std::string EncodeJsonRecord(const NewsDocument& doc);

// Fails with DataLoss if `data` is not what EncodeDocData writes.
absl::StatusOr<NewsDocument> DecodeDocData(absl::string_view data);

}  // namespace newsearch

#endif  // NEWSEARCH_DOC_DATA_H_
