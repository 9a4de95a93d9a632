// Turns a prepared NewsDocument into a Xapian::Document laid out as
// common/include/newsearch/schema.h describes: positional text (exact words,
// plus accent-folded stems from the document's own language, folding.h),
// boolean filter terms, value slots and the JSON document data.
//
// Two steps, so that the costly one can run on many threads while story
// keys are assigned in order on the writer's: Build() tokenises and needs no
// database; FinishDocument() adds what depends on the story key (its term,
// its slot, the story-facets slot and the document data) once it is known.
// AddSpelling() then puts the words of the text into Xapian's spelling
// table (the vocabulary for did-you-mean), once per occurrence, as
// TermGenerator's FLAG_SPELLING would, but for words with digits (numbers
// and codes are not suggestions, and cost the most to add).
//
//   DocumentBuilder builder;
//   Xapian::Document xdoc = builder.Build(doc);
//   doc.story_key = ...;
//   FinishDocument(doc, &xdoc);
//   AddSpelling(xdoc, &db);
//   db.replace_document(schema::IdTerm(doc.id), xdoc);
//
// Not thread-safe (it reuses one TermGenerator and caches stemmers): use one
// builder per thread.
#ifndef NEWSEARCH_INDEXER_DOCUMENT_BUILDER_H_
#define NEWSEARCH_INDEXER_DOCUMENT_BUILDER_H_

#include <xapian.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "newsearch/document.h"

namespace newsearch {

class DocumentBuilder {
 public:
  DocumentBuilder();

  // Everything but what FinishDocument() adds; doc.story_key is ignored.
  Xapian::Document Build(const NewsDocument& doc);

 private:
  const Xapian::Stem& StemmerFor(const std::string& language);

  Xapian::TermGenerator term_generator_;
  std::map<std::string, Xapian::Stem> stemmers_;
};

// Adds the story key's term and slot, the story-facets slot and the
// document data to a document Build() made from `doc`.
void FinishDocument(const NewsDocument& doc, Xapian::Document* xdoc);

// Adds each unprefixed word of `xdoc` to `db`'s spelling table as many
// times as it occurs (its positions); pending until `db` commits.
void AddSpelling(const Xapian::Document& xdoc, Xapian::WritableDatabase* db);

// The same words and counts, for adding later (SpellingWords(xdoc) summed
// over documents and added once per word is what AddSpelling per document
// does, at a fraction of the cost: Xapian's pending spelling changes are a
// std::map, and a word new to a batch costs a B-tree lookup).
std::vector<std::pair<std::string, Xapian::termcount>> SpellingWords(
    const Xapian::Document& xdoc);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_DOCUMENT_BUILDER_H_
