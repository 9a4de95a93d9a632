#include "newsearch/topics.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "common/transliterator.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

constexpr char kEntrySeparator = '\n';
constexpr char kFieldSeparator = '\t';

}  // namespace

std::string TopicDisplayName(absl::string_view name) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(name, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (!out.empty()) out.push_back(' ');
    out.append(word.data(), word.size());
  }
  return out;
}

std::string TopicSlug(absl::string_view name) {
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), name.size()));
  if (icu::Transliterator* t = ThreadTransliterator("Any-Latin; Latin-ASCII"))
    t->transliterate(text);
  std::string ascii;
  text.toUTF8String(ascii);
  std::string slug;
  bool dash = false;
  for (char c : ascii) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      if (dash && !slug.empty()) slug.push_back('-');
      slug.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
      dash = false;
    } else {
      dash = true;
    }
  }
  if (slug.empty()) return NormalizeFilterValue(name);
  return slug;
}

std::string EncodeTopicSet(const std::vector<TopicEntry>& topics) {
  std::vector<TopicEntry> sorted = topics;
  std::sort(
      sorted.begin(), sorted.end(),
      [](const TopicEntry& a, const TopicEntry& b) { return a.slug < b.slug; });
  std::string out;
  std::string previous;
  for (const TopicEntry& topic : sorted) {
    if (topic.slug.empty() || topic.slug == previous) continue;
    if (!out.empty()) out.push_back(kEntrySeparator);
    out += topic.slug;
    out.push_back(kFieldSeparator);
    // Names never contain the separators: display names collapse whitespace.
    out += TopicDisplayName(topic.name);
    previous = topic.slug;
  }
  return out;
}

std::vector<TopicEntry> DecodeTopicSet(absl::string_view value) {
  std::vector<TopicEntry> topics;
  if (value.empty()) return topics;
  for (absl::string_view entry : absl::StrSplit(value, kEntrySeparator)) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(entry, absl::MaxSplits(kFieldSeparator, 1));
    topics.push_back({std::string(parts.first), std::string(parts.second)});
  }
  return topics;
}

}  // namespace newsearch
