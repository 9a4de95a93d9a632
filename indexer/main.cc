// newsindex: reads news and stores it in a Xapian database.
//
//   newsindex --db news.db data/sample ../shared/corpora/reuters21578.jsonl
//   newsindex add --db news.db more.jsonl        # the same: insert or replace
//   cat feed.jsonl | newsindex --db news.db -
//   newsindex reindex --db news.db               # rebuild, switch, no downtime
//   newsindex learn-topics --model topics.json labelled.jsonl
//   newsindex --db news.db --topic_model topics.json unlabelled.jsonl
//
// Documents without explicit topics get inferred ones (see ingest.h): from
// the taxonomy (--taxonomy) and, when given, a model learned beforehand with
// the learn-topics sub-command (--topic_model).
//
// Exit status: 0 when everything was indexed, 1 when some input was reported
// and skipped (the rest is indexed and committed), 2 on a usage error or when
// the database cannot be written, 3 when SIGINT or SIGTERM stopped it (what
// it wrote is committed; running it again finishes the work).
//
// Signals: SIGINT and SIGTERM stop a run cleanly after the document being
// written (a second one ends it at once, which is as safe as SIGKILL: every
// batch committed so far is kept).
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/facet_column_data.h"
#include "indexer/db_layout.h"
#include "indexer/fetch_news.h"
#include "indexer/identity.h"
#include "indexer/ingest.h"
#include "indexer/name_variants.h"
#include "indexer/news_record.h"
#include "indexer/progress.h"
#include "indexer/reindex.h"
#include "indexer/stop_signal.h"
#include "indexer/time_shards.h"
#include "indexer/topic_model.h"
#include "indexer/topic_tagger.h"
#include "newsearch/dates.h"
#include "newsearch/status_macros.h"

ABSL_FLAG(std::string, db, "", "Xapian database to create or update");
ABSL_FLAG(std::string, format, "auto",
          "input format: auto (by extension), jsonl or page");
ABSL_FLAG(std::string, page_tz, newsearch::kDefaultPageZone,
          "IANA time zone of the outlet for page-text times");
ABSL_FLAG(std::string, source, "",
          "outlet of page-text files (default: from the page's links)");
ABSL_FLAG(int, batch_size, 0,
          "documents per commit (0: 2000, or 20000 for reindex)");
ABSL_FLAG(bool, story_keys, true,
          "give near-duplicate reports one story key (off: faster indexing, "
          "every document its own story)");
ABSL_FLAG(bool, quiet, false,
          "no summary line and no progress bar (progress lines still every "
          "--progress_interval on long runs)");
ABSL_FLAG(int, threads, 0,
          "threads preparing documents (0: one per core); documents are "
          "written in input order whatever the number");
ABSL_FLAG(std::string, progress_interval, "10s",
          "progress lines on stderr this often when not on a terminal");
ABSL_FLAG(std::string, feeds, "",
          "fetch: file listing feed URLs, one a line ('#' comments)");
ABSL_FLAG(std::string, archive, "",
          "fetch: news.jsonl file fetched articles are appended to, a source "
          "for reindex (default: DB.fetched.jsonl)");
ABSL_FLAG(int, connections, 8, "fetch: transfers at once in all");
ABSL_FLAG(int, per_host, 2, "fetch: transfers at once to one host");
ABSL_FLAG(std::string, host_delay, "250ms",
          "fetch: least time between two transfers' starts to one host");
ABSL_FLAG(std::string, connect_timeout, "10s", "fetch: connect timeout");
ABSL_FLAG(std::string, fetch_timeout, "30s",
          "fetch: total time limit of one attempt");
ABSL_FLAG(int, retries, 3,
          "fetch: retries after network errors, 5xx and 429 (backoff "
          "doubling from --backoff)");
ABSL_FLAG(std::string, backoff, "500ms", "fetch: first retry's delay");
ABSL_FLAG(int, max_redirects, 5, "fetch: redirects followed");
ABSL_FLAG(int64_t, max_body, 10 << 20, "fetch: largest body read, bytes");
ABSL_FLAG(std::string, user_agent, "",
          "fetch: User-Agent (default: newsearch's own)");
ABSL_FLAG(bool, compact, true,
          "reindex: compact the new database before switching to it");
ABSL_FLAG(std::string, grace, "10s",
          "reindex: how long searches may keep using the old database after "
          "the switch before it is removed");
ABSL_FLAG(bool, infer_topics, true,
          "give documents without explicit topics inferred ones");
ABSL_FLAG(std::string, taxonomy, NEWSEARCH_DATA_DIR "/taxonomy.json",
          "topic taxonomy for inferred topics ('' for none)");
ABSL_FLAG(std::string, variants, NEWSEARCH_DATA_DIR "/variants.txt",
          "name variants list stored as the database's synonyms ('' to leave "
          "them as they are)");
ABSL_FLAG(bool, spelling, true,
          "add words to the spelling table for did-you-mean suggestions");
ABSL_FLAG(std::string, topic_model, "",
          "topic model written by learn-topics, tried before the taxonomy");
ABSL_FLAG(std::string, model, "", "learn-topics: the model file to write");
ABSL_FLAG(std::string, delete_source, "",
          "delete: only documents from this source");
ABSL_FLAG(std::string, from, "",
          "delete: only documents published at or after this date or time "
          "(UTC unless it has an offset)");
ABSL_FLAG(std::string, shard_by, "",
          "add: a new database cut into time shards, one per 'month' or "
          "'year' of publication (an existing one keeps its own); reindex: "
          "the new generation's layout, 'none' for one database (default: "
          "as the live one)");
ABSL_FLAG(std::string, until, "",
          "delete: only documents published at or before this date or time "
          "(the whole day for a date)");

namespace newsearch {
namespace {

constexpr int kExitSkipped = 1;
constexpr int kExitFatal = 2;
constexpr char kLearnTopics[] = "learn-topics";
constexpr char kDelete[] = "delete";
constexpr char kAdd[] = "add";
constexpr char kReindex[] = "reindex";
constexpr char kFetch[] = "fetch";
constexpr char kCompactShard[] = "compact-shard";

int Fail(const std::string& message) {
  std::cerr << "newsindex: error: " << message << "\n";
  return kExitFatal;
}

// Turns the flags into options once (Abseil tip #103).
absl::StatusOr<IngestOptions> OptionsFromFlags(
    std::vector<std::string> inputs) {
  IngestOptions options;
  options.inputs = std::move(inputs);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "jsonl") {
    options.format = InputFormat::kJsonl;
  } else if (format == "page") {
    options.format = InputFormat::kPageText;
  } else if (format != "auto") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--format must be auto, jsonl or page, not '", format, "'"));
  }
  absl::StatusOr<absl::TimeZone> zone = LoadZone(absl::GetFlag(FLAGS_page_tz));
  if (!zone.ok()) return zone.status();
  options.page.zone = *zone;
  options.page.source = absl::GetFlag(FLAGS_source);
  return options;
}

void Report(const Diagnostic& diagnostic) {
  std::cerr << diagnostic.ToString() << "\n";
}

// What topic inference reads, as the flags name it; both empty with
// --infer_topics=false. IngestOptions points into it.
struct TopicSources {
  std::optional<TopicTagger> tagger;
  std::optional<TopicModel> model;
};

absl::StatusOr<TopicSources> LoadTopicSources() {
  TopicSources sources;
  if (!absl::GetFlag(FLAGS_infer_topics)) return sources;
  const std::string taxonomy = absl::GetFlag(FLAGS_taxonomy);
  if (!taxonomy.empty()) {
    ASSIGN_OR_RETURN(sources.tagger, TopicTagger::LoadFile(taxonomy));
  }
  const std::string model = absl::GetFlag(FLAGS_topic_model);
  if (!model.empty()) {
    ASSIGN_OR_RETURN(sources.model, TopicModel::Load(model));
  }
  return sources;
}

constexpr int kExitStopped = 3;

int Threads() {
  const int flag = absl::GetFlag(FLAGS_threads);
  if (flag > 0) return flag;
  return std::max(1u, std::thread::hardware_concurrency());
}

// A bar on a terminal, lines otherwise or when quiet.
std::unique_ptr<ProgressReporter> MakeProgress(const std::string& what) {
  absl::Duration interval;
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_progress_interval), &interval) ||
      interval <= absl::ZeroDuration()) {
    interval = absl::Seconds(10);
  }
  const bool bar = ::isatty(STDERR_FILENO) && !absl::GetFlag(FLAGS_quiet);
  return std::make_unique<ProgressReporter>(
      bar ? ProgressReporter::Style::kBar : ProgressReporter::Style::kLines,
      what, std::cerr, interval);
}

// What add and reindex both need: inputs, topic sources, variants.
struct IndexSetup {
  IngestOptions ingest;
  TopicSources topics;
  std::optional<NameVariants> variants;
  IndexWriterOptions writer;
};

// --batch_size, where 0 means the mode's default. Live databases commit
// every 2,000 documents, so searches see them soon and Xapian inverts small
// batches faster. A reindex build has no readers, and its shards already
// flush every 1,000 documents (reindex.cc), so a larger batch only means
// fewer commits and spelling merges: 20,000 rebuilt Reuters-21578 in 0.93x
// the time of 2,000, with 31 MB more peak memory.
int BatchSize(bool build) {
  const int flag = absl::GetFlag(FLAGS_batch_size);
  if (flag > 0) return flag;
  return build ? 20000 : 2000;
}

absl::StatusOr<std::unique_ptr<IndexSetup>> SetupFromFlags(
    std::vector<std::string> inputs) {
  if (absl::GetFlag(FLAGS_batch_size) < 0) {
    return absl::InvalidArgumentError(
        "--batch_size must be >= 0 (0: the default)");
  }
  auto setup = std::make_unique<IndexSetup>();
  ASSIGN_OR_RETURN(setup->ingest, OptionsFromFlags(std::move(inputs)));
  ASSIGN_OR_RETURN(setup->topics, LoadTopicSources());
  if (setup->topics.tagger) setup->ingest.tagger = &*setup->topics.tagger;
  if (setup->topics.model) setup->ingest.topic_model = &*setup->topics.model;
  if (const std::string path = absl::GetFlag(FLAGS_variants); !path.empty()) {
    ASSIGN_OR_RETURN(setup->variants, NameVariants::LoadFile(path));
  }
  setup->ingest.threads = Threads();
  setup->ingest.stop = &StopRequested();
  // By name: IndexWriterOptions gains fields, and a positional list once
  // put --spelling into story_cache_reports.
  setup->writer.batch_size = BatchSize(/*build=*/false);
  setup->writer.story_keys = absl::GetFlag(FLAGS_story_keys);
  setup->writer.spelling = absl::GetFlag(FLAGS_spelling);
  ASSIGN_OR_RETURN(setup->writer.shard_by,
                   ParseShardBy(absl::GetFlag(FLAGS_shard_by)));
  return setup;
}

// What reindex and a first load share: a build of `setup`'s inputs into
// `db`, reporting to `progress` (which must outlive the options).
ReindexOptions BuildOptions(const std::string& db, const IndexSetup& setup,
                            ProgressReporter& progress) {
  ReindexOptions options;
  options.db = db;
  options.ingest = setup.ingest;
  options.ingest.progress = [&progress](const IngestProgress& p) {
    progress.Update(p);
  };
  options.writer = setup.writer;
  options.writer.batch_size = BatchSize(/*build=*/true);
  if (setup.variants) options.variants = &*setup.variants;
  return options;
}

// Writes the facet column file of the database directory `dir` at its
// last commit, from which one-shot searches count facets
// (common/facet_column_data.h). Without it they count more slowly: a
// warning, not an error.
void WarnFacetColumn(const absl::Status& written) {
  if (!written.ok()) {
    std::cerr << "newsindex: warning: " << written.message()
              << "; searches will count facets without it\n";
  }
}
void WriteFacetColumn(const std::string& dir) {
  WarnFacetColumn(WriteFacetColumnFile(dir));
}

// newsindex add into a database that does not exist yet: built as a
// reindex builds (segments on every thread, merged), as generation 1.
int RunFirstLoad(const std::string& db, const IndexSetup& setup) {
  std::unique_ptr<ProgressReporter> progress = MakeProgress("add");
  const ReindexOptions options = BuildOptions(db, setup, *progress);
  const DiagnosticSink sink = Report;
  absl::StatusOr<ReindexResult> result = FirstLoad(options, sink);
  progress->Finish();
  if (!result.ok()) return Fail(std::string(result.status().message()));
  WarnFacetColumn(result->facet_column);
  const IngestStats& stats = result->stats;
  if (!absl::GetFlag(FLAGS_quiet) || result->stopped) {
    std::cerr << "newsindex: " << (result->resumed ? "resumed, " : "")
              << stats.Summary()
              << (result->stopped ? " (stopped: run again to finish)"
                                  : absl::StrFormat(", compacted in %.2f s",
                                                    result->compact_seconds))
              << "\n";
  }
  if (result->stopped) return kExitStopped;
  return stats.skipped > 0 || stats.files_failed > 0 ? kExitSkipped : 0;
}

// newsindex [add] --db DB INPUT...: insert or replace.
int RunIndex(std::vector<std::string> inputs) {
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail("--db is required (see --help)");
  if (inputs.empty()) return Fail("no input given (see --help)");
  absl::StatusOr<std::unique_ptr<IndexSetup>> setup =
      SetupFromFlags(std::move(inputs));
  if (!setup.ok()) return Fail(std::string(setup.status().message()));
  absl::StatusOr<WriterLock> lock = WriterLock::Acquire(db);
  if (!lock.ok()) return Fail(std::string(lock.status().message()));
  std::error_code ec;
  if ((*setup)->writer.shard_by == ShardBy::kNone &&
      !std::filesystem::exists(db, ec) && !LiveGeneration(db)) {
    return RunFirstLoad(db, **setup);
  }
  absl::StatusOr<std::string> dir = ResolveForWriting(db);
  if (!dir.ok()) return Fail(std::string(dir.status().message()));
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(*dir, (*setup)->writer);
  if (!writer.ok()) return Fail(std::string(writer.status().message()));

  std::unique_ptr<ProgressReporter> progress = MakeProgress("add");
  (*setup)->ingest.progress = [&](const IngestProgress& p) {
    progress->Update(p);
  };
  const DiagnosticSink sink = Report;
  absl::StatusOr<IngestStats> stats = Ingest((*setup)->ingest, **writer, sink);
  progress->Finish();
  if (!stats.ok()) return Fail(std::string(stats.status().message()));
  if ((*setup)->variants && !stats->stopped) {
    absl::StatusOr<bool> written =
        (*writer)->WriteVariants(*(*setup)->variants);
    if (!written.ok()) return Fail(std::string(written.status().message()));
  }
  absl::Status recorded = (*writer)->SetMetadata(
      kSourcesKey, MergeSources((*writer)->GetMetadata(kSourcesKey),
                                (*setup)->ingest.inputs));
  if (recorded.ok()) recorded = (*writer)->Commit();
  if (!recorded.ok()) return Fail(std::string(recorded.message()));
  WriteFacetColumn(*dir);
  if (!absl::GetFlag(FLAGS_quiet) || stats->stopped) {
    std::cerr << "newsindex: " << stats->Summary()
              << (stats->stopped ? " (stopped: run again to finish)" : "")
              << "\n";
  }
  if (stats->stopped) return kExitStopped;
  return stats->skipped > 0 || stats->files_failed > 0 ? kExitSkipped : 0;
}

// newsindex reindex --db DB [INPUT...]
int RunReindex(std::vector<std::string> inputs) {
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail("--db is required (see --help)");
  absl::StatusOr<std::unique_ptr<IndexSetup>> setup =
      SetupFromFlags(std::move(inputs));
  if (!setup.ok()) return Fail(std::string(setup.status().message()));
  absl::Duration grace;
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_grace), &grace) ||
      grace < absl::ZeroDuration()) {
    return Fail("--grace must be a duration such as 10s");
  }
  absl::StatusOr<WriterLock> lock = WriterLock::Acquire(db);
  if (!lock.ok()) return Fail(std::string(lock.status().message()));
  std::unique_ptr<ProgressReporter> progress = MakeProgress("reindex");
  ReindexOptions options = BuildOptions(db, **setup, *progress);
  options.grace = grace;
  if (absl::GetFlag(FLAGS_shard_by).empty()) {  // keep the live layout
    const std::optional<int> live = LiveGeneration(options.db);
    absl::StatusOr<ShardBy> by = TimeShards::Detect(
        live ? GenerationDir(options.db, *live) : options.db);
    if (!by.ok()) return Fail(std::string(by.status().message()));
    options.writer.shard_by = *by;
  }
  options.compact = absl::GetFlag(FLAGS_compact);
  const DiagnosticSink sink = Report;
  absl::StatusOr<ReindexResult> result = Reindex(options, sink);
  progress->Finish();
  if (!result.ok()) return Fail(std::string(result.status().message()));
  WarnFacetColumn(result->facet_column);
  const IngestStats& stats = result->stats;
  if (result->stopped) {
    std::cerr << "newsindex: reindex stopped: " << stats.Summary()
              << "; the live database is unchanged, run again to resume\n";
    return kExitStopped;
  }
  if (!absl::GetFlag(FLAGS_quiet)) {
    std::cerr << "newsindex: reindex " << (result->resumed ? "resumed, " : "")
              << stats.Summary()
              << absl::StrFormat(", compacted in %.2f s",
                                 result->compact_seconds)
              << "; " << options.db << " now -> generation "
              << result->generation << "\n";
  }
  return stats.skipped > 0 || stats.files_failed > 0 ? kExitSkipped : 0;
}

// Parses a duration flag into `out`.
absl::Status DurationFlag(const std::string& name, const std::string& text,
                          absl::Duration* out) {
  if (absl::ParseDuration(text, out) && *out >= absl::ZeroDuration()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--", name, " must be a duration such as 10s, not '", text, "'"));
}

absl::StatusOr<FetcherOptions> FetcherOptionsFromFlags() {
  FetcherOptions options;
  options.max_connections = absl::GetFlag(FLAGS_connections);
  options.per_host_connections = absl::GetFlag(FLAGS_per_host);
  options.max_retries = absl::GetFlag(FLAGS_retries);
  options.max_redirects = absl::GetFlag(FLAGS_max_redirects);
  options.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_body));
  if (options.max_connections < 1 || options.per_host_connections < 1 ||
      options.max_retries < 0 || options.max_redirects < 0 ||
      absl::GetFlag(FLAGS_max_body) < 1) {
    return absl::InvalidArgumentError(
        "--connections and --per_host must be >= 1, --retries, "
        "--max_redirects >= 0, --max_body >= 1");
  }
  if (!absl::GetFlag(FLAGS_user_agent).empty()) {
    options.user_agent = absl::GetFlag(FLAGS_user_agent);
  }
  RETURN_IF_ERROR(DurationFlag("host_delay", absl::GetFlag(FLAGS_host_delay),
                               &options.per_host_delay));
  RETURN_IF_ERROR(DurationFlag("connect_timeout",
                               absl::GetFlag(FLAGS_connect_timeout),
                               &options.connect_timeout));
  RETURN_IF_ERROR(DurationFlag("fetch_timeout",
                               absl::GetFlag(FLAGS_fetch_timeout),
                               &options.total_timeout));
  RETURN_IF_ERROR(DurationFlag("backoff", absl::GetFlag(FLAGS_backoff),
                               &options.backoff_base));
  return options;
}

// newsindex fetch --db DB [--feeds FILE] [URL...]
int RunFetch(std::vector<std::string> urls) {
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail("--db is required (see --help)");
  FetchNewsOptions options;
  options.feeds = std::move(urls);
  if (const std::string list = absl::GetFlag(FLAGS_feeds); !list.empty()) {
    absl::StatusOr<std::vector<std::string>> listed = ReadFeedList(list);
    if (!listed.ok()) return Fail(std::string(listed.status().message()));
    options.feeds.insert(options.feeds.end(), listed->begin(), listed->end());
  }
  if (options.feeds.empty()) return Fail("fetch: no feed URL given");
  absl::StatusOr<FetcherOptions> fetcher = FetcherOptionsFromFlags();
  if (!fetcher.ok()) return Fail(std::string(fetcher.status().message()));
  options.fetcher = *fetcher;
  options.archive = absl::GetFlag(FLAGS_archive);
  if (options.archive.empty()) options.archive = db + ".fetched.jsonl";
  const absl::StatusOr<TopicSources> topics = LoadTopicSources();
  if (!topics.ok()) return Fail(std::string(topics.status().message()));
  if (topics->tagger) options.tagger = &*topics->tagger;
  if (topics->model) options.topic_model = &*topics->model;
  options.stop = &StopRequested();

  absl::StatusOr<WriterLock> lock = WriterLock::Acquire(db);
  if (!lock.ok()) return Fail(std::string(lock.status().message()));
  absl::StatusOr<std::string> dir = ResolveForWriting(db);
  if (!dir.ok()) return Fail(std::string(dir.status().message()));
  IndexWriterOptions writer_options;
  writer_options.batch_size = BatchSize(/*build=*/false);
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(*dir, writer_options);
  if (!writer.ok()) return Fail(std::string(writer.status().message()));
  const DiagnosticSink sink = Report;
  absl::StatusOr<FetchStats> stats = FetchNews(options, **writer, sink);
  if (!stats.ok()) return Fail(std::string(stats.status().message()));
  absl::Status recorded = (*writer)->SetMetadata(
      kSourcesKey,
      MergeSources((*writer)->GetMetadata(kSourcesKey), {options.archive}));
  if (recorded.ok()) recorded = (*writer)->Commit();
  if (!recorded.ok()) return Fail(std::string(recorded.message()));
  WriteFacetColumn(*dir);
  if (!absl::GetFlag(FLAGS_quiet) || stats->stopped) {
    std::cerr << "newsindex: fetch: " << stats->Summary()
              << (stats->stopped ? " (stopped: run again to finish)" : "")
              << "\n";
  }
  if (stats->stopped) return kExitStopped;
  return stats->failed() > 0 ? kExitSkipped : 0;
}

// newsindex learn-topics --model OUT.json INPUT...
int RunLearnTopics(const std::vector<std::string>& inputs) {
  const std::string path = absl::GetFlag(FLAGS_model);
  if (path.empty()) return Fail("learn-topics needs --model OUT.json");
  if (inputs.empty()) return Fail("learn-topics: no input given");
  int64_t skipped = 0;
  const std::vector<NewsDocument> documents =
      ReadPreparedRecords(inputs, Report, &skipped);
  const TopicModel model = TopicModel::Train(documents);
  if (model.label_count() == 0) {
    return Fail("learn-topics: no document has explicit topics to learn from");
  }
  if (absl::Status saved = model.Save(path); !saved.ok()) {
    return Fail(std::string(saved.message()));
  }
  if (!absl::GetFlag(FLAGS_quiet)) {
    std::cerr << absl::StrFormat(
        "newsindex: learned %d labels from %d documents (%d read, %d "
        "skipped), vocabulary %d words -> %s\n",
        model.label_count(), model.documents(), documents.size(), skipped,
        model.vocabulary_size(), path);
  }
  return skipped > 0 ? kExitSkipped : 0;
}

// The delete flags as a DeleteSpec; `ids` are the positional arguments.
absl::StatusOr<DeleteSpec> DeleteSpecFromFlags(std::vector<std::string> ids) {
  DeleteSpec spec;
  spec.ids = std::move(ids);
  spec.source = absl::GetFlag(FLAGS_delete_source);
  for (auto [text, bound, out] :
       {std::make_tuple(absl::GetFlag(FLAGS_from), Bound::kLower, &spec.from),
        std::make_tuple(absl::GetFlag(FLAGS_until), Bound::kUpper,
                        &spec.until)}) {
    if (text.empty()) continue;
    absl::StatusOr<absl::Time> t =
        ParseRangeBound(text, absl::UTCTimeZone(), bound);
    if (!t.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(bound == Bound::kLower ? "--from" : "--until", ": ",
                       t.status().message()));
    }
    *out = *t;
  }
  return spec;
}

// newsindex delete --db DB [--delete_source S] [--from X] [--until X] [ID...]
int RunDelete(std::vector<std::string> ids) {
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail("--db is required (see --help)");
  absl::StatusOr<DeleteSpec> spec = DeleteSpecFromFlags(std::move(ids));
  if (!spec.ok()) return Fail(std::string(spec.status().message()));
  IndexWriterOptions options;
  options.batch_size = BatchSize(/*build=*/false);
  absl::StatusOr<WriterLock> lock = WriterLock::Acquire(db);
  if (!lock.ok()) return Fail(std::string(lock.status().message()));
  absl::StatusOr<std::string> dir = ResolveForWriting(db);
  if (!dir.ok()) return Fail(std::string(dir.status().message()));
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(*dir, options);
  if (!writer.ok()) return Fail(std::string(writer.status().message()));
  absl::StatusOr<int64_t> deleted = (*writer)->Delete(*spec);
  if (!deleted.ok()) return Fail(std::string(deleted.status().message()));
  WriteFacetColumn(*dir);
  if (!absl::GetFlag(FLAGS_quiet)) {
    std::cerr << "newsindex: deleted " << *deleted << " document"
              << (*deleted == 1 ? "" : "s") << "\n";
  }
  return 0;
}

// newsindex compact-shard --db DB PERIOD...
int RunCompactShard(const std::vector<std::string>& periods) {
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail("--db is required (see --help)");
  if (periods.empty()) return Fail("compact-shard: no period given (1987-03)");
  absl::StatusOr<WriterLock> lock = WriterLock::Acquire(db);
  if (!lock.ok()) return Fail(std::string(lock.status().message()));
  const std::optional<int> live = LiveGeneration(db);
  const std::string dir = live ? GenerationDir(db, *live) : db;
  for (const std::string& period : periods) {
    absl::StatusOr<CompactShardResult> result = CompactTimeShard(dir, period);
    if (!result.ok()) return Fail(std::string(result.status().message()));
    if (!absl::GetFlag(FLAGS_quiet)) {
      std::cerr << absl::StrFormat("newsindex: %s compacted, %.1f -> %.1f MB\n",
                                   period, result->bytes_before / 1e6,
                                   result->bytes_after / 1e6);
    }
  }
  return 0;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "indexes news into a Xapian database.\n"
      "usage: newsindex [add] --db DB [options] INPUT...\n"
      "       newsindex reindex --db DB [--threads N] [--grace 10s] "
      "[INPUT...]\n"
      "       newsindex fetch --db DB [--feeds FILE] [FEED_URL...]\n"
      "       newsindex learn-topics --model OUT.json INPUT...\n"
      "       newsindex delete --db DB [--delete_source S] [--from X] "
      "[--until X] [ID...]\n"
      "       newsindex compact-shard --db DB PERIOD... (time shards: "
      "1987-03, 1987, undated)\n"
      "INPUT: a news.jsonl or page-text file, a directory (searched "
      "recursively for .jsonl/.ndjson/.json/.txt/.page) or - for stdin; "
      "learn-topics reads news.jsonl files and learns from the records with "
      "explicit topics");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> positional(args.begin() + 1, args.end());
  StartStopSignalThread("newsindex");
  if (!positional.empty() && positional.front() == kLearnTopics) {
    positional.erase(positional.begin());
    return RunLearnTopics(positional);
  }
  if (!positional.empty() && positional.front() == kDelete) {
    positional.erase(positional.begin());
    return RunDelete(std::move(positional));
  }
  if (!positional.empty() && positional.front() == kFetch) {
    positional.erase(positional.begin());
    return RunFetch(std::move(positional));
  }
  if (!positional.empty() && positional.front() == kCompactShard) {
    positional.erase(positional.begin());
    return RunCompactShard(positional);
  }
  if (!positional.empty() && positional.front() == kReindex) {
    positional.erase(positional.begin());
    return RunReindex(std::move(positional));
  }
  if (!positional.empty() && positional.front() == kAdd) {
    positional.erase(positional.begin());
  }
  return RunIndex(std::move(positional));
}

}  // namespace
}  // namespace newsearch

int main(int argc, char** argv) { return newsearch::Run(argc, argv); }
