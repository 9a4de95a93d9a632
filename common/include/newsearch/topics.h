// Topic names and their slugs. A topic has a display name as the source
// wrote it ("Interest Rates", "Économie") and a stable slug used in terms,
// filters and facets ("interest-rates", "economie"): transliterated to ASCII,
// lower-cased, every run of other characters turned into one '-'. Thread-safe.
//
//   TopicSlug("  Interest  Rates ")   // "interest-rates"
//   TopicDisplayName("  Interest  Rates ")  // "Interest Rates"
#ifndef NEWSEARCH_TOPICS_H_
#define NEWSEARCH_TOPICS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsearch {

// The slug; for a name with no Latin-transliterable letters or digits (say,
// all punctuation) the lower-cased name itself, so it is never empty unless
// the name is.
std::string TopicSlug(absl::string_view name);

// Trimmed, inner whitespace collapsed to one space.
std::string TopicDisplayName(absl::string_view name);

// One topic of a document as the facet slot stores it.
struct TopicEntry {
  std::string slug;
  std::string name;
};

// Encodes a document's topics (deduplicated by slug, sorted by slug) into
// one value-slot string, and back. One slot holding the whole combination
// lets the built-in ValueCountMatchSpy count topics exactly: each distinct
// combination is counted once per document, and the searcher adds the
// combination counts up per topic.
std::string EncodeTopicSet(const std::vector<TopicEntry>& topics);
std::vector<TopicEntry> DecodeTopicSet(absl::string_view value);

}  // namespace newsearch

#endif  // NEWSEARCH_TOPICS_H_
