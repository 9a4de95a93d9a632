#include "indexer/segments.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "newsearch/status_macros.h"
#include "newsearch/text.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

namespace fs = std::filesystem;

constexpr char kMetaName[] = "meta";
constexpr char kSegmentPrefix[] = "seg";

// The segment numbers in `dir`, ascending.
std::vector<int> SegmentNumbers(const std::string& dir) {
  std::vector<int> numbers;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    absl::string_view digits = name;
    int number = 0;
    if (absl::ConsumePrefix(&digits, kSegmentPrefix) &&
        absl::SimpleAtoi(digits, &number) && number >= 0) {
      numbers.push_back(number);
    }
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

// A database that has no postings on disk: what is left of a segment
// killed while Xapian created it (its version file may be cut short), which
// never committed a document. One that did is never dropped, even if it no
// longer opens.
bool HoldsNoPostings(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path + "/postlist.glass", ec);
  return ec || size == 0;
}

std::string NumberedPath(const std::string& dir, int number) {
  return absl::StrFormat("%s/%s%06d", dir, kSegmentPrefix, number);
}

}  // namespace

// An open segment and the thread that writes it.
struct Segments::Writer {
  int number = 0;  // of the open segment
  int docs = 0;    // written to it
  int since_flush = 0;
  // Spelling words of the documents written since the last commit.
  absl::flat_hash_map<std::string, Xapian::termcount> spelling;
  std::unique_ptr<ShardThread> thread;
};

bool Segments::IsSegmented(const std::string& dir) {
  std::error_code ec;
  return fs::exists(absl::StrCat(dir, "/", kMetaName, "/iamglass"), ec);
}

std::vector<std::string> Segments::Databases(const std::string& dir) {
  std::vector<std::string> paths = {absl::StrCat(dir, "/", kMetaName)};
  for (int number : SegmentNumbers(dir)) {
    paths.push_back(NumberedPath(dir, number));
  }
  return paths;
}

absl::StatusOr<std::unique_ptr<Segments>> Segments::Open(
    const std::string& dir, const SegmentOptions& options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create '", dir, "': ", ec.message()));
  }
  std::unique_ptr<Segments> segments;
  try {
    segments.reset(new Segments(
        dir, options,
        Xapian::WritableDatabase(absl::StrCat(dir, "/", kMetaName),
                                 Xapian::DB_CREATE_OR_OPEN)));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, "cannot open database '" + dir + "' for writing");
  }
  RETURN_IF_ERROR(segments->LoadClosed());
  RETURN_IF_ERROR(segments->OpenWriters());
  return segments;
}

Segments::Segments(std::string dir, SegmentOptions options,
                   Xapian::WritableDatabase meta)
    : dir_(std::move(dir)), options_(options), meta_(std::move(meta)) {
  options_.writers = std::max(options_.writers, 1);
  options_.segment_docs = std::max(options_.segment_docs, 1);
}

Segments::~Segments() {
  // Each thread's handle closes on its own thread.
  writers_.clear();
}

std::string Segments::SegmentPath(int number) const {
  return NumberedPath(dir_, number);
}

// Every segment already there is closed: what a crash left of an open one
// is committed (or was never committed, and holds nothing).
absl::Status Segments::LoadClosed() {
  for (int number : SegmentNumbers(dir_)) {
    const std::string path = SegmentPath(number);
    next_number_ = number + 1;
    std::error_code ec;
    if (!fs::exists(path + "/iamglass", ec)) {  // cut short while created
      fs::remove_all(path, ec);
      continue;
    }
    try {
      Xapian::Database db(path);
      for (auto it = db.allterms_begin("Q"); it != db.allterms_end("Q");
           ++it) {
        ids_[StableHash64(*it)] = number;
      }
    } catch (const Xapian::Error& e) {
      if (HoldsNoPostings(path)) {  // killed while Xapian created it
        fs::remove_all(path, ec);
        continue;
      }
      return XapianErrorToStatus(e, "cannot read segment '" + path + "'");
    }
    closed_.push_back(number);
  }
  BuildSnapshot();
  return absl::OkStatus();
}

absl::Status Segments::OpenWriters() {
  try {
    for (int k = 0; k < options_.writers; ++k) {
      auto writer = std::make_unique<Writer>();
      writer->number = next_number_++;
      const std::string path = SegmentPath(writer->number);
      writer->thread = std::make_unique<ShardThread>(
          Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN), path);
      writers_.push_back(std::move(writer));
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot create a segment in '" + dir_ + "'");
  }
  return absl::OkStatus();
}

void Segments::BuildSnapshot() {
  snapshot_ = Xapian::Database();
  for (int number : closed_) {
    snapshot_.add_database(Xapian::Database(SegmentPath(number)));
  }
}

bool Segments::Contains(const std::string& id_term) const {
  return ids_.contains(StableHash64(id_term));
}

void Segments::Write(
    const std::string& id_term, uint64_t route, Xapian::Document xdoc,
    const std::vector<std::pair<std::string, Xapian::termcount>>& spelling) {
  Writer& writer = *writers_[route % writers_.size()];
  auto [it, added] = ids_.try_emplace(StableHash64(id_term), writer.number);
  if (!added && it->second != writer.number) {
    ForgetOldVersion(id_term, it->second);
    it->second = writer.number;
  }
  for (const auto& [word, count] : spelling) writer.spelling[word] += count;
  ++writer.docs;
  bool flush = false;
  if (options_.flush_every > 0 && ++writer.since_flush >= options_.flush_every) {
    writer.since_flush = 0;
    flush = true;
  }
  writer.thread->Push([id_term, xdoc = std::move(xdoc),
                       flush](Xapian::WritableDatabase& db) {
    db.replace_document(id_term, xdoc);
    if (flush) db.commit();
  });
}

void Segments::ForgetOldVersion(const std::string& id_term, int number) {
  for (auto& other : writers_) {
    if (other->number != number) continue;
    other->thread->Push([id_term](Xapian::WritableDatabase& db) {
      db.delete_document(id_term);
    });
    return;
  }
  replaced_[number].push_back(id_term);  // closed: deleted at the commit
}

absl::Status Segments::DrainAll() {
  absl::Status status = absl::OkStatus();
  for (auto& writer : writers_) {
    absl::Status drained = writer->thread->Drain();
    if (status.ok()) status = drained;
  }
  return status;
}

absl::Status Segments::DeleteReplaced() {
  if (replaced_.empty()) return absl::OkStatus();
  for (auto& [number, id_terms] : replaced_) {
    const std::string path = SegmentPath(number);
    try {
      Xapian::WritableDatabase db(path, Xapian::DB_OPEN);
      for (const std::string& id_term : id_terms) db.delete_document(id_term);
      db.commit();
    } catch (const Xapian::Error& e) {
      return XapianErrorToStatus(
          e, "cannot delete replaced documents from '" + path + "'");
    }
  }
  replaced_.clear();
  // One commit behind is still readable; reopen before the next.
  snapshot_.reopen();
  return absl::OkStatus();
}

absl::Status Segments::CommitSegments() {
  RETURN_IF_ERROR(DrainAll());
  RETURN_IF_ERROR(DeleteReplaced());
  for (auto& writer : writers_) {
    writer->since_flush = 0;
    writer->thread->Push([spelling = std::move(writer->spelling)](
                             Xapian::WritableDatabase& db) {
      for (const auto& [word, count] : spelling) db.add_spelling(word, count);
      db.commit();
    });
    writer->spelling.clear();  // moved-from: empty it for sure
  }
  return DrainAll();
}

absl::StatusOr<bool> Segments::Rotate() {
  bool full = false;
  for (const auto& writer : writers_) {
    full |= writer->docs >= options_.segment_docs;
  }
  if (!full) return false;
  RETURN_IF_ERROR(DrainAll());
  for (auto& writer : writers_) {
    closed_.push_back(writer->number);
    writer->number = next_number_++;
    writer->docs = 0;
    writer->thread->Push(
        [path = SegmentPath(writer->number)](Xapian::WritableDatabase& db) {
          db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
        });
  }
  try {
    BuildSnapshot();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read the segments of '" + dir_ + "'");
  }
  return true;
}

absl::StatusOr<Xapian::doccount> Segments::CommittedCount() {
  RETURN_IF_ERROR(DrainAll());  // the segments Rotate opened exist
  try {
    Xapian::Database all;
    for (const std::string& path : Databases(dir_)) {
      all.add_database(Xapian::Database(path));
    }
    return all.get_doccount();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read the segments of '" + dir_ + "'");
  }
}

}  // namespace newsearch
