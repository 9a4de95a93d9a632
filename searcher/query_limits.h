// Bounds on a parsed query, checked by BuildQuery (and so for every front
// end: the library, the CLI and the HTTP service) before Xapian runs it:
//
//   kMaxQueryBytes (query_builder.h)  8192 bytes of query text
//   kMaxQueryTerms       1024  terms (words, phrase words, filters) in the
//                              parse: a pasted page of text is not a query,
//                              and each term costs a posting list
//   kMaxQueryWildcards     16  wildcards; each expands to at most
//                              kMaxWildcardExpansion terms (the most frequent
//                              ones), so a query expands to at most 8000
//   kMaxQueryDepth         64  levels of nested operators: Xapian builds its
//                              matcher recursively, and our own analysis
//                              (AnalyzeForShards) walks the tree; brackets
//                              alone do not nest, only alternating operators
//
// Beyond a limit the query is rejected (kInvalidArgument from BuildQuery,
// naming the limit). The measuring walk is iterative, so a deep tree
// cannot overflow the stack while it is being measured. Thread-safe.
#ifndef NEWSEARCH_SEARCHER_QUERY_LIMITS_H_
#define NEWSEARCH_SEARCHER_QUERY_LIMITS_H_

#include <xapian.h>

#include <cstddef>
#include <string>

namespace newsearch {

inline constexpr size_t kMaxQueryTerms = 1024;
inline constexpr size_t kMaxQueryWildcards = 16;
inline constexpr size_t kMaxQueryDepth = 64;
inline constexpr unsigned kMaxWildcardExpansion = 500;

struct QueryShape {
  size_t terms = 0;      // leaf terms, with repeats
  size_t wildcards = 0;  // OP_WILDCARD leaves
  size_t depth = 0;      // 1 for a lone term
};

QueryShape MeasureQuery(const Xapian::Query& query);

// "" when `query` is within the limits, else why not ("query has 2000
// terms; the limit is 1024").
std::string QueryLimitViolation(const Xapian::Query& query);

// Throws Xapian::QueryParserError with QueryLimitViolation's message when
// `query` is over a limit: for use inside a parse, whose Xapian errors the
// caller already maps to kInvalidArgument.
void ThrowIfOverLimits(const Xapian::Query& query);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_QUERY_LIMITS_H_
