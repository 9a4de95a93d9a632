// Builds a Xapian::Query from a user's query string with Xapian's QueryParser,
// configured from the schema table: text prefixes (title:), boolean filter
// prefixes whose values are normalised as the indexer does (topic:Grain finds
// "grain"), and dates in a chosen time zone (date:A..B, date:X, since:X,
// until:X, with X absolute or relative to `now`: today, yesterday, 24h, 7d,
// 2w). Short queries AND their words; queries of kLongQueryWords words or
// more OR them (see searcher.h). English stopwords are dropped from both.
// Everything it produces is made of Xapian's built-in query operators, so it
// runs on remote shards too.
//
//   ASSIGN_OR_RETURN(Xapian::Query q,
//                    BuildQuery(db, "peace date:7d", {zone, "en", now}));
//
// Thread-safe: each call builds its own QueryParser.
#ifndef NEWSEARCH_SEARCHER_QUERY_BUILDER_H_
#define NEWSEARCH_SEARCHER_QUERY_BUILDER_H_

#include <xapian.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsearch {

struct QueryOptions {
  absl::TimeZone zone = absl::UTCTimeZone();
  std::string language = "en";
  absl::Time now = absl::UnixEpoch();  // for relative dates
};

// kInvalidArgument with Xapian's or our message for a malformed query. An
// empty query matches every document.
absl::StatusOr<Xapian::Query> BuildQuery(const Xapian::Database& db,
                                         const std::string& query,
                                         const QueryOptions& options);

// The query with misspelt words replaced by the likeliest words of the
// index's spelling table (built by the indexer): "ukrane peace talks" ->
// "ukraine peace talks", in NormalizeQueryText form. "" when every word is
// in the index (a rare name is not "corrected" into a common word) or no
// word has a better spelling.
absl::StatusOr<std::string> SuggestCorrection(const Xapian::Database& db,
                                              const std::string& query,
                                              const QueryOptions& options);

// What a search over shards needs to know of a query: the published
// instants (inclusive, whole seconds) that every match must lie within, by
// its date filters (date:, since:, until:) when they restrict the whole
// query (unset ends are open), for asking only the time shards it can
// match; and whether it has a wildcard (each shard expands one with its own
// statistics). Malformed queries are BuildQuery's to report:
// kInvalidArgument here too.
struct ShardQueryInfo {
  std::optional<absl::Time> from;
  std::optional<absl::Time> until;
  bool wildcard = false;
};
absl::StatusOr<ShardQueryInfo> AnalyzeForShards(const std::string& query,
                                                const QueryOptions& options);

// Restricts `query` to the drill-down filters: (facet, value) pairs, values
// of one facet OR-ed, facets AND-ed. kInvalidArgument for an unknown facet.
absl::StatusOr<Xapian::Query> ApplyFilters(
    const Xapian::Query& query,
    const std::vector<std::pair<std::string, std::string>>& filters);

// The query text QueryParser reads: free words accent-folded and lower-cased
// (so each is stemmed, and matches every spelling through the folded `Z`
// terms and the synonym table); phrases in quotes, boolean operators and
// filter values (topic:, date:...) as written. A quoted word or phrase thus
// asks for the exact form: "Erdoğan" finds only that spelling.
std::string NormalizeQueryText(absl::string_view query);

// Longest query accepted, in bytes.
inline constexpr size_t kMaxQueryBytes = 8192;

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_QUERY_BUILDER_H_
