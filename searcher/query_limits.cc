#include "searcher/query_limits.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace newsearch {

QueryShape MeasureQuery(const Xapian::Query& query) {
  QueryShape shape;
  // An explicit stack of (subquery, its depth): no recursion.
  std::vector<std::pair<Xapian::Query, size_t>> stack;
  stack.emplace_back(query, 1);
  while (!stack.empty()) {
    auto [q, depth] = std::move(stack.back());
    stack.pop_back();
    if (q.empty()) continue;
    shape.depth = std::max(shape.depth, depth);
    const Xapian::Query::op type = q.get_type();
    if (type == Xapian::Query::LEAF_TERM) ++shape.terms;
    if (type == Xapian::Query::OP_WILDCARD) ++shape.wildcards;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
      stack.emplace_back(q.get_subquery(i), depth + 1);
    }
  }
  return shape;
}

std::string QueryLimitViolation(const Xapian::Query& query) {
  const QueryShape shape = MeasureQuery(query);
  if (shape.terms > kMaxQueryTerms) {
    return absl::StrCat("query has ", shape.terms, " terms; the limit is ",
                        kMaxQueryTerms);
  }
  if (shape.wildcards > kMaxQueryWildcards) {
    return absl::StrCat("query has ", shape.wildcards,
                        " wildcards; the limit is ", kMaxQueryWildcards);
  }
  if (shape.depth > kMaxQueryDepth) {
    return absl::StrCat("query nests operators ", shape.depth,
                        " deep; the limit is ", kMaxQueryDepth);
  }
  return "";
}

void ThrowIfOverLimits(const Xapian::Query& query) {
  const std::string violation = QueryLimitViolation(query);
  if (!violation.empty()) throw Xapian::QueryParserError(violation);
}

}  // namespace newsearch
