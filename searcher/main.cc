// newsearch: searches a newsearch database from the command line.
//
//   newsearch --db news.db 'peace talks date:7d'
//   newsearch --db news.db --json --facets date,topic --filter topic=grain oil
//   newsearch --db news.db --sort newest 'topic:grain'
//
// Flags may be spelled with '-' or '_' (--half-life, --half_life); --filter
// may be repeated. Exit status: 0 on success (also when nothing matched), 1
// for a malformed query or request, 2 for a usage error or a database that
// cannot be read.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "newsearch/dates.h"
#include "newsearch/search_json.h"
#include "newsearch/searcher.h"
#include "newsearch/status_macros.h"
#include "searcher/cli_args.h"
#include "searcher/http_server.h"
#include "searcher/terminal_output.h"

ABSL_FLAG(std::string, db, "", "database: a Xapian database or stub file");
ABSL_FLAG(int, limit, 10, "results per page");
ABSL_FLAG(int, offset, 0, "results to skip");
ABSL_FLAG(std::string, sort, "hybrid",
          "hybrid (relevance and recency), relevance, newest or oldest");
ABSL_FLAG(std::string, now, "",
          "the clock for recency and relative dates (RFC 3339 or a date; "
          "default: the current time)");
ABSL_FLAG(std::string, half_life, "7d",
          "hybrid: age at which the recency boost halves (90m, 36h, 7d, 2w)");
ABSL_FLAG(double, recency_weight, newsearch::kDefaultRecencyWeight,
          "hybrid: largest boost as a share of the query's best possible "
          "BM25 score; 0 gives the pure relevance order");
ABSL_FLAG(std::string, tz, "UTC",
          "IANA time zone for dates in the query and the date histogram");
ABSL_FLAG(std::string, lang, "en", "language of the query (stemmer)");
ABSL_FLAG(std::string, facets, "",
          "comma-separated facets to count: date,topic,source,kind,section");
ABSL_FLAG(std::string, interval, "auto",
          "date histogram buckets: hour, day, week, month, year or auto");
ABSL_FLAG(int, facet_size, 10, "values shown per facet; the rest are summed");
ABSL_FLAG(std::string, count, "",
          "what facets count: stories or reports (default: stories when "
          "folded, reports with --no-fold)");
ABSL_FLAG(bool, explain, false, "show each score's BM25 and recency parts");
ABSL_FLAG(bool, fold, true,
          "one result per story, with the count and outlets of the other "
          "reports (--nofold or --no-fold shows every report)");
ABSL_FLAG(std::string, story, "",
          "list every report of story KEY in time order (the story's "
          "timeline), instead of a query");
ABSL_FLAG(bool, json, false, "print the JSON contract instead of text");
ABSL_FLAG(std::string, listen, "127.0.0.1:8080",
          "serve: HOST:PORT to listen on (port 0: any free port)");
ABSL_FLAG(std::string, port_file, "",
          "serve: write the port listened on to this file once listening");
ABSL_FLAG(int, threads, 32,
          "serve: worker threads (each open connection holds one)");
ABSL_FLAG(int, max_queued, 64,
          "serve: connections that may wait for a worker; beyond them, and "
          "after --queue_wait, 503 at once");
ABSL_FLAG(std::string, queue_wait, "2s",
          "serve: longest wait for a worker before a 503");
ABSL_FLAG(std::string, read_timeout, "5s",
          "serve: time a client has to send a whole request");
ABSL_FLAG(std::string, keepalive_timeout, "5s",
          "serve: time an idle kept-alive connection holds its worker");
ABSL_FLAG(std::string, timeout, "10s",
          "serve: time limit of one search (then counts are estimates)");
ABSL_FLAG(std::string, cors_origin, "",
          "serve: comma-separated origins allowed cross-origin requests "
          "('*' for any; default: none)");
ABSL_FLAG(bool, facet_cache, true,
          "serve: keep every document's facet values in memory (about 40 "
          "bytes a document, rebuilt after each commit) so that exact facets "
          "read no values from disk");
ABSL_FLAG(std::string, color, "auto", "auto (on a terminal), always or never");
ABSL_FLAG(bool, allow_partial, false,
          "sharded databases: when shards are down, show the results of the "
          "rest, marked partial, instead of failing");
ABSL_FLAG(bool, prune_shards, true,
          "sharded databases: leave out time shards the query's dates rule "
          "out (BM25 statistics then come from the shards searched)");
ABSL_FLAG(std::string, shard_timeout, "10s",
          "longest wait for a remote shard's answer");
ABSL_FLAG(std::string, shard_connect_timeout, "5s",
          "longest wait for a connection to a remote shard");
ABSL_FLAG(std::string, shard_retry, "2s",
          "how long a shard that failed is left alone before it is tried "
          "again");

namespace newsearch {
namespace {

constexpr int kExitBadQuery = 1;
constexpr int kExitFatal = 2;

int Fail(int code, const std::string& message) {
  std::cerr << "newsearch: error: " << message << "\n";
  return code;
}

absl::StatusOr<bool> UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (mode == "auto") return isatty(STDOUT_FILENO) == 1;
  return absl::InvalidArgumentError(
      absl::StrCat("--color must be auto, always or never, not '", mode, "'"));
}

// The flags that shape ranking and dates.
absl::Status RankingFromFlags(SearchRequest* request) {
  ASSIGN_OR_RETURN(request->sort, ParseSortOrder(absl::GetFlag(FLAGS_sort)));
  const std::string now = absl::GetFlag(FLAGS_now);
  if (!now.empty()) {
    absl::StatusOr<Timestamp> t = ParseTimestamp(now);
    if (!t.ok())
      return absl::InvalidArgumentError(
          absl::StrCat("--now: ", t.status().message()));
    request->now = t->time;
  }
  ASSIGN_OR_RETURN(request->half_life,
                   ParseHalfLife(absl::GetFlag(FLAGS_half_life)));
  request->recency_weight = absl::GetFlag(FLAGS_recency_weight);
  request->time_zone = absl::GetFlag(FLAGS_tz);
  return absl::OkStatus();
}

// Turns the flags into a request once (Abseil tip #103).
absl::StatusOr<SearchRequest> RequestFromFlags(const CliArgs& args,
                                               bool color) {
  SearchRequest request;
  request.query = absl::StrJoin(args.positional, " ");
  request.filters = args.filters;
  RETURN_IF_ERROR(RankingFromFlags(&request));
  request.limit = absl::GetFlag(FLAGS_limit);
  request.offset = absl::GetFlag(FLAGS_offset);
  request.language = absl::GetFlag(FLAGS_lang);
  request.facets =
      absl::StrSplit(absl::GetFlag(FLAGS_facets), ',', absl::SkipEmpty());
  ASSIGN_OR_RETURN(request.date_interval,
                   ParseDateInterval(absl::GetFlag(FLAGS_interval)));
  request.facet_size = absl::GetFlag(FLAGS_facet_size);
  request.explain = absl::GetFlag(FLAGS_explain);
  request.fold = absl::GetFlag(FLAGS_fold);
  request.allow_partial = absl::GetFlag(FLAGS_allow_partial);
  request.prune_shards = absl::GetFlag(FLAGS_prune_shards);
  if (const std::string count = absl::GetFlag(FLAGS_count); !count.empty()) {
    ASSIGN_OR_RETURN(request.facet_count, ParseFacetCount(count));
  }
  const std::string story = absl::GetFlag(FLAGS_story);
  if (!story.empty()) {
    // A story's timeline: all its reports, oldest first.
    request.query = absl::StrCat("story:", story);
    request.fold = false;
    request.sort = SortOrder::kOldest;
    request.limit = kMaxLimit;
  }
  if (!absl::GetFlag(FLAGS_json)) {
    const TerminalMarks marks = TerminalHighlight(color);
    request.highlight_start = marks.start;
    request.highlight_end = marks.end;
  }
  return request;
}

// The shard flags, as SearcherOptions.
absl::StatusOr<SearcherOptions> SearcherOptionsFromFlags() {
  SearcherOptions options;
  options.facet_cache = absl::GetFlag(FLAGS_facet_cache);
  const std::pair<const char*, absl::Duration*> durations[] = {
      {"shard_timeout", &options.shards.remote_timeout},
      {"shard_connect_timeout", &options.shards.connect_timeout},
      {"shard_retry", &options.shards.retry_after}};
  const std::string values[] = {absl::GetFlag(FLAGS_shard_timeout),
                                absl::GetFlag(FLAGS_shard_connect_timeout),
                                absl::GetFlag(FLAGS_shard_retry)};
  for (size_t i = 0; i < 3; ++i) {
    if (!absl::ParseDuration(values[i], durations[i].second) ||
        *durations[i].second < absl::ZeroDuration() ||
        (i < 2 && *durations[i].second < absl::Milliseconds(1))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", durations[i].first, " must be a duration (10s, 500ms), not '",
          values[i], "'"));
    }
  }
  return options;
}

// Turns the serve flags into options once.
absl::StatusOr<ServerOptions> ServerOptionsFromFlags() {
  ServerOptions options;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &options.port) ||
      options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen must be HOST:PORT, not '", listen, "'"));
  }
  options.host = listen.substr(0, colon);
  if (absl::StartsWith(options.host, "[") &&
      absl::EndsWith(options.host, "]")) {  // [::1]
    options.host = options.host.substr(1, options.host.size() - 2);
  }
  options.threads = absl::GetFlag(FLAGS_threads);
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_timeout),
                           &options.request_timeout) ||
      options.request_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--timeout must be a duration (10s)");
  }
  options.max_queued = absl::GetFlag(FLAGS_max_queued);
  const std::pair<const char*, absl::Duration*> durations[] = {
      {"queue_wait", &options.max_queue_wait},
      {"read_timeout", &options.read_timeout},
      {"keepalive_timeout", &options.keep_alive_timeout}};
  const std::string values[] = {absl::GetFlag(FLAGS_queue_wait),
                                absl::GetFlag(FLAGS_read_timeout),
                                absl::GetFlag(FLAGS_keepalive_timeout)};
  for (size_t i = 0; i < 3; ++i) {
    if (!absl::ParseDuration(values[i], durations[i].second) ||
        *durations[i].second < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", durations[i].first,
                       " must be a duration (5s), not '", values[i], "'"));
    }
  }
  options.cors_origins =
      absl::StrSplit(absl::GetFlag(FLAGS_cors_origin), ',', absl::SkipEmpty());
  options.allow_partial = absl::GetFlag(FLAGS_allow_partial);
  options.prune_shards = absl::GetFlag(FLAGS_prune_shards);
  return options;
}

// Writes `port` to `path` whole (a reader polling for it never sees half).
absl::Status WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

// `newsearch serve`: until SIGINT or SIGTERM, which a thread of its own
// waits for (a signal handler may not stop the server).
int Serve(Searcher& searcher) {
  absl::StatusOr<ServerOptions> options = ServerOptionsFromFlags();
  if (!options.ok())
    return Fail(kExitFatal, std::string(options.status().message()));
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by workers
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Create(&searcher, *options);
  if (!server.ok())
    return Fail(kExitFatal, std::string(server.status().message()));
  std::cerr << "newsearch: serving " << absl::GetFlag(FLAGS_db) << " on http://"
            << options->host << ":" << (*server)->port() << "/\n";
  if (const std::string file = absl::GetFlag(FLAGS_port_file); !file.empty()) {
    absl::Status written = WritePortFile(file, (*server)->port());
    if (!written.ok()) return Fail(kExitFatal, std::string(written.message()));
  }
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "newsearch: stopping on signal " << signal << "\n";
    (*server)->Stop();
  });
  absl::Status status = (*server)->Run();
  // Run() also ends on its own (an error): wake the waiter.
  // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread): it is in sigwait()
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!status.ok()) return Fail(kExitFatal, std::string(status.message()));
  return 0;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "searches a newsearch database.\n"
      "usage: newsearch --db DB [options] [--filter FACET=VALUE]... QUERY...\n"
      "       newsearch serve --db DB [--listen HOST:PORT] [--threads N] "
      "[--timeout 10s] [--cors_origin ORIGINS] [--port_file FILE] "
      "[--max_queued 64] [--queue_wait 2s] [--read_timeout 5s] "
      "[--keepalive_timeout 5s]\n"
      "sharded databases (a stub file): [--allow_partial] "
      "[--shard_timeout 10s] [--shard_connect_timeout 5s] [--shard_retry 2s]\n"
      "QUERY: Xapian QueryParser syntax (AND OR NOT \"phrase\" NEAR word*), "
      "prefixes title: topic: kind: source: section: lang: author: place: "
      "story: id:, dates date:2025-12-01..2025-12-21 (either end open), "
      "date:2025-12-21, date:today, date:yesterday, date:24h, date:7d, "
      "since:X, until:X");
  absl::StatusOr<CliArgs> cli = PreparseArgs(argc, argv);
  if (!cli.ok()) return Fail(kExitFatal, std::string(cli.status().message()));
  std::vector<char*> rest = absl::ParseCommandLine(
      static_cast<int>(cli->argv.size()), cli->argv.data());
  cli->positional.assign(rest.begin() + 1, rest.end());

  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) return Fail(kExitFatal, "--db is required (see --help)");
  if (!cli->positional.empty() && cli->positional[0] == "serve") {
    if (cli->positional.size() > 1) {
      return Fail(kExitFatal, "serve takes no query (see --help)");
    }
    absl::StatusOr<SearcherOptions> options = SearcherOptionsFromFlags();
    if (!options.ok())
      return Fail(kExitFatal, std::string(options.status().message()));
    absl::StatusOr<std::unique_ptr<Searcher>> searcher =
        Searcher::Open(db, *options);
    if (!searcher.ok())
      return Fail(kExitFatal, std::string(searcher.status().message()));
    return Serve(**searcher);
  }
  absl::StatusOr<bool> color = UseColor(absl::GetFlag(FLAGS_color));
  if (!color.ok())
    return Fail(kExitFatal, std::string(color.status().message()));
  absl::StatusOr<SearchRequest> request = RequestFromFlags(*cli, *color);
  if (!request.ok())
    return Fail(kExitFatal, std::string(request.status().message()));

  // One search: building the facet values in memory would cost more than
  // it saves; the file newsindex wrote is read when it is current.
  absl::StatusOr<SearcherOptions> options = SearcherOptionsFromFlags();
  if (!options.ok())
    return Fail(kExitFatal, std::string(options.status().message()));
  options->facet_cache = false;
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(db, *options);
  if (!searcher.ok())
    return Fail(kExitFatal, std::string(searcher.status().message()));
  absl::StatusOr<SearchResponse> response = (*searcher)->Search(*request);
  if (!response.ok()) {
    const bool bad_query =
        response.status().code() == absl::StatusCode::kInvalidArgument;
    return Fail(bad_query ? kExitBadQuery : kExitFatal,
                std::string(response.status().message()));
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << SearchResponseToJson(*response) << "\n";
  } else {
    std::cout << FormatForTerminal(*response, *color);
  }
  return 0;
}

}  // namespace
}  // namespace newsearch

int main(int argc, char** argv) { return newsearch::Run(argc, argv); }
