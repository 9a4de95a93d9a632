// How `newsearch serve` holds connections: bounded admission and load
// shedding under cpp-httplib (0.11), which gives every open connection a
// thread of its own from request to request and whose own ThreadPool queues
// without bound, so that N slow or idle clients (N >= threads) would starve
// everyone else.
//
//   AdmissionQueue   the server's TaskQueue: `workers` threads and at most
//                    `max_queued` connections waiting for one, none longer
//                    than `max_wait`; any other connection is shed.
//   Shedding         a shed connection is answered on the spot, on the
//                    thread that admits it, without reading its request:
//                    503, a JSON error, Retry-After: 1, Connection: close
//                    (written non-blocking), and the socket is half-closed
//                    and handed to one Lingerer thread, which drains what
//                    the client still sends and closes it at its end of
//                    file or after a second (so the 503 is not lost to a
//                    reset). No search, no worker.
//   DeadlineStream   the httplib::Stream a worker reads a request through:
//                    the request line and headers must all arrive within
//                    one deadline and one byte budget (a slowloris client
//                    sending a byte a second holds a worker no longer than
//                    that), and each response must be written within its
//                    own deadline.
//
// Thread-safe where it says so; see http_server.cc for how they combine.
#ifndef NEWSEARCH_SEARCHER_HTTP_CONNECTIONS_H_
#define NEWSEARCH_SEARCHER_HTTP_CONNECTIONS_H_

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace newsearch {

// True on a thread while it runs a task AdmissionQueue sheds.
bool ShedMode();

// Closes half-closed sockets once their client is done (end of file, an
// error) or after `linger`; at most `max_sockets` at a time (beyond: closed
// at once). Thread-safe.
class Lingerer {
 public:
  explicit Lingerer(absl::Duration linger, size_t max_sockets = 1024);
  ~Lingerer();  // closes every socket it still holds
  void Add(int sock);

 private:
  void Loop();

  const absl::Duration linger_;
  const size_t max_sockets_;
  std::mutex mu_;
  std::vector<std::pair<int, absl::Time>> sockets_;  // guarded by mu_
  std::condition_variable added_;  // a socket to linger, or stop_
  bool stop_ = false;              // guarded by mu_
  std::thread thread_;
};

// Writes a 503 answer with `json_body` (Retry-After: 1, Connection: close)
// to `sock` without blocking, half-closes it and hands it to `lingerer`.
void ShedConnection(int sock, const std::string& json_body, Lingerer& lingerer);

// httplib::TaskQueue with `workers` threads and a bounded wait. A task that
// cannot wait (the queue is full) or waited longer than `max_wait` runs at
// once on the thread at hand with ShedMode() true; it must then finish
// quickly (ShedConnection). Thread-safe.
class AdmissionQueue final : public httplib::TaskQueue {
 public:
  // `waiting` (which must outlive the queue) counts the connections waiting
  // for a worker: a worker holding an idle keep-alive connection gives it up
  // when it is not zero.
  AdmissionQueue(int workers, int max_queued, absl::Duration max_wait,
                 std::atomic<int>* waiting);
  ~AdmissionQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;
  // Called by the accept loop when no connection arrives: sheds the tasks
  // that waited too long.
  void on_idle() override;

 private:
  struct Task {
    std::function<void()> fn;
    absl::Time queued;
  };
  void Work();
  void ShedExpired();
  void UpdateWaiting();  // with mu_ held

  const size_t max_queued_;
  const absl::Duration max_wait_;
  std::atomic<int>* const waiting_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Task> tasks_;  // guarded by mu_
  size_t idle_ = 0;         // guarded by mu_
  bool shutdown_ = false;   // guarded by mu_
  std::vector<std::thread> threads_;
};

struct StreamLimits {
  absl::Duration read_request;    // the whole request, from its first read
  absl::Duration write_response;  // the whole response, from its first write
  size_t max_request_bytes;       // line, headers and body
};

// An httplib::Stream on a connected socket that enforces StreamLimits;
// StartRequest() before each request. One thread at a time.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int sock, StreamLimits limits)
      : sock_(sock), limits_(limits) {}

  // The next request's clock and budget start now.
  void StartRequest();
  // Waits up to `timeout` for the client to send something; false on a
  // timeout, an error or end of file, or when `give_up` says so (polled
  // every 50 ms).
  bool WaitReadable(absl::Duration timeout,
                    const std::function<bool()>& give_up) const;
  // A read failed for a limit (time, size): the request is cut short and
  // the connection must not carry another.
  bool broken() const { return broken_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

 private:
  const int sock_;
  const StreamLimits limits_;
  absl::Time read_deadline_;
  absl::Time write_deadline_ = absl::InfiniteFuture();
  size_t bytes_read_ = 0;  // of this request, from the socket
  bool broken_ = false;
  char buffer_[4096] = {};  // httplib reads a request line a byte at a time
  size_t buffered_ = 0;  // next unread byte of buffer_
  size_t buffer_size_ = 0;
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_HTTP_CONNECTIONS_H_
