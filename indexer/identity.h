// Completes a parsed document before it is indexed: checks that it has a title
// or a body, and fills what the input may leave out:
//   * id: the URL for an article, the URL + "#timeline" for a timeline entry
//     (an entry often links to its own article), else a stable hash of kind,
//     source, title and published time. Kind is part of the hash because an
//     article and its own timeline entry share source, title and time.
//   * language: the given BCP 47 tag's primary subtag, else CLD2's guess from
//     the text, else empty (indexed with the English stemmer).
// The story key is assigned when the document is written (story_keys.h),
// since it depends on what is already in the database.
// Pure functions, thread-safe.
#ifndef NEWSEARCH_INDEXER_IDENTITY_H_
#define NEWSEARCH_INDEXER_IDENTITY_H_

#include <string>

#include "absl/status/status.h"
#include "newsearch/document.h"

namespace newsearch {

// InvalidArgument if the document has neither title nor body.
absl::Status PrepareDocument(NewsDocument* doc);

std::string DefaultId(const NewsDocument& doc);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_IDENTITY_H_
