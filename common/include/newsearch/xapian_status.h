// Maps Xapian exceptions to absl::Status at the library boundary, so callers
// can tell a missing database from a locked one from a bad query.
//
//   try { ... } catch (const Xapian::Error& e) {
//     return XapianErrorToStatus(e, "opening " + path);
//   }
//
// DatabaseModifiedError maps to kAborted: the caller should reopen the
// database and retry once (see searcher.h). Pure and thread-safe.
#ifndef NEWSEARCH_XAPIAN_STATUS_H_
#define NEWSEARCH_XAPIAN_STATUS_H_

#include <xapian.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace newsearch {

absl::Status XapianErrorToStatus(const Xapian::Error& e,
                                 absl::string_view context);

}  // namespace newsearch

#endif  // NEWSEARCH_XAPIAN_STATUS_H_
