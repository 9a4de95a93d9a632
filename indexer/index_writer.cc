#include "indexer/index_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "newsearch/dates.h"
#include "newsearch/schema.h"
#include "newsearch/status_macros.h"
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
    : db_(std::move(db)),
      committed_(std::move(committed)),
      options_(options),
      preparer_(options) {
  story_keyer_.LoadFrequencies(committed_);
}

PreparedDocument DocumentPreparer::Prepare(NewsDocument doc) {
  PreparedDocument prepared;
  if (options_.story_keys) prepared.sketch = sketcher_.Sketch(doc);
  prepared.xdoc = builder_.Build(doc);
  if (options_.spelling) prepared.spelling = SpellingWords(prepared.xdoc);
  prepared.doc = std::move(doc);
  return prepared;
}

IndexWriter::~IndexWriter() {
  // Errors here have nowhere to go; callers that care call Commit() first.
  (void)Commit();
}

absl::StatusOr<IndexWriter::Outcome> IndexWriter::Add(NewsDocument doc) {
  return Add(preparer_.Prepare(std::move(doc)));
}

absl::StatusOr<IndexWriter::Outcome> IndexWriter::Add(
    PreparedDocument prepared) {
  NewsDocument& doc = prepared.doc;
  Xapian::Document& xdoc = prepared.xdoc;
  try {
    const std::string id_term = schema::IdTerm(doc.id);
    const bool existed = db_.term_exists(id_term);
    if (!options_.story_keys) {
      if (doc.story_key.empty()) {
        doc.story_key = HexHash(absl::StrCat("story\n", doc.id));
      }
    } else {
      doc.story_key = story_keyer_.Assign(committed_, doc, prepared.sketch);
      StoryKeyer::AddTo(prepared.sketch, xdoc);
    }
    FinishDocument(doc, &xdoc);
    for (auto& [word, count] : prepared.spelling) spelling_[word] += count;
    db_.replace_document(id_term, xdoc);
    if (options_.story_keys) story_keyer_.Remember(doc, prepared.sketch);
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
    for (const auto& [word, count] : spelling_) db_.add_spelling(word, count);
    spelling_.clear();
    if (checkpoint_) {
      for (const auto& [key, value] : checkpoint_()) {
        db_.set_metadata(key, value);
      }
    }
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

std::string IndexWriter::GetMetadata(const std::string& key) const {
  try {
    return db_.get_metadata(key);
  } catch (const Xapian::Error&) {
    return "";
  }
}

absl::Status IndexWriter::SetMetadata(const std::string& key,
                                      const std::string& value) {
  try {
    db_.set_metadata(key, value);
    ++pending_;  // so that Commit() commits it
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot set metadata '" + key + "'");
  }
}

namespace {

Xapian::Query PublishedBound(Xapian::Query::op op, absl::Time t) {
  return Xapian::Query(
      op, schema::kSlotPublished,
      Xapian::sortable_serialise(static_cast<double>(absl::ToUnixSeconds(t))));
}

// The boolean query of what `spec` selects; empty when it selects nothing.
Xapian::Query DeleteQuery(const DeleteSpec& spec) {
  std::vector<Xapian::Query> parts;
  if (!spec.ids.empty()) {
    std::vector<Xapian::Query> ids;
    for (const std::string& id : spec.ids) ids.emplace_back(schema::IdTerm(id));
    parts.emplace_back(Xapian::Query::OP_OR, ids.begin(), ids.end());
  }
  if (!spec.source.empty()) {
    parts.emplace_back(schema::BooleanTerm(schema::kPrefixSource, spec.source));
  }
  if (spec.from) {
    parts.push_back(PublishedBound(Xapian::Query::OP_VALUE_GE, *spec.from));
  }
  if (spec.until) {
    parts.push_back(PublishedBound(Xapian::Query::OP_VALUE_LE, *spec.until));
  }
  if (parts.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

}  // namespace

absl::StatusOr<int64_t> IndexWriter::Delete(const DeleteSpec& spec) {
  const Xapian::Query query = DeleteQuery(spec);
  if (query.empty()) {
    return absl::InvalidArgumentError(
        "delete needs ids, a source or a date range (it never deletes "
        "everything)");
  }
  RETURN_IF_ERROR(Commit());
  try {
    std::vector<Xapian::docid> docids;
    {
      Xapian::Enquire enquire(db_);
      enquire.set_query(query);
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      const Xapian::MSet mset = enquire.get_mset(0, db_.get_doccount());
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        docids.push_back(*it);
      }
    }
    for (Xapian::docid docid : docids) {
      db_.delete_document(docid);
      if (++pending_ >= options_.batch_size) RETURN_IF_ERROR(Commit());
    }
    RETURN_IF_ERROR(Commit());
    return static_cast<int64_t>(docids.size());
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot delete");
  }
}

absl::StatusOr<bool> IndexWriter::WriteVariants(const NameVariants& variants) {
  absl::Status status = Commit();
  if (!status.ok()) return status;
  return variants.WriteSynonyms(db_);
}

}  // namespace newsearch
