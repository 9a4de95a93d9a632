#include "indexer/identity.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "newsearch/dates.h"
#include "newsearch/text.h"

namespace newsearch {

std::string DefaultId(const NewsDocument& doc) {
  if (!doc.url.empty()) {
    return doc.kind == Kind::kTimeline ? absl::StrCat(doc.url, "#timeline")
                                       : doc.url;
  }
  const std::string published =
      doc.published ? FormatTimestamp(*doc.published) : "";
  return HexHash(absl::StrCat(KindName(doc.kind), "\n", doc.source, "\n",
                              doc.title, "\n", published));
}

absl::Status PrepareDocument(NewsDocument* doc) {
  if (absl::StripAsciiWhitespace(doc->title).empty() &&
      absl::StripAsciiWhitespace(doc->body).empty()) {
    return absl::InvalidArgumentError("record has neither title nor body");
  }
  if (doc->id.empty()) doc->id = DefaultId(*doc);
  if (!doc->language.empty()) {
    doc->language = PrimaryLanguage(doc->language);
  } else {
    doc->language = DetectLanguage(
        absl::StrCat(doc->title, "\n", doc->summary, "\n", doc->body));
  }
  return absl::OkStatus();
}

}  // namespace newsearch
