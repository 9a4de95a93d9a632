// Time shards end to end: Reuters-21578 indexed once into one database and
// once cut into month shards (newsindex --shard_by month), the shards then
// served by xapian-tcpsrv processes behind a stub; every search must give the
// same answer from the three. Then shard servers stopped and restarted under
// newsearch (CLI and serve), and a shard that accepts but never answers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "newsearch/shard_stub.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::HasSubstr;
using testing::Quote;
using testing::RunCommand;

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

// A socket bound to a free loopback port, which it sets (-1 on failure).
int BoundSocket(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t size = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

int FreePort() {
  int port = 0;
  close(BoundSocket(&port));
  return port;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in addr = Loopback(port);
  const bool ok =
      connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// A xapian-tcpsrv child serving several shards as one, in a session of its
// own (on SIGTERM it signals its whole process group).
struct TcpServer {
  std::vector<std::string> dbs;
  std::vector<std::string> periods;
  int port = 0;
  pid_t pid = 0;
  std::string log;

  bool Start() {
    std::vector<std::string> args = {"xapian-tcpsrv", "--port",
                                     std::to_string(port), "--interface",
                                     "127.0.0.1"};
    args.insert(args.end(), dbs.begin(), dbs.end());
    pid = fork();
    if (pid == 0) {
      setsid();
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // not left behind by a crash
      const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(out, 1);
      dup2(out, 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      if (Accepts(port)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void Stop() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    pid = 0;
  }
  std::string Address() const { return absl::StrCat("127.0.0.1:", port); }
};

std::string ToString(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

struct Search {
  testing::CommandResult run;
  rapidjson::Document json;
};

Search RunSearch(const std::string& db, const std::string& args) {
  Search s;
  s.run = RunCommand(testing::NewsearchPath() + " --db " + Quote(db) +
                     " --json " + args);
  if (s.run.exit_code == 0) s.json.Parse(s.run.out.c_str());
  return s;
}

// What a result shows, to compare across layouts.
std::string Shown(const rapidjson::Value& r) {
  return absl::StrCat(r["id"].GetString(), " ", ToString(r["more_reports"]),
                      " ", ToString(r["outlets"]), " ", ToString(r["snippet"]));
}

bool SameScore(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

// Whether `a` and `b` give the same page: ids, scores, story counts,
// totals and facets. `ordered`: the same order, scores, snippets and
// suggestion too, except within a run of exactly equal scores, which
// follows docid order (README, "Time shards"): there the same results in
// any order.
void ExpectSamePage(const rapidjson::Document& a, const rapidjson::Document& b,
                    bool ordered, const std::string& context) {
  SCOPED_TRACE(context);
  ASSERT_TRUE(a.IsObject() && b.IsObject());
  EXPECT_EQ(ToString(a["total"]), ToString(b["total"]));
  EXPECT_EQ(ToString(a["facets"]), ToString(b["facets"]));
  if (ordered) {
    EXPECT_EQ(ToString(a["suggestion"]), ToString(b["suggestion"]));
  }
  const auto& ra = a["results"];
  const auto& rb = b["results"];
  ASSERT_EQ(ra.Size(), rb.Size());
  std::multiset<std::string> ids_a, ids_b;
  for (rapidjson::SizeType i = 0; i < ra.Size(); ++i) {
    ids_a.insert(ra[i]["id"].GetString());
    ids_b.insert(rb[i]["id"].GetString());
  }
  EXPECT_EQ(ids_a, ids_b);
  if (!ordered) return;
  for (rapidjson::SizeType i = 0, end = 0; i < ra.Size(); i = end) {
    const double score = ra[i]["score"].GetDouble();
    std::multiset<std::string> shown_a, shown_b;
    for (end = i; end < ra.Size() &&
                  SameScore(ra[end]["score"].GetDouble(), score);
         ++end) {
      EXPECT_TRUE(SameScore(rb[end]["score"].GetDouble(), score))
          << end << ": " << score << " vs " << rb[end]["score"].GetDouble();
      shown_a.insert(Shown(ra[end]));
      shown_b.insert(Shown(rb[end]));
    }
    EXPECT_EQ(shown_a, shown_b) << "ranks " << i << " to " << end - 1;
  }
}

constexpr char kCommon[] =
    "--facets date,topic,source --now 1987-11-01 --limit 20 ";

struct Case {
  std::string args;  // query and flags
  bool dated;        // restricted to dates: some shards can be pruned
};

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      {"oil", false},
      {"grain", false},
      {"wheat", false},
      {"coffee", false},
      {"gold", false},
      {"dollar", false},
      {Quote("bank rate"), false},
      {Quote("trade deficit"), false},
      {Quote("interest rates"), false},
      {Quote("\"crude oil\""), false},
      {Quote("topic:grain"), false},
      {Quote("source:reuters"), false},
      {"--filter topic=crude oil", false},
      // Name variants (the lexicon's synonyms): the corpus writes Gaddafi
      // and Gorbachev; a misspelling gets the same suggestion.
      {"qaddafi", false},
      {"gorbatschow", false},
      {"coffe", false},
      {Quote("grain date:1987-03-01..1987-03-31"), true},
      {Quote("oil since:1987-04-01"), true},
      {Quote("wheat topic:grain date:1987-04-01..1987-04-15"), true},
  };
  return *cases;
}

class ShardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Built once per ctest run by the fixtures reuters_index_mono and
    // reuters_index_sharded (tests/CMakeLists.txt).
    testing::SharedIndex mono = testing::SharedReutersIndex("mono", "");
    testing::SharedIndex sharded =
        testing::SharedReutersIndex("sharded", "--shard_by month");
    if (mono.db.empty() || sharded.db.empty()) {
      *setup_error_ += mono.index.err + sharded.index.err;
      return;
    }
    dir_ = new std::string(testing::MakeTempDir("shards"));
    mono_ = new std::string(mono.db);
    sharded_ = new std::string(sharded.db);
    remote_ = new std::string(*dir_ + "/remote.stub");
    servers_ = new std::vector<TcpServer>(3);
    // One record has neither title nor body: exit 1, the rest indexed.
    for (const auto* r : {&mono.index, &sharded.index}) {
      if (r->exit_code > 1) *setup_error_ += "newsindex: " + r->err + "\n";
    }
    absl::StatusOr<std::vector<StubShard>> stub =
        ReadStub(*sharded_ + "/XAPIANDB");
    if (!stub.ok()) {
      *setup_error_ += std::string(stub.status().message());
      return;
    }
    // Lexicon first; the rest cut into three contiguous groups.
    std::vector<const StubShard*> data;
    for (const StubShard& s : *stub) {
      if (s.periods.size() == 1 &&
          s.periods[0].kind == ShardPeriod::Kind::kLexicon) {
        lexicon_->assign(s.path);
      } else {
        data.push_back(&s);
      }
    }
    std::string text = "glass " + *lexicon_ + "\n";
    for (size_t g = 0; g < servers_->size(); ++g) {
      TcpServer& server = (*servers_)[g];
      for (size_t i = g * data.size() / 3; i < (g + 1) * data.size() / 3; ++i) {
        server.dbs.push_back(data[i]->path);
        for (const ShardPeriod& p : data[i]->periods)
          server.periods.push_back(p.Name());
      }
      server.port = FreePort();
      server.log = absl::StrCat(*dir_, "/tcpsrv", g, ".log");
      if (!server.Start()) {
        *setup_error_ +=
            "xapian-tcpsrv did not start on " + server.Address() + "\n";
      }
      absl::StrAppend(&text, "# period ", absl::StrJoin(server.periods, " "),
                      "\nremote ", server.Address(), "\n");
    }
    testing::WriteFile(*remote_, text);
  }

  static void TearDownTestSuite() {
    if (servers_ == nullptr) return;
    for (TcpServer& server : *servers_) server.Stop();
  }

  void SetUp() override {
    if (dir_ == nullptr) {
      testing::SharedFile("corpora/reuters21578.jsonl");  // names it
      GTEST_FAIL() << "cannot run without the Reuters-21578 corpus: "
                   << *setup_error_;
    }
    ASSERT_EQ(*setup_error_, "");
    ASSERT_EQ(lexicon_->empty(), false) << "no lexicon in the stub";
  }

  // Whatever a test stopped is served again for the next.
  void TearDown() override {
    if (servers_ == nullptr) return;
    for (TcpServer& server : *servers_) {
      if (server.pid == 0) {
        EXPECT_TRUE(server.Start()) << server.Address();
      }
    }
  }

  static std::string* dir_;
  static std::string* mono_;
  static std::string* sharded_;
  static std::string* remote_;
  static std::string* lexicon_;
  static std::string* setup_error_;
  static std::vector<TcpServer>* servers_;
};

std::string* ShardsTest::dir_ = nullptr;
std::string* ShardsTest::mono_ = nullptr;
std::string* ShardsTest::sharded_ = nullptr;
std::string* ShardsTest::remote_ = nullptr;
std::string* ShardsTest::lexicon_ = new std::string;
std::string* ShardsTest::setup_error_ = new std::string;
std::vector<TcpServer>* ShardsTest::servers_ = nullptr;

// A test program run alone indexes Reuters twice (about 30 s), hence few
// and broad tests.

void ExpectStubListsMonthsAndUndated(const std::string& sharded,
                                     const std::vector<TcpServer>& servers) {
  absl::StatusOr<std::vector<StubShard>> stub = ReadStub(sharded + "/XAPIANDB");
  ASSERT_TRUE(stub.ok()) << stub.status();
  std::vector<std::string> names;
  for (const StubShard& s : *stub) {
    ASSERT_EQ(s.periods.size(), 1u) << s.Describe();
    names.push_back(s.periods[0].Name());
  }
  ASSERT_GE(names.size(), 4u);
  EXPECT_EQ(names.front(), "lexicon");
  EXPECT_NE(std::find(names.begin(), names.end(), "1987-03"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "1987-04"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "undated"), names.end());
  // Every shard is served by exactly one server.
  size_t served = 0;
  for (const TcpServer& server : servers) served += server.dbs.size();
  EXPECT_EQ(served, names.size() - 1);
}

TEST_F(ShardsTest, MonoLocalShardsAndRemoteShardsAgree) {
  ExpectStubListsMonthsAndUndated(*sharded_, *servers_);
  // Per case and fold setting: mono, local sharded, remote; and for dated
  // cases the two sharded ones again with pruning. Run in parallel.
  struct Outcome {
    std::string context;
    bool dated;
    std::vector<Search> searches;
  };
  std::vector<std::future<Outcome>> futures;
  for (const Case& c : Cases()) {
    for (const char* fold : {"", "--fold=false "}) {
      futures.push_back(std::async(std::launch::async, [c, fold] {
        Outcome o{absl::StrCat(fold, c.args), c.dated, {}};
        const std::string args = absl::StrCat(kCommon, fold, c.args);
        const std::string exact = "--prune_shards=false " + args;
        for (const std::string* db : {mono_, sharded_, remote_})
          o.searches.push_back(RunSearch(*db, exact));
        if (c.dated) {
          o.searches.push_back(RunSearch(*sharded_, args));
          o.searches.push_back(RunSearch(*remote_, args));
        }
        return o;
      }));
    }
  }
  for (auto& future : futures) {
    Outcome o = future.get();
    SCOPED_TRACE(o.context);
    bool ran = true;
    for (const Search& s : o.searches) {
      EXPECT_EQ(s.run.exit_code, 0) << s.run.err;
      EXPECT_FALSE(s.json.HasParseError()) << s.run.out;
      ran = ran && s.run.exit_code == 0 && !s.json.HasParseError();
    }
    if (!ran) continue;
    const rapidjson::Document& mono = o.searches[0].json;
    // Something to compare: matches, or a did-you-mean.
    EXPECT_TRUE(mono["total"]["value"].GetInt64() > 0 ||
                mono["suggestion"].IsString());
    for (size_t i = 1; i < 3; ++i) {
      const rapidjson::Document& s = o.searches[i].json;
      ExpectSamePage(mono, s, /*ordered=*/true, i == 1 ? "local" : "remote");
      EXPECT_FALSE(s["partial"].GetBool());
      EXPECT_EQ(s["missing_shards"].Size(), 0u);
      EXPECT_EQ(s["shards"]["pruned"].GetInt(), 0);
    }
    if (!o.dated) continue;
    // Pruned: BM25 statistics come from fewer shards, so scores and order
    // may change, but not which documents match nor the counts.
    for (size_t i = 3; i < 5; ++i) {
      const rapidjson::Document& all = o.searches[i - 2].json;
      const rapidjson::Document& pruned = o.searches[i].json;
      SCOPED_TRACE(i == 3 ? "local pruned" : "remote pruned");
      EXPECT_EQ(ToString(mono["total"]), ToString(pruned["total"]));
      EXPECT_EQ(ToString(mono["facets"]), ToString(pruned["facets"]));
      EXPECT_GT(pruned["shards"]["pruned"].GetInt(), 0);
      EXPECT_LT(pruned["shards"]["searched"].GetInt(),
                all["shards"]["searched"].GetInt());
      EXPECT_FALSE(pruned["partial"].GetBool());
    }
  }
  // Every match on one page: pruning must find the same documents.
  for (const Case& c : Cases()) {
    if (!c.dated) continue;
    SCOPED_TRACE(c.args);
    const std::string args =
        "--limit 1000 --no-fold --now 1987-11-01 " + c.args;
    Search mono = RunSearch(*mono_, args);
    Search pruned = RunSearch(*remote_, args);
    ASSERT_EQ(mono.run.exit_code, 0) << mono.run.err;
    ASSERT_EQ(pruned.run.exit_code, 0) << pruned.run.err;
    ASSERT_LT(mono.json["total"]["value"].GetInt64(), 1000);
    EXPECT_GT(pruned.json["shards"]["pruned"].GetInt(), 0);
    ExpectSamePage(mono.json, pruned.json, /*ordered=*/false, "remote pruned");
  }
}

TEST_F(ShardsTest, StoppedShardFailsOrIsReportedMissing) {
  TcpServer& down = (*servers_)[0];
  const std::string periods = absl::StrJoin(down.periods, " ");
  Search mono = RunSearch(*mono_, "--no-fold grain");
  ASSERT_EQ(mono.run.exit_code, 0) << mono.run.err;
  const int64_t all = mono.json["total"]["value"].GetInt64();
  down.Stop();

  Search failed = RunSearch(*remote_, "--no-fold grain");
  EXPECT_NE(failed.run.exit_code, 0);
  EXPECT_THAT(failed.run.err, HasSubstr(down.Address()));
  EXPECT_THAT(failed.run.err, HasSubstr(periods));

  Search partial = RunSearch(*remote_, "--no-fold --allow_partial grain");
  ASSERT_EQ(partial.run.exit_code, 0) << partial.run.err;
  EXPECT_TRUE(partial.json["partial"].GetBool());
  ASSERT_EQ(partial.json["missing_shards"].Size(), 1u);
  EXPECT_THAT(partial.json["missing_shards"][0].GetString(),
              HasSubstr(down.Address()));
  EXPECT_LT(partial.json["total"]["value"].GetInt64(), all);
  EXPECT_GT(partial.json["total"]["value"].GetInt64(), 0);

  // A search whose dates rule the stopped shard out does not need it.
  Search other = RunSearch(
      *remote_,
      "--no-fold " +
          Quote("grain since:" + (*servers_)[1].periods.front() + "-01"));
  EXPECT_EQ(other.run.exit_code, 0) << other.run.err;

  ASSERT_TRUE(down.Start()) << down.Address();
  Search again = RunSearch(*remote_, "--no-fold --shard_retry 0s grain");
  ASSERT_EQ(again.run.exit_code, 0) << again.run.err;
  EXPECT_FALSE(again.json["partial"].GetBool());
  EXPECT_EQ(again.json["total"]["value"].GetInt64(), all);
}

TEST_F(ShardsTest, ServerKeepsServingWhileAShardIsDown) {
  if (RunCommand("command -v curl").exit_code != 0) {
    GTEST_SKIP() << "curl is not installed";
  }
  const std::string port_file = *dir_ + "/serve.port";
  const std::string log = *dir_ + "/serve.log";
  std::filesystem::remove(port_file);
  const std::string command =
      "exec " + testing::NewsearchPath() + " serve --db " + Quote(*remote_) +
      " --listen 127.0.0.1:0 --port_file " + Quote(port_file) +
      " --shard_retry 200ms 2>" + Quote(log);
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
    _exit(127);
  }
  int port = 0;
  for (int i = 0; i < 200 && port == 0; ++i) {  // up to 10 s
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream(port_file) >> port;
  }
  // The HTTP status and the body as JSON.
  auto get = [&port](const std::string& path, rapidjson::Document* json) {
    testing::CommandResult r =
        RunCommand("curl -s --max-time 20 -w '\\n%{http_code}' " +
                   Quote(absl::StrCat("http://127.0.0.1:", port, path)));
    const size_t end = r.out.rfind('\n');
    if (end == std::string::npos) return -1;
    json->Parse(r.out.substr(0, end).c_str());
    EXPECT_TRUE(json->IsObject()) << path << ": " << r.out;
    return std::atoi(r.out.c_str() + end + 1);
  };
  [&] {
    ASSERT_GT(port, 0) << RunCommand("cat " + Quote(log)).out;
    rapidjson::Document health, whole, partial, failed, again;
    ASSERT_EQ(get("/api/health", &health), 200);
    EXPECT_STREQ(health["status"].GetString(), "ok");
    ASSERT_EQ(get("/api/search?q=grain&fold=0", &whole), 200);
    Search mono = RunSearch(*mono_, "--no-fold grain");
    ASSERT_EQ(mono.run.exit_code, 0) << mono.run.err;
    const int64_t all = mono.json["total"]["value"].GetInt64();
    EXPECT_EQ(whole["total"]["value"].GetInt64(), all);

    TcpServer& down = (*servers_)[1];
    down.Stop();
    ASSERT_EQ(get("/api/search?q=grain&fold=0&allow_partial=1", &partial), 200);
    EXPECT_TRUE(partial["partial"].GetBool());
    ASSERT_EQ(partial["missing_shards"].Size(), 1u);
    EXPECT_THAT(partial["missing_shards"][0].GetString(),
                HasSubstr(down.Address()));
    EXPECT_LT(partial["total"]["value"].GetInt64(), all);
    EXPECT_EQ(get("/api/search?q=grain", &failed), 503);
    ASSERT_TRUE(failed.HasMember("error"));
    EXPECT_THAT(failed["error"]["message"].GetString(),
                HasSubstr(down.Address()));
    ASSERT_EQ(get("/api/health", &health), 200);
    EXPECT_STREQ(health["status"].GetString(), "degraded");
    ASSERT_EQ(health["missing_shards"].Size(), 1u);
    EXPECT_THAT(health["missing_shards"][0].GetString(),
                HasSubstr(down.Address()));

    ASSERT_TRUE(down.Start()) << down.Address();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // retry
    ASSERT_EQ(get("/api/health", &health), 200);
    EXPECT_STREQ(health["status"].GetString(), "ok");
    ASSERT_EQ(get("/api/search?q=grain&fold=0", &again), 200);
    EXPECT_FALSE(again["partial"].GetBool());
    EXPECT_EQ(again["total"]["value"].GetInt64(), all);
  }();
  kill(pid, SIGTERM);
  int exit_status = 0;
  waitpid(pid, &exit_status, 0);
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
      << testing::RunCommand("cat " + Quote(log)).out;
}

// A shard that accepts connections (the kernel completes the handshake of a
// listening socket) but never says a word.
TEST(ShardTimeoutTest, SilentShardFailsFastInsteadOfHanging) {
  const std::string dir = testing::MakeTempDir("silent");
  testing::CommandResult index = RunCommand(
      testing::NewsindexPath() + " add --db " + Quote(dir + "/db") +
      " --shard_by month " + Quote(testing::SourceDir() + "/data/sample"));
  ASSERT_LE(index.exit_code, 1) << index.err;
  int port = 0;
  const int fd = BoundSocket(&port);  // listening, never accepting
  ASSERT_GE(fd, 0);
  ASSERT_EQ(listen(fd, 16), 0);
  const std::string address = absl::StrCat("127.0.0.1:", port);
  const std::string stub = dir + "/silent.stub";
  testing::WriteFile(stub, "glass " + dir +
                               "/db/lexicon\n# period 1987-03\n"
                               "remote " +
                               address + "\n");
  const std::string flags =
      " --json --shard_timeout 300ms --shard_connect_timeout 300ms ";

  auto start = std::chrono::steady_clock::now();
  testing::CommandResult r = RunCommand(testing::NewsearchPath() + " --db " +
                                        Quote(stub) + flags + "grain");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.err, HasSubstr(address));
  EXPECT_THAT(r.err, HasSubstr("Timeout"));
  EXPECT_LT(took, std::chrono::seconds(10));

  start = std::chrono::steady_clock::now();
  r = RunCommand(testing::NewsearchPath() + " --db " + Quote(stub) + flags +
                 "--allow_partial grain");
  took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"partial\":true"));
  EXPECT_THAT(r.out, HasSubstr(address));
  EXPECT_LT(took, std::chrono::seconds(10));
  close(fd);
}

}  // namespace
}  // namespace newsearch
