// Turns a prepared NewsDocument into a Xapian::Document laid out as
// common/include/newsearch/schema.h describes: positional text (exact words,
// plus accent-folded stems from the document's own language, folding.h),
// boolean filter terms, value slots and the JSON document data. With a
// spelling database set, the words of its text also go into Xapian's
// spelling table, the vocabulary for did-you-mean suggestions.
//
//   DocumentBuilder builder;
//   Xapian::Document xdoc = builder.Build(doc);
//   db.replace_document(schema::IdTerm(doc.id), xdoc);
//
// Not thread-safe (it reuses one TermGenerator and caches stemmers): use one
// builder per thread.
#ifndef NEWSEARCH_INDEXER_DOCUMENT_BUILDER_H_
#define NEWSEARCH_INDEXER_DOCUMENT_BUILDER_H_

#include <xapian.h>

#include <map>
#include <string>

#include "newsearch/document.h"

namespace newsearch {

class DocumentBuilder {
 public:
  DocumentBuilder();

  Xapian::Document Build(const NewsDocument& doc);

  // Adds the words of every document built from now on to `db`'s spelling
  // table (pending until `db` commits).
  void EnableSpelling(const Xapian::WritableDatabase& db);

 private:
  const Xapian::Stem& StemmerFor(const std::string& language);

  Xapian::TermGenerator term_generator_;
  std::map<std::string, Xapian::Stem> stemmers_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_DOCUMENT_BUILDER_H_
