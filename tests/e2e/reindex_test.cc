// Batch reindexing and crash safety, through the real programs: a reindex
// switches the database under a process that searches in a loop without a
// failed search or an answer from a partial index; SIGKILL at random points
// of `add` and `reindex` (several seeds) leaves a database that opens and
// holds exactly the committed batches, and the next run finishes the work;
// SIGTERM stops cleanly.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "common/facet_column_data.h"
#include "tests/test_util.h"

extern char** environ;

namespace newsearch {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kDocuments = 2000;
constexpr int kBatch = 50;

// A synthetic corpus: record i has id "r<i>", a distinct title and a body
// of random words, so that indexing takes a few seconds. The first n
// records are the same whatever the count.
std::string WriteCorpus(const std::string& dir, int count,
                        const std::string& name = "corpus.jsonl") {
  std::mt19937 random(7);
  const std::vector<std::string> words = {
      "harbour", "strike", "council", "budget", "river",  "flood",
      "minister", "talks",  "vote",   "energy", "prices", "court",
      "railway", "school", "hospital", "market", "storm", "election"};
  const std::string path = dir + "/" + name;
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) {
    std::string body;
    for (int w = 0; w < 80; ++w) {
      absl::StrAppend(&body, words[random() % words.size()], " ");
    }
    out << R"({"id": "r)" << i << R"(", "title": "Report )" << i << " on "
        << words[i % words.size()] << " " << words[(i / 7) % words.size()]
        << R"(", "body": ")" << body << R"(", "published": "2025-)"
        << 1 + i % 12 << "-" << 10 + i % 18 << R"(T10:00:00Z", "source": ")"
        << (i % 2 ? "wire" : "gazette") << "\"}\n";
  }
  return path;
}

// Starts a program with stdout and stderr to `log`; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) !=
      0) {
    pid = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Exit code, or 128 + signal.
int Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The ids in the database at `path`; fails the test if it does not open.
std::set<int> Ids(const std::string& path) {
  std::set<int> ids;
  try {
    Xapian::Database db(path);
    for (auto it = db.allterms_begin("Qr"); it != db.allterms_end("Qr");
         ++it) {
      ids.insert(std::stoi((*it).substr(2)));
    }
  } catch (const Xapian::Error& e) {
    ADD_FAILURE() << path << " does not open: " << e.get_description();
  }
  return ids;
}

// Whether `ids` is exactly 0..n-1.
bool IsPrefix(const std::set<int>& ids) {
  return ids.empty() || (*ids.begin() == 0 &&
                         *ids.rbegin() == static_cast<int>(ids.size()) - 1);
}

std::vector<std::string> Newsindex(std::vector<std::string> args) {
  args.insert(args.begin(), testing::NewsindexPath());
  return args;
}

class ReindexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("reindex");
    db_ = dir_ + "/news.db";
    corpus_ = WriteCorpus(dir_, kDocuments);
  }

  std::vector<std::string> LayoutEntries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename();
      if (absl::StartsWith(name, "news.db")) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_, db_, corpus_;
};

// Every search answer counts the old index's documents or the new one's,
// never a partial or empty index, and no search fails.
TEST_F(ReindexTest, SwitchesAtomicallyWhileAnotherProcessSearches) {
  const std::string sample = testing::SourceDir() + "/data/sample";
  ASSERT_EQ(RunCommand(testing::NewsindexPath() + " --quiet --db " +
                       Quote(db_) + " " + Quote(sample))
                .exit_code,
            0);
  const std::string extra = dir_ + "/extra.jsonl";
  std::ofstream(extra) << R"({"id": "x1", "title": "Dock strike spreads"})"
                       << "\n";
  std::atomic<bool> done{false};
  std::vector<int64_t> totals;
  int failures = 0;
  std::thread searcher([&] {
    while (!done) {
      testing::CommandResult r = RunCommand(
          testing::NewsearchPath() + " --db " + Quote(db_) +
          " --json --no-fold --limit 0 ''");
      rapidjson::Document json;
      json.Parse(r.out.c_str());
      if (r.exit_code != 0 || json.HasParseError()) {
        ++failures;
        continue;
      }
      totals.push_back(json["total"]["value"].GetInt64());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  testing::CommandResult reindex = RunCommand(
      testing::NewsindexPath() + " reindex --threads 2 --grace 0.5s --db " + Quote(db_) +
      " " + Quote(sample) + " " + Quote(extra));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  done = true;
  searcher.join();
  ASSERT_EQ(reindex.exit_code, 0) << reindex.err;
  EXPECT_THAT(reindex.err, HasSubstr("now -> generation 2"));
  EXPECT_EQ(failures, 0);
  ASSERT_GE(totals.size(), 3u);
  const int64_t before = totals.front(), after = totals.back();
  EXPECT_EQ(after, before + 1);
  for (int64_t total : totals) {
    EXPECT_TRUE(total == before || total == after) << total;
  }
  // The old generation is gone after the grace period; nothing else left.
  EXPECT_THAT(LayoutEntries(), ::testing::ElementsAre("news.db", "news.db.2",
                                                      "news.db.lock"));
  // With no inputs, reindex rebuilds from the sources the database records.
  testing::CommandResult again = RunCommand(
      testing::NewsindexPath() + " reindex --threads 2 --grace 0s --db " + Quote(db_));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("now -> generation 3"));
  Xapian::Database db(db_);
  EXPECT_EQ(static_cast<int64_t>(db.get_doccount()), after);
}

// An add into a database that exists (a first load is built apart: see
// SigtermStopsAFirstLoadAndTheNextAddResumes).
TEST_F(ReindexTest, SigtermStopsAddCleanlyAndTheNextRunFinishes) {
  const std::string half = WriteCorpus(dir_, 1000, "half.jsonl");
  ASSERT_EQ(RunCommand(testing::NewsindexPath() + " --quiet --db " +
                       Quote(db_) + " " + Quote(half))
                .exit_code,
            0);
  const pid_t pid =
      Spawn(Newsindex({"--db", db_, "--batch_size", "1000", "--threads", "2",
                       corpus_}),
            dir_ + "/add.log");
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pid, SIGTERM);
  const int code = Wait(pid);
  const std::string log = ReadFile(dir_ + "/add.log");
  if (code == 0) GTEST_SKIP() << "indexing finished before the signal";
  EXPECT_EQ(code, 3) << log;
  EXPECT_THAT(log, HasSubstr("SIGTERM: stopping after the current document"));
  EXPECT_THAT(log, HasSubstr("(stopped: run again to finish)"));
  // Stopped mid-batch: what was written is committed anyway, in order.
  const std::set<int> ids = Ids(db_);
  EXPECT_TRUE(IsPrefix(ids));
  EXPECT_GT(ids.size(), 0u);
  EXPECT_LT(ids.size(), static_cast<size_t>(kDocuments));
  ASSERT_EQ(RunCommand(testing::NewsindexPath() + " --quiet --db " +
                       Quote(db_) + " " + Quote(corpus_))
                .exit_code,
            0);
  EXPECT_EQ(Ids(db_).size(), static_cast<size_t>(kDocuments));
}

TEST_F(ReindexTest, SigtermStopsReindexAndTheNextRunResumes) {
  const std::string half = WriteCorpus(dir_, 1000, "half.jsonl");
  ASSERT_EQ(RunCommand(testing::NewsindexPath() + " --quiet --db " +
                       Quote(db_) + " " + Quote(half))
                .exit_code,
            0);
  const pid_t pid = Spawn(
      Newsindex({"reindex", "--threads", "2", "--grace", "0s", "--batch_size", "100", "--db",
                 db_, corpus_}),
      dir_ + "/reindex.log");
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pid, SIGTERM);
  const int code = Wait(pid);
  const std::string log = ReadFile(dir_ + "/reindex.log");
  if (code == 0) GTEST_SKIP() << "reindex finished before the signal";
  EXPECT_EQ(code, 3) << log;
  EXPECT_THAT(log, HasSubstr("the live database is unchanged"));
  EXPECT_EQ(Ids(db_).size(), 1000u);
  testing::CommandResult rerun = RunCommand(
      testing::NewsindexPath() + " reindex --threads 2 --grace 0s --db " + Quote(db_) +
      " " + Quote(corpus_));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_THAT(rerun.err, HasSubstr("reindex resumed"));
  EXPECT_EQ(Ids(db_).size(), static_cast<size_t>(kDocuments));
}

// An add into a new database is built as a reindex is, in segments on
// every thread: stopped, it leaves no database but its build, which the
// next add of the same input resumes.
TEST_F(ReindexTest, SigtermStopsAFirstLoadAndTheNextAddResumes) {
  constexpr int kMany = 10000;  // so that the signal comes in time
  const std::string corpus = WriteCorpus(dir_, kMany, "many.jsonl");
  const pid_t pid = Spawn(Newsindex({"--threads", "2", "--batch_size", "100",
                                     "--db", db_, corpus}),
                          dir_ + "/add.log");
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  kill(pid, SIGTERM);
  const int code = Wait(pid);
  const std::string log = ReadFile(dir_ + "/add.log");
  if (code == 0) GTEST_SKIP() << "add finished before the signal";
  EXPECT_EQ(code, 3) << log;
  EXPECT_THAT(log, HasSubstr("stopped: run again to finish"));
  EXPECT_FALSE(fs::exists(db_));
  testing::CommandResult rerun = RunCommand(
      testing::NewsindexPath() + " --threads 2 --db " + Quote(db_) + " " +
      Quote(corpus));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_THAT(rerun.err, HasSubstr("resumed, "));
  EXPECT_THAT(rerun.err, HasSubstr("already indexed by an earlier run"));
  EXPECT_EQ(Ids(db_).size(), static_cast<size_t>(kMany));
  for (const std::string& name : LayoutEntries()) {
    EXPECT_FALSE(absl::EndsWith(name, ".build")) << name;
  }
}

class CrashTest : public ReindexTest,
                  public ::testing::WithParamInterface<int> {
 protected:
  // A kill time spread over a whole run of `documents`, scaled by how long
  // this machine takes to add 1,000 of them, so that fixed delays do not
  // all land after the end on a fast machine or at the start on a loaded
  // one.
  std::chrono::milliseconds KillDelay(std::mt19937& random, int documents) {
    static const double seconds_per_1000 = [] {
      const std::string dir = testing::MakeTempDir("reindex-pace");
      const std::string half = WriteCorpus(dir, 1000, "half.jsonl");
      const auto start = std::chrono::steady_clock::now();
      RunCommand(testing::NewsindexPath() + " --quiet --db " +
                 Quote(dir + "/pace.db") + " " + Quote(half));
      return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                           start)
          .count();
    }();
    const double run = seconds_per_1000 * documents / 1000.0;
    const double fraction = 0.05 + (random() % 1000) / 1000.0;  // 0.05-1.05
    return std::chrono::milliseconds(static_cast<int>(1000 * run * fraction));
  }
};

// Killed at a random moment, add leaves whole batches, in input order.
TEST_P(CrashTest, KilledAddKeepsEveryCommittedBatch) {
  std::mt19937 random(GetParam());
  const auto delay = KillDelay(random, kDocuments);
  const pid_t pid = Spawn(Newsindex({"--db", db_, "--batch_size",
                                     absl::StrCat(kBatch), corpus_}),
                          dir_ + "/add.log");
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  if (Wait(pid) != 128 + SIGKILL) GTEST_SKIP() << "add ended before the kill";
  if (fs::exists(db_)) {
    const std::set<int> ids = Ids(db_);
    EXPECT_TRUE(IsPrefix(ids)) << ids.size() << " ids";
    EXPECT_TRUE(ids.size() % kBatch == 0 ||
                ids.size() == static_cast<size_t>(kDocuments))
        << ids.size() << " documents after SIGKILL at " << delay.count()
        << " ms";
  }
  testing::CommandResult rerun = RunCommand(
      testing::NewsindexPath() + " --quiet --db " + Quote(db_) + " " +
      Quote(corpus_));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(Ids(db_).size(), static_cast<size_t>(kDocuments));
}

// Killed at a random moment, reindex leaves the live database as it was
// (or, killed after the switch, the complete new one); the next run resumes.
TEST_P(CrashTest, KilledReindexLeavesACompleteDatabase) {
  const std::string half = WriteCorpus(dir_, 1000, "half.jsonl");
  ASSERT_EQ(RunCommand(testing::NewsindexPath() + " --quiet --db " +
                       Quote(db_) + " " + Quote(half))
                .exit_code,
            0);
  std::mt19937 random(GetParam());
  const auto delay = KillDelay(random, kDocuments);
  const pid_t pid =
      Spawn(Newsindex({"reindex", "--threads", "2", "--grace", "0.2s", "--db", db_, "--batch_size",
                       absl::StrCat(kBatch), corpus_}),
            dir_ + "/reindex.log");
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  if (Wait(pid) != 128 + SIGKILL) {
    GTEST_SKIP() << "reindex ended before the kill";
  }
  const size_t live = Ids(db_).size();
  bool interrupted_build = false;
  for (const std::string& name : LayoutEntries()) {
    if (absl::EndsWith(name, ".build")) interrupted_build = true;
  }
  EXPECT_TRUE(live == 1000 || live == static_cast<size_t>(kDocuments))
      << live << " documents live after SIGKILL at " << delay.count() << " ms";

  testing::CommandResult rerun = RunCommand(
      testing::NewsindexPath() + " reindex --threads 2 --grace 0s --db " + Quote(db_) +
      " " + Quote(corpus_));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  if (interrupted_build) {
    // It went on from the committed batches of the killed run.
    EXPECT_THAT(rerun.err, HasSubstr("reindex resumed"));
    EXPECT_THAT(rerun.err, HasSubstr("already indexed by an earlier run"));
  }
  EXPECT_EQ(Ids(db_).size(), static_cast<size_t>(kDocuments));
  for (const std::string& name : LayoutEntries()) {
    EXPECT_FALSE(absl::EndsWith(name, ".build")) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CrashTest, ::testing::Values(1, 2, 3, 4));

// Every run leaves the facet column file of its last commit beside the
// database, which one-shot searches read (common/facet_column_data.h).
TEST_F(ReindexTest, EveryRunLeavesTheFacetColumnOfItsLastCommit) {
  auto current = [this] {
    Xapian::Database db(db_);
    return ReadFacetColumnFile(fs::canonical(db_).string(), db.get_uuid(),
                               db.get_revision());
  };
  const std::string half = WriteCorpus(dir_, 1000, "half.jsonl");
  for (const std::string& command :
       {" --quiet --db " + Quote(db_) + " " + Quote(half),   // first load
        " --quiet --db " + Quote(db_) + " " + Quote(corpus_),  // add
        " reindex --quiet --grace 0s --db " + Quote(db_)}) {
    ASSERT_EQ(RunCommand(testing::NewsindexPath() + command).exit_code, 0)
        << command;
    absl::StatusOr<FacetColumnData> column = current();
    ASSERT_TRUE(column.ok()) << command << ": " << column.status();
    EXPECT_EQ(column->rows.size(), Ids(db_).size() + 1) << command;
  }
}

// What a kill leaves while a directory is discarded (a finished build, an
// old generation) is stale: the next run removes it and never resumes it.
TEST_F(ReindexTest, PartlyDiscardedDirectoriesAreRemovedNotResumed) {
  const std::string half = WriteCorpus(dir_, 1000, "half.jsonl");
  ASSERT_EQ(RunCommand(testing::NewsindexPath() + " --quiet --db " +
                       Quote(db_) + " " + Quote(half))
                .exit_code,
            0);
  // The live generation's copy under the names a kill could leave: a
  // build of the next generation and an old generation, each cut short.
  const std::string live = fs::canonical(db_).string();
  for (const std::string& name : {db_ + ".2.build.discard", db_ + ".0.discard"}) {
    fs::copy(live, name, fs::copy_options::recursive);
    fs::remove(name + "/postlist.glass");
  }
  testing::CommandResult rerun = RunCommand(
      testing::NewsindexPath() + " reindex --threads 2 --grace 0s --db " +
      Quote(db_) + " " + Quote(corpus_));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_THAT(rerun.err, Not(HasSubstr("resumed")));
  EXPECT_EQ(Ids(db_).size(), static_cast<size_t>(kDocuments));
  for (const std::string& name : LayoutEntries()) {
    EXPECT_FALSE(absl::EndsWith(name, ".discard")) << name;
  }
}

}  // namespace
}  // namespace newsearch
