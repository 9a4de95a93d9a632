#include "searcher/recency.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "newsearch/dates.h"
#include "newsearch/schema.h"
#include "searcher/facet_column.h"

namespace newsearch {
namespace {

constexpr double kHalfLivesKept = 10;  // 2^-10: under 0.1% of the maximum

// The bucketing of one boost map: hours or days.
struct Buckets {
  Xapian::valueno slot;
  absl::Duration width;
  std::string (*key)(absl::Time);

  static Buckets For(absl::Duration half_life) {
    if (half_life <= absl::Hours(48)) {
      return {schema::kSlotHourKey, absl::Hours(1), &HourKey};
    }
    return {schema::kSlotDayKey, absl::Hours(24), &DayKey};
  }

  // Start of the UTC bucket holding t.
  absl::Time Start(absl::Time t) const {
    const absl::Duration since_epoch = t - absl::UnixEpoch();
    return absl::UnixEpoch() + absl::Floor(since_epoch, width);
  }
};

double Decay(const RecencyOptions& options, absl::Time bucket_start,
             const Buckets& buckets) {
  const absl::Time latest = std::min(bucket_start + buckets.width, options.now);
  const absl::Duration age =
      std::max(absl::ZeroDuration(), options.now - latest);
  return std::exp2(-absl::FDivDuration(age, options.half_life));
}

// Every dated document of a FacetColumn, weighted RecencyBoost().
class ColumnRecencySource : public Xapian::PostingSource {
 public:
  ColumnRecencySource(std::shared_ptr<const FacetColumn> column,
                      const RecencyOptions& options, double scale)
      : column_(std::move(column)), options_(options), scale_(scale) {}

  void init(const Xapian::Database& db) override {
    dated_ = db.get_doccount();  // an upper bound
    did_ = 0;
    matched_ = false;
    set_maxweight(options_.weight * scale_);
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return dated_; }
  Xapian::doccount get_termfreq_max() const override { return dated_; }

  void next(double) override { Advance(did_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    // After a check() that failed, did_ is no match: move on from it too.
    if (did > did_ || !matched_) Advance(std::max(did, did_));
  }
  bool check(Xapian::docid did, double) override {
    did_ = did;
    return Weigh();
  }
  bool at_end() const override { return did_ >= column_->size(); }
  Xapian::docid get_docid() const override { return did_; }
  double get_weight() const override { return weight_; }

  PostingSource* clone() const override {
    return new ColumnRecencySource(column_, options_, scale_);
  }
  std::string get_description() const override {
    return "ColumnRecencySource()";
  }

 private:
  // The first dated document from `did` on.
  void Advance(Xapian::docid did) {
    for (did_ = did; did_ < column_->size(); ++did_) {
      if (Weigh()) return;
    }
  }

  // Sets weight_ for did_; false when it is not dated. The weight depends
  // only on the bucket, and neighbouring docids tend to share one.
  bool Weigh() {
    int64_t t = 0;
    matched_ = column_->Published(did_, &t);
    if (!matched_) {
      weight_ = 0;
      return false;
    }
    const absl::Time bucket = buckets_.Start(absl::FromUnixSeconds(t));
    if (bucket != bucket_) {
      bucket_ = bucket;
      bucket_weight_ = RecencyBoost(options_, scale_, bucket);
    }
    weight_ = bucket_weight_;
    return true;
  }

  std::shared_ptr<const FacetColumn> column_;
  RecencyOptions options_;
  double scale_;
  Buckets buckets_ = Buckets::For(options_.half_life);
  Xapian::doccount dated_ = 0;
  Xapian::docid did_ = 0;
  bool matched_ = false;  // did_ is dated
  double weight_ = 0;
  absl::Time bucket_ = absl::InfinitePast();
  double bucket_weight_ = 0;
};

}  // namespace

Xapian::Query RecencyBoostQuery(const RecencyOptions& options, double scale,
                                std::shared_ptr<const FacetColumn> column) {
  const double max_boost = options.weight * scale;
  if (max_boost <= 0 || options.half_life <= absl::ZeroDuration()) {
    return Xapian::Query();
  }
  if (column) {
    return Xapian::Query(
        (new ColumnRecencySource(std::move(column), options, scale))
            ->release());
  }
  const Buckets buckets = Buckets::For(options.half_life);
  const absl::Time current = buckets.Start(options.now);
  const absl::Time oldest = current - options.half_life * kHalfLivesKept;
  auto* map = new Xapian::ValueMapPostingSource(buckets.slot);
  for (absl::Time b = current; b >= oldest; b -= buckets.width) {
    map->add_mapping(buckets.key(b), max_boost * Decay(options, b, buckets));
  }
  map->set_default_weight(0);
  // After now's bucket: the future, age 0.
  auto* future = new Xapian::FixedWeightPostingSource(max_boost);
  const double after =
      static_cast<double>(absl::ToUnixSeconds(current + buckets.width));
  Xapian::Query future_query(
      Xapian::Query::OP_FILTER, Xapian::Query(future->release()),
      Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPublished,
                    Xapian::sortable_serialise(after)));
  return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(map->release()),
                       future_query);
}

double RecencyBoost(const RecencyOptions& options, double scale,
                    absl::Time published) {
  const double max_boost = options.weight * scale;
  if (max_boost <= 0 || options.half_life <= absl::ZeroDuration()) return 0;
  const Buckets buckets = Buckets::For(options.half_life);
  const absl::Time current = buckets.Start(options.now);
  const absl::Time bucket = buckets.Start(published);
  if (bucket > current) return max_boost;
  if (bucket < current - options.half_life * kHalfLivesKept) return 0;
  return max_boost * Decay(options, bucket, buckets);
}

namespace {

// The weighted terms of a query: not those of filters (the right side of
// OP_FILTER, OP_AND_NOT) nor wildcards, which expand at match time.
void WeightedTerms(const Xapian::Query& query, std::set<std::string>* terms) {
  const size_t n = query.get_num_subqueries();
  switch (query.get_type()) {
    case Xapian::Query::LEAF_TERM:
      terms->insert(*query.get_unique_terms_begin());
      return;
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_NOT:
      if (n > 0) WeightedTerms(query.get_subquery(0), terms);
      return;
    default:
      for (size_t i = 0; i < n; ++i) WeightedTerms(query.get_subquery(i), terms);
  }
}

}  // namespace

// An upper bound of the query's BM25 score from collection statistics alone
// (each weighted term's idf, with its wdf unbounded), the same for one
// database and for any shards of it; Xapian's get_max_possible() uses each
// shard's own wdf and length bounds, so it is not. With BM25Weight's
// defaults (k1 = 1, k3 = 1) a term weighs at most 2 log(tw), tw its idf
// ratio as BM25Weight::init() adjusts it. `stats`: QueryStats(db, query).
double TextScoreBound(const Xapian::Database& db, const Xapian::Query& query,
                      const Xapian::MSet& stats) {
  std::set<std::string> terms;
  WeightedTerms(query, &terms);
  if (terms.empty()) return 0;
  const double documents = db.get_doccount();
  double bound = 0;
  for (const std::string& term : terms) {
    const double n = stats.get_termfreq(term);
    if (n == 0) continue;
    double tw = (documents - n + 0.5) / (n + 0.5);
    if (tw < 2) tw = tw * 0.5 + 1;
    bound += 2 * std::log(tw);
  }
  return bound;
}

}  // namespace newsearch
