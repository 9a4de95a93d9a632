// Text helpers shared by indexer and searcher: UTF-8 validation, filter-value
// normalisation (ICU), stable hashing, language identification (CLD2) and the
// choice of Xapian stemmer. All functions are thread-safe.
//
//   if (!IsValidUtf8(title)) return absl::InvalidArgumentError("...");
//   std::string lang = DetectLanguage(body);      // "fr", or "" if unsure
//   Xapian::Stem stem(StemmerLanguage(lang));     // English when unknown
#ifndef NEWSEARCH_TEXT_H_
#define NEWSEARCH_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsearch {

// Removes empty strings and every repeat of an earlier string, keeping the
// first of each in order. Linear: outside input can list 100,000 topics.
void EraseEmptyAndDuplicates(std::vector<std::string>* items);

// True if `text` is well-formed UTF-8 without NUL bytes.
bool IsValidUtf8(absl::string_view text);

// Byte offset of the first invalid UTF-8 sequence or NUL, or npos.
size_t FirstInvalidUtf8(absl::string_view text);

// `text` with each invalid UTF-8 sequence (each maximal subpart, as Unicode
// recommends) and each NUL byte replaced by U+FFFD; `*replaced` (may be null)
// counts them. Text that is mostly right (a Latin-1 byte in a name, a NUL a
// scraper let through) is worth keeping, and the marker shows where it was
// damaged rather than silently joining words.
std::string RepairUtf8(absl::string_view text, size_t* replaced);

// The length of the longest prefix of `text`, at most `max_bytes`, that does
// not end inside a UTF-8 sequence: where valid text may be cut.
size_t Utf8PrefixLength(absl::string_view text, size_t max_bytes);

// Trimmed, whitespace-collapsed and Unicode lower-cased: the exact form of a
// topic, source, section... in boolean terms and facet values.
std::string NormalizeFilterValue(absl::string_view value);

// 64-bit FNV-1a: stable across runs and machines (unlike absl::Hash), used for
// default ids and story keys.
uint64_t StableHash64(absl::string_view data);
// StableHash64 as 16 lower-case hex digits.
std::string HexHash(absl::string_view data);

// ISO 639-1 code ("en", "fr") of the language CLD2 reliably detects in
// `text`, or "" when it is unsure. `text` must be valid UTF-8.
std::string DetectLanguage(absl::string_view text);

// Common English words that carry no meaning on their own, left out of
// queries (most useful for long, natural-language ones) and of story
// similarity.
const std::vector<std::string>& EnglishStopwords();

// Lower-cased primary subtag of a BCP 47 tag: "en-GB" -> "en".
std::string PrimaryLanguage(absl::string_view tag);

// The Xapian::Stem name for a BCP 47 tag, "english" when Xapian has no
// stemmer for it (or it is empty).
std::string StemmerLanguage(absl::string_view tag);

}  // namespace newsearch

#endif  // NEWSEARCH_TEXT_H_
