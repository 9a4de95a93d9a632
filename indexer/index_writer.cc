#include "indexer/index_writer.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

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
  ASSIGN_OR_RETURN(const ShardBy existing, TimeShards::Detect(path));
  if (existing != ShardBy::kNone || options.shard_by != ShardBy::kNone) {
    if (options.shards > 1 || options.segment_docs > 0) {
      return absl::InvalidArgumentError(
          "time shards are not written in segments");
    }
    ASSIGN_OR_RETURN(
        std::unique_ptr<TimeShards> time,
        TimeShards::Open(path, options.shard_by != ShardBy::kNone
                                   ? options.shard_by  // checked against it
                                   : existing));
    IndexWriterOptions time_options = options;
    time_options.shard_by = time->by();
    // Before `time` is moved: arguments are evaluated in no set order.
    Xapian::WritableDatabase lexicon = time->lexicon();
    Xapian::Database snapshot = time->snapshot();
    return std::unique_ptr<IndexWriter>(
        new IndexWriter(path, std::move(lexicon), std::move(snapshot),
                        time_options, std::move(time)));
  }
  if (options.segment_docs > 0 || options.shards > 1) {
    SegmentOptions segment_options;
    segment_options.writers = std::max(options.shards, 1);
    if (options.segment_docs > 0)
      segment_options.segment_docs = options.segment_docs;
    segment_options.flush_every = options.flush_every;
    ASSIGN_OR_RETURN(std::unique_ptr<Segments> segments,
                     Segments::Open(path, segment_options));
    Xapian::WritableDatabase meta = segments->meta();
    Xapian::Database snapshot = segments->snapshot();
    return std::unique_ptr<IndexWriter>(new IndexWriter(
        path, std::move(meta), std::move(snapshot), options, nullptr,
        std::move(segments)));
  }
  try {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    Xapian::Database committed(path);
    return std::unique_ptr<IndexWriter>(
        new IndexWriter(path, std::move(db), std::move(committed), options));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, "cannot open database '" + path + "' for writing");
  }
}

IndexWriter::IndexWriter(std::string path, Xapian::WritableDatabase db,
                         Xapian::Database committed,
                         const IndexWriterOptions& options,
                         std::unique_ptr<TimeShards> time,
                         std::unique_ptr<Segments> segments)
    : path_(std::move(path)),
      db_(std::move(db)),
      time_(std::move(time)),
      segments_(std::move(segments)),
      committed_(std::move(committed)),
      options_(options),
      preparer_(options),
      story_keyer_(options.story_cache_reports) {
  // Frequencies persist in the metadata: of the meta database when
  // segmented, whose snapshot holds none.
  story_keyer_.LoadFrequencies(segments_ ? Xapian::Database(db_) : committed_);
}

Xapian::doccount IndexWriter::doc_count() {
  if (segments_) return segments_->CommittedCount().value_or(0);
  return time_ ? committed_.get_doccount() : db_.get_doccount();
}

PreparedDocument DocumentPreparer::Prepare(NewsDocument doc) {
  PreparedDocument prepared;
  if (options_.story_keys) prepared.sketch = sketcher_.Sketch(doc);
  prepared.xdoc = builder_.Build(doc);
  if (options_.spelling) prepared.spelling = SpellingWords(prepared.xdoc);
  prepared.doc = std::move(doc);
  return prepared;
}

namespace {

// A document's writer in a segmented build: by its UTC day, so that
// documents of one recency bucket (an hour or a day, recency.h), which
// tie when their texts score the same, keep their input order after the
// merge (segments.h), and rank as in one database written in input order.
uint64_t SegmentRoute(const NewsDocument& doc) {
  if (!doc.published) return 0;
  return StableHash64(DayKey(StoredInstant(*doc.published)));
}

}  // namespace

IndexWriter::~IndexWriter() {
  // Errors here have nowhere to go; callers that care call Commit() first.
  (void)Commit();
}

absl::StatusOr<IndexWriter::Outcome> IndexWriter::Add(NewsDocument doc) {
  return Add(preparer_.Prepare(std::move(doc)));
}

absl::StatusOr<IndexWriter::Outcome> IndexWriter::Add(
    PreparedDocument prepared) {
  if (!failed_.ok()) return failed_;
  NewsDocument& doc = prepared.doc;
  Xapian::Document& xdoc = prepared.xdoc;
  try {
    const std::string id_term = schema::IdTerm(doc.id);
    bool existed = time_       ? false
                   : segments_ ? segments_->Contains(id_term)
                               : db_.term_exists(id_term);
    if (!options_.story_keys) {
      if (doc.story_key.empty()) {
        doc.story_key = HexHash(absl::StrCat("story\n", doc.id));
      }
    } else {
      // A segmented build knows its ids: no lookup for a new one.
      doc.story_key = story_keyer_.Assign(committed_, doc, prepared.sketch,
                                          !segments_ || existed);
      StoryKeyer::AddTo(prepared.sketch, xdoc);
    }
    FinishDocument(doc, &xdoc);
    if (segments_) {
      segments_->Write(id_term, SegmentRoute(doc), std::move(xdoc),
                       prepared.spelling);
    } else if (time_) {
      for (auto& [word, count] : prepared.spelling) spelling_[word] += count;
      ASSIGN_OR_RETURN(existed,
                       WriteTimeSharded(doc, id_term, std::move(xdoc)));
    } else {
      for (auto& [word, count] : prepared.spelling) spelling_[word] += count;
      db_.replace_document(id_term, xdoc);
      if (FlushDue(0)) db_.commit();
    }
    if (options_.story_keys)
      story_keyer_.Remember(committed_, doc, prepared.sketch);
    if (++pending_ >= options_.batch_size) {
      absl::Status status = Commit();
      if (!status.ok()) return status;
    }
    return existed ? Outcome::kReplaced : Outcome::kAdded;
  } catch (const Xapian::Error& e) {
    // Xapian flushes by itself too; a failed flush drops the batch.
    return Fail(XapianErrorToStatus(e, "Xapian"),
                "cannot index document '" + doc.id + "' into");
  }
}

bool IndexWriter::FlushDue(size_t database) {
  if (options_.flush_every <= 0) return false;
  if (since_flush_.size() <= database) since_flush_.resize(database + 1, 0);
  if (++since_flush_[database] < options_.flush_every) return false;
  since_flush_[database] = 0;
  return true;
}

absl::StatusOr<bool> IndexWriter::WriteTimeSharded(
    const NewsDocument& doc, const std::string& id_term,
    Xapian::Document xdoc) {
  std::optional<absl::Time> published;
  if (doc.published) published = StoredInstant(*doc.published);
  ASSIGN_OR_RETURN(const size_t shard,
                   time_->ShardFor(PeriodOf(time_->by(), published)));
  // Where a version of the document is now: written in this batch, or
  // committed (in the snapshot).
  std::vector<size_t> holders;
  if (auto it = pending_shard_.find(doc.id); it != pending_shard_.end()) {
    holders.push_back(it->second);
  }
  for (Xapian::PostingIterator p = committed_.postlist_begin(id_term);
       p != committed_.postlist_end(id_term); ++p) {
    const std::optional<size_t> holder = time_->ShardOfSnapshotDocid(*p);
    if (holder && std::find(holders.begin(), holders.end(), *holder) ==
                      holders.end()) {
      holders.push_back(*holder);
    }
  }
  for (size_t holder : holders) {
    if (holder == shard) continue;  // replaced there
    time_->thread(holder).Push([id_term](Xapian::WritableDatabase& db) {
      db.delete_document(id_term);
    });
  }
  const bool flush = FlushDue(shard);
  time_->thread(shard).Push(
      [id_term, xdoc = std::move(xdoc), flush](Xapian::WritableDatabase& db) {
        db.replace_document(id_term, xdoc);
        if (flush) db.commit();
      });
  pending_shard_[doc.id] = shard;
  return !holders.empty();
}

absl::Status IndexWriter::Fail(const absl::Status& status,
                               absl::string_view what) {
  failed_ = absl::Status(
      status.code(),
      absl::StrCat(what, " database '", path_, "': ", status.message(),
                   "; nothing more is written, the database keeps its last "
                   "commit"));
  return failed_;
}

absl::Status IndexWriter::Commit() {
  if (!failed_.ok()) return failed_;
  absl::Status status = CommitPending();
  if (!status.ok()) return Fail(status, "cannot commit to");
  return status;
}

void IndexWriter::WriteBatchMetadata() {
  story_keyer_.SaveFrequencies(db_);
  for (const auto& [word, count] : spelling_) db_.add_spelling(word, count);
  spelling_.clear();
  if (checkpoint_) {
    for (const auto& [key, value] : checkpoint_()) db_.set_metadata(key, value);
  }
  db_.set_metadata(schema::kLastCommitKey,
                   FormatTimestamp({absl::Now(), TimePrecision::kSecond}));
}

absl::Status IndexWriter::CommitSegmented() {
  // The segments, then the meta database with the checkpoint: a crash
  // between leaves documents a batch ahead, which replaying the batch
  // replaces.
  RETURN_IF_ERROR(segments_->CommitSegments());
  WriteBatchMetadata();
  db_.commit();
  ASSIGN_OR_RETURN(const bool rotated, segments_->Rotate());
  committed_ = segments_->snapshot();
  if (rotated) {
    // What was pending is in the snapshot now, whose docids are new.
    story_keyer_.ForgetPending();
    story_keyer_.ForgetDocids();
  }
  return absl::OkStatus();
}

absl::Status IndexWriter::CommitPending() {
  if (pending_ == 0) return absl::OkStatus();
  try {
    if (segments_) {
      RETURN_IF_ERROR(CommitSegmented());
      pending_ = 0;
      return absl::OkStatus();
    }
    if (time_) RETURN_IF_ERROR(time_->DrainAll());
    WriteBatchMetadata();
    bool renumbered = false;
    if (time_) {
      // The shards, then the lexicon with the checkpoint: a crash between
      // leaves documents a batch ahead, which replaying the batch makes good.
      RETURN_IF_ERROR(time_->CommitAll());
      pending_shard_.clear();
      renumbered = time_->Refresh();
      committed_ = time_->snapshot();
    } else {
      db_.commit();
      committed_.reopen();
    }
    pending_ = 0;
    since_flush_.assign(since_flush_.size(), 0);
    story_keyer_.ForgetPending();
    if (renumbered) story_keyer_.ForgetDays();  // docids of the old snapshot
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "Xapian");
  }
}

std::string IndexWriter::GetMetadata(const std::string& key) {
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
  if (segments_) {
    return absl::UnimplementedError("delete from a segmented build");
  }
  const Xapian::Query query = DeleteQuery(spec);
  if (query.empty()) {
    return absl::InvalidArgumentError(
        "delete needs ids, a source or a date range (it never deletes "
        "everything)");
  }
  RETURN_IF_ERROR(Commit());
  if (time_) return DeleteTimeSharded(query);
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

// Each shard in turn: its matches, deleted in committed batches.
absl::StatusOr<int64_t> IndexWriter::DeleteTimeSharded(
    const Xapian::Query& query) {
  RETURN_IF_ERROR(time_->DrainAll());  // the shards' handles are ours
  int64_t deleted = 0;
  try {
    for (size_t k = 0; k < time_->size(); ++k) {
      Xapian::WritableDatabase& db = time_->db(k);
      Xapian::Enquire enquire(db);
      enquire.set_query(query);
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
      std::vector<Xapian::docid> docids(mset.begin(), mset.end());
      for (Xapian::docid docid : docids) {
        db.delete_document(docid);
        ++deleted;
        if (++pending_ >= options_.batch_size) RETURN_IF_ERROR(Commit());
      }
    }
    RETURN_IF_ERROR(Commit());
    return deleted;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot delete");
  }
}

absl::StatusOr<bool> IndexWriter::WriteVariants(const NameVariants& variants) {
  RETURN_IF_ERROR(Commit());
  return variants.WriteSynonyms(db_);
}

}  // namespace newsearch
