#include "newsearch/text.h"

#include <cld2/public/compact_lang_det.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace newsearch {

void EraseEmptyAndDuplicates(std::vector<std::string>* items) {
  // Decide first, with views into the untouched strings, then move: moving
  // a short string moves its characters and would invalidate a view.
  std::vector<bool> keep(items->size());
  absl::flat_hash_set<absl::string_view> seen;
  for (size_t i = 0; i < items->size(); ++i) {
    keep[i] = !(*items)[i].empty() && seen.insert((*items)[i]).second;
  }
  size_t out = 0;
  for (size_t i = 0; i < items->size(); ++i) {
    if (!keep[i]) continue;
    if (out != i) (*items)[out] = std::move((*items)[i]);
    ++out;
  }
  items->resize(out);
}

size_t FirstInvalidUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c <= 0) return static_cast<size_t>(start);  // invalid (<0) or NUL
  }
  return absl::string_view::npos;
}

std::string RepairUtf8(absl::string_view text, size_t* replaced) {
  size_t count = 0;
  std::string out;
  size_t bad = FirstInvalidUtf8(text);
  if (bad == absl::string_view::npos) {
    out.assign(text.data(), text.size());
  } else {
    out.reserve(text.size() + 16);
    out.append(text.data(), bad);
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    const int32_t length = static_cast<int32_t>(text.size());
    int32_t i = static_cast<int32_t>(bad);
    while (i < length) {
      const int32_t start = i;
      UChar32 c;
      U8_NEXT(s, i, length, c);
      if (c <= 0) {
        out.append("\xEF\xBF\xBD");  // U+FFFD
        ++count;
      } else {
        out.append(text.data() + start, i - start);
      }
    }
  }
  if (replaced != nullptr) *replaced = count;
  return out;
}

size_t Utf8PrefixLength(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  size_t keep = max_bytes;
  // text[keep] is the first byte dropped: back off while it continues a
  // sequence (10xxxxxx), so the cut falls before that sequence's lead byte.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  return keep;
}

bool IsValidUtf8(absl::string_view text) {
  return FirstInvalidUtf8(text) == absl::string_view::npos;
}

std::string NormalizeFilterValue(absl::string_view value) {
  std::string collapsed;
  for (absl::string_view word :
       absl::StrSplit(value, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (!collapsed.empty()) collapsed.push_back(' ');
    collapsed.append(word.data(), word.size());
  }
  std::string out;
  icu::UnicodeString::fromUTF8(
      icu::StringPiece(collapsed.data(), collapsed.size()))
      .toLower(icu::Locale::getRoot())
      .toUTF8String(out);
  return out;
}

uint64_t StableHash64(absl::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string HexHash(absl::string_view data) {
  return absl::StrFormat("%016x", StableHash64(data));
}

std::string DetectLanguage(absl::string_view text) {
  if (text.empty()) return "";
  bool reliable = false;
  const CLD2::Language lang =
      CLD2::DetectLanguage(text.data(), static_cast<int>(text.size()),
                           /*is_plain_text=*/true, &reliable);
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE) return "";
  return PrimaryLanguage(CLD2::LanguageCode(lang));
}

const std::vector<std::string>& EnglishStopwords() {
  static const auto* const kWords = new std::vector<std::string>{
      "a",     "about", "an",   "and",  "are",  "as",    "at",   "be",
      "been",  "but",   "by",   "can",  "did",  "do",    "does", "for",
      "from",  "had",   "has",  "have", "how",  "i",     "if",   "in",
      "into",  "is",    "it",   "its",  "of",   "on",    "or",   "says",
      "said",  "so",    "than", "that", "the",  "their", "then", "there",
      "these", "they",  "this", "to",   "was",  "were",  "what", "when",
      "where", "which", "who",  "why",  "will", "with",  "would"};
  return *kWords;
}

std::string PrimaryLanguage(absl::string_view tag) {
  const size_t dash = tag.find_first_of("-_");
  return absl::AsciiStrToLower(tag.substr(0, dash));
}

std::string StemmerLanguage(absl::string_view tag) {
  std::string primary = PrimaryLanguage(tag);
  if (primary.empty() || primary == "none") return "english";
  try {
    Xapian::Stem probe(primary);  // accepts ISO 639-1 codes it can stem
    return primary;
  } catch (const Xapian::InvalidArgumentError&) {
    return "english";
  }
}

}  // namespace newsearch
