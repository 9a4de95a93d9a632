// Parses one line of news.jsonl (the interchange format of design.md) into a
// NewsDocument. Errors name the offending field:
//   "field 'topics' must be an array of strings"
//   "field 'published': unparseable date 'yesterday'"
// Unknown fields are ignored; null counts as absent. The result is not yet
// prepared (no default id, language or story key): see identity.h.
#ifndef NEWSEARCH_INDEXER_NEWS_RECORD_H_
#define NEWSEARCH_INDEXER_NEWS_RECORD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsearch/document.h"

namespace newsearch {

//
// Invalid UTF-8 and NUL bytes (raw or \u0000): in id, url, kind, language,
// published and updated the record is rejected, naming the field; in title,
// summary, body, section, source, topics, authors and places each bad
// sequence becomes U+FFFD and a warning is appended to *warnings ("field
// 'title': replaced 2 invalid UTF-8 sequence(s) ..."). The overload without
// warnings repairs the same way and drops them.
absl::StatusOr<NewsDocument> ParseNewsRecord(absl::string_view line);
absl::StatusOr<NewsDocument> ParseNewsRecord(
    absl::string_view line, std::vector<std::string>* warnings);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_NEWS_RECORD_H_
