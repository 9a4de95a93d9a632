// Fuzzes one line of news.jsonl: ParseNewsRecord (indexer/news_record.h),
// then, for a record it accepts, what the indexer does next on the same
// text: PrepareDocument (identity, language detection), the
// DocumentBuilder's Build and FinishDocument (term generation, filters,
// value slots, document data) and SpellingWords. The stored document data
// must decode again (doc_data.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "indexer/document_builder.h"
#include "indexer/identity.h"
#include "indexer/news_record.h"
#include "newsearch/doc_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<newsearch::NewsDocument> doc = newsearch::ParseNewsRecord(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!doc.ok() || !newsearch::PrepareDocument(&*doc).ok()) return 0;
  static newsearch::DocumentBuilder* const builder =
      new newsearch::DocumentBuilder;
  Xapian::Document xdoc = builder->Build(*doc);
  doc->story_key = "s1";
  newsearch::FinishDocument(*doc, &xdoc);
  newsearch::SpellingWords(xdoc);
  if (!newsearch::DecodeDocData(xdoc.get_data()).ok()) std::abort();
  return 0;
}
