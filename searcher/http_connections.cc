#include "searcher/http_connections.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace newsearch {
namespace {

thread_local bool shed_mode = false;

// Runs `fn` with ShedMode() true.
void RunShed(const std::function<void()>& fn) {
  shed_mode = true;
  fn();
  shed_mode = false;
}

// Milliseconds for poll(): at least 0, at most `cap`.
int PollMillis(absl::Duration d, absl::Duration cap = absl::Hours(1)) {
  d = std::max(absl::ZeroDuration(), std::min(d, cap));
  return static_cast<int>(
      absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1))));
}

// poll() one socket for `events`; >0 ready, 0 timed out, <0 error.
int PollOne(int sock, decltype(pollfd::events) events, int millis) {
  pollfd fd{sock, events, 0};
  int n;
  do {
    n = ::poll(&fd, 1, millis);
  } while (n < 0 && errno == EINTR);
  if (n > 0 && (fd.revents & (POLLERR | POLLNVAL))) return -1;
  return n;
}

void IpAndPort(const sockaddr_storage& addr, socklen_t len, std::string& ip,
               int& port) {
  char host[NI_MAXHOST] = "";
  char serv[NI_MAXSERV] = "";
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host,
                  sizeof(host), serv, sizeof(serv),
                  NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(serv);
  }
}

}  // namespace

bool ShedMode() { return shed_mode; }

Lingerer::Lingerer(absl::Duration linger, size_t max_sockets)
    : linger_(linger), max_sockets_(max_sockets), thread_([this] { Loop(); }) {}

Lingerer::~Lingerer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  added_.notify_all();
  thread_.join();
  for (const auto& [sock, deadline] : sockets_) ::close(sock);
}

void Lingerer::Add(int sock) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_ || sockets_.size() >= max_sockets_) {
    ::close(sock);
    return;
  }
  sockets_.emplace_back(sock, absl::Now() + linger_);
  added_.notify_all();
}

void Lingerer::Loop() {
  std::vector<pollfd> fds;
  char discard[4096];
  for (;;) {
    fds.clear();
    {
      std::unique_lock<std::mutex> lock(mu_);
      added_.wait(lock, [this] { return stop_ || !sockets_.empty(); });
      if (stop_) return;
      for (const auto& entry : sockets_) {
        fds.push_back({entry.first, POLLIN, 0});
      }
    }
    ::poll(fds.data(), fds.size(), 20);  // then new sockets join
    std::vector<int> done;
    for (const pollfd& fd : fds) {
      if (fd.revents == 0) continue;
      const ssize_t n = ::recv(fd.fd, discard, sizeof(discard), MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        done.push_back(fd.fd);
      }
    }
    const absl::Time now = absl::Now();
    std::lock_guard<std::mutex> lock(mu_);
    auto end = std::remove_if(sockets_.begin(), sockets_.end(),
                              [&](const std::pair<int, absl::Time>& e) {
                                const bool close =
                                    e.second <= now ||
                                    std::find(done.begin(), done.end(),
                                              e.first) != done.end();
                                if (close) ::close(e.first);
                                return close;
                              });
    sockets_.erase(end, sockets_.end());
  }
}

void ShedConnection(int sock, const std::string& json_body,
                    Lingerer& lingerer) {
  const std::string response = absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\n"
      "Content-Type: application/json; charset=utf-8\r\n"
      "Content-Length: ",
      json_body.size(), "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
      json_body);
  // A few hundred bytes on a fresh connection: the socket buffer takes them.
  (void)::send(sock, response.data(), response.size(),
               MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(sock, SHUT_WR);
  lingerer.Add(sock);
}

AdmissionQueue::AdmissionQueue(int workers, int max_queued,
                               absl::Duration max_wait,
                               std::atomic<int>* waiting)
    : max_queued_(static_cast<size_t>(std::max(0, max_queued))),
      max_wait_(max_wait),
      waiting_(waiting) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
}

AdmissionQueue::~AdmissionQueue() { AdmissionQueue::shutdown(); }

void AdmissionQueue::enqueue(std::function<void()> fn) {
  ShedExpired();
  std::unique_lock<std::mutex> lock(mu_);
  if (shutdown_ || tasks_.size() >= idle_ + max_queued_) {
    lock.unlock();
    RunShed(fn);
    return;
  }
  tasks_.push_back({std::move(fn), absl::Now()});
  UpdateWaiting();
  lock.unlock();
  ready_.notify_one();
}

void AdmissionQueue::on_idle() { ShedExpired(); }

void AdmissionQueue::UpdateWaiting() {
  waiting_->store(
      tasks_.size() > idle_ ? static_cast<int>(tasks_.size() - idle_) : 0);
}

void AdmissionQueue::ShedExpired() {
  std::vector<std::function<void()>> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time oldest = absl::Now() - max_wait_;
    // Tasks an idle worker is about to take are not expired.
    while (tasks_.size() > idle_ && tasks_.front().queued < oldest) {
      expired.push_back(std::move(tasks_.front().fn));
      tasks_.pop_front();
    }
    UpdateWaiting();
  }
  for (const auto& fn : expired) RunShed(fn);
}

void AdmissionQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void AdmissionQueue::Work() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++idle_;
      ready_.wait(lock, [this] { return shutdown_ || !tasks_.empty(); });
      --idle_;
      if (tasks_.empty()) return;  // shut down, nothing left
      fn = std::move(tasks_.front().fn);
      tasks_.pop_front();
      UpdateWaiting();
    }
    fn();
  }
}

void DeadlineStream::StartRequest() {
  read_deadline_ = absl::Now() + limits_.read_request;
  write_deadline_ = absl::InfiniteFuture();
  bytes_read_ = 0;
}

bool DeadlineStream::WaitReadable(absl::Duration timeout,
                                  const std::function<bool()>& give_up) const {
  if (buffered_ < buffer_size_) return true;  // a pipelined request
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    const int ready =
        PollOne(sock_, POLLIN, PollMillis(left, absl::Milliseconds(50)));
    if (ready < 0) return false;
    if (ready > 0) {
      char byte;
      return ::recv(sock_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
    }
    if (give_up && give_up()) return false;
  }
}

bool DeadlineStream::is_readable() const {
  if (buffered_ < buffer_size_) return true;
  return PollOne(sock_, POLLIN, PollMillis(read_deadline_ - absl::Now())) > 0;
}

bool DeadlineStream::is_writable() const {
  const absl::Time deadline = write_deadline_ == absl::InfiniteFuture()
                                  ? absl::Now() + limits_.write_response
                                  : write_deadline_;
  return PollOne(sock_, POLLOUT, PollMillis(deadline - absl::Now())) > 0;
}

ssize_t DeadlineStream::read(char* ptr, size_t size) {
  if (buffered_ == buffer_size_) {
    if (bytes_read_ >= limits_.max_request_bytes) {
      broken_ = true;  // too big
      return -1;
    }
    const int ready =
        PollOne(sock_, POLLIN, PollMillis(read_deadline_ - absl::Now()));
    if (ready <= 0) {
      broken_ = true;  // the request took too long
      return -1;
    }
    const size_t budget = limits_.max_request_bytes - bytes_read_;
    const ssize_t n =
        ::recv(sock_, buffer_, std::min(sizeof(buffer_), budget), MSG_DONTWAIT);
    if (n <= 0) return n == 0 ? 0 : -1;
    bytes_read_ += static_cast<size_t>(n);
    buffered_ = 0;
    buffer_size_ = static_cast<size_t>(n);
  }
  const size_t n = std::min(size, buffer_size_ - buffered_);
  std::memcpy(ptr, buffer_ + buffered_, n);
  buffered_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t DeadlineStream::write(const char* ptr, size_t size) {
  if (write_deadline_ == absl::InfiniteFuture()) {
    write_deadline_ = absl::Now() + limits_.write_response;
  }
  const int ready =
      PollOne(sock_, POLLOUT, PollMillis(write_deadline_ - absl::Now()));
  if (ready <= 0) return -1;  // the client reads too slowly
  const ssize_t n = ::send(sock_, ptr, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  return n;
}

void DeadlineStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    IpAndPort(addr, len, ip, port);
  }
}

void DeadlineStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    IpAndPort(addr, len, ip, port);
  }
}

}  // namespace newsearch
