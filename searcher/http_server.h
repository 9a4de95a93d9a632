// `newsearch serve`: the JSON HTTP API and the search page, on cpp-httplib.
//
//   GET /api/search?q=...   SearchResponse as JSON (search_json.h); the
//                           parameters are those of http_params.h
//   GET /api/story/{key}    every report of a story, oldest first (same JSON)
//   GET /api/doc/{id}       one stored document (DocumentToJson); ids that are
//                           URLs are percent-encoded
//   GET /api/health         {"status", "database", "documents", "last_update"}
//   GET /                   the search page (searcher/web/, compiled in)
// Errors are JSON, {"error": {"status": 400, "message": "..."}}, with a 4xx
// status for the client's mistakes (400 bad parameter or query, 404 unknown
// story, document or path, 405 a method other than GET) and 5xx for ours.
//
// A bounded pool of worker threads answers; each search is limited in time
// (ServerOptions::request_timeout: the match stops and counts become
// estimates) and in size (HttpLimits). Each connection holds a worker while
// it is open, so hostile or slow clients are bounded too (see ServerOptions
// and http_connections.h): a connection waits for a worker only while fewer
// than max_queued others wait, and no longer than max_queue_wait; any other
// is answered 503 at once ({"error": ...}, Retry-After: 1, Connection:
// close) without reading or searching. A worker drops a client that takes
// longer than read_timeout to send its request (or more than 64 KB of
// request line and headers, then 400) and an idle keep-alive connection
// after keep_alive_timeout, or at once when connections wait for a worker.
// Paths are only those routed below: the page is compiled in, nothing is
// served from the file system. The Searcher reopens the database for
// every request, so new commits and a switched database are seen without a
// restart. Cross-origin requests are refused unless their origin is listed
// in cors_origins. Every request is logged in one line: client, method,
// path and query, status, milliseconds.
//
//   ASSIGN_OR_RETURN(auto server, HttpServer::Create(searcher.get(), options));
//   std::cerr << "listening on port " << server->port() << "\n";
//   RETURN_IF_ERROR(server->Run());  // until Stop() from another thread
//
// Thread-safe: Stop() may be called from any thread (a signal handler must
// not call it directly). The Searcher must outlive the server.
#ifndef NEWSEARCH_SEARCHER_HTTP_SERVER_H_
#define NEWSEARCH_SEARCHER_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "newsearch/searcher.h"
#include "searcher/http_params.h"

namespace httplib {
class Server;
}

namespace newsearch {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback only unless asked
  int port = 8080;                 // 0: any free port (see port())
  // Worker pool size. cpp-httplib gives each connection a worker while it
  // is kept alive, so this bounds concurrent clients, not just CPU use.
  int threads = 32;
  // Connections that may wait for a worker beyond those being served; more
  // are answered 503 at once (load shedding), as are those that waited
  // max_queue_wait.
  int max_queued = 64;
  absl::Duration max_queue_wait = absl::Seconds(2);
  // Time a client has to send a whole request (line, headers, body), from
  // when a worker takes its connection or, on a kept-alive connection, from
  // its first byte; then the connection is closed (400 if the request line
  // had come). With at most 64 KB of line and headers and 100 headers.
  absl::Duration read_timeout = absl::Seconds(5);
  // Time an idle kept-alive connection may hold its worker.
  absl::Duration keep_alive_timeout = absl::Seconds(5);
  absl::Duration request_timeout = absl::Seconds(10);
  std::vector<std::string> cors_origins;  // allowed origins; "*" for any
  HttpLimits limits;
  // Every search may go on without shards that are down (see
  // SearchRequest::allow_partial); else only those asking allow_partial=1.
  bool allow_partial = false;
  // False: no search leaves out time shards by its dates (for exactly one
  // database's BM25 statistics); else as each request says (default on).
  bool prune_shards = true;
  // Receives one line per request; unset: standard error.
  std::function<void(const std::string&)> log;
};

class HttpServer {
 public:
  // Binds the socket; kUnavailable when the address is taken.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Create(
      Searcher* searcher, ServerOptions options);
  ~HttpServer();

  int port() const { return port_; }
  // Serves until Stop().
  absl::Status Run();
  void Stop();

 private:
  HttpServer(Searcher* searcher, ServerOptions options);
  void Route();

  Searcher* searcher_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> server_;  // a GuardedServer
  int port_ = 0;
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_HTTP_SERVER_H_
