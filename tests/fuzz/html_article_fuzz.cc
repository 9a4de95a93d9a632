// Fuzzes article extraction from HTML pages (indexer/html_article.h):
// libxml2's HTML parser, JSON-LD blocks through RapidJSON, meta tags, the
// main-text heuristics and relative URLs resolved against the page's URL.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "indexer/html_article.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  newsearch::ExtractOptions options;
  if (size % 2 == 1) options.content_language = "fr-CH";
  newsearch::ExtractArticle(
      absl::string_view(reinterpret_cast<const char*>(data), size),
      "https://news.example/2025/12/21/harbour-storm", options)
      .IgnoreError();
  return 0;
}
