#include "indexer/diagnostic.h"

#include "absl/strings/str_cat.h"

namespace newsearch {

std::string Diagnostic::ToString() const {
  if (line > 0) return absl::StrCat(file, ":", line, ": error: ", message);
  return absl::StrCat(file, ": error: ", message);
}

}  // namespace newsearch
