// The recency boost of hybrid ranking, built only from Xapian's built-in
// classes so that the same query runs on remote shards (xapian-tcpsrv):
//
//   hybrid = text OP_AND_MAYBE (ValueMapPostingSource on the time-bucket slot
//            OR (FixedWeightPostingSource FILTER published > now's bucket))
//
// A document published in time bucket b gets
//   boost(b) = weight * scale * 2^(-age(b) / half_life),
//   age(b)   = now - min(end of b, now)   (never negative)
// where scale is an upper bound of the text query's BM25 weight from
// collection statistics alone (TextScoreBound below: the same for one
// database and for shards of it), so that the same weight means the same for
// short and long queries: weight 0.5 lets a fresh document gain at most half
// of what the best possible text match scores. Buckets are UTC hours when the
// half-life is at most two days, UTC days otherwise; buckets older than ten
// half-lives (boost under 0.1% of the maximum) are left out of the map and get
// nothing, as do undated documents (no value). Documents after now's bucket
// (dated in the future) get the full boost: age 0.
//
// With the facet column of the database's revision (facet_column.h), a
// PostingSource of ours gives every dated document RecencyBoost() of its
// published time from memory instead: the same weights, without reading a
// value slot for each match; local databases only.
#ifndef NEWSEARCH_SEARCHER_RECENCY_H_
#define NEWSEARCH_SEARCHER_RECENCY_H_

#include <xapian.h>

#include <memory>

#include "absl/time/time.h"

namespace newsearch {

class FacetColumn;

struct RecencyOptions {
  absl::Time now;
  absl::Duration half_life;
  double weight = 0;  // 0: no boost at all
};

// The query to OP_AND_MAYBE with the text query; empty when weight or scale
// is 0. `column`, when not null, must be of the database searched.
Xapian::Query RecencyBoostQuery(
    const RecencyOptions& options, double scale,
    std::shared_ptr<const FacetColumn> column = nullptr);

// An upper bound of `query`'s BM25 score from collection statistics alone
// (each weighted term's idf, with its wdf unbounded): the scale, the same
// for one database and for any shards of it. `stats`: QueryStats(db, query)
// (snippets.h).
double TextScoreBound(const Xapian::Database& db, const Xapian::Query& query,
                      const Xapian::MSet& stats);

// The boost a document published at `published` gets from that query (what
// --explain shows as the recency part).
double RecencyBoost(const RecencyOptions& options, double scale,
                    absl::Time published);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_RECENCY_H_
