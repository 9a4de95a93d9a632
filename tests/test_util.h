// Helpers shared by the tests: status matchers that Debian's Abseil lacks,
// scratch directories, running the built programs, and finding ../shared.
#ifndef NEWSEARCH_TESTS_TEST_UTIL_H_
#define NEWSEARCH_TESTS_TEST_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newsearch {
namespace testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(status.message()), result_listener);
}

// A fresh, empty directory under the test temp dir. It is removed after the
// last test of the process if all passed, and kept for inspection otherwise
// (or with NEWSEARCH_KEEP_TEST_DIRS=1).
std::string MakeTempDir(const std::string& name);

// Writes `content` to `path`, creating parent directories.
void WriteFile(const std::string& path, const std::string& content);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a shell command line and captures its output. Thread-safe.
CommandResult RunCommand(const std::string& command_line);

// Single-quotes an argument for the shell.
std::string Quote(const std::string& arg);

// The contents of tests/data/`relative` (a fixture we wrote); records a
// test failure naming the path when it cannot be read.
std::string ReadTestData(const std::string& relative);

// Paths of the built programs and of the source tree (set by CMake).
std::string NewsindexPath();
std::string NewsearchPath();
std::string SourceDir();

// The shared folder beside the checkout (or $NEWSEARCH_SHARED): its corpora
// and seeds. SharedPath() only builds the path ("corpora/reuters21578.jsonl"
// -> "/work/shared/corpora/reuters21578.jsonl"). SharedFile() also checks it:
// when the file is absent it records a test failure naming it (call it from
// a test or SetUp, not SetUpTestSuite, where gtest turns failures into skips)
// and returns "".
std::string SharedPath(const std::string& relative);
std::string SharedFile(const std::string& relative);

// A Reuters-21578 index that tests only read, with the result of the
// `newsindex add --db DB FLAGS CORPUS` that built it. Under ctest it is
// built once per run by the fixture test reuters_index_NAME
// (tests/index_fixture.cmake), found through $NEWSEARCH_FIXTURES; a test
// program run alone builds it in a temporary directory. db is "" when the
// corpus is missing.
struct SharedIndex {
  std::string db;
  CommandResult index;
};
SharedIndex SharedReutersIndex(const std::string& name,
                               const std::string& flags);

}  // namespace testing
}  // namespace newsearch

#endif  // NEWSEARCH_TESTS_TEST_UTIL_H_
