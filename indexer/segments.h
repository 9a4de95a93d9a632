// A build written as bounded segments, the way Lucene keeps its indexing
// rate flat: a database that grows makes each flush merge into bigger
// B-trees (a reindex fell from 699 documents/s at 20k to 329 at 1M), so a
// build writes many small databases instead and merges them once, by
// compaction (reindex.h).
//
// Layout of a build directory:
//   meta/       metadata (checkpoints, sources, story frequencies), synonyms
//   seg000000/  segments: documents, values, positions and their spelling
//   seg000001/  words; each written by one writer thread, never reopened for
//   ...         writing once closed, except to delete a replaced document
//
// `writers` segments are open at a time, one per thread (shard_thread.h).
// The caller routes each document by a key: documents of one key keep
// their input order, as documents merged by compaction keep the order of
// the segments (IndexWriter routes by published day, so documents that
// tie in score, mostly of one recency bucket, rank as one database written
// in input order ranks them). A commit
// (a checkpoint) commits the open segments, then the meta database; once
// the open segments hold segment_docs documents each, they close together
// and join the snapshot, and new ones open.
//
// The snapshot is a read-only Database of the closed segments only, so the
// commits and flushes of open segments never discard a revision it reads
// (which glass does to a reader two commits behind). What the open segments
// hold the caller keeps in memory (the story keyer's pending reports).
//
// A document whose id is in a closed segment (the input repeats it, or a
// resumed build replays a batch) is written to its open segment, and its
// old version deleted at the next commit, before the checkpoint; an old
// version in another writer's open segment is deleted there. Ids are
// known by a 64-bit hash of the id term; a collision only reports a new
// document as replaced and deletes nothing (the other id is not there).
//
// Opening an existing build (a resume) closes every segment it has and
// reads their ids. Not thread-safe: one owner thread (the IndexWriter's).
#ifndef NEWSEARCH_INDEXER_SEGMENTS_H_
#define NEWSEARCH_INDEXER_SEGMENTS_H_

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "indexer/shard_thread.h"

namespace newsearch {

struct SegmentOptions {
  int writers = 2;            // open segments, one thread each
  int segment_docs = 25000;   // documents a segment holds before it closes
  int flush_every = 1000;     // each open segment commits this often (0: not)
};

class Segments {
 public:
  // Opens or creates the build directory `dir`.
  static absl::StatusOr<std::unique_ptr<Segments>> Open(
      const std::string& dir, const SegmentOptions& options);
  // True when `dir` is a segmented build (it has a meta database).
  static bool IsSegmented(const std::string& dir);
  // The databases of a build, in the order compaction merges them: meta,
  // then the segments by number.
  static std::vector<std::string> Databases(const std::string& dir);

  ~Segments();  // the writer threads finish what is queued
  Segments(const Segments&) = delete;
  Segments& operator=(const Segments&) = delete;

  // Whether a document with this id term was written (committed or not).
  bool Contains(const std::string& id_term) const;
  // Queues `xdoc` for the open segment of `route`'s writer (moved: Xapian
  // handles count references without atomics, so no copy may stay on this
  // thread) with its spelling words.
  void Write(const std::string& id_term, uint64_t route, Xapian::Document xdoc,
             const std::vector<std::pair<std::string, Xapian::termcount>>&
                 spelling);

  // Deletes replaced versions from closed segments, then commits the open
  // segments, in parallel. The caller then commits meta() (the checkpoint)
  // and calls Rotate(). Errors name the segment.
  absl::Status CommitSegments();
  // Closes the open segments if they are full; true when it did, so the
  // snapshot holds more segments and numbers documents anew.
  absl::StatusOr<bool> Rotate();

  // Metadata and synonyms; on the owner thread.
  Xapian::WritableDatabase& meta() { return meta_; }
  // The closed segments (see above); valid until the next CommitSegments.
  const Xapian::Database& snapshot() const { return snapshot_; }
  // Documents committed in all segments (waits for the writer threads).
  absl::StatusOr<Xapian::doccount> CommittedCount();

 private:
  struct Writer;
  Segments(std::string dir, SegmentOptions options,
           Xapian::WritableDatabase meta);
  absl::Status LoadClosed();
  absl::Status OpenWriters();
  std::string SegmentPath(int number) const;
  // Deletes the version of `id_term` in segment `number`: now if it is
  // open, at the next commit if closed.
  void ForgetOldVersion(const std::string& id_term, int number);
  absl::Status DeleteReplaced();
  void BuildSnapshot();
  absl::Status DrainAll();

  const std::string dir_;
  SegmentOptions options_;
  Xapian::WritableDatabase meta_;
  std::vector<int> closed_;  // segment numbers, ascending
  std::vector<std::unique_ptr<Writer>> writers_;
  int next_number_ = 0;
  // Hash of each id term written -> the segment number holding it.
  absl::flat_hash_map<uint64_t, int> ids_;
  // Closed segment number -> id terms of replaced versions to delete.
  absl::flat_hash_map<int, std::vector<std::string>> replaced_;
  Xapian::Database snapshot_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_SEGMENTS_H_
