#include "newsearch/xapian_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace newsearch {

absl::Status XapianErrorToStatus(const Xapian::Error& e,
                                 absl::string_view context) {
  std::string message = absl::StrCat(context, ": ", e.get_msg());
  if (e.get_error_string() != nullptr) {
    absl::StrAppend(&message, " (", e.get_error_string(), ")");
  }
  // Xapian::Error is not polymorphic; get_type() names the most derived
  // class ("DatabaseLockError").
  const absl::string_view type = e.get_type();
  if (type == "QueryParserError" || type == "InvalidArgumentError" ||
      type == "RangeError") {
    return absl::InvalidArgumentError(message);
  }
  if (type == "DatabaseNotFoundError" || type == "DatabaseOpeningError") {
    return absl::NotFoundError(message);
  }
  if (type == "DatabaseLockError") {
    // Only "already locked" is another writer; the lock file may also not
    // be creatable (a read-only file system, permissions).
    if (absl::StrContains(e.get_msg(), "already locked")) {
      absl::StrAppend(&message, "; is another newsindex writing to it?");
    }
    return absl::UnavailableError(message);
  }
  if (type == "DatabaseModifiedError") return absl::AbortedError(message);
  if (type == "DatabaseCorruptError") return absl::DataLossError(message);
  if (type == "NetworkTimeoutError")
    return absl::DeadlineExceededError(message);
  if (type == "NetworkError") return absl::UnavailableError(message);
  if (type == "UnimplementedError" || type == "FeatureUnavailableError") {
    return absl::UnimplementedError(message);
  }
  if (type == "DatabaseError" || type == "DatabaseCreateError" ||
      type == "DatabaseVersionError" || type == "DatabaseClosedError") {
    return absl::InternalError(message);
  }
  return absl::UnknownError(message);
}

}  // namespace newsearch
