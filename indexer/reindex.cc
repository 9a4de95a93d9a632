#include "common/facet_column_data.h"
#include "indexer/reindex.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <thread>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "indexer/db_layout.h"
#include "indexer/segments.h"
#include "newsearch/shard_stub.h"
#include "newsearch/status_macros.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

namespace fs = std::filesystem;

// Metadata of a build: the sources it is built from, so that a resumed
// build is one of the same sources.
constexpr char kBuildSourcesKey[] = "newsearch:build-sources";
// Metadata copied from the live database to the new one: what `fetch`
// remembers between runs (ETags, seen items).
constexpr char kCarriedPrefix[] = "newsearch:fetch:";
// IndexWriterOptions::flush_every for builds: 1,000 was a little faster
// than 2,000 and 1.1x faster than 4,000 on Reuters-21578 with two shards.
constexpr int kBuildFlushEvery = 1000;
// Documents each writer puts in a segment before it closes (segments.h).
constexpr int kBuildSegmentDocs = 25000;

// The database holding a build's metadata: its meta database when
// segmented.
std::string MetadataPath(const std::string& dir) {
  return Segments::IsSegmented(dir) ? Segments::Databases(dir).front() : dir;
}

// Metadata of a database or a build.
std::string ReadMetadata(const std::string& dir, const std::string& key) {
  try {
    return Xapian::Database(MetadataPath(dir)).get_metadata(key);
  } catch (const Xapian::Error&) {
    return "";
  }
}

// The next generation: live + 1. A build of it already there is one a
// crash or a stop interrupted: resumed if it is of the same sources.
struct Plan {
  int generation = 1;
  bool resume = false;
};

Plan PlanBuild(const std::string& db, const std::string& sources) {
  Plan plan;
  const std::optional<int> live = LiveGeneration(db);
  plan.generation = live ? *live + 1 : 1;
  const std::string build = BuildDir(db, plan.generation);
  std::error_code ec;
  if (fs::exists(build, ec)) {
    plan.resume = ReadMetadata(build, kBuildSourcesKey) == sources;
    if (!plan.resume) Discard(build);
  }
  return plan;
}

void RemoveAll(const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) Discard(dir);
}

// Copies what fetch remembers from the live database into `writer`.
absl::Status CarryMetadata(const std::string& db, IndexWriter& writer) {
  std::error_code ec;
  if (!fs::exists(db, ec)) return absl::OkStatus();
  try {
    Xapian::Database live(db);
    for (auto it = live.metadata_keys_begin(kCarriedPrefix);
         it != live.metadata_keys_end(kCarriedPrefix); ++it) {
      RETURN_IF_ERROR(writer.SetMetadata(*it, live.get_metadata(*it)));
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read " + db);
  }
  return absl::OkStatus();
}

// Compacts each database a time-sharded build's stub lists into `to`, and
// copies the stub (its paths are relative).
absl::Status CompactTimeShards(const std::string& stub, const std::string& to) {
  ASSIGN_OR_RETURN(const std::vector<StubShard> shards, ReadStub(stub));
  std::error_code ec;
  fs::create_directories(to, ec);
  try {
    for (const StubShard& shard : shards) {
      Xapian::Database(shard.path)
          .compact(to + "/" + fs::path(shard.path).filename().string());
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot compact the shards of " + stub);
  }
  fs::copy_file(stub, to + "/XAPIANDB", fs::copy_options::overwrite_existing,
                ec);
  if (ec) return absl::UnavailableError("cannot copy " + stub);
  return absl::OkStatus();
}

// Compacts a database, or merges a sharded build's shards, into `to`.
absl::Status Compact(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove_all(to, ec);  // a compaction a crash cut short
  if (const std::string stub = StubFileOf(from); !stub.empty()) {
    return CompactTimeShards(stub, to);
  }
  try {
    Xapian::Database source;
    if (Segments::IsSegmented(from)) {
      for (const std::string& path : Segments::Databases(from)) {
        source.add_database(Xapian::Database(path));
      }
    } else {
      source.add_database(Xapian::Database(from));
    }
    source.compact(to);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot compact " + from);
  }
  return absl::OkStatus();
}

// Ingests into the build directory and records what it was built from.
absl::StatusOr<IngestStats> Build(const ReindexOptions& options,
                                  const std::string& build,
                                  const std::vector<std::string>& inputs,
                                  const std::string& sources,
                                  const std::string& build_key,
                                  const DiagnosticSink& sink) {
  // Segments written by a thread each (segments.h); time shards write on a
  // thread each already. A build resumes in the layout it has.
  IndexWriterOptions writer_options = options.writer;
  std::error_code ec;
  const bool single = fs::exists(build + "/iamglass", ec);
  if (writer_options.shard_by == ShardBy::kNone && !single) {
    writer_options.shards = std::max(1, options.ingest.threads);
    writer_options.segment_docs = kBuildSegmentDocs;
  } else {
    writer_options.shards = 1;
  }
  if (writer_options.flush_every == 0)
    writer_options.flush_every = kBuildFlushEvery;
  ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> writer,
                   IndexWriter::Open(build, writer_options));
  RETURN_IF_ERROR(writer->SetMetadata(kBuildSourcesKey, build_key));
  RETURN_IF_ERROR(writer->Commit());
  IngestOptions ingest = options.ingest;
  ingest.inputs = inputs;
  ingest.resume = true;
  ASSIGN_OR_RETURN(IngestStats stats, Ingest(ingest, *writer, sink));
  if (stats.stopped) return stats;
  if (options.variants != nullptr) {
    RETURN_IF_ERROR(writer->WriteVariants(*options.variants).status());
  }
  RETURN_IF_ERROR(CarryMetadata(options.db, *writer));
  RETURN_IF_ERROR(writer->SetMetadata(kSourcesKey, sources));
  RETURN_IF_ERROR(writer->Commit());
  return stats;
}

}  // namespace

std::vector<std::string> RecordedSources(const std::string& metadata) {
  return absl::StrSplit(metadata, '\n', absl::SkipEmpty());
}

std::string MergeSources(const std::string& metadata,
                         const std::vector<std::string>& inputs) {
  std::vector<std::string> sources = RecordedSources(metadata);
  for (const std::string& input : inputs) {
    if (input == "-") continue;
    std::error_code ec;
    fs::path absolute = fs::absolute(input, ec);
    const std::string path = ec ? input : absolute.lexically_normal().string();
    if (std::find(sources.begin(), sources.end(), path) == sources.end()) {
      sources.push_back(path);
    }
  }
  return absl::StrJoin(sources, "\n");
}

namespace {

// Builds generation live + 1 from `inputs` (resuming a build of the same
// key), merges it and switches the database to it.
absl::StatusOr<ReindexResult> Rebuild(const ReindexOptions& options,
                                      const std::vector<std::string>& inputs,
                                      const std::string& sources,
                                      const std::string& build_key,
                                      const DiagnosticSink& sink) {
  const Plan plan = PlanBuild(options.db, build_key);
  const std::optional<int> live = LiveGeneration(options.db);
  if (live && *live == plan.generation) {
    return absl::InternalError("the new generation would be the live one");
  }
  // Abandoned builds of other sources, leftovers of crashed switches.
  RemoveAll(StaleDirectories(options.db, live.value_or(-1), plan.generation));

  ReindexResult result;
  result.resumed = plan.resume;
  const std::string build = BuildDir(options.db, plan.generation);
  const std::string target = GenerationDir(options.db, plan.generation);
  ASSIGN_OR_RETURN(result.stats,
                   Build(options, build, inputs, sources, build_key, sink));
  if (result.stats.stopped) {
    result.stopped = true;
    return result;
  }
  // Segments must be merged; a single database or time shards may be
  // used as they are.
  std::error_code ec;
  if (options.compact || Segments::IsSegmented(build)) {
    const absl::Time start = absl::Now();
    RETURN_IF_ERROR(Compact(build, target));
    result.compact_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  } else {
    fs::remove_all(target, ec);
    fs::rename(build, target, ec);
    if (ec) {
      return absl::UnavailableError("cannot rename " + build + ": " +
                                    ec.message());
    }
  }
  // Before the switch, so that the first searches of it have the column.
  result.facet_column = WriteFacetColumnFile(target);
  RETURN_IF_ERROR(SwitchTo(options.db, plan.generation));
  result.generation = plan.generation;
  // Only now: killed before the switch, the next run resumes this build.
  Discard(build);
  // Searches that began before the switch finish on the old generation.
  const std::vector<std::string> old =
      StaleDirectories(options.db, plan.generation, -1);
  if (!old.empty()) {
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(options.grace));
    RemoveAll(old);
  }
  return result;
}

}  // namespace

absl::StatusOr<ReindexResult> Reindex(const ReindexOptions& options,
                                      const DiagnosticSink& sink) {
  std::error_code ec;
  const bool exists = fs::exists(options.db, ec);
  const std::string recorded =
      exists ? ReadMetadata(options.db, kSourcesKey) : "";
  const std::string sources = options.ingest.inputs.empty()
                                  ? recorded
                                  : MergeSources("", options.ingest.inputs);
  if (sources.empty()) {
    return absl::InvalidArgumentError(
        "nothing to reindex from: give the inputs (the database records "
        "none)");
  }
  // A build resumes only a build of the same sources and layout.
  const std::string build_key =
      options.writer.shard_by == ShardBy::kNone
          ? sources
          : absl::StrCat(sources, "\n# time shards: ",
                         options.writer.shard_by == ShardBy::kYear ? "year"
                                                                   : "month");
  return Rebuild(options, RecordedSources(sources), sources, build_key, sink);
}

absl::StatusOr<ReindexResult> FirstLoad(const ReindexOptions& options,
                                        const DiagnosticSink& sink) {
  std::error_code ec;
  if (fs::exists(options.db, ec) || LiveGeneration(options.db)) {
    return absl::FailedPreconditionError(
        "a first load is for a database that does not exist yet: " +
        options.db);
  }
  const std::string sources = MergeSources("", options.ingest.inputs);
  // Standard input is read again from the start by a resumed load: what
  // was committed is replaced, not duplicated.
  return Rebuild(options, options.ingest.inputs, sources,
                 absl::StrCat("# first load\n", sources), sink);
}

}  // namespace newsearch
