// Parses one line of news.jsonl (the interchange format of design.md) into a
// NewsDocument. Errors name the offending field:
//   "field 'topics' must be an array of strings"
//   "field 'published': unparseable date 'yesterday'"
// Unknown fields are ignored; null counts as absent. The result is not yet
// prepared (no default id, language or story key): see identity.h.
#ifndef NEWSEARCH_INDEXER_NEWS_RECORD_H_
#define NEWSEARCH_INDEXER_NEWS_RECORD_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsearch/document.h"

namespace newsearch {

absl::StatusOr<NewsDocument> ParseNewsRecord(absl::string_view line);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_NEWS_RECORD_H_
