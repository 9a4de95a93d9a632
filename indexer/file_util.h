// Reading a whole file, with the error naming it ("path: cannot read: ...").
// Thread-safe.
//
//   ASSIGN_OR_RETURN(std::string json, ReadWholeFile("data/taxonomy.json"));
#ifndef NEWSEARCH_INDEXER_FILE_UTIL_H_
#define NEWSEARCH_INDEXER_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"

namespace newsearch {

// kNotFound when the file cannot be opened.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_FILE_UTIL_H_
