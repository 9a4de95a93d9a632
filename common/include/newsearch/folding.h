// Accent folding, so that a search for one spelling of a word finds the
// others: Erdoğan = Erdogan, Hôtel = hotel, Straße = strasse. Folding uses
// ICU's Latin-ASCII transform (after NFC, so decomposed accents fold too);
// letters of other scripts are left as they are.
//
// The index folds its stemmed (`Z`) terms with a FoldingStemmer; its
// unstemmed, positional terms keep the exact form, which quoted queries ask
// for ("Erdoğan" finds only that spelling). The searcher folds the query's
// free words the same way (searcher/query_builder.h).
//
//   Xapian::TermGenerator tg;
//   tg.set_stemmer(FoldingStemmer("fr"));   // Z terms: fold, then stem
//   FoldAccents("Erdoğan") == "Erdogan"
//
// Thread safety: FoldAccents is thread-safe (one ICU transliterator per
// thread). A Xapian::Stem from FoldingStemmer, like any Xapian::Stem, must
// not be used by two threads at once.
#ifndef NEWSEARCH_FOLDING_H_
#define NEWSEARCH_FOLDING_H_

#include <xapian.h>

#include <string>

#include "absl/strings/string_view.h"

namespace newsearch {

// `text` with Latin diacritics removed and ligatures spelled out. ASCII text
// is returned unchanged without calling ICU. `text` must be valid UTF-8.
std::string FoldAccents(absl::string_view text);

// A Xapian::Stem that folds accents and then applies the Snowball stemmer for
// the BCP 47 tag `language` (StemmerLanguage in text.h picks it).
Xapian::Stem FoldingStemmer(absl::string_view language);

}  // namespace newsearch

#endif  // NEWSEARCH_FOLDING_H_
