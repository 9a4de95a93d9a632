// Fuzzes news feeds (indexer/feed.h): RSS, RDF, Atom through libxml2 and
// JSON Feed through RapidJSON, recognised by content. The Content-Type hint
// varies with the input's length, so every hint meets every body.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "indexer/feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr const char* kTypes[] = {
      "", "application/rss+xml", "application/atom+xml",
      "application/feed+json", "text/html"};
  newsearch::ParseFeed(
      absl::string_view(reinterpret_cast<const char*>(data), size),
      kTypes[size % 5], "https://news.example/feeds/world/rss")
      .IgnoreError();
  return 0;
}
