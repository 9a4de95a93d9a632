// `newsearch serve` under hostile clients: huge headers, bad percent-
// encoding, path traversal, slow and idle connections (slowloris), and more
// concurrent clients than workers. Raw sockets send what a well-behaved
// client library would not; after each attack the server must still be
// running and answer /api/health.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Quote;

// A `newsearch serve` child process on a free port; stopped with SIGTERM.
class ServerProcess {
 public:
  ServerProcess(const std::string& db, const std::string& flags) {
    const std::string dir = testing::MakeTempDir("hostile");
    const std::string port_file = dir + "/port";
    log_ = dir + "/log";
    const std::string command =
        "exec " + testing::NewsearchPath() + " serve --db " + Quote(db) +
        " --listen 127.0.0.1:0 --port_file " + Quote(port_file) + " " + flags +
        " 2>" + Quote(log_);
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {  // up to 10 s
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream(port_file) >> port_;
    }
  }
  ~ServerProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  // False once the process has ended (a crash).
  bool Alive() {
    int status = 0;
    return pid_ > 0 && waitpid(pid_, &status, WNOHANG) == 0;
  }
  int port() const { return port_; }
  std::string log() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  std::string log_;
};

int Connect(int port) {
  const int sock = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(sock);
    return -1;
  }
  return sock;
}

// Reads until end of file, an error, or `timeout` passes.
std::string ReadResponse(int sock, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = Clock::now() + timeout;
  char buf[8192];
  while (Clock::now() < deadline) {
    pollfd fd{sock, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (poll(&fd, 1, static_cast<int>(left.count()) + 1) <= 0) break;
    const ssize_t n = recv(sock, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Sends `request` on a new connection; the raw response ("" if the server
// closed the connection without one).
std::string Exchange(int port, const std::string& request) {
  const int sock = Connect(port);
  if (sock < 0) return "";
  (void)send(sock, request.data(), request.size(), MSG_NOSIGNAL);
  shutdown(sock, SHUT_WR);
  std::string response = ReadResponse(sock, std::chrono::seconds(10));
  close(sock);
  return response;
}

// The status code of a raw response; 0 for none.
int StatusOf(const std::string& response) {
  if (response.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string BodyOf(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string Get(const std::string& target) {
  return "GET " + target +
         " HTTP/1.1\r\nHost: localhost\r\n"
         "Connection: close\r\n\r\n";
}

class HttpHostileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new std::string(testing::MakeTempDir("hostile_db") + "/db");
    index_ = new testing::CommandResult(testing::RunCommand(
        testing::NewsindexPath() + " --db " + Quote(*db_) + " " +
        Quote(testing::SourceDir() + "/data/sample")));
  }
  void SetUp() override {
    ASSERT_EQ(index_->exit_code, 0) << index_->err;
    server_ = std::make_unique<ServerProcess>(
        *db_,
        "--threads 2 --max_queued 4 --queue_wait 1s --read_timeout 2s "
        "--keepalive_timeout 5s");
    ASSERT_GT(server_->port(), 0) << server_->log();
  }
  // The server is still running and answers /api/health.
  void ExpectHealthy() {
    ASSERT_TRUE(server_->Alive()) << "the server died:\n" << server_->log();
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(10);
    httplib::Result r = client.Get("/api/health");
    ASSERT_TRUE(r) << "no answer to /api/health";
    EXPECT_EQ(r->status, 200);
  }
  // GET `target` with a client library; its status, -1 for none.
  int ClientGet(const std::string& target, int read_timeout_s = 10) {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(read_timeout_s);
    httplib::Result r = client.Get(target.c_str());
    return r ? r->status : -1;
  }

  static std::string* db_;
  static testing::CommandResult* index_;
  std::unique_ptr<ServerProcess> server_;
};

std::string* HttpHostileTest::db_ = nullptr;
testing::CommandResult* HttpHostileTest::index_ = nullptr;

TEST_F(HttpHostileTest, HugeHeadersAreRefused) {
  const std::string start = "GET /api/health HTTP/1.1\r\nHost: localhost\r\n";
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  std::string megabyte;
  for (int i = 0; i < 10000; ++i) {
    megabyte +=
        "X-H" + std::to_string(i) + ": " + std::string(90, 'v') + "\r\n";
  }
  const std::vector<std::pair<std::string, std::string>> requests = {
      {"one 100 KB header",
       start + "X-Big: " + std::string(100000, 'a') + "\r\n\r\n"},
      {"1,000 headers", start + many + "\r\n"},
      {"1 MB of headers", start + megabyte + "\r\n"},
      {"a 1 MB line without end",
       start + "X-Big: " + std::string(1 << 20, 'a')},
      {"a 100 KB request line",
       "GET /api/search?q=" + std::string(100000, 'a') + " HTTP/1.1\r\n\r\n"}};
  for (const auto& [what, request] : requests) {
    const int status = StatusOf(Exchange(server_->port(), request));
    EXPECT_TRUE(status == 0 || (status >= 400 && status < 500))
        << what << ": " << status;
  }
  ExpectHealthy();
}

TEST_F(HttpHostileTest, BadPercentEncodingIsAnsweredSafely) {
  for (const std::string& target :
       std::vector<std::string>{"/api/search?q=%",
                                "/api/search?q=%G1",
                                "/api/search?q=%00",
                                "/api/search?q=a%00b",
                                "/api/search?q=%C0%AF",
                                "/api/search?q=%ED%A0%80",
                                "/api/search?q=%FF%FE",
                                "/api/search?q=\xC0\xAF",
                                "/api/search?q=\xFF",
                                "/api/search?%=%",
                                "/api/search?q=a&%ZZ=1",
                                "/api/doc/%",
                                "/api/doc/%G1",
                                "/api/doc/%00",
                                "/api/doc/%C0%AF",
                                "/api/story/%FF%FE",
                                "/api/story/%",
                                "/%",
                                "/%C0%AF",
                                "/%00"}) {
    const std::string response = Exchange(server_->port(), Get(target));
    const int status = StatusOf(response);
    ASSERT_TRUE(status == 200 || status == 400 || status == 404)
        << target << ": " << response.substr(0, 300);
    rapidjson::Document json;  // valid JSON, in valid UTF-8
    json.Parse<rapidjson::kParseValidateEncodingFlag>(BodyOf(response).c_str());
    ASSERT_FALSE(json.HasParseError()) << target << ": " << response;
    if (status != 200) {
      ASSERT_TRUE(json.HasMember("error")) << target;
      EXPECT_EQ(json["error"]["status"].GetInt(), status) << target;
      EXPECT_TRUE(json["error"]["message"].IsString()) << target;
    }
  }
  ExpectHealthy();
}

TEST_F(HttpHostileTest, PathTraversalFindsNothingOutsideTheAssets) {
  for (const std::string& target : std::vector<std::string>{
           "/../../../../etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
           "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/../../etc/passwd",
           "//etc/passwd", "/..\\..\\..\\etc\\passwd",
           "/%5c..%5c..%5cetc%5cpasswd", "/api/doc/../../../etc/passwd",
           "/api/doc/..%2f..%2f..%2fetc%2fpasswd", "/api/doc/../..",
           "/index.html/../../../../etc/passwd", "/app.js%00.html",
           "/indexxhtml", "/etc/passwd", "/proc/self/environ",
           "/api/../../etc/passwd", "/./././etc/passwd"}) {
    const std::string response = Exchange(server_->port(), Get(target));
    const int status = StatusOf(response);
    EXPECT_TRUE(status == 400 || status == 404) << target << ": " << status;
    EXPECT_EQ(response.find("root:"), std::string::npos) << target;
    EXPECT_EQ(response.find("PATH="), std::string::npos) << target;
  }
  ExpectHealthy();
}

// Connections that send their request a byte a second, on `n` sockets,
// until Stop().
class Slowloris {
 public:
  Slowloris(int port, int n) {
    for (int i = 0; i < n; ++i) {
      const int sock = Connect(port);
      if (sock >= 0) sockets_.push_back(sock);
    }
    thread_ = std::thread([this, port] {
      const std::string request = Get("/api/search?q=port");
      for (size_t i = 0; !stop_ && i < request.size(); ++i) {
        for (int& sock : sockets_) {
          // Shed or timed out: back again, from the start of the request.
          if (send(sock, &request[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
              errno != EAGAIN) {
            close(sock);
            sock = Connect(port);
            if (sock >= 0) (void)send(sock, "G", 1, MSG_NOSIGNAL);
          }
        }
        for (int t = 0; t < 10 && !stop_; ++t) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
    });
  }
  ~Slowloris() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (int sock : sockets_) close(sock);
    sockets_.clear();
  }

 private:
  std::vector<int> sockets_;  // -1: could not reconnect
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A normal client's search while the slow ones hold on: a result or a 503,
// within 3 s; then, once they are gone, results again.
void ExpectAnswersQuicklyThenRecovers(int port,
                                      const std::function<void()>& stop) {
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10);
    httplib::Result r = client.Get("/api/search?q=port&limit=3");
    const double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    ASSERT_TRUE(r) << "attempt " << i << ": no answer";
    EXPECT_TRUE(r->status == 200 || r->status == 503) << r->status;
    if (r->status == 503) {
      EXPECT_EQ(r->get_header_value("Retry-After"), "1");
      EXPECT_NE(r->body.find("\"error\""), std::string::npos) << r->body;
    }
    EXPECT_LT(seconds, 3.0) << "attempt " << i << ", status " << r->status;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 5; ++i) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10);
    httplib::Result r = client.Get("/api/search?q=port&limit=3");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << "after the slow clients left, attempt " << i;
  }
}

TEST_F(HttpHostileTest, SlowlorisIsShedAndTheServerRecovers) {
  Slowloris slow(server_->port(), 24);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ExpectAnswersQuicklyThenRecovers(server_->port(), [&] { slow.Stop(); });
  ExpectHealthy();
}

TEST_F(HttpHostileTest, SilentConnectionsAreShedAndTheServerRecovers) {
  std::vector<int> silent;
  for (int i = 0; i < 24; ++i) silent.push_back(Connect(server_->port()));
  ExpectAnswersQuicklyThenRecovers(server_->port(), [&] {
    for (int sock : silent) close(sock);
  });
  ExpectHealthy();
}

TEST_F(HttpHostileTest, IdleKeepAliveConnectionsDoNotStarveOthers) {
  // Each makes one request on a kept-alive connection, then goes quiet.
  std::vector<int> idle;
  for (int i = 0; i < 24; ++i) {
    const int sock = Connect(server_->port());
    const std::string request =
        "GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    (void)send(sock, request.data(), request.size(), MSG_NOSIGNAL);
    idle.push_back(sock);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ExpectAnswersQuicklyThenRecovers(server_->port(), [&] {
    for (int sock : idle) close(sock);
  });
  ExpectHealthy();
}

TEST_F(HttpHostileTest, OverloadShedsSomeAndServesTheRest) {
  // 16 clients at once against 2 workers and 4 places in the queue.
  std::vector<int> clients;
  for (int i = 0; i < 16; ++i) clients.push_back(Connect(server_->port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string request = Get("/api/search?q=port+strike&limit=5");
  for (int sock : clients) {
    ASSERT_GE(sock, 0);
    (void)send(sock, request.data(), request.size(), MSG_NOSIGNAL);
  }
  int ok = 0;
  int shed = 0;
  for (int sock : clients) {
    const std::string response = ReadResponse(sock, std::chrono::seconds(10));
    close(sock);
    const int status = StatusOf(response);
    ASSERT_TRUE(status == 200 || status == 503) << response.substr(0, 300);
    if (status == 503) {
      EXPECT_NE(response.find("Retry-After: 1"), std::string::npos);
      EXPECT_NE(response.find("Connection: close"), std::string::npos);
    }
    (status == 200 ? ok : shed) += 1;
  }
  EXPECT_GE(ok, 2);
  EXPECT_GE(shed, 1);
  EXPECT_EQ(ok + shed, 16);
  // Threads of real clients, all at once: each gets an answer.
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      const int status = ClientGet("/api/search?q=strike&limit=2");
      if (status == 200 || status == 503) ++answered;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(answered.load(), 16);
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(ClientGet("/api/search?q=strike"), 200);
  ExpectHealthy();
  EXPECT_NE(server_->log().find("(shed) 503"), std::string::npos);
}

}  // namespace
}  // namespace newsearch
