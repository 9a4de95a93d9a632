// The JSON encoding of a SearchResponse that the CLI (--json) and the HTTP
// API share, as design.md fixes it:
//   {"query": "...",
//    "total": {"value": N, "exact": true, "reports": M, "folded": true},
//    "offset": 0, "limit": 10,
//    "results": [{"id", "kind", "title", "url", "published", "source",
//                 "topics" (all, explicit first), "inferred_topics" (those
//                 newsearch added), "section", "language", "story", "summary",
//                 "reading_minutes", "score", "snippet",
//                 "explain": {"bm25", "recency"} (when asked for),
//                 "more_reports", "outlets" (folded: the story's other
//                 matching reports and their sources)}],
//    "facets": {"date": {"interval": "day", "tz": "UTC",
//                        "buckets": [{"key": "2025-12-21", "count": 3}]},
//               "topic": [{"value": "interest-rates",
//                          "name": "Interest Rates", "count": 5}],
//               "source": [...], ..., "other": {"topic": 12, ...}},
//    "facet_count": "stories" | "reports",
//    "suggestion": null, "took_ms": 0.8}
// Fields without a value are null (url, published) or empty arrays (topics);
// "name" is left out when it equals "value"; "other" sums the counts beyond
// the top N of each field facet. Snippets are HTML-escaped text whose only
// markup is the highlight marks.
// Thread-safe; pure.
//
//   std::cout << SearchResponseToJson(response) << "\n";
#ifndef NEWSEARCH_SEARCH_JSON_H_
#define NEWSEARCH_SEARCH_JSON_H_

#include <string>

#include "newsearch/searcher.h"

namespace newsearch {

std::string SearchResponseToJson(const SearchResponse& response);

// One stored document, as a result lists it but with its body and without
// score or snippet: {"id", "kind", "title", "url", "published", "source",
// "topics", "inferred_topics", "section", "language", "story", "summary",
// "reading_minutes", "authors", "places", "updated", "body"}.
std::string DocumentToJson(const NewsDocument& doc);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCH_JSON_H_
