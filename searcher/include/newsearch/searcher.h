// The searcher library: opens a newsearch database (a Xapian database
// directory or stub file) and answers SearchRequests with ranked, dated
// results and highlighted snippets. It does not depend on the indexer.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Searcher> searcher,
//                    Searcher::Open("news.db"));
//   SearchRequest request;
//   request.query = "peace talks date:2025-12-01..";
//   ASSIGN_OR_RETURN(SearchResponse response, searcher->Search(request));
//   for (const SearchResult& r : response.results) use(r.title, r.snippet);
//
// Errors are absl::Status: kInvalidArgument for a malformed query or request,
// kNotFound for a missing database or document, kDataLoss for a corrupt
// database, kUnavailable for a shard that is down or does not answer in
// time (unless the request allows partial results).
//
// Sharded databases: `path` may be a Xapian stub listing local and remote
// (xapian-tcpsrv) shards, such as the time shards newsindex writes; results
// are those of one database holding every shard's documents, and a query
// with a date range asks only the shards whose period it can match
// (database_pool.h, newsearch/shard_stub.h).
//
// Thread safety: a Searcher is safe to use from many threads at once, which
// is the normal case in a server: each call borrows a Xapian::Database handle
// of its own from a pool (Xapian's handles are not thread-safe). The caller
// owns the Searcher; responses are plain values the caller owns.
// Consistency: each call first brings its handle up to the latest commit, so
// it sees what the indexer has committed, never a half-written batch (Xapian
// commits are atomic). If the indexer commits twice during one search
// (Xapian's DatabaseModifiedError), the search is retried on the new state
// (up to twice; then kAborted, saying so). When the path is a symlink or
// stub file that a batch reindex switches to a new database, the next call
// opens the new one; searches already running finish on the old one.
#ifndef NEWSEARCH_SEARCHER_H_
#define NEWSEARCH_SEARCHER_H_

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "newsearch/document.h"
#include "newsearch/facets.h"

namespace newsearch {

enum class SortOrder {
  kHybrid,     // BM25 plus a recency boost (see searcher/recency.h)
  kRelevance,  // BM25 alone; the title weighs kTitleWeight times more
  kNewest,     // published, newest first; undated last; ties by relevance
  kOldest,     // published, oldest first; ties by relevance
};

// "hybrid", "relevance", "newest" or "oldest".
absl::StatusOr<SortOrder> ParseSortOrder(absl::string_view name);

// Equal scores are ordered newest first in kRelevance; in kHybrid the
// recency boost orders equally relevant documents by age.
inline constexpr SortOrder kDefaultSort = SortOrder::kHybrid;
// A week: a story loses half its boost each week, so last month's news is
// still found but this week's comes first when equally relevant.
inline constexpr absl::Duration kDefaultHalfLife = absl::Hours(24 * 7);
// A fresh story gains at most half of the best possible text score.
inline constexpr double kDefaultRecencyWeight = 0.5;
// Queries with this many words or more are read as natural language: any
// word may match (OR), so one missing word cannot empty the result.
inline constexpr int kLongQueryWords = 6;

struct SearchRequest {
  // Xapian QueryParser syntax plus newsearch's prefixes (title: topic: kind:
  // source: section: lang: author: place: story: id:) and dates
  // (date:2025-12-01..2025-12-21 with either end open, date:2025-12-21,
  // date:today, date:yesterday, date:24h, date:7d, date:2w, since:X,
  // until:X). Up to kLongQueryWords - 1 words must all match; longer,
  // natural-language queries match any of their words, best matches first.
  std::string query;
  // Drill-down: (facet, value) pairs such as ("topic", "grain"). Values of
  // one facet are OR-ed, different facets AND-ed. Facets: topic, source,
  // kind, section, lang, author, place.
  std::vector<std::pair<std::string, std::string>> filters;
  SortOrder sort = kDefaultSort;
  // One result per story (Xapian's collapse on the story key): the
  // best-ranked report, with how many more matched and from which outlets.
  // `total` then counts stories.
  bool fold = true;
  // What facets count; unset: stories when folded, else reports.
  std::optional<FacetCount> facet_count;
  std::optional<absl::Time> now;  // the clock for recency and relative
                                  // dates; unset: the current time
  absl::Duration half_life = kDefaultHalfLife;
  double recency_weight = kDefaultRecencyWeight;  // 0: pure BM25 order
  int offset = 0;
  int limit = 10;
  std::string time_zone = "UTC";    // IANA zone in which dates are read
  std::string language = "en";      // stemmer for the query's words
  std::vector<std::string> facets;  // from kFacetNames; empty: none
  DateInterval date_interval = DateInterval::kAuto;
  int facet_size = 10;   // values per field facet; the rest are summed
  bool explain = false;  // report each score's BM25 and recency parts
  // Zero: none. Else the match stops after about this long, keeping the
  // best results found so far, and totals and facets become estimates
  // (total_exact false).
  absl::Duration time_limit = absl::ZeroDuration();
  // Sharded databases: go on without shards that are down, and say so
  // (SearchResponse::partial) instead of failing with kUnavailable.
  bool allow_partial = false;
  // Sharded databases: a query whose dates rule a time shard out does not
  // ask it. The same documents match, with the same facets, but BM25's
  // statistics then come from the shards asked (the query's period), so
  // scores and order can differ a little from one database's; false asks
  // every shard, for exactly one database's ranking.
  bool prune_shards = true;
  int snippet_length = 240;  // characters of a snippet, about; 0: none
  std::string highlight_start = "<mark>";
  std::string highlight_end = "</mark>";
  // Tests only: called in every attempt between the match and the reading
  // of the matching documents (to commit to the database just there).
  std::function<void()> after_match_for_testing;
};

struct SearchResult {
  int rank = 0;             // 1-based, counting from offset 0
  Xapian::docid docid = 0;  // in the database searched; changes on reindex
  double score = 0;
  double relevance_score = 0;  // the BM25 part of score
  double recency_score = 0;    // the recency part (0 unless kHybrid)
  std::string snippet;   // best-matching text with the matches highlighted
  int more_reports = 0;  // folded: other matching reports of the story
  std::vector<std::string> outlets;  // folded: their sources (normalised,
                                     // as facets show them), best first
  NewsDocument document;  // as stored (see doc_data.h), body included
};

struct SearchResponse {
  std::string query;
  int64_t total = 0;  // matching stories when folded, else documents
  bool total_exact = true;
  bool folded = false;
  int64_t reports = 0;  // matching documents (= total when not folded)
  int offset = 0;
  int limit = 0;
  std::vector<SearchResult> results;
  Facets facets;
  bool explain = false;  // as requested: output shows the score parts
  std::optional<std::string> suggestion;  // did-you-mean, when there is one
  double took_ms = 0;
  // Sharded databases (a stub): shards asked, and left out by the query's
  // dates. Partial: results without the shards named in missing_shards,
  // which were down (only with allow_partial).
  int shards_searched = 1;
  int shards_pruned = 0;
  bool partial = false;
  std::vector<std::string> missing_shards;
  // What the results lack whatever the query (a remote first shard: no
  // suggestions or name variants).
  std::vector<std::string> warnings;
};

// A did-you-mean suggestion is looked for when fewer documents than this
// match, and offered when the corrected query matches more.
inline constexpr int kSuggestBelow = 5;

// Limits on a request, to keep one request from monopolising the server.
inline constexpr int kMaxLimit = 1000;
inline constexpr int kMaxOffset = 100000;

// What /api/health shows.
struct DatabaseInfo {
  std::string path;
  int64_t documents = 0;
  std::optional<absl::Time> last_update;  // the indexer's last commit
  int shards = 1;                           // listed by a stub
  std::vector<std::string> missing_shards;  // down now
};

class DatabasePool;
class FacetColumnCache;

// How a sharded database's shards are reached.
struct ShardOptions {
  // Longest wait for a remote shard's answer, and for its connection.
  absl::Duration remote_timeout = absl::Seconds(10);
  absl::Duration connect_timeout = absl::Seconds(5);
  // How long a failed shard is left alone before it is tried again.
  absl::Duration retry_after = absl::Seconds(2);
};

struct SearcherOptions {
  // For a database directory, keep the facet values of every document in
  // memory (about 40 bytes a document), rebuilt on a background thread after
  // each commit, so that exact facets and story totals cost no value reads;
  // until it is built, and for stub files, Xapian's value spies count.
  bool facet_cache = true;
  // Build the in-memory facet values in the search that needs them instead
  // (the first search after a commit waits): for tests and one-shot tools.
  bool facet_cache_blocking = false;
  // Read the facet values from the file newsindex writes in the database
  // directory after each run, when it is of the revision searched (loading
  // it costs a read of about 40 bytes a document). With facet_cache off,
  // this alone: a one-shot search never builds them. False: spies unless
  // facet_cache builds them.
  bool facet_column_file = true;
  // Stubs: timeouts of remote shards, and how long a failed shard is left
  // alone before it is tried again.
  ShardOptions shards;
};

class Searcher {
 public:
  // `path`: a Xapian database directory or stub file.
  static absl::StatusOr<std::unique_ptr<Searcher>> Open(
      const std::string& path, const SearcherOptions& options = {});
  ~Searcher();

  absl::StatusOr<SearchResponse> Search(const SearchRequest& request);

  // Every report of a story in time order, oldest first (its timeline), as
  // `newsearch --story KEY` lists it; kNotFound for an unknown key.
  // `allow_partial` as in SearchRequest.
  absl::StatusOr<SearchResponse> Story(const std::string& key,
                                       bool allow_partial = false);

  // The stored document with this id; kNotFound if there is none. Sharded:
  // shards that are down are skipped, and if the document is in none of
  // the others, kUnavailable names them.
  absl::StatusOr<NewsDocument> Document(const std::string& id);

  absl::StatusOr<DatabaseInfo> Info();

 private:
  Searcher(std::unique_ptr<DatabasePool> pool,
           std::unique_ptr<FacetColumnCache> facet_cache);

  std::unique_ptr<DatabasePool> pool_;
  std::unique_ptr<FacetColumnCache> facet_cache_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_H_
