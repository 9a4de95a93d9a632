// Turns the query parameters of `GET /api/search` into a SearchRequest, with
// the server's limits. Parameters (all optional):
//   q             the query (QueryParser syntax, see searcher.h)
//   filter        FACET:VALUE, repeatable (values of one facet OR-ed)
//   sort          hybrid | relevance | newest | oldest
//   offset, limit paging
//   facets        comma-separated: date,topic,source,kind,section
//   interval      hour | day | week | month | year | auto
//   facet_size    values per field facet
//   count         stories | reports
//   fold          1 | 0 (also true | false)
//   now           RFC 3339 or a date: the clock for recency and relative dates
//   half_life     90m, 36h, 7d, 2w
//   recency_weight  a number >= 0
//   tz, lang      IANA zone, query language
//   explain       1 | 0
//   allow_partial 1 | 0: sharded databases, results without shards that
//                 are down (marked partial) instead of an error
//   prune_shards  1 | 0: sharded databases, leave out time shards the
//                 query's dates rule out (default 1)
// An unknown parameter, a repeated single-valued one or a bad value is
// kInvalidArgument naming the parameter.
//
//   ASSIGN_OR_RETURN(SearchRequest r, SearchRequestFromParams(req.params, {}));
//
// Thread-safe; pure.
#ifndef NEWSEARCH_SEARCHER_HTTP_PARAMS_H_
#define NEWSEARCH_SEARCHER_HTTP_PARAMS_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "newsearch/searcher.h"

namespace newsearch {

// What one HTTP request may ask for.
struct HttpLimits {
  size_t max_query_bytes = 2048;
  int max_limit = 100;
  int max_offset = 10000;
  int max_facet_size = 100;
};

// httplib::Params is this type; the header does not need httplib.
using QueryParams = std::multimap<std::string, std::string>;

absl::StatusOr<SearchRequest> SearchRequestFromParams(const QueryParams& params,
                                                      const HttpLimits& limits);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_HTTP_PARAMS_H_
