#include "indexer/index_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "newsearch/dates.h"
#include "newsearch/schema.h"
#include "newsearch/text.h"
#include "newsearch/xapian_status.h"

namespace newsearch {

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(
    const std::string& path, const IndexWriterOptions& options) {
  try {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    Xapian::Database committed(path);
    return std::unique_ptr<IndexWriter>(
        new IndexWriter(std::move(db), std::move(committed), options));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, "cannot open database '" + path + "' for writing");
  }
}

IndexWriter::IndexWriter(Xapian::WritableDatabase db,
                         Xapian::Database committed,
                         const IndexWriterOptions& options)
    : db_(std::move(db)), committed_(std::move(committed)), options_(options) {
  story_keyer_.LoadFrequencies(committed_);
  if (options_.spelling) builder_.EnableSpelling(db_);
}

IndexWriter::~IndexWriter() {
  // Errors here have nowhere to go; callers that care call Commit() first.
  (void)Commit();
}

absl::StatusOr<IndexWriter::Outcome> IndexWriter::Add(NewsDocument doc) {
  try {
    const std::string id_term = schema::IdTerm(doc.id);
    const bool existed = db_.term_exists(id_term);
    if (!options_.story_keys) {
      if (doc.story_key.empty()) {
        doc.story_key = HexHash(absl::StrCat("story\n", doc.id));
      }
      db_.replace_document(id_term, builder_.Build(doc));
    } else {
      const StorySketch sketch = story_keyer_.Sketch(doc);
      doc.story_key = story_keyer_.Assign(committed_, doc, sketch);
      Xapian::Document xdoc = builder_.Build(doc);
      StoryKeyer::AddTo(sketch, xdoc);
      db_.replace_document(id_term, xdoc);
      story_keyer_.Remember(doc, sketch);
    }
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
    story_keyer_.SaveFrequencies(db_);
    db_.set_metadata(schema::kLastCommitKey,
                     FormatTimestamp({absl::Now(), TimePrecision::kSecond}));
    db_.commit();
    pending_ = 0;
    committed_.reopen();
    story_keyer_.ForgetPending();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot commit");
  }
}

absl::StatusOr<bool> IndexWriter::WriteVariants(const NameVariants& variants) {
  absl::Status status = Commit();
  if (!status.ok()) return status;
  return variants.WriteSynonyms(db_);
}

}  // namespace newsearch
