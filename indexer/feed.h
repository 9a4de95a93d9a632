// Parses news feeds: RSS 2.0 (and RSS 0.9x/1.0 RDF), Atom 1.0 and JSON Feed
// 1.0/1.1, recognised by content (the Content-Type is only a hint). XML
// through libxml2 (no network access, no external entities, no DTD loading),
// JSON through RapidJSON. Relative links resolve against the feed's URL.
//
//   absl::StatusOr<Feed> feed = ParseFeed(body, "application/rss+xml",
//                                         "https://news.example/rss");
//   for (const FeedItem& item : feed->items) fetch(item.url);
//
// Errors: kInvalidArgument with the parser's message and line for a body
// that is not a feed (bad XML, HTML, unknown root element, bad JSON). Items
// without a link are kept (their summary may be all there is); an item's
// unparseable date is left unset. Thread-safe; no state.
#ifndef NEWSEARCH_INDEXER_FEED_H_
#define NEWSEARCH_INDEXER_FEED_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsearch/dates.h"

namespace newsearch {

struct FeedItem {
  std::string id;       // guid, Atom id or JSON Feed id; may be empty
  std::string url;      // the article page (absolute); may be empty
  std::string title;    // plain text
  std::string summary;  // plain text: HTML in descriptions is reduced to text
  std::optional<Timestamp> published;
  std::optional<Timestamp> updated;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
};

struct Feed {
  enum class Format { kRss, kAtom, kJsonFeed };
  Format format = Format::kRss;
  std::string title;     // the feed's (the outlet's) title
  std::string site_url;  // the site the feed belongs to
  std::string language;  // BCP 47 primary tag when the feed says, else ""
  std::vector<FeedItem> items;  // in feed order
};

absl::StatusOr<Feed> ParseFeed(absl::string_view body,
                               absl::string_view content_type,
                               absl::string_view feed_url);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_FEED_H_
