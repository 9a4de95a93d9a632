// Turns a prepared NewsDocument into a Xapian::Document laid out as
// common/include/newsearch/schema.h describes: positional text with the
// document's own stemmer, boolean filter terms, value slots and the JSON
// document data.
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

 private:
  const Xapian::Stem& StemmerFor(const std::string& language);

  Xapian::TermGenerator term_generator_;
  std::map<std::string, Xapian::Stem> stemmers_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_DOCUMENT_BUILDER_H_
