#include "newsearch/searcher.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "newsearch/schema.h"
#include "newsearch/status_macros.h"
#include "newsearch/xapian_status.h"
#include "searcher/database_pool.h"
#include "searcher/facet_column.h"
#include "searcher/facet_counter.h"
#include "searcher/fold_page.h"
#include "searcher/query_builder.h"
#include "searcher/recency.h"
#include "searcher/snippets.h"

namespace newsearch {
namespace {

absl::Status ValidateRequest(const SearchRequest& request) {
  if (request.limit < 0 || request.limit > kMaxLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be between 0 and ", kMaxLimit));
  }
  if (request.offset < 0 || request.offset > kMaxOffset) {
    return absl::InvalidArgumentError(
        absl::StrCat("offset must be between 0 and ", kMaxOffset));
  }
  if (request.recency_weight < 0) {
    return absl::InvalidArgumentError("recency weight must not be negative");
  }
  if (request.half_life <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("half-life must be positive");
  }
  return absl::OkStatus();
}

// Whether an order is relevance with equal scores newest first.
bool TiesNewestFirst(SortOrder sort, bool boosted) {
  // With a boost, recency already orders equally relevant documents by age.
  return sort == SortOrder::kRelevance ||
         (sort == SortOrder::kHybrid && !boosted);
}

// `ties_in_page`: equal scores are ordered afterwards (OrderTiesInPage), so
// Xapian ranks by relevance alone.
void ApplySort(Xapian::Enquire& enquire, SortOrder sort, bool boosted,
               bool ties_in_page) {
  if (TiesNewestFirst(sort, boosted)) {
    // Xapian's tie-break reads the date of every candidate: a third of
    // the match of a two-word query.
    if (!ties_in_page) {
      enquire.set_sort_by_relevance_then_value(schema::kSlotPublished, true);
    }
    return;
  }
  if (sort == SortOrder::kNewest || sort == SortOrder::kOldest) {
    enquire.set_sort_by_value_then_relevance(schema::kSlotPublished,
                                             sort == SortOrder::kNewest);
  }
}

// True when equal scores run across an edge of the page: the MSet holds
// `before` items ahead of the page and one after it (when there are more).
// Then the documents of the tie outside the page could belong in it.
bool TieCrossesPage(const Xapian::MSet& mset, Xapian::doccount before,
                    Xapian::doccount limit) {
  const Xapian::doccount size = mset.size();
  if (before > 0 && size > before &&
      mset[before - 1].get_weight() == mset[before].get_weight()) {
    return true;
  }
  const Xapian::doccount last = before + limit - 1;
  return size > last + 1 &&
         mset[last].get_weight() == mset[last + 1].get_weight();
}

// Equal scores within the page newest first (as kSlotPublished orders them:
// whole seconds of the stored instant, undated last), otherwise as Xapian
// ranked them (by docid); then the ranks follow the new order.
void OrderTiesInPage(int offset, std::vector<SearchResult>* results) {
  auto seconds = [](const SearchResult& r) -> int64_t {
    const std::optional<Timestamp>& t = r.document.published;
    return t ? absl::ToUnixSeconds(StoredInstant(*t))
             : std::numeric_limits<int64_t>::min();
  };
  auto run = results->begin();
  while (run != results->end()) {
    auto end = std::find_if(run, results->end(), [&](const SearchResult& r) {
      return r.score != run->score;
    });
    std::stable_sort(run, end,
                     [&](const SearchResult& a, const SearchResult& b) {
                       return seconds(a) > seconds(b);
                     });
    run = end;
  }
  for (size_t i = 0; i < results->size(); ++i) {
    (*results)[i].rank = offset + static_cast<int>(i) + 1;
  }
}

// How hybrid ranking was set up for one search, to explain scores after.
struct Recency {
  RecencyOptions options;
  double scale = 0;  // 0: no boost
};

// Adds the recency boost to `query` for hybrid ranking. The boost is scaled
// by an upper bound of the query's BM25 score (TextScoreBound); a query with
// no weight (only filters, or none) is ranked by recency alone (scale 1).
Recency AddRecency(const Xapian::Database& db, const SearchRequest& request,
                   absl::Time now, std::shared_ptr<const FacetColumn> column,
                   const Xapian::MSet& stats, Xapian::Query* query) {
  Recency recency;
  recency.options = {now, request.half_life, request.recency_weight};
  if (request.sort != SortOrder::kHybrid || request.recency_weight <= 0) {
    return recency;
  }
  const double bound = TextScoreBound(db, *query, stats);
  recency.scale = bound > 0 ? bound : 1.0;
  Xapian::Query boost =
      RecencyBoostQuery(recency.options, recency.scale, std::move(column));
  if (!boost.empty()) {
    *query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, *query, boost);
  }
  return recency;
}

// Xapian's estimate of the matches of `query`, from term statistics: no
// posting is read.
Xapian::doccount EstimateMatches(const Xapian::Database& db,
                                 const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  return enquire.get_mset(0, 0).get_matches_estimated();
}

// Did-you-mean: the corrected query (see SuggestCorrection), when with the
// same filters it matches more documents than the `matches` of the query.
absl::StatusOr<std::optional<std::string>> Suggest(const Xapian::Database& db,
                                                   const SearchRequest& request,
                                                   const QueryOptions& options,
                                                   int64_t matches) {
  ASSIGN_OR_RETURN(std::string corrected,
                   SuggestCorrection(db, request.query, options));
  if (corrected.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(Xapian::Query query, BuildQuery(db, corrected, options));
  ASSIGN_OR_RETURN(query, ApplyFilters(query, request.filters));
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  const Xapian::MSet mset =
      enquire.get_mset(0, 0, static_cast<Xapian::doccount>(matches + 1));
  if (mset.get_matches_lower_bound() <= static_cast<uint64_t>(matches)) {
    return std::nullopt;
  }
  return corrected;
}

// The results of the page's MSet items. `stats`: QueryStats() of `query`,
// for the snippets.
absl::Status FillResults(const Xapian::MSet& mset, const Xapian::MSet& stats,
                         const std::vector<PageItem>& items,
                         const Xapian::Query& query,
                         const SearchRequest& request, const Recency& recency,
                         SearchResponse* response) {
  const SnippetMaker snippets(query, request);
  for (const PageItem& item : items) {
    const Xapian::MSetIterator it = mset[item.index];
    const Xapian::Document xdoc = it.get_document();
    ASSIGN_OR_RETURN(NewsDocument doc, DecodeDocData(xdoc.get_data()));
    SearchResult result;
    result.docid = *it;
    result.rank = item.rank;
    result.more_reports = request.fold ? item.more_reports : 0;
    result.score = it.get_weight();
    // As kSlotPublished holds it (whole seconds), without reading it.
    if (doc.published && recency.scale > 0) {
      const absl::Time published =
          absl::FromUnixSeconds(absl::ToUnixSeconds(doc.published->time));
      result.recency_score =
          RecencyBoost(recency.options, recency.scale, published);
    }
    result.relevance_score = result.score - result.recency_score;
    if (request.snippet_length > 0) {
      result.snippet = snippets.Best(stats, doc);
    }
    result.document = std::move(doc);
    response->results.push_back(std::move(result));
  }
  return absl::OkStatus();
}

// The facet column of the database searched for a query (whose estimated
// matches FacetColumnCache::Get may weigh); null for none.
using ColumnFor =
    std::function<std::shared_ptr<const FacetColumn>(const Xapian::Query&)>;

absl::StatusOr<SearchResponse> SearchOnce(
    const Xapian::Database& db, const std::string& path,
    const ColumnFor& column_for, const SearchRequest& request,
    absl::Time start, bool remote);

// Codes a search gets when a shard stops answering (NetworkError,
// NetworkTimeoutError) or disappears.
bool MayBeShardFailure(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDeadlineExceeded ||
         code == absl::StatusCode::kNotFound ||
         code == absl::StatusCode::kInternal;
}

}  // namespace

absl::StatusOr<SortOrder> ParseSortOrder(absl::string_view name) {
  if (name == "hybrid") return SortOrder::kHybrid;
  if (name == "relevance") return SortOrder::kRelevance;
  if (name == "newest") return SortOrder::kNewest;
  if (name == "oldest") return SortOrder::kOldest;
  return absl::InvalidArgumentError(absl::StrCat(
      "sort must be hybrid, relevance, newest or oldest, not '", name, "'"));
}

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(
    const std::string& path, const SearcherOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<DatabasePool> pool,
                   DatabasePool::Open(path, options.shards));
  // Only a database directory is surely one local database (a stub may
  // list remote shards, which cannot run our spy, and a search may combine
  // any subset of its shards).
  FacetColumnCache::Mode mode = FacetColumnCache::Mode::kOff;
  if (!pool->sharded() && options.facet_cache) {
    mode = options.facet_cache_blocking ? FacetColumnCache::Mode::kBlocking
                                        : FacetColumnCache::Mode::kBackground;
  } else if (!pool->sharded() && options.facet_column_file) {
    mode = FacetColumnCache::Mode::kFile;
  }
  return std::unique_ptr<Searcher>(new Searcher(
      std::move(pool), std::make_unique<FacetColumnCache>(
                           path, mode, options.facet_column_file)));
}

Searcher::Searcher(std::unique_ptr<DatabasePool> pool,
                   std::unique_ptr<FacetColumnCache> facet_cache)
    : pool_(std::move(pool)), facet_cache_(std::move(facet_cache)) {}

Searcher::~Searcher() = default;

absl::StatusOr<SearchResponse> Searcher::Search(const SearchRequest& request) {
  RETURN_IF_ERROR(ValidateRequest(request));
  const absl::Time start = absl::Now();
  ShardSelection selection;
  selection.allow_partial = request.allow_partial;
  ShardQueryInfo info;
  if (pool_->sharded()) {
    // Malformed queries and zones are the search's to report.
    absl::StatusOr<absl::TimeZone> zone = LoadZone(request.time_zone);
    absl::StatusOr<ShardQueryInfo> analyzed =
        zone.ok() ? AnalyzeForShards(request.query,
                                     {*zone, request.language,
                                      request.now.value_or(start)})
                  : ShardQueryInfo{};
    if (analyzed.ok()) info = *analyzed;
    if (request.prune_shards) {
      selection.from = info.from;
      selection.until = info.until;
    }
  }
  // Retried, up to twice: when the indexer committed twice during a search
  // (DatabaseModifiedError) or a reindex switched the database, and, with
  // allow_partial, without shards that stopped answering.
  absl::Status failure;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const bool last = attempt == 2;
    absl::StatusOr<DatabasePool::Lease> lease = pool_->Acquire(selection);
    if (!lease.ok()) {
      if (lease.status().code() == absl::StatusCode::kAborted && !last)
        continue;
      return lease.status();
    }
    Xapian::Database& db = lease->db();
    const ColumnFor column_for = [&](const Xapian::Query& query) {
      return pool_->sharded()
                 ? nullptr
                 : facet_cache_->Get(
                       db, [&] { return EstimateMatches(db, query); });
    };
    absl::StatusOr<SearchResponse> response = SearchOnce(
        db, pool_->path(), column_for, request, start, lease->has_remote());
    if (response.ok()) {
      response->shards_searched = lease->shards_searched();
      response->shards_pruned = lease->shards_pruned();
      response->missing_shards = lease->missing();
      response->partial = !response->missing_shards.empty();
      response->warnings = pool_->Warnings();
      if (info.wildcard && lease->shards_searched() > 1) {
        response->warnings.push_back(
            "each shard expands a wildcard with its own statistics (Xapian "
            "1.4), so its scores and order differ from one database's");
      }
      return response;
    }
    failure = response.status();
    if (failure.code() == absl::StatusCode::kAborted) {
      if (!last) continue;
      return absl::AbortedError(absl::StrCat(
          "the database changed under 3 attempts of the search, try again: ",
          failure.message()));
    }
    if (!pool_->sharded() || !MayBeShardFailure(failure.code())) {
      return failure;
    }
    // Which shards failed: those that no longer answer now.
    const std::vector<std::string> failed =
        pool_->MarkFailed(*lease, std::string(failure.message()));
    if (failed.empty()) return failure;
    if (!request.allow_partial) {
      return absl::Status(
          failure.code(),
          absl::StrCat("shard ", absl::StrJoin(failed, ", "),
                       " stopped answering: ", failure.message()));
    }
  }
  return failure;
}

absl::StatusOr<SearchResponse> Searcher::Story(const std::string& key,
                                               bool allow_partial) {
  SearchRequest request;
  request.allow_partial = allow_partial;
  request.query = absl::StrCat("story:", key);
  request.fold = false;
  request.sort = SortOrder::kOldest;
  request.limit = kMaxLimit;
  ASSIGN_OR_RETURN(SearchResponse response, Search(request));
  if (response.total == 0) {
    return absl::NotFoundError(absl::StrCat("no story '", key, "'"));
  }
  return response;
}

absl::StatusOr<NewsDocument> Searcher::Document(const std::string& id) {
  ShardSelection any;
  any.allow_partial = true;  // the document may be in a shard that answers
  ASSIGN_OR_RETURN(DatabasePool::Lease lease, pool_->Acquire(any));
  try {
    Xapian::Database& db = lease.db();
    const std::string term = schema::IdTerm(id);
    Xapian::PostingIterator it = db.postlist_begin(term);
    if (it == db.postlist_end(term)) {
      if (!lease.missing().empty()) {
        return absl::UnavailableError(absl::StrCat(
            "no document '", id, "' in the shards that answered; down: ",
            absl::StrJoin(lease.missing(), ", ")));
      }
      return absl::NotFoundError(absl::StrCat("no document '", id, "'"));
    }
    return DecodeDocData(db.get_document(*it).get_data());
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read " + pool_->path());
  }
}

absl::StatusOr<DatabaseInfo> Searcher::Info() {
  ShardSelection all;
  all.allow_partial = true;  // the health check says what is down
  ASSIGN_OR_RETURN(DatabasePool::Lease lease, pool_->Acquire(all));
  DatabaseInfo info;
  info.path = pool_->path();
  info.missing_shards = lease.missing();
  info.shards = lease.shards_searched() + static_cast<int>(lease.missing().size());
  try {
    info.documents = lease.db().get_doccount();
    const std::string last = lease.db().get_metadata(schema::kLastCommitKey);
    if (!last.empty()) {
      absl::StatusOr<Timestamp> t = ParseTimestamp(last);
      if (t.ok()) info.last_update = t->time;
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read " + pool_->path());
  }
  return info;
}

namespace {

absl::StatusOr<SearchResponse> SearchOnce(
    const Xapian::Database& db, const std::string& path,
    const ColumnFor& column_for, const SearchRequest& request,
    absl::Time start, bool remote) {
  const absl::Time now = request.now.value_or(start);
  ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(request.time_zone));
  const QueryOptions query_options{zone, request.language, now};
  ASSIGN_OR_RETURN(Xapian::Query query,
                   BuildQuery(db, request.query, query_options));
  ASSIGN_OR_RETURN(query, ApplyFilters(query, request.filters));
  const std::shared_ptr<const FacetColumn> column =
      column_for(query);
  ASSIGN_OR_RETURN(
      std::unique_ptr<FacetCounter> facets,
      FacetCounter::Create(
          {request.facets, request.date_interval, zone, request.time_zone,
           request.facet_size,
           request.facet_count.value_or(request.fold ? FacetCount::kStories
                                                     : FacetCount::kReports)},
          column));
  SearchResponse response;
  response.query = request.query;
  response.offset = request.offset;
  response.limit = request.limit;
  response.explain = request.explain;
  try {
    const Xapian::Query text_query = query;
    // One probe serves the recency scale and the snippets.
    Xapian::MSet stats;
    if ((request.snippet_length > 0 && request.limit > 0) ||
        (request.sort == SortOrder::kHybrid && request.recency_weight > 0)) {
      stats = QueryStats(db, query);
    }
    const Recency recency =
        AddRecency(db, request, now, column, stats, &query);
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    // Unfolded, equal scores are ordered newest first among the page itself;
    // folded, the sort also picks each story's leading report, so Xapian
    // keeps it.
    bool ties_in_page = request.limit > 0 && !request.fold &&
                        TiesNewestFirst(request.sort, recency.scale > 0);
    ApplySort(enquire, request.sort, recency.scale > 0, ties_in_page);
    // Folded, the MSet's counts are estimates; a spy on the story key sees
    // every match, so it counts reports and distinct stories exactly (the
    // facets' spy does when it counts stories, saving a value read).
    Xapian::ValueCountMatchSpy stories(schema::kSlotStoryKey);
    // With the column's story ids, folding is done in memory (fold_page.h):
    // Xapian's collapse reads the story key of every match.
    const bool fold_in_memory = request.fold && column && !remote;
    if (request.fold && !fold_in_memory) {
      enquire.set_collapse_key(schema::kSlotStoryKey);
    }
    if (request.fold && !facets->HasStoryTotals()) {
      enquire.add_matchspy(&stories);
    }
    facets->Attach(enquire);
    if (request.time_limit > absl::ZeroDuration()) {
      enquire.set_time_limit(absl::ToDoubleSeconds(request.time_limit));
    }
    // Checking every document makes the total and the facets exact.
    // With ties ordered in the page: one item either side, to see whether a
    // tie crosses its edges.
    Xapian::doccount before = ties_in_page && request.offset > 0 ? 1 : 0;
    Xapian::MSet mset =
        fold_in_memory
            ? enquire.get_mset(0, FoldWindow(request.offset, request.limit),
                               db.get_doccount())
            : enquire.get_mset(request.offset - before,
                               request.limit + before + (ties_in_page ? 1 : 0),
                               db.get_doccount());
    response.total = mset.get_matches_estimated();
    response.total_exact =
        mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    response.facets = facets->Collect();
    response.folded = request.fold;
    response.reports = response.total;
    if (request.fold) {
      int64_t reports = 0, distinct = 0;
      if (facets->StoryTotals(&reports, &distinct)) {
        response.reports = reports;
        response.total = distinct;
      } else {
        response.reports = static_cast<int64_t>(stories.get_total());
        response.total =
            std::distance(stories.values_begin(), stories.values_end());
      }
      response.total_exact = true;
    }
    if (request.time_limit > absl::ZeroDuration() &&
        absl::Now() - start >= request.time_limit) {
      response.total_exact = false;  // the match may have stopped early
    }
    if (response.reports < kSuggestBelow) {
      ASSIGN_OR_RETURN(response.suggestion,
                       Suggest(db, request, query_options, response.reports));
    }
    if (ties_in_page && TieCrossesPage(mset, before, request.limit)) {
      // Rare: let Xapian order the tie (totals and facets are counted).
      enquire.clear_matchspies();
      ApplySort(enquire, request.sort, recency.scale > 0, false);
      mset = enquire.get_mset(request.offset, request.limit);
      before = 0;
      ties_in_page = false;
    }
    if (request.after_match_for_testing) request.after_match_for_testing();
    std::vector<PageItem> items;
    if (fold_in_memory) {
      FoldedPage page =
          FoldPage(enquire, std::move(mset), *column, facets->Matches(),
                   request.offset, request.limit);
      mset = std::move(page.mset);
      items = std::move(page.items);
    } else {
      items = XapianPage(mset, before, request.limit);
    }
    RETURN_IF_ERROR(
        FillResults(mset, stats, items, query, request, recency, &response));
    if (ties_in_page) OrderTiesInPage(request.offset, &response.results);
    if (request.fold) {
      AddFoldedReports(db, text_query, mset, items, column.get(), remote,
                       &response);
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e,
                               absl::StrCat("search in '", path, "' failed"));
  }
  response.took_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  return response;
}

}  // namespace
}  // namespace newsearch
