// `newsearch serve` for real: a server started on a free loopback port, real
// HTTP requests (cpp-httplib's client), JSON checked with RapidJSON. Status
// codes, the JSON shapes, limits and bad parameters, CORS, the page, the
// request log, and a database switched and committed to while requests
// stream in.
#include <httplib.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::HasSubstr;
using testing::Quote;
using testing::RunCommand;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A `newsearch serve` child process on a free port; stopped with SIGTERM.
class ServerProcess {
 public:
  ServerProcess(const std::string& db, const std::string& extra_flags) {
    const std::string dir = testing::MakeTempDir("serve");
    port_file_ = dir + "/port";
    log_ = dir + "/log";
    const std::string command =
        "exec " + testing::NewsearchPath() + " serve --db " + Quote(db) +
        " --listen 127.0.0.1:0 --port_file " + Quote(port_file_) + " " +
        extra_flags + " 2>" + Quote(log_);
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {  // up to 10 s
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream(port_file_) >> port_;
    }
  }
  ~ServerProcess() { Stop(); }

  // The exit status after SIGTERM.
  int Stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_status_;
  }

  int port() const { return port_; }
  std::string log() const { return ReadAll(log_); }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10);
    return client;
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  int exit_status_ = -1;
  std::string port_file_;
  std::string log_;
};

rapidjson::Document Json(const httplib::Result& r) {
  rapidjson::Document json;
  if (r) json.Parse(r->body.c_str());
  return json;
}

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new std::string(testing::MakeTempDir("http") + "/db");
    index_ = new testing::CommandResult(
        RunCommand(testing::NewsindexPath() + " --db " + Quote(*db_) + " " +
                   Quote(testing::SourceDir() + "/data/sample")));
  }
  void SetUp() override {
    ASSERT_EQ(index_->exit_code, 0) << index_->err;
    server_ = std::make_unique<ServerProcess>(*db_, "");
    ASSERT_GT(server_->port(), 0) << server_->log();
  }

  // GET `path`; the status, and the body parsed as JSON into `json`.
  int Get(const std::string& path, rapidjson::Document* json = nullptr) {
    httplib::Client client = server_->Client();
    httplib::Result r = client.Get(path.c_str());
    if (!r) return -1;
    if (json != nullptr) {
      json->Parse(r->body.c_str());
      EXPECT_FALSE(json->HasParseError()) << path << ": " << r->body;
    }
    return r->status;
  }

  static std::string* db_;
  static testing::CommandResult* index_;
  std::unique_ptr<ServerProcess> server_;
};

std::string* HttpTest::db_ = nullptr;
testing::CommandResult* HttpTest::index_ = nullptr;

TEST_F(HttpTest, Health) {
  rapidjson::Document json;
  ASSERT_EQ(Get("/api/health", &json), 200);
  EXPECT_STREQ(json["status"].GetString(), "ok");
  EXPECT_EQ(json["documents"].GetInt(), 89);
  EXPECT_STREQ(json["database"].GetString(), db_->c_str());
  EXPECT_TRUE(json["last_update"].IsString());
}

TEST_F(HttpTest, SearchFollowsTheJsonContract) {
  rapidjson::Document json;
  ASSERT_EQ(Get("/api/search?q=port%20strike&limit=5&facets=date,topic,source"
                "&interval=week&tz=Europe/Paris&filter=topic:strike",
                &json),
            200);
  EXPECT_STREQ(json["query"].GetString(), "port strike");
  EXPECT_GT(json["total"]["value"].GetInt(), 3);
  EXPECT_TRUE(json["total"]["exact"].GetBool());
  EXPECT_EQ(json["limit"].GetInt(), 5);
  ASSERT_EQ(json["results"].Size(), 5u);
  const auto& first = json["results"][0];
  for (const char* key :
       {"id", "kind", "title", "published", "source", "story", "snippet"}) {
    EXPECT_TRUE(first[key].IsString()) << key;
  }
  EXPECT_TRUE(first["score"].IsNumber());
  EXPECT_STREQ(json["facets"]["date"]["interval"].GetString(), "week");
  EXPECT_STREQ(json["facets"]["date"]["tz"].GetString(), "Europe/Paris");
  EXPECT_TRUE(json["facets"]["topic"].IsArray());
  EXPECT_STREQ(json["facet_count"].GetString(), "stories");
  EXPECT_TRUE(json["suggestion"].IsNull());
  EXPECT_TRUE(json["took_ms"].IsNumber());
}

TEST_F(HttpTest, StoryAndDocument) {
  rapidjson::Document json;
  ASSERT_EQ(Get("/api/search?q=strike&limit=1", &json), 200);
  const std::string story = json["results"][0]["story"].GetString();
  const std::string id = json["results"][0]["id"].GetString();
  rapidjson::Document timeline;
  ASSERT_EQ(Get("/api/story/" + story, &timeline), 200);
  EXPECT_GE(timeline["total"]["value"].GetInt(), 1);
  for (const auto& r : timeline["results"].GetArray()) {
    EXPECT_EQ(r["story"].GetString(), story);
  }
  rapidjson::Document doc;
  ASSERT_EQ(Get("/api/doc/" + httplib::detail::encode_query_param(id), &doc),
            200)
      << id;
  EXPECT_EQ(doc["id"].GetString(), id);
  EXPECT_TRUE(doc["body"].IsString() || doc["body"].IsNull());
  rapidjson::Document missing;
  EXPECT_EQ(Get("/api/story/0123456789abcdef", &missing), 404);
  EXPECT_EQ(missing["error"]["status"].GetInt(), 404);
  EXPECT_EQ(Get("/api/doc/no-such-id", &missing), 404);
  EXPECT_THAT(missing["error"]["message"].GetString(), HasSubstr("no-such-id"));
}

TEST_F(HttpTest, LimitsAndBadParametersAre400WithAMessage) {
  const std::string long_query(3000, 'a');
  for (const std::string& path : std::vector<std::string>{
           "/api/search?limit=1000", "/api/search?offset=999999",
           "/api/search?q=" + long_query, "/api/search?colour=red",
           "/api/search?sort=sideways", "/api/search?limit=1&limit=2",
           "/api/search?q=date:2025-99-99..", "/api/search?fold=maybe",
           "/api/search?facets=mood", "/api/search?tz=Mars/Olympus",
           "/api/search?filter=nocolon", "/api/search?q=%FF%FE"}) {
    rapidjson::Document json;
    EXPECT_EQ(Get(path, &json), 400) << path;
    EXPECT_EQ(json["error"]["status"].GetInt(), 400) << path;
    EXPECT_GT(std::string(json["error"]["message"].GetString()).size(), 5u)
        << path;
  }
  rapidjson::Document json;
  EXPECT_EQ(Get("/api/nothing-here", &json), 404);
  httplib::Client client = server_->Client();
  httplib::Result post = client.Post("/api/search", "q=x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  // The server is still serving after all that.
  EXPECT_EQ(Get("/api/health"), 200);
}

TEST_F(HttpTest, CorsIsOffUnlessAnOriginIsAllowed) {
  httplib::Client client = server_->Client();
  httplib::Result r =
      client.Get("/api/health", {{"Origin", "http://example.org"}});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin"));
  ServerProcess open(*db_, "--cors_origin http://example.org");
  ASSERT_GT(open.port(), 0) << open.log();
  httplib::Client other = open.Client();
  r = other.Get("/api/health", {{"Origin", "http://example.org"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"),
            "http://example.org");
  r = other.Get("/api/health", {{"Origin", "http://evil.example"}});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin"));
}

TEST_F(HttpTest, ServesTheSearchPage) {
  httplib::Client client = server_->Client();
  httplib::Result page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->get_header_value("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(page->body, HasSubstr("<form"));
  for (const char* asset : {"/app.js", "/style.css"}) {
    httplib::Result r = client.Get(asset);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << asset;
    EXPECT_GT(r->body.size(), 100u) << asset;
  }
}

TEST_F(HttpTest, EveryRequestIsLoggedInOneLine) {
  ASSERT_EQ(Get("/api/health"), 200);
  ASSERT_EQ(Get("/api/search?sort=sideways"), 400);
  EXPECT_EQ(server_->Stop(), 0);
  const std::string log = server_->log();
  EXPECT_THAT(log, HasSubstr("GET /api/health 200 "));
  EXPECT_THAT(log, HasSubstr("GET /api/search?sort=sideways 400 "));
}

// Requests keep succeeding while the indexer commits to the database in
// place and while a rebuilt database is switched in under the served path.
TEST_F(HttpTest, NoRequestFailsWhileTheIndexChanges) {
  const std::string dir = testing::MakeTempDir("switch");
  const std::string sample = Quote(testing::SourceDir() + "/data/sample");
  ASSERT_EQ(
      RunCommand("cp -rL " + Quote(*db_) + " " + Quote(dir + "/one")).exit_code,
      0);
  ASSERT_EQ(symlink((dir + "/one").c_str(), (dir + "/current").c_str()), 0);
  ServerProcess server(dir + "/current", "--threads 4");
  ASSERT_GT(server.port(), 0) << server.log();

  std::atomic<bool> done{false};
  std::atomic<int> requests{0}, failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&] {
      httplib::Client client = server.Client();
      while (!done) {
        httplib::Result r =
            client.Get("/api/search?q=strike&facets=date,topic&limit=5");
        ++requests;
        if (!r || r->status != 200 || Json(r)["total"]["value"].GetInt() == 0) {
          ++failures;
        }
      }
    });
  }
  // Commits in place, then a rebuilt database switched in atomically.
  const std::string extra = dir + "/extra.jsonl";
  std::ofstream(extra) << R"({"id": "x1", "title": "Dock strike spreads",)"
                       << R"( "published": "2026-11-21T10:00:00Z"})"
                       << "\n";
  EXPECT_EQ(RunCommand(testing::NewsindexPath() + " --db " +
                       Quote(dir + "/one") + " " + Quote(extra))
                .exit_code,
            0);
  EXPECT_EQ(RunCommand(testing::NewsindexPath() + " --db " +
                       Quote(dir + "/two") + " " + sample + " " + Quote(extra))
                .exit_code,
            0);
  ASSERT_EQ(symlink((dir + "/two").c_str(), (dir + "/next").c_str()), 0);
  ASSERT_EQ(std::rename((dir + "/next").c_str(), (dir + "/current").c_str()),
            0);
  RunCommand("rm -rf " + Quote(dir + "/one"));  // the old one goes
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  done = true;
  for (std::thread& t : clients) t.join();
  EXPECT_GT(requests.load(), 20);
  EXPECT_EQ(failures.load(), 0);
  httplib::Client client = server.Client();
  rapidjson::Document json = Json(client.Get("/api/health"));
  EXPECT_EQ(json["documents"].GetInt(), 90);
}

}  // namespace
}  // namespace newsearch
