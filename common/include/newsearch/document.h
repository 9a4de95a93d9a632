// The document model shared by the indexer and the searcher.
//
// A NewsDocument is one article or one timeline entry (the short items news
// sites list under "Today" or "Latest"), as read from any input format and
// before it is turned into a Xapian::Document (see schema.h). It is a plain
// value type: copy it, move it, fill it field by field.
//
//   NewsDocument doc;
//   doc.kind = Kind::kTimeline;
//   doc.title = "Storm closes the harbour";
//   doc.published = Timestamp{absl::FromUnixSeconds(1764284400),
//                             TimePrecision::kMinute};
//
// Thread-compatible, like any value type: a const NewsDocument may be read
// by many threads.
#ifndef NEWSEARCH_DOCUMENT_H_
#define NEWSEARCH_DOCUMENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsearch {

enum class Kind { kArticle, kTimeline };

// "article" or "timeline".
absl::string_view KindName(Kind kind);
// Parses "article" / "timeline"; nullopt for anything else.
std::optional<Kind> ParseKind(absl::string_view name);

// How much of a timestamp the source gave. A date-only "2018-05-26" is kept
// as a day so that output does not invent a midnight that nobody wrote.
enum class TimePrecision { kDay, kMinute, kSecond };

struct Timestamp {
  absl::Time time;  // an instant (UTC); for kDay, midnight UTC of that date
  TimePrecision precision = TimePrecision::kSecond;

  friend bool operator==(const Timestamp& a, const Timestamp& b) {
    return a.time == b.time && a.precision == b.precision;
  }
};

struct NewsDocument {
  std::string id;  // stable identity; see indexer/identity.h for the default
  Kind kind = Kind::kArticle;
  std::string title;
  std::string summary;
  std::string body;  // paragraphs separated by "\n\n"
  std::string url;
  std::optional<Timestamp> published;
  std::optional<Timestamp> updated;
  std::vector<std::string> topics;           // as the input gave them
  std::vector<std::string> inferred_topics;  // added by newsearch (taxonomy
                                             // or learned model)
  std::vector<std::string> authors;
  std::vector<std::string> places;
  std::string section;
  std::string source;       // the outlet, e.g. "euronews"
  std::string language;     // BCP 47 primary tag ("en"), detected if not given
  std::string story_key;    // documents about one event share it
  int reading_minutes = 0;  // as the page states it; 0 when unknown
};

}  // namespace newsearch

#endif  // NEWSEARCH_DOCUMENT_H_
