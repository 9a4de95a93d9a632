#include "newsearch/folding.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

// ICU transliterators are not thread-safe and costly to build: one per
// thread, built on first use.
icu::Transliterator* FoldingTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        "NFC; Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t.reset();
    return t;
  }();
  return transliterator.get();
}

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Folds, then stems. Words repeat, and the ICU transform costs a few
// microseconds, so folded non-ASCII words are cached (bounded).
class FoldingStemImplementation : public Xapian::StemImplementation {
 public:
  explicit FoldingStemImplementation(const std::string& language)
      : stem_(language) {}

  std::string operator()(const std::string& word) override {
    if (IsAscii(word)) return stem_(word);
    auto it = folded_.find(word);
    if (it == folded_.end()) {
      if (folded_.size() >= kMaxCached) folded_.clear();
      it = folded_.emplace(word, FoldAccents(word)).first;
    }
    return stem_(it->second);
  }

  std::string get_description() const override {
    return "folding " + stem_.get_description();
  }

 private:
  static constexpr size_t kMaxCached = 1 << 16;
  Xapian::Stem stem_;
  absl::flat_hash_map<std::string, std::string> folded_;
};

}  // namespace

std::string FoldAccents(absl::string_view text) {
  if (IsAscii(text)) return std::string(text);
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  if (icu::Transliterator* t = FoldingTransliterator()) t->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

Xapian::Stem FoldingStemmer(absl::string_view language) {
  return Xapian::Stem(new FoldingStemImplementation(StemmerLanguage(language)));
}

}  // namespace newsearch
