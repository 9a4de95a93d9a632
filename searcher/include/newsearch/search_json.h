// The JSON encoding of a SearchResponse that the CLI (--json) and the HTTP
// API share, as design.md fixes it:
//   {"query": "...", "total": {"value": N, "exact": true}, "offset": 0,
//    "limit": 10, "results": [{"id", "kind", "title", "url", "published",
//    "source", "topics", "section", "language", "story", "summary",
//    "reading_minutes", "score", "snippet"}], "suggestion": null, "took_ms":
//    0.8}
// Fields without a value are null (url, published) or empty arrays (topics).
// Thread-safe; pure.
//
//   std::cout << SearchResponseToJson(response) << "\n";
#ifndef NEWSEARCH_SEARCH_JSON_H_
#define NEWSEARCH_SEARCH_JSON_H_

#include <string>

#include "newsearch/searcher.h"

namespace newsearch {

std::string SearchResponseToJson(const SearchResponse& response);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCH_JSON_H_
