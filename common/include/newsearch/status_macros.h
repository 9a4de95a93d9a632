// Small status helpers that Debian's Abseil (20220623) does not ship.
//
//   RETURN_IF_ERROR(writer.Commit());
//   ASSIGN_OR_RETURN(auto doc, ParseNewsRecord(line));
//
// Both evaluate their argument once and return the error status unchanged.
#ifndef NEWSEARCH_STATUS_MACROS_H_
#define NEWSEARCH_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define NEWSEARCH_CONCAT_INNER_(a, b) a##b
#define NEWSEARCH_CONCAT_(a, b) NEWSEARCH_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                              \
  do {                                                     \
    ::absl::Status newsearch_status_ = (expr);             \
    if (!newsearch_status_.ok()) return newsearch_status_; \
  } while (0)

// `tmp` is a name and `lhs` may declare one ("auto x"): neither can be
// parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NEWSEARCH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return std::move(tmp).status();         \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#define ASSIGN_OR_RETURN(lhs, expr) \
  NEWSEARCH_ASSIGN_OR_RETURN_IMPL_( \
      NEWSEARCH_CONCAT_(newsearch_statusor_, __LINE__), lhs, expr)

#endif  // NEWSEARCH_STATUS_MACROS_H_
