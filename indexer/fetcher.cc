// Fetcher on libcurl's multi interface. Each FetchAll() call is a Batch: one
// Job per request, queued per host, started when the global and per-host
// limits and the per-host delay allow. Every attempt gets a fresh easy
// handle (no state leaks from a failed attempt into its retry), while the
// multi handle keeps connections and DNS results across attempts and calls.
#include "indexer/fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace newsearch {
namespace {

using Clock = std::chrono::steady_clock;

// unique_ptr deleter calling a libcurl release function.
template <auto kRelease>
struct Release {
  template <typename T>
  void operator()(T* handle) const {
    kRelease(handle);
  }
};
using EasyPtr = std::unique_ptr<CURL, Release<curl_easy_cleanup>>;
using MultiPtr = std::unique_ptr<CURLM, Release<curl_multi_cleanup>>;
using SlistPtr = std::unique_ptr<curl_slist, Release<curl_slist_free_all>>;
using UrlPtr = std::unique_ptr<CURLU, Release<curl_url_cleanup>>;
using CurlString = std::unique_ptr<char, Release<curl_free>>;

// curl_global_init is not thread-safe; a function-local static runs it
// exactly once, whichever thread constructs the first Fetcher.
CURLcode GlobalInit() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  return code;
}

Clock::duration ToClock(absl::Duration d) {
  return std::chrono::duration_cast<Clock::duration>(
      absl::ToChronoNanoseconds(d));
}

// The lower-cased host of an http(s) URL: the key of the politeness limits.
// Other schemes are refused here, before any transfer, so that the only
// unsupported-protocol error a transfer can report is from a redirect.
absl::StatusOr<std::string> HostOf(const std::string& url) {
  UrlPtr parsed(curl_url());
  if (parsed == nullptr) return absl::ResourceExhaustedError("curl_url");
  CURLUcode code = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0);
  if (code != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid URL \"", url, "\": ", curl_url_strerror(code)));
  }
  char* scheme = nullptr;
  char* host = nullptr;
  curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme, 0);
  CurlString scheme_owner(scheme);
  curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0);
  CurlString host_owner(host);
  const std::string lower_scheme =
      absl::AsciiStrToLower(scheme == nullptr ? "" : scheme);
  if (lower_scheme != "http" && lower_scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported scheme \"", lower_scheme, "\" in URL \"", url, "\""));
  }
  if (host == nullptr || *host == '\0') {
    return absl::InvalidArgumentError(absl::StrCat("no host in URL ", url));
  }
  return absl::AsciiStrToLower(host);
}

// A header of the last response (after redirects), or "" if it has none.
std::string LastResponseHeader(CURL* easy, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK ||
      header == nullptr || header->value == nullptr) {
    return "";
  }
  return header->value;
}

bool IsTlsError(CURLcode code) {
  // clang-format off
  constexpr CURLcode kTlsErrors[] = {
      CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND,
      CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
      CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_INITFAILED,
      CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
      CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
      CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
      CURLE_SSL_CLIENTCERT};
  // clang-format on
  return std::find(std::begin(kTlsErrors), std::end(kTlsErrors), code) !=
         std::end(kTlsErrors);
}

// The status of a transfer, and whether another attempt could change it.
struct Outcome {
  absl::Status status;
  bool retryable = false;
};
Outcome Retryable(absl::Status status) { return {std::move(status), true}; }
Outcome Final(absl::Status status) { return {std::move(status), false}; }

Outcome HttpOutcome(long http_status) {  // NOLINT(google-runtime-int): curl's
  const std::string message = absl::StrCat("HTTP ", http_status);
  if ((http_status >= 200 && http_status < 300) || http_status == 304) {
    return Final(absl::OkStatus());
  }
  if (http_status == 404 || http_status == 410) {
    return Final(absl::NotFoundError(message));
  }
  if (http_status == 401 || http_status == 403) {
    return Final(absl::PermissionDeniedError(message));
  }
  if (http_status == 429 || (http_status >= 500 && http_status < 600)) {
    return Retryable(absl::UnavailableError(message));
  }
  return Final(absl::FailedPreconditionError(message));
}

struct Job {
  const FetchRequest* request = nullptr;
  size_t max_body_bytes = 0;
  size_t host = 0;               // index into Batch::hosts_
  Clock::time_point not_before;  // earliest start of the next attempt
  FetchResult result;
  // The current attempt.
  EasyPtr easy;
  SlistPtr headers;
  char error[CURL_ERROR_SIZE] = {};
  bool body_too_large = false;
};

struct Host {
  std::deque<Job*> fresh;     // first attempts, in request order
  std::vector<Job*> retries;  // few: at most the failures of the moment
  int active = 0;
  std::optional<Clock::time_point> last_start;
};

// Returning a short count makes libcurl abort the transfer, so an oversized
// body (or a decompression bomb: this sees decoded bytes) is cut at the limit.
size_t WriteBody(char* data, size_t size, size_t count, void* user_data) {
  Job* job = static_cast<Job*>(user_data);
  const size_t bytes = size * count;
  if (job->result.body.size() + bytes > job->max_body_bytes) {
    job->body_too_large = true;
    return 0;
  }
  job->result.body.append(data, bytes);
  return bytes;
}

// Request header values come from earlier responses; a CR or LF in one
// would inject headers, so such a value is not sent.
bool AppendHeader(SlistPtr& list, const char* name, const std::string& value) {
  if (value.empty() || value.find_first_of("\r\n") != std::string::npos) {
    return true;
  }
  const std::string line = absl::StrCat(name, ": ", value);
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  if (head == nullptr) return false;
  (void)list.release();  // head is the same list, extended
  list.reset(head);
  return true;
}

// What a transfer that ended with `code` (not CURLE_OK) means.
Outcome CurlOutcome(CURLcode code, const Job& job,
                    const FetcherOptions& options) {
  if (job.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return Final(absl::ResourceExhaustedError(
        absl::StrCat("body over ", options.max_body_bytes, " bytes")));
  }
  std::string detail = curl_easy_strerror(code);
  if (job.error[0] != '\0') absl::StrAppend(&detail, ": ", job.error);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connect_us = 0;
      curl_easy_getinfo(job.easy.get(), CURLINFO_CONNECT_TIME_T, &connect_us);
      const bool connected = connect_us > 0;
      const absl::Duration limit =
          connected ? options.total_timeout
                    : std::min(options.connect_timeout, options.total_timeout);
      return Retryable(absl::DeadlineExceededError(
          absl::StrCat(connected ? "" : "connect ", "timed out after ",
                       absl::ToInt64Milliseconds(limit), " ms")));
    }
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      // The host of the hop that failed, which a redirect may have changed.
      return Retryable(absl::UnavailableError(absl::StrCat(
          "could not resolve host ",
          HostOf(job.result.final_url).value_or(job.request->url))));
    case CURLE_COULDNT_CONNECT:  // the error buffer names host and port
      return Retryable(absl::UnavailableError(absl::StrCat(
          "could not connect: ",
          job.error[0] != '\0' ? job.error : curl_easy_strerror(code))));
    case CURLE_TOO_MANY_REDIRECTS:
      return Final(absl::FailedPreconditionError(absl::StrCat(
          "too many redirects (more than ", options.max_redirects, ")")));
    case CURLE_UNSUPPORTED_PROTOCOL:  // the request's own scheme was checked
      return Final(absl::FailedPreconditionError(
          absl::StrCat("redirect to an unsupported protocol: ", detail)));
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return Retryable(
          absl::UnavailableError(absl::StrCat("connection failed: ", detail)));
    default:
      if (IsTlsError(code)) {
        return Retryable(absl::UnavailableError(absl::StrCat("TLS: ", detail)));
      }
      // Malformed replies, bad content encodings, ...: the server's fault,
      // but not one that a retry within seconds is likely to fix.
      return Final(absl::UnavailableError(detail));
  }
}

class Batch {
 public:
  Batch(const FetcherOptions& options, CURLM* multi,
        const std::function<void(FetchResult)>& done)
      : options_(options), multi_(multi), done_(done) {}

  // `ready` is the Fetcher's initialisation: if it failed, so does each job.
  void Run(const std::vector<FetchRequest>& requests,
           const absl::Status& ready);

 private:
  void Enqueue(Job& job, const FetchRequest& request);
  Clock::time_point StartReady(Clock::time_point now);
  Job* TakeReady(Host& host, Clock::time_point now, Clock::time_point* wake);
  void Start(Job& job, Clock::time_point now);
  absl::Status Configure(Job& job);
  int Collect();
  void Complete(Job& job, CURLcode code);
  absl::Duration RetryDelay(CURL* easy, int attempts) const;
  void Finish(Job& job, absl::Status status);
  void AbortAll(const absl::Status& status);

  const FetcherOptions& options_;
  CURLM* multi_;
  const std::function<void(FetchResult)>& done_;
  std::vector<Job> jobs_;  // sized once: easy handles point into it
  std::vector<Host> hosts_;
  absl::flat_hash_map<std::string, size_t> host_index_;
  size_t first_host_ = 0;  // rotates, so no host is always served first
  int active_ = 0;
  size_t queued_ = 0;
};

void Batch::Run(const std::vector<FetchRequest>& requests,
                const absl::Status& ready) {
  jobs_ = std::vector<Job>(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) Enqueue(jobs_[i], requests[i]);
  if (!ready.ok()) AbortAll(ready);
  while (queued_ > 0 || active_ > 0) {
    const Clock::time_point wake = StartReady(Clock::now());
    int running = 0;
    CURLMcode code = curl_multi_perform(multi_, &running);
    // A completion frees a slot or queues a retry: schedule before waiting.
    if (Collect() > 0) continue;
    if (code == CURLM_OK) {
      // Wakes for socket activity, libcurl's own timers, or `wake` (the
      // next backoff or per-host delay to expire), whichever is first.
      const auto wait =
          std::chrono::ceil<std::chrono::milliseconds>(wake - Clock::now());
      const int timeout_ms =
          static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 1000));
      code = curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
    }
    if (code != CURLM_OK) {
      AbortAll(absl::InternalError(
          absl::StrCat("curl multi: ", curl_multi_strerror(code))));
    }
  }
}

void Batch::Enqueue(Job& job, const FetchRequest& request) {
  job.request = &request;
  job.max_body_bytes = options_.max_body_bytes;
  job.result.url = request.url;
  absl::StatusOr<std::string> host = HostOf(request.url);
  if (!host.ok()) {
    Finish(job, host.status());
    return;
  }
  auto [it, inserted] = host_index_.try_emplace(*host, hosts_.size());
  if (inserted) hosts_.emplace_back();
  job.host = it->second;
  hosts_[job.host].fresh.push_back(&job);
  ++queued_;
}

// Starts every queued attempt the limits allow now. Returns when the next
// attempt that waits only for time (its backoff, its host's delay) is due;
// one that waits for a free connection is woken by a completion instead.
Clock::time_point Batch::StartReady(Clock::time_point now) {
  Clock::time_point wake = Clock::time_point::max();
  const size_t n = hosts_.size();
  for (size_t i = 0; i < n && active_ < options_.max_connections; ++i) {
    Host& host = hosts_[(first_host_ + i) % n];
    while (active_ < options_.max_connections &&
           host.active < options_.per_host_connections) {
      Job* job = TakeReady(host, now, &wake);
      if (job == nullptr) break;
      --queued_;
      Start(*job, now);
    }
  }
  if (n > 0) first_host_ = (first_host_ + 1) % n;
  return wake;
}

// Removes and returns a job of `host` that may start now (a due retry
// first), or returns null and lowers `wake` to when one may.
Job* Batch::TakeReady(Host& host, Clock::time_point now,
                      Clock::time_point* wake) {
  Clock::time_point earliest =
      host.fresh.empty() ? Clock::time_point::max() : Clock::time_point::min();
  auto due = host.retries.end();
  for (auto it = host.retries.begin(); it != host.retries.end(); ++it) {
    earliest = std::min(earliest, (*it)->not_before);
    if (due == host.retries.end() && (*it)->not_before <= now) due = it;
  }
  if (earliest == Clock::time_point::max()) return nullptr;  // nothing queued
  if (host.last_start.has_value()) {
    earliest =
        std::max(earliest, *host.last_start + ToClock(options_.per_host_delay));
  }
  if (earliest > now) {
    *wake = std::min(*wake, earliest);
    return nullptr;
  }
  Job* job = nullptr;
  if (due != host.retries.end()) {
    job = *due;
    host.retries.erase(due);
  } else {
    job = host.fresh.front();
    host.fresh.pop_front();
  }
  return job;
}

void Batch::Start(Job& job, Clock::time_point now) {
  Host& host = hosts_[job.host];
  host.last_start = now;
  ++job.result.attempts;
  absl::Status status = Configure(job);
  if (status.ok() &&
      curl_multi_add_handle(multi_, job.easy.get()) != CURLM_OK) {
    status = absl::InternalError("curl_multi_add_handle failed");
  }
  if (!status.ok()) {
    Finish(job, std::move(status));
    return;
  }
  ++host.active;
  ++active_;
}

absl::Status Batch::Configure(Job& job) {
  job.easy.reset(curl_easy_init());
  if (job.easy == nullptr)
    return absl::ResourceExhaustedError("curl_easy_init");
  job.headers.reset();
  job.result.body.clear();
  job.body_too_large = false;
  job.error[0] = '\0';
  const FetchRequest& request = *job.request;
  if (!AppendHeader(job.headers, "If-None-Match", request.etag) ||
      !AppendHeader(job.headers, "If-Modified-Since", request.last_modified)) {
    return absl::ResourceExhaustedError("curl_slist_append");
  }
  CURL* easy = job.easy.get();
  CURLcode rc = CURLE_OK;
  const auto set = [&rc](CURLcode code) {
    if (rc == CURLE_OK) rc = code;
  };
  set(curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str()));
  set(curl_easy_setopt(easy, CURLOPT_PRIVATE, &job));
  set(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, job.error));
  set(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L));
  set(curl_easy_setopt(easy, CURLOPT_MAXREDIRS,
                       static_cast<long>(options_.max_redirects)));
  set(curl_easy_setopt(
      easy, CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout))));
  set(curl_easy_setopt(
      easy, CURLOPT_TIMEOUT_MS,
      static_cast<long>(absl::ToInt64Milliseconds(options_.total_timeout))));
  set(curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""));  // all built in
  // Refuses a declared Content-Length over the limit before the body comes.
  set(curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(options_.max_body_bytes)));
  set(curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str()));
  set(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, WriteBody));
  set(curl_easy_setopt(easy, CURLOPT_WRITEDATA, &job));
  if (job.headers != nullptr) {
    set(curl_easy_setopt(easy, CURLOPT_HTTPHEADER, job.headers.get()));
  }
  if (rc != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_easy_setopt: ", curl_easy_strerror(rc)));
  }
  return absl::OkStatus();
}

// Handles every finished transfer; returns how many there were.
int Batch::Collect() {
  int completed = 0;
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    // The message does not survive curl_multi_remove_handle.
    CURL* easy = message->easy_handle;
    const CURLcode code = message->data.result;
    void* job = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &job);
    curl_multi_remove_handle(multi_, easy);
    --active_;
    --hosts_[static_cast<Job*>(job)->host].active;
    Complete(*static_cast<Job*>(job), code);
    ++completed;
  }
  return completed;
}

void Batch::Complete(Job& job, CURLcode code) {
  CURL* easy = job.easy.get();
  FetchResult& result = job.result;
  long http_status = 0;  // NOLINT(google-runtime-int): curl_easy_getinfo's
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &http_status);
  result.http_status = http_status;
  char* final_url = nullptr;
  curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &final_url);
  result.final_url = final_url != nullptr ? final_url : job.request->url;
  result.etag = LastResponseHeader(easy, "ETag");
  result.last_modified = LastResponseHeader(easy, "Last-Modified");
  result.content_type = LastResponseHeader(easy, "Content-Type");
  result.content_language = LastResponseHeader(easy, "Content-Language");
  result.not_modified = code == CURLE_OK && http_status == 304;
  if (result.not_modified) {
    // A 304 need not repeat the validators; the caller's are still valid.
    if (result.etag.empty()) result.etag = job.request->etag;
    if (result.last_modified.empty()) {
      result.last_modified = job.request->last_modified;
    }
  }
  Outcome outcome = code == CURLE_OK ? HttpOutcome(http_status)
                                     : CurlOutcome(code, job, options_);
  if (outcome.retryable && result.attempts <= options_.max_retries) {
    job.not_before = Clock::now() + ToClock(RetryDelay(easy, result.attempts));
    job.easy.reset();
    job.headers.reset();
    hosts_[job.host].retries.push_back(&job);
    ++queued_;
    return;
  }
  if (!outcome.status.ok() && result.attempts > 1) {
    outcome.status = absl::Status(
        outcome.status.code(), absl::StrCat(outcome.status.message(), " after ",
                                            result.attempts, " attempts"));
  }
  Finish(job, std::move(outcome.status));
}

absl::Duration Batch::RetryDelay(CURL* easy, int attempts) const {
  const int doublings = std::min(attempts - 1, 30);
  absl::Duration delay = std::min(
      options_.backoff_base * (int64_t{1} << doublings), options_.backoff_max);
  int64_t seconds = 0;
  if (absl::SimpleAtoi(LastResponseHeader(easy, "Retry-After"), &seconds) &&
      seconds >= 0) {
    delay =
        std::max(delay, std::min(absl::Seconds(seconds), options_.backoff_max));
  }
  return delay;
}

void Batch::Finish(Job& job, absl::Status status) {
  job.easy.reset();
  job.headers.reset();
  if (!status.ok()) job.result.body.clear();  // an error page is no content
  job.result.status = std::move(status);
  done_(std::move(job.result));
}

// Ends the batch when the multi handle itself fails, so that every request
// still gets its one call of `done`.
void Batch::AbortAll(const absl::Status& status) {
  for (Job& job : jobs_) {
    if (job.easy != nullptr) {
      curl_multi_remove_handle(multi_, job.easy.get());
      Finish(job, status);
    }
  }
  for (Host& host : hosts_) {
    for (Job* job : host.fresh) Finish(*job, status);
    for (Job* job : host.retries) Finish(*job, status);
    host.fresh.clear();
    host.retries.clear();
    host.active = 0;
  }
  active_ = 0;
  queued_ = 0;
}

FetcherOptions Sanitize(FetcherOptions options) {
  // Limits under one would never start a transfer.
  options.max_connections = std::max(options.max_connections, 1);
  options.per_host_connections = std::max(options.per_host_connections, 1);
  options.max_retries = std::max(options.max_retries, 0);
  options.max_redirects = std::max(options.max_redirects, 0);
  return options;
}

}  // namespace

class Fetcher::Impl {
 public:
  explicit Impl(const FetcherOptions& options) : options_(Sanitize(options)) {
    const CURLcode init = GlobalInit();
    if (init == CURLE_OK) multi_.reset(curl_multi_init());
    if (multi_ == nullptr) {
      ready_ = absl::InternalError(absl::StrCat(
          "libcurl initialisation failed: ", curl_easy_strerror(init)));
    }
  }

  void FetchAll(const std::vector<FetchRequest>& requests,
                const std::function<void(FetchResult)>& done) {
    Batch(options_, multi_.get(), done).Run(requests, ready_);
  }

 private:
  const FetcherOptions options_;
  MultiPtr multi_;  // kept across calls for its connection and DNS caches
  absl::Status ready_;
};

Fetcher::Fetcher(const FetcherOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}
Fetcher::~Fetcher() = default;

void Fetcher::FetchAll(const std::vector<FetchRequest>& requests,
                       const std::function<void(FetchResult)>& done) {
  impl_->FetchAll(requests, done);
}

}  // namespace newsearch
