#include "tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

namespace newsearch {
namespace testing {

namespace fs = std::filesystem;

namespace {

// The directories MakeTempDir made in this process. After the last test they
// are removed if every test passed; a failure, or NEWSEARCH_KEEP_TEST_DIRS=1,
// keeps them for inspection. (Without this a CI run left gigabytes behind.)
class TempDirs : public ::testing::Environment {
 public:
  void Add(fs::path dir) {
    std::lock_guard<std::mutex> lock(mu_);
    dirs_.push_back(std::move(dir));
  }

  void TearDown() override {
    const char* keep = std::getenv("NEWSEARCH_KEEP_TEST_DIRS");
    if (!::testing::UnitTest::GetInstance()->Passed() ||
        (keep != nullptr && std::string(keep) == "1")) {
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (const fs::path& dir : dirs_) {
      std::error_code ec;  // a directory already gone is fine
      fs::remove_all(dir, ec);
    }
    dirs_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<fs::path> dirs_;
};

// Registered before main() so that gtest tears it down after the last test;
// gtest owns it.
TempDirs* const kTempDirs = static_cast<TempDirs*>(
    ::testing::AddGlobalTestEnvironment(new TempDirs));

}  // namespace

std::string MakeTempDir(const std::string& name) {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string unique = name;
  if (info != nullptr) {
    unique =
        std::string(info->test_suite_name()) + "." + info->name() + "." + name;
  }
  // Parameterised tests are named "Prefix/Suite.Test/0": one path component.
  std::replace(unique.begin(), unique.end(), '/', '_');
  const fs::path dir = fs::path(::testing::TempDir()) / "newsearch_tests" /
                       (unique + "." + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  kTempDirs->Add(dir);
  return dir.string();
}

void WriteFile(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

static std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

CommandResult RunCommand(const std::string& command_line) {
  // A directory per call: tests run commands from several threads at once.
  static std::atomic<int> calls{0};
  const std::string dir = MakeTempDir("run." + std::to_string(calls++));
  const std::string out = dir + "/stdout";
  const std::string err = dir + "/stderr";
  const std::string full =
      command_line + " >" + Quote(out) + " 2>" + Quote(err);
  const int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadAll(out);
  result.err = ReadAll(err);
  return result;
}

std::string ReadTestData(const std::string& relative) {
  const std::string path = SourceDir() + "/tests/data/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string NewsindexPath() { return NEWSEARCH_NEWSINDEX_PATH; }
std::string NewsearchPath() { return NEWSEARCH_NEWSEARCH_PATH; }
std::string SourceDir() { return NEWSEARCH_SOURCE_DIR; }

std::string SharedPath(const std::string& relative) {
  const char* env = std::getenv("NEWSEARCH_SHARED");
  const fs::path shared = env != nullptr && *env != '\0'
                              ? fs::path(env)
                              : fs::path(SourceDir()) / ".." / "shared";
  return (shared / relative).lexically_normal().string();
}

std::string SharedFile(const std::string& relative) {
  const std::string file = SharedPath(relative);
  if (!fs::exists(file)) {
    ADD_FAILURE() << "missing " << file
                  << ": this test needs the shared corpora beside the checkout "
                     "(../shared) or NEWSEARCH_SHARED set to that folder; "
                     "run `ctest -LE corpus` to leave such tests out";
    return "";
  }
  return fs::canonical(file).string();
}

SharedIndex SharedReutersIndex(const std::string& name,
                               const std::string& flags) {
  SharedIndex shared;
  const char* fixtures = std::getenv("NEWSEARCH_FIXTURES");
  if (fixtures != nullptr && *fixtures != '\0') {
    const std::string base = std::string(fixtures) + "/" + name;
    std::ifstream code(base + ".code");
    if (!(code >> shared.index.exit_code)) {
      shared.index.err = "the fixture reuters_index_" + name +
                         " did not build " + base + ".db";
      return shared;
    }
    std::ifstream err(base + ".err");
    shared.index.err.assign(std::istreambuf_iterator<char>(err), {});
    shared.db = base + ".db";
    return shared;
  }
  const std::string corpus = SharedPath("corpora/reuters21578.jsonl");
  if (!fs::exists(corpus)) return shared;
  shared.db = MakeTempDir("reuters-" + name) + "/db";
  shared.index = RunCommand(NewsindexPath() + " add --db " + Quote(shared.db) +
                            " " + flags + " " + Quote(corpus));
  return shared;
}

}  // namespace testing
}  // namespace newsearch
