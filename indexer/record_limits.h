// Limits on what one input record may hold, so that a hostile or broken
// input costs bounded memory and time and never loses the rest of its batch.
// Each limit, what happens beyond it and why:
//
//   kMaxLineBytes   16 MiB  a news.jsonl line longer than this is rejected
//                           ("FILE:LINE: error: line is longer than ...")
//                           without being held in memory: the reader keeps
//                           at most this much of it. Real records are a few
//                           KB; the biggest legitimate ones (a long body
//                           with HTML residue) stay far below.
//   kMaxPageBytes   16 MiB  a page-text file larger than this is rejected
//                           (the page format is a saved web page).
//   kMaxBodyBytes    1 MiB  a longer body is cut at a UTF-8 character
//                           boundary, with a warning, and indexed: the text
//                           that matters comes first, a novel-length "body" is
//                           almost always a scraping accident, and the body
//                           is stored whole in the document data for
//                           snippets, so it bounds Xapian's inverter memory
//                           and the database size per document.
//   kMaxSummaryBytes 64 KiB and kMaxTitleBytes 2 KiB: likewise.
//   kMaxListItems      100  topics, authors and places beyond the first 100
//                           are dropped with a warning: each becomes a
//                           boolean term and a facet value, and no real
//                           article has more (10,000 "topics" are spam).
//   kMaxListItemBytes  1 KiB  a longer topic/author/place is cut (UTF-8
//                           safe) with a warning; terms made from it are
//                           bounded to Xapian's 245 bytes anyway (schema.h).
//
// Thread-safe, no state.
#ifndef NEWSEARCH_INDEXER_RECORD_LIMITS_H_
#define NEWSEARCH_INDEXER_RECORD_LIMITS_H_

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "newsearch/document.h"

namespace newsearch {

inline constexpr size_t kMaxLineBytes = size_t{16} << 20;
inline constexpr size_t kMaxPageBytes = size_t{16} << 20;
inline constexpr size_t kMaxBodyBytes = size_t{1} << 20;
inline constexpr size_t kMaxSummaryBytes = size_t{64} << 10;
inline constexpr size_t kMaxTitleBytes = size_t{2} << 10;
inline constexpr size_t kMaxListItems = 100;
inline constexpr size_t kMaxListItemBytes = size_t{1} << 10;

// Cuts what exceeds the limits above, appending one warning per field that
// was cut ("field 'body' is 52428800 bytes; indexed its first 1048576").
// The document's text must be valid UTF-8.
void ApplyRecordLimits(NewsDocument* doc, std::vector<std::string>* warnings);

enum class LineRead { kLine, kTooLong, kEnd };

// Reads one '\n'-terminated line into *line (without the '\n'). A line of
// more than `max_bytes` is consumed to its end but only its first
// `max_bytes` + 1 bytes are kept, and kTooLong returned. kEnd at the end of
// input with nothing read.
LineRead ReadBoundedLine(std::istream& in, size_t max_bytes, std::string* line);

// "line is longer than 16777216 bytes (the limit); skipped"
std::string LineTooLongError();

// Reads the rest of `in` into *text, in blocks, keeping at most
// max_bytes + 1 bytes; false when there was more than max_bytes.
bool ReadBoundedText(std::istream& in, size_t max_bytes, std::string* text);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_RECORD_LIMITS_H_
