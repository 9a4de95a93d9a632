#include "indexer/diagnostic.h"

#include "absl/strings/str_cat.h"

namespace newsearch {

std::string Diagnostic::ToString() const {
  const char* kind = warning ? "warning" : "error";
  if (line > 0) return absl::StrCat(file, ":", line, ": ", kind, ": ", message);
  return absl::StrCat(file, ": ", kind, ": ", message);
}

}  // namespace newsearch
