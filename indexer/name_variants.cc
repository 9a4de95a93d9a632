#include "indexer/name_variants.h"

#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "indexer/file_util.h"
#include "newsearch/folding.h"
#include "newsearch/schema.h"
#include "newsearch/status_macros.h"
#include "newsearch/text.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

absl::Status LineError(const std::string& file, int line,
                       absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(file, ":", line, ": error: ", message));
}

// The one word Xapian's tokeniser makes of `form`, or "" when it makes none
// or several (a form must be searchable as a single term).
std::string SingleWord(const std::string& form) {
  Xapian::Document doc;
  Xapian::TermGenerator tg;
  tg.set_document(doc);
  tg.index_text(form);
  if (doc.termlist_count() != 1) return "";
  return *doc.termlist_begin();
}

// The stemmers whose forms of a name are listed: those of the languages
// news is indexed in most. Not every stemmer Xapian has: a name's stem in an
// unrelated language can be a common word there (and a synonym of it).
std::vector<Xapian::Stem> VariantStemmers() {
  std::vector<Xapian::Stem> stemmers;
  for (const char* language : kVariantLanguages) {
    stemmers.push_back(FoldingStemmer(language));
  }
  return stemmers;
}

}  // namespace

absl::StatusOr<NameVariants> NameVariants::Parse(absl::string_view text,
                                                 const std::string& file) {
  NameVariants variants;
  std::unordered_map<std::string, int> line_of;  // word -> its group's line
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = line.substr(0, line.find('#'));
    std::vector<std::string> group;
    for (absl::string_view form :
         absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty())) {
      if (!IsValidUtf8(form)) {
        return LineError(file, line_number, "invalid UTF-8");
      }
      const std::string word = SingleWord(std::string(form));
      if (word.empty()) {
        return LineError(file, line_number,
                         absl::StrCat("'", form, "' is not a single word"));
      }
      const std::string folded = FoldAccents(word);
      auto [it, inserted] = line_of.emplace(folded, line_number);
      if (!inserted && it->second != line_number) {
        return LineError(
            file, line_number,
            absl::StrCat("'", form, "' is already in the group on line ",
                         it->second));
      }
      if (inserted) group.push_back(word);
    }
    if (group.size() == 1) {
      return LineError(
          file, line_number,
          absl::StrCat("a group needs two or more forms, not only '", group[0],
                       "'"));
    }
    if (!group.empty()) variants.groups_.push_back(std::move(group));
  }
  return variants;
}

absl::StatusOr<NameVariants> NameVariants::LoadFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  return Parse(text, path);
}

std::map<std::string, std::set<std::string>> NameVariants::SynonymEntries()
    const {
  std::vector<Xapian::Stem> stemmers = VariantStemmers();
  Xapian::Stem& english = stemmers.front();
  std::map<std::string, std::set<std::string>> entries;
  for (const std::vector<std::string>& group : groups_) {
    for (absl::string_view prefix :
         {absl::string_view(), absl::string_view(schema::kPrefixTitle)}) {
      std::set<std::string> terms;
      for (const std::string& form : group) {
        terms.insert(absl::StrCat("Z", prefix, english(form)));
        // A stem that is the whole word is the name itself in any language:
        // documents in that language are found by it. A shorter one
        // ("backer" is "back" in German) could be a common word.
        const std::string folded = FoldAccents(form);
        for (Xapian::Stem& other : stemmers) {
          if (other(form) == folded) {
            terms.insert(absl::StrCat("Z", prefix, folded));
            break;
          }
        }
      }
      for (const std::string& key : terms) {
        std::set<std::string>& synonyms = entries[key];
        for (const std::string& term : terms) {
          if (term != key) synonyms.insert(term);
        }
      }
    }
  }
  return entries;
}

absl::StatusOr<bool> NameVariants::WriteSynonyms(
    Xapian::WritableDatabase& db) const {
  const std::map<std::string, std::set<std::string>> entries = SynonymEntries();
  std::string serialised;
  for (const auto& [key, synonyms] : entries) {
    absl::StrAppend(&serialised, key, "\t", absl::StrJoin(synonyms, " "), "\n");
  }
  const std::string hash = HexHash(serialised);
  try {
    if (db.get_metadata(kVariantsHashKey) == hash) return false;
    std::vector<std::string> old_keys(db.synonym_keys_begin(),
                                      db.synonym_keys_end());
    for (const std::string& key : old_keys) db.clear_synonyms(key);
    for (const auto& [key, synonyms] : entries) {
      for (const std::string& synonym : synonyms) db.add_synonym(key, synonym);
    }
    db.set_metadata(kVariantsHashKey, hash);
    db.commit();
    return true;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot write name variants");
  }
}

}  // namespace newsearch
