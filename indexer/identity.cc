#include "indexer/identity.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "newsearch/dates.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

// Lower-cased letters and digits, words joined by one space: punctuation,
// quotes and spacing differences do not split a story.
std::string NormalizedTitle(absl::string_view title) {
  const icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(title.data(), title.size()))
          .toLower(icu::Locale::getRoot());
  icu::UnicodeString out;
  bool space = false;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c)) {
      if (space && !out.isEmpty()) out.append(static_cast<UChar>(' '));
      out.append(c);
      space = false;
    } else {
      space = true;
    }
  }
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

}  // namespace

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

std::string StoryKey(const NewsDocument& doc) {
  const std::string title = NormalizedTitle(doc.title);
  if (!title.empty()) return HexHash(title);
  return HexHash(absl::StrCat("id\n", doc.id));
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
  if (doc->story_key.empty()) doc->story_key = StoryKey(*doc);
  return absl::OkStatus();
}

}  // namespace newsearch
