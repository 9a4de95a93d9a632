// Fetches URLs over HTTP(S) with libcurl's multi interface: many transfers
// at once on one thread, polite to each host.
//   - Concurrency: at most `max_connections` transfers in all and
//     `per_host_connections` per host, and a transfer to a host starts at
//     least `per_host_delay` after the previous one to that host started.
//   - Timeouts: connect and total, per attempt.
//   - Retries: on network errors (DNS, connect, TLS, timeout, reset) and
//     HTTP 5xx/429, up to `max_retries` times with exponential backoff
//     (backoff_base * 2^attempt, capped at backoff_max, honouring a
//     Retry-After in seconds up to backoff_max); never on other 4xx.
//   - Redirects: followed up to `max_redirects`; more is an error.
//   - Compression: gzip/deflate/br accepted and decoded (whatever the libcurl
//     build supports).
//   - Size: a body over `max_body_bytes` is an error, and the transfer is
//     cut as soon as it goes over (not downloaded first).
//   - Conditional requests: a request's etag/last_modified are sent as
//     If-None-Match/If-Modified-Since; a 304 is `not_modified`, not an error.
//   - User-Agent: `user_agent`.
//
//   Fetcher fetcher(FetcherOptions{});
//   fetcher.FetchAll(requests, [](FetchResult r) {
//     if (!r.status.ok()) report(r.url, r.status);
//   });
//
// FetchAll() returns when every request is done; `done` is called on the
// calling thread once per request, in completion order. One Fetcher is used
// by one thread at a time.
#ifndef NEWSEARCH_INDEXER_FETCHER_H_
#define NEWSEARCH_INDEXER_FETCHER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace newsearch {

struct FetcherOptions {
  int max_connections = 8;
  int per_host_connections = 2;
  absl::Duration per_host_delay = absl::Milliseconds(250);
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration total_timeout = absl::Seconds(30);
  int max_retries = 3;
  absl::Duration backoff_base = absl::Milliseconds(500);
  absl::Duration backoff_max = absl::Seconds(30);
  int max_redirects = 5;
  size_t max_body_bytes = 10 << 20;
  std::string user_agent =
      "newsearch/0.1 (news indexer; +https://github.com/newsearch)";
};

struct FetchRequest {
  std::string url;
  std::string etag;           // from the last fetch, for If-None-Match
  std::string last_modified;  // from the last fetch, for If-Modified-Since
};

struct FetchResult {
  std::string url;        // as requested
  std::string final_url;  // after redirects
  // OK for a 2xx or a 304. Otherwise: kUnavailable (DNS, connect, TLS,
  // reset, 5xx after the retries), kDeadlineExceeded (timeout),
  // kNotFound (404/410), kPermissionDenied (401/403), kResourceExhausted
  // (body too large), kFailedPrecondition (too many redirects, other 4xx);
  // the message names the cause ("HTTP 500", "timed out after 2 s", ...).
  absl::Status status;
  long http_status = 0;  // NOLINT(google-runtime-int): curl's type; 0 if none
  bool not_modified = false;
  std::string body;
  std::string content_type;
  std::string content_language;
  std::string etag;
  std::string last_modified;
  int attempts = 0;
};

class Fetcher {
 public:
  explicit Fetcher(const FetcherOptions& options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  void FetchAll(const std::vector<FetchRequest>& requests,
                const std::function<void(FetchResult)>& done);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_FETCHER_H_
