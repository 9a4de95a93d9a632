#include "newsearch/folding.h"

#include <unicode/unistr.h>

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "common/transliterator.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Folds, then stems. Words repeat and Snowball costs a few hundred
// nanoseconds a word (the ICU transform, microseconds), so stems are cached
// per thread and language, bounded: snippets stem every word of every
// result, indexing every word of every document.
class FoldingStemImplementation : public Xapian::StemImplementation {
 public:
  explicit FoldingStemImplementation(const std::string& language)
      : language_(language), stem_(language) {}

  std::string operator()(const std::string& word) override {
    using Cache = absl::flat_hash_map<std::string, std::string>;
    thread_local absl::flat_hash_map<std::string, Cache> caches;
    Cache& cache = caches[language_];
    auto it = cache.find(word);
    if (it != cache.end()) return it->second;
    if (cache.size() >= kMaxCached) cache.clear();
    std::string stem = stem_(IsAscii(word) ? word : FoldAccents(word));
    cache.emplace(word, stem);
    return stem;
  }

  std::string get_description() const override {
    return "folding " + stem_.get_description();
  }

 private:
  static constexpr size_t kMaxCached = 1 << 16;
  std::string language_;
  Xapian::Stem stem_;
};

}  // namespace

std::string FoldAccents(absl::string_view text) {
  if (IsAscii(text)) return std::string(text);
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  if (icu::Transliterator* t = ThreadTransliterator("NFC; Latin-ASCII"))
    t->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

Xapian::Stem FoldingStemmer(absl::string_view language) {
  return Xapian::Stem(new FoldingStemImplementation(StemmerLanguage(language)));
}

}  // namespace newsearch
