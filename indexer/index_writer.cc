#include "indexer/index_writer.h"

#include "newsearch/schema.h"
#include "newsearch/xapian_status.h"

namespace newsearch {

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(
    const std::string& path, const IndexWriterOptions& options) {
  try {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    return std::unique_ptr<IndexWriter>(
        new IndexWriter(std::move(db), options));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, "cannot open database '" + path + "' for writing");
  }
}

IndexWriter::IndexWriter(Xapian::WritableDatabase db,
                         const IndexWriterOptions& options)
    : db_(std::move(db)), options_(options) {}

IndexWriter::~IndexWriter() {
  // Errors here have nowhere to go; callers that care call Commit() first.
  (void)Commit();
}

absl::StatusOr<IndexWriter::Outcome> IndexWriter::Add(const NewsDocument& doc) {
  try {
    const std::string id_term = schema::IdTerm(doc.id);
    const bool existed = db_.term_exists(id_term);
    db_.replace_document(id_term, builder_.Build(doc));
    if (++pending_ >= options_.batch_size) {
      absl::Status status = Commit();
      if (!status.ok()) return status;
    }
    return existed ? Outcome::kReplaced : Outcome::kAdded;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot index document '" + doc.id + "'");
  }
}

absl::Status IndexWriter::Commit() {
  if (pending_ == 0) return absl::OkStatus();
  try {
    db_.commit();
    pending_ = 0;
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot commit");
  }
}

}  // namespace newsearch
