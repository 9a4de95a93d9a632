// Hostile input through the two programs: newsindex reports each bad record
// as FILE:LINE (error or warning) and indexes the rest; newsearch answers a
// query over its limits with an error naming the limit. Big inputs are
// generated here.
#include <rapidjson/document.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::HasSubstr;
using testing::Quote;
using testing::RunCommand;

class HostileCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("hostile-cli");
    db_ = dir_ + "/db";
  }
  std::string Index(const std::string& args) {
    return testing::NewsindexPath() + " --db " + Quote(db_) + " " + args;
  }
  std::string Search(const std::string& args) {
    return testing::NewsearchPath() + " --db " + Quote(db_) + " " + args;
  }
  std::string dir_;
  std::string db_;
};

TEST_F(HostileCliTest, BadRecordsAreReportedAndTheRestIndexed) {
  const std::string file = dir_ + "/hostile.jsonl";
  std::string content = "{\"id\": \"first\", \"title\": \"First zebra\"}\n";
  absl::StrAppend(&content,
                  "{\"id\": \"huge\", \"title\": \"Huge\", \"body\": \"",
                  std::string(50u << 20, 'h'), "\"}\n");
  absl::StrAppend(&content,
                  "{\"id\": \"latin1\", \"title\": \"Caf\xE9 zebra\", "
                  "\"source\": \"nul\\u0000wire\"}\n");
  absl::StrAppend(&content, "{\"id\": \"bad\xFF\", \"title\": \"Bad id\"}\n");
  absl::StrAppend(&content, std::string(100000, '['), "\n");
  absl::StrAppend(&content, "{\"id\": \"deep\", \"title\": \"T\", \"x\": ",
                  std::string(100000, '{'), "\n");
  absl::StrAppend(&content,
                  "{\"id\": \"last\", \"title\": \"Last zebra\", "
                  "\"published\": \"0000-01-01\"}\n");
  testing::WriteFile(file, content);

  testing::CommandResult r = RunCommand(Index(Quote(file)));
  EXPECT_EQ(r.exit_code, 1) << "skipped records show in the exit status";
  EXPECT_THAT(r.err, HasSubstr(file + ":2: error: line is longer than"));
  EXPECT_THAT(r.err, HasSubstr(file + ":3: warning: field 'title': replaced"));
  EXPECT_THAT(r.err, HasSubstr(file + ":3: warning: field 'source': replaced"));
  EXPECT_THAT(r.err, HasSubstr(file + ":4: error: field 'id' has invalid"));
  EXPECT_THAT(r.err, HasSubstr(file + ":5: error: invalid JSON"));
  EXPECT_THAT(r.err, HasSubstr(file + ":6: error: invalid JSON"));
  EXPECT_THAT(r.err, HasSubstr("3 indexed (3 new, 0 replaced), 4 skipped"));

  testing::CommandResult s = RunCommand(Search("--json --no-fold zebra"));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  rapidjson::Document json;
  json.Parse(s.out.c_str());
  ASSERT_FALSE(json.HasParseError()) << s.out;
  EXPECT_EQ(json["total"]["value"].GetInt64(), 3);
  testing::CommandResult year0 =
      RunCommand(Search("--json " + Quote("zebra date:0000-01-01")));
  ASSERT_EQ(year0.exit_code, 0) << year0.err;
  EXPECT_THAT(year0.out, HasSubstr("\"published\":\"0000-01-01\""));
}

TEST_F(HostileCliTest, QueriesOverTheLimitsAreClearErrors) {
  ASSERT_EQ(RunCommand("printf '%s\\n' '{\"title\": \"x\"}' | " + Index("-"))
                .exit_code,
            0);
  testing::CommandResult big =
      RunCommand(Search(Quote(std::string(100 * 1024, 'q'))));
  EXPECT_EQ(big.exit_code, 1);
  EXPECT_THAT(big.err, HasSubstr("the limit is 8192"));
  std::string deep;
  for (int i = 0; i < 200; ++i)
    absl::StrAppend(&deep, "x", i % 2 ? " AND (" : " OR (");
  deep += "x" + std::string(200, ')');
  testing::CommandResult nested = RunCommand(Search(Quote(deep)));
  EXPECT_EQ(nested.exit_code, 1);
  EXPECT_THAT(nested.err, HasSubstr("the limit is 64"));
}

}  // namespace
}  // namespace newsearch
