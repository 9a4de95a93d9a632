// Builds a Xapian::Query from a user's query string with Xapian's QueryParser,
// configured from the schema table: text prefixes (title:), boolean filter
// prefixes whose values are normalised as the indexer does (topic:Grain finds
// "grain"), and date ranges in a chosen time zone. Everything it produces is
// made of Xapian's built-in query operators, so it runs on remote shards too.
//
//   QueryOptions options{zone, "en"};
//   ASSIGN_OR_RETURN(Xapian::Query q, BuildQuery(db, "peace date:2025-12..",
//   options));
//
// Thread-safe: each call builds its own QueryParser.
#ifndef NEWSEARCH_SEARCHER_QUERY_BUILDER_H_
#define NEWSEARCH_SEARCHER_QUERY_BUILDER_H_

#include <xapian.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace newsearch {

struct QueryOptions {
  absl::TimeZone zone = absl::UTCTimeZone();
  std::string language = "en";
};

// kInvalidArgument with Xapian's or our message for a malformed query.
absl::StatusOr<Xapian::Query> BuildQuery(const Xapian::Database& db,
                                         const std::string& query,
                                         const QueryOptions& options);

// Longest query accepted, in bytes.
inline constexpr size_t kMaxQueryBytes = 8192;

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_QUERY_BUILDER_H_
