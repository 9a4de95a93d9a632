#include "searcher/http_server.h"

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "newsearch/dates.h"
#include "newsearch/search_json.h"
#include "newsearch/text.h"
#include "searcher/http_connections.h"
#include "searcher/web_assets.h"

namespace newsearch {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
// Bodies of GET requests are not read; anything larger is refused.
constexpr size_t kMaxPayloadBytes = size_t{64} << 10;
// Time to write one whole response.
constexpr time_t kSocketTimeoutSeconds = 10;
// Request line and headers; httplib itself caps each line at 8 KB but not
// their number.
constexpr size_t kMaxHeaderBytes = size_t{64} << 10;
constexpr size_t kMaxHeaders = 100;
// Connections the kernel holds until they are accepted.
constexpr int kListenBacklog = 1024;
// How long a shed connection's request is drained before it is closed.
constexpr absl::Duration kShedLinger = absl::Seconds(1);
// Requests one connection may carry before it is closed.
constexpr size_t kKeepAliveRequests = 100;

// When the current request started: each request is handled on one worker
// thread from routing to logging.
thread_local absl::Time request_start;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter& w, absl::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// `text` as valid UTF-8 for JSON: when it is not (a path or parameter as
// the client sent it), bytes outside printable ASCII become %XX.
std::string SafeText(absl::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  for (const unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

std::string ErrorJson(int status, absl::string_view message) {
  const std::string safe = SafeText(message);
  message = safe;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("status");
  w.Int(status);
  w.Key("message");
  WriteString(w, message);
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

std::string HealthJson(const DatabaseInfo& info) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("status");
  w.String(info.missing_shards.empty() ? "ok" : "degraded");
  w.Key("database");
  WriteString(w, info.path);
  w.Key("documents");
  w.Int64(info.documents);
  w.Key("last_update");
  if (info.last_update) {
    WriteString(w,
                FormatTimestamp({*info.last_update, TimePrecision::kSecond}));
  } else {
    w.Null();
  }
  w.Key("shards");
  w.Int(info.shards);
  w.Key("missing_shards");
  w.StartArray();
  for (const std::string& shard : info.missing_shards) WriteString(w, shard);
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

int HttpStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
      return 503;
    default:
      return 500;
  }
}

void SendError(httplib::Response& res, int status, absl::string_view message) {
  res.status = status;
  res.set_content(ErrorJson(status, message), kJson);
}

void SendStatus(httplib::Response& res, const absl::Status& status) {
  SendError(res, HttpStatus(status), status.message());
}

const char* ContentType(absl::string_view path) {
  if (absl::EndsWith(path, ".html")) return "text/html; charset=utf-8";
  if (absl::EndsWith(path, ".js")) return "text/javascript; charset=utf-8";
  if (absl::EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (absl::EndsWith(path, ".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

bool OriginAllowed(const std::vector<std::string>& allowed,
                   const std::string& origin) {
  return std::find(allowed.begin(), allowed.end(), "*") != allowed.end() ||
         std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

// The default log: standard error, a line at a time.
void LogToStderr(const std::string& line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::cerr << line << "\n";
}

// httplib::Server with connections bounded as http_connections.h says:
// it reads requests through a DeadlineStream and answers shed connections.
class GuardedServer : public httplib::Server {
 public:
  // httplib listens with a backlog of 5: a burst of connections beyond it
  // would wait for the client's SYN to be sent again (a second or more)
  // instead of being admitted or shed at once.
  void WidenBacklog() { ::listen(svr_sock_, kListenBacklog); }

  explicit GuardedServer(const ServerOptions& options)
      : log_(options.log),
        limits_{options.read_timeout, absl::Seconds(kSocketTimeoutSeconds),
                kMaxHeaderBytes + kMaxPayloadBytes},
        keep_alive_timeout_(options.keep_alive_timeout) {
    const int threads = options.threads;
    const int max_queued = options.max_queued;
    const absl::Duration max_wait = options.max_queue_wait;
    new_task_queue = [=] {
      return new AdmissionQueue(threads, max_queued, max_wait, &waiting_);
    };
  }

 private:
  bool Stopping() const { return svr_sock_ == INVALID_SOCKET; }
  bool process_and_close_socket(socket_t sock) override;
  void Shed(socket_t sock);

  std::function<void(const std::string&)> log_;
  const StreamLimits limits_;
  const absl::Duration keep_alive_timeout_;
  std::atomic<int> waiting_{0};
  Lingerer lingerer_{kShedLinger};
};

bool GuardedServer::process_and_close_socket(socket_t sock) {
  if (ShedMode()) {
    Shed(sock);
    return true;
  }
  bool ok = false;
  DeadlineStream stream(sock, limits_);
  const auto give_up = [this] { return waiting_.load() > 0 || Stopping(); };
  for (size_t count = keep_alive_max_count_; count > 0 && !Stopping();
       --count) {
    if (count != keep_alive_max_count_ &&
        !stream.WaitReadable(keep_alive_timeout_, give_up)) {
      break;
    }
    stream.StartRequest();
    bool connection_closed = false;
    ok = process_request(stream, count == 1, connection_closed, nullptr);
    if (!ok || connection_closed || stream.broken()) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

void GuardedServer::Shed(socket_t sock) {
  std::string ip = "-";
  int port = 0;
  DeadlineStream(sock, limits_).get_remote_ip_and_port(ip, port);
  ShedConnection(sock, ErrorJson(503, "the server is busy: try again"),
                 lingerer_);
  log_(absl::StrCat(ip, " - (shed) 503"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(
    Searcher* searcher, ServerOptions options) {
  if (options.threads < 1) {
    return absl::InvalidArgumentError("the worker pool needs a thread");
  }
  if (options.max_queued < 0) {
    return absl::InvalidArgumentError("max_queued must not be negative");
  }
  if (options.read_timeout < absl::Milliseconds(1) ||
      options.keep_alive_timeout < absl::Milliseconds(1) ||
      options.max_queue_wait < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "read_timeout and keep_alive_timeout must be positive durations, "
        "max_queue_wait not negative");
  }
  std::unique_ptr<HttpServer> server(
      new HttpServer(searcher, std::move(options)));
  const ServerOptions& o = server->options_;
  if (o.port == 0) {
    server->port_ = server->server_->bind_to_any_port(o.host);
  } else if (server->server_->bind_to_port(o.host, o.port)) {
    server->port_ = o.port;
  } else {
    server->port_ = -1;
  }
  if (server->port_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", o.host, ":", o.port));
  }
  static_cast<GuardedServer*>(server->server_.get())->WidenBacklog();
  return server;
}

HttpServer::HttpServer(Searcher* searcher, ServerOptions options)
    : searcher_(searcher), options_(std::move(options)) {
  if (!options_.log) options_.log = LogToStderr;
  server_ = std::make_unique<GuardedServer>(options_);
  // The accept loop wakes this often to shed connections that waited too
  // long (AdmissionQueue::on_idle).
  server_->set_idle_interval(0, 100000);
  // Without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK hold
  // each response for 40 ms.
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(kKeepAliveRequests);
  server_->set_read_timeout(kSocketTimeoutSeconds);
  server_->set_write_timeout(kSocketTimeoutSeconds);
  server_->set_payload_max_length(kMaxPayloadBytes);
  Route();
}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Run() {
  if (!server_->listen_after_bind()) {
    return absl::UnavailableError("the server stopped with an error");
  }
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (server_->is_running()) server_->stop();
}

void HttpServer::Route() {
  using httplib::Request;
  using httplib::Response;
  using HandlerResponse = httplib::Server::HandlerResponse;

  server_->set_pre_routing_handler([this](const Request& req, Response& res) {
    request_start = absl::Now();
    if (req.headers.size() > kMaxHeaders) {
      res.set_header("Connection", "close");
      SendError(res, 431, absl::StrCat("more than ", kMaxHeaders, " headers"));
      return HandlerResponse::Handled;
    }
    const std::string origin = req.get_header_value("Origin");
    if (!origin.empty() && OriginAllowed(options_.cors_origins, origin)) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
      if (req.method == "OPTIONS") {
        res.set_header("Access-Control-Allow-Methods", "GET");
        res.status = 204;
        return HandlerResponse::Handled;
      }
    }
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET");
      SendError(res, 405, "only GET is served");
      return HandlerResponse::Handled;
    }
    return HandlerResponse::Unhandled;
  });

  server_->Get("/api/search", [this](const Request& req, Response& res) {
    absl::StatusOr<SearchRequest> request =
        SearchRequestFromParams(req.params, options_.limits);
    if (!request.ok()) return SendStatus(res, request.status());
    request->time_limit = options_.request_timeout;
    request->allow_partial = request->allow_partial || options_.allow_partial;
    request->prune_shards = request->prune_shards && options_.prune_shards;
    absl::StatusOr<SearchResponse> response = searcher_->Search(*request);
    if (!response.ok()) return SendStatus(res, response.status());
    res.set_content(SearchResponseToJson(*response), kJson);
  });
  server_->Get(R"(/api/story/([^/]+))",
               [this](const Request& req, Response& res) {
                 absl::StatusOr<SearchResponse> response =
                     searcher_->Story(req.matches[1], options_.allow_partial);
                 if (!response.ok()) return SendStatus(res, response.status());
                 res.set_content(SearchResponseToJson(*response), kJson);
               });
  server_->Get(R"(/api/doc/(.+))", [this](const Request& req, Response& res) {
    absl::StatusOr<NewsDocument> doc = searcher_->Document(req.matches[1]);
    if (!doc.ok()) return SendStatus(res, doc.status());
    res.set_content(DocumentToJson(*doc), kJson);
  });
  server_->Get("/api/health", [this](const Request&, Response& res) {
    absl::StatusOr<DatabaseInfo> info = searcher_->Info();
    if (!info.ok()) return SendStatus(res, info.status());
    res.set_content(HealthJson(*info), kJson);
  });
  for (const WebAsset& asset : WebAssets()) {
    auto serve = [asset](const Request&, Response& res) {
      res.set_content(asset.data, asset.size, ContentType(asset.path));
    };
    // Patterns are regular expressions: "/index.html" must not match
    // "/indexxhtml".
    server_->Get(absl::StrReplaceAll(asset.path, {{".", "\\."}}), serve);
    if (std::string(asset.path) == "/index.html") server_->Get("/", serve);
  }

  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [](const Request& req, Response& res) {
        if (!res.body.empty()) return HandlerResponse::Unhandled;
        SendError(res, res.status,
                  res.status == 404
                      ? absl::StrCat("no such path: ", req.path)
                      : absl::StrCat("request failed (HTTP ", res.status, ")"));
        return HandlerResponse::Handled;
      }));
  server_->set_exception_handler(
      [](const Request&, Response& res, const std::exception_ptr&) {
        SendError(res, 500, "internal error");
      });
  server_->set_logger([this](const Request& req, const Response& res) {
    options_.log(absl::StrFormat(
        "%s %s %s %d %.1fms", req.remote_addr, req.method, req.target,
        res.status, absl::ToDoubleMilliseconds(absl::Now() - request_start)));
  });
}

}  // namespace newsearch
