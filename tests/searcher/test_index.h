// Builds small indexes for searcher tests through the real indexer path
// (PrepareDocument, IndexWriter), so what the searcher sees is what newsindex
// writes.
#ifndef NEWSEARCH_TESTS_SEARCHER_TEST_INDEX_H_
#define NEWSEARCH_TESTS_SEARCHER_TEST_INDEX_H_

#include <string>
#include <vector>

#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "newsearch/dates.h"
#include "newsearch/status_macros.h"

namespace newsearch {
namespace testing {

// A document with the fields most tests need; `published` is RFC 3339 or "".
inline NewsDocument MakeDoc(std::string id, std::string title, std::string body,
                            const std::string& published,
                            std::vector<std::string> topics = {},
                            std::string source = "wire") {
  NewsDocument doc;
  doc.id = std::move(id);
  doc.title = std::move(title);
  doc.body = std::move(body);
  if (!published.empty()) doc.published = *ParseTimestamp(published);
  doc.topics = std::move(topics);
  doc.source = std::move(source);
  doc.language = "en";
  return doc;
}

inline absl::Status BuildTestIndex(const std::string& path,
                                   std::vector<NewsDocument> docs,
                                   const IndexWriterOptions& options = {}) {
  ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> writer,
                   IndexWriter::Open(path, options));
  for (NewsDocument& doc : docs) {
    RETURN_IF_ERROR(PrepareDocument(&doc));
    RETURN_IF_ERROR(writer->Add(doc).status());
  }
  return writer->Commit();
}

}  // namespace testing
}  // namespace newsearch

#endif  // NEWSEARCH_TESTS_SEARCHER_TEST_INDEX_H_
