// Name variants: groups of spellings of one name (Zelensky / Zelenskyy /
// Selenskyj, Kyiv / Kiev), read from a list we write (data/variants.txt) and
// stored as Xapian synonyms, so that the searcher's QueryParser
// (FLAG_AUTO_SYNONYMS) expands a query word into OP_SYNONYM over every form:
// one form finds all, and a document using several ranks as if it used one.
//
// File format: one group per line, forms separated by white space, `#`
// starts a comment. Forms are single words; a word may be in one group only.
// Errors name the file and line ("variants.txt:12: error: ...").
//
// Synonym entries are keyed by stemmed terms (`Z` + folded stem, plain text
// and title), because the searcher folds and lower-cases free query words,
// so they are always stemmed. Each form's English stem is a key and a
// synonym; so is the whole (folded) word when another of kVariantLanguages
// leaves it unstemmed, for documents in that language. A stem shorter than
// the word is used only in English: elsewhere it could be a common word
// ("Bäcker" is "back" in German). No one occurrence of a name is indexed
// under two of a group's terms, so OP_SYNONYM counts it once.
//
//   ASSIGN_OR_RETURN(NameVariants variants, NameVariants::LoadFile(path));
//   ASSIGN_OR_RETURN(bool changed, variants.WriteSynonyms(db));  // commits
//
// Thread safety: a const NameVariants may be shared; WriteSynonyms needs the
// database's write lock, like any writer.
#ifndef NEWSEARCH_INDEXER_NAME_VARIANTS_H_
#define NEWSEARCH_INDEXER_NAME_VARIANTS_H_

#include <xapian.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsearch {

// Metadata key holding a hash of the synonyms last written, so that an
// unchanged list costs no write.
inline constexpr char kVariantsHashKey[] = "newsearch:variants-hash";

// Languages whose stems of each form are considered; English first.
inline constexpr const char* kVariantLanguages[] = {"en", "fr", "de", "es",
                                                    "it", "pt", "nl"};

class NameVariants {
 public:
  // `file` names the source in error messages.
  static absl::StatusOr<NameVariants> Parse(absl::string_view text,
                                            const std::string& file);
  static absl::StatusOr<NameVariants> LoadFile(const std::string& path);

  // The groups as written (forms lower-cased), in file order.
  const std::vector<std::vector<std::string>>& groups() const {
    return groups_;
  }

  // Synonym table entries: term -> the other terms of its group.
  std::map<std::string, std::set<std::string>> SynonymEntries() const;

  // Replaces the database's synonym table with SynonymEntries() and commits,
  // unless the table already holds exactly this list (returns false then).
  absl::StatusOr<bool> WriteSynonyms(Xapian::WritableDatabase& db) const;

 private:
  std::vector<std::vector<std::string>> groups_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_NAME_VARIANTS_H_
