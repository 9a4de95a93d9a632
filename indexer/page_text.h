// Parses the page-text format: the text of a news page as a reader or scraper
// saves it (see ../shared/seeds/ and data/sample/pages/). Layout, line based:
//
//   sponsor lines ...                 ignored: everything before the title
//   <article title>
//   • Dec 21, 2025, 12:01 AM          date line, local to the outlet
//   3 min de lecture                  reading time, any UI language
//   1                                 optional comment count
//   paragraphs and sub-headings ...   the body
//   Today                             start of the timeline list
//   <entry title>
//   • 5:57 PM                         on the page's date (or the date in the
//   4 min                             entry's link, /2025/12/21/)
//   <summary>[View on outlet | cut-off HTML fragment]
//   Read the article
//
// Produces the article first, then the timeline entries in page order. Times
// are read in `zone` and stored as UTC. A malformed timeline entry is reported
// (with its line) and skipped; a page without an article date line yields no
// documents and one problem. Invalid UTF-8 and NUL bytes are replaced by
// U+FFFD, with a warning naming the line of the first. Thread-safe; no state.
#ifndef NEWSEARCH_INDEXER_PAGE_TEXT_H_
#define NEWSEARCH_INDEXER_PAGE_TEXT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "indexer/diagnostic.h"
#include "newsearch/document.h"

namespace newsearch {

// The outlet time zone when none is given: euronews, whose pages the format
// comes from, publishes from Lyon.
inline constexpr char kDefaultPageZone[] = "Europe/Paris";

struct PageTextOptions {
  absl::TimeZone zone;  // the outlet's zone (kDefaultPageZone by default)
  // The outlet; when empty, taken from the first link on the page
  // ("https://www.euronews.com/..." -> "euronews").
  std::string source;
};

struct ParsedPage {
  std::vector<NewsDocument> documents;  // the article, then timeline entries
  std::vector<Diagnostic> problems;     // skipped entries (file left empty)
  std::vector<Diagnostic> warnings;     // repaired, still indexed
};

ParsedPage ParsePageText(absl::string_view text,
                         const PageTextOptions& options);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_PAGE_TEXT_H_
