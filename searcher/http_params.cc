#include "searcher/http_params.h"

#include <functional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "newsearch/dates.h"
#include "newsearch/status_macros.h"
#include "searcher/cli_args.h"

namespace newsearch {
namespace {

using Setter = std::function<absl::Status(const std::string& value,
                                          const HttpLimits& limits,
                                          SearchRequest* request)>;

absl::Status Bad(absl::string_view name, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("parameter '", name, "': ", message));
}

absl::Status IntIn(absl::string_view name, const std::string& value, int low,
                   int high, int* out) {
  if (!absl::SimpleAtoi(value, out) || *out < low || *out > high) {
    return Bad(name, absl::StrCat("must be a whole number from ", low, " to ",
                                  high, ", not '", value, "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Flag(absl::string_view name, const std::string& value) {
  if (value == "1" || value == "true") return true;
  if (value == "0" || value == "false") return false;
  return Bad(name, absl::StrCat("must be 1 or 0, not '", value, "'"));
}

// Prefixes a value's error with the parameter's name.
absl::Status Named(absl::string_view name, const absl::Status& status) {
  if (status.ok()) return status;
  return Bad(name, status.message());
}

const std::map<std::string, Setter>& Setters() {
  static const auto* const kSetters = new std::map<std::string, Setter>{
      {"q",
       [](const std::string& v, const HttpLimits& l, SearchRequest* r) {
         if (v.size() > l.max_query_bytes) {
           return Bad("q",
                      absl::StrCat("is ", v.size(), " bytes; the limit is ",
                                   l.max_query_bytes));
         }
         r->query = v;
         return absl::OkStatus();
       }},
      {"filter",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         const size_t colon = v.find(':');
         if (colon == std::string::npos || colon == 0) {
           return Bad("filter",
                      absl::StrCat("must be FACET:VALUE, not '", v, "'"));
         }
         r->filters.emplace_back(v.substr(0, colon), v.substr(colon + 1));
         return absl::OkStatus();
       }},
      {"sort",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<SortOrder> sort = ParseSortOrder(v);
         if (sort.ok()) r->sort = *sort;
         return Named("sort", sort.status());
       }},
      {"offset",
       [](const std::string& v, const HttpLimits& l, SearchRequest* r) {
         return IntIn("offset", v, 0, l.max_offset, &r->offset);
       }},
      {"limit",
       [](const std::string& v, const HttpLimits& l, SearchRequest* r) {
         return IntIn("limit", v, 0, l.max_limit, &r->limit);
       }},
      {"facet_size",
       [](const std::string& v, const HttpLimits& l, SearchRequest* r) {
         return IntIn("facet_size", v, 1, l.max_facet_size, &r->facet_size);
       }},
      {"facets",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         r->facets = absl::StrSplit(v, ',', absl::SkipEmpty());
         return absl::OkStatus();
       }},
      {"interval",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<DateInterval> interval = ParseDateInterval(v);
         if (interval.ok()) r->date_interval = *interval;
         return Named("interval", interval.status());
       }},
      {"count",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<FacetCount> count = ParseFacetCount(v);
         if (count.ok()) r->facet_count = *count;
         return Named("count", count.status());
       }},
      {"fold",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<bool> fold = Flag("fold", v);
         if (fold.ok()) r->fold = *fold;
         return fold.status();
       }},
      {"explain",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<bool> explain = Flag("explain", v);
         if (explain.ok()) r->explain = *explain;
         return explain.status();
       }},
      {"prune_shards",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<bool> prune = Flag("prune_shards", v);
         if (prune.ok()) r->prune_shards = *prune;
         return prune.status();
       }},
      {"allow_partial",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<bool> partial = Flag("allow_partial", v);
         if (partial.ok()) r->allow_partial = *partial;
         return partial.status();
       }},
      {"now",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<Timestamp> t = ParseTimestamp(v);
         if (t.ok()) r->now = t->time;
         return Named("now", t.status());
       }},
      {"half_life",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         absl::StatusOr<absl::Duration> d = ParseHalfLife(v);
         if (d.ok()) r->half_life = *d;
         return Named("half_life", d.status());
       }},
      {"recency_weight",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         if (!absl::SimpleAtod(v, &r->recency_weight) ||
             !(r->recency_weight >= 0)) {
           return Bad("recency_weight",
                      absl::StrCat("must be a number >= 0, not '", v, "'"));
         }
         return absl::OkStatus();
       }},
      {"tz",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         RETURN_IF_ERROR(Named("tz", LoadZone(v).status()));
         r->time_zone = v;
         return absl::OkStatus();
       }},
      {"lang",
       [](const std::string& v, const HttpLimits&, SearchRequest* r) {
         r->language = v;
         return absl::OkStatus();
       }},
  };
  return *kSetters;
}

}  // namespace

absl::StatusOr<SearchRequest> SearchRequestFromParams(
    const QueryParams& params, const HttpLimits& limits) {
  SearchRequest request;
  std::set<std::string> seen;
  for (const auto& [name, value] : params) {
    auto setter = Setters().find(name);
    if (setter == Setters().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown parameter '", name, "'"));
    }
    if (name != "filter" && !seen.insert(name).second) {
      return Bad(name, "given more than once");
    }
    RETURN_IF_ERROR(setter->second(value, limits, &request));
  }
  return request;
}

}  // namespace newsearch
