// Reuters-21578 indexed in full through newsindex, then searched through
// newsearch; the expected answers are computed from the corpus file itself.
#include <rapidjson/document.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::HasSubstr;
using testing::Quote;
using testing::RunCommand;

constexpr int kLines = 21578;

// RFC 3339, or a bare date (one record, reuters-17192, has one) taken as UTC
// midnight: newsearch stores it at noon, inside the same UTC day.
bool ParsePublished(const char* text, absl::Time* when) {
  return absl::ParseTime(absl::RFC3339_full, text, when, nullptr) ||
         absl::ParseTime("%Y-%m-%d", text, when, nullptr);
}

rapidjson::Document SearchJson(const std::string& db, const std::string& args) {
  testing::CommandResult r =
      RunCommand(testing::NewsearchPath() + " --db " + Quote(db) +
                 " --json --no-fold " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document json;
  json.Parse(r.out.c_str());
  EXPECT_FALSE(json.HasParseError()) << r.out;
  return json;
}

class ReutersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ =
        new std::string(testing::SharedPath("corpora/reuters21578.jsonl"));
    testing::SharedIndex shared = testing::SharedReutersIndex("mono", "");
    index_ = new testing::CommandResult(std::move(shared.index));
    if (!shared.db.empty()) db_ = new std::string(shared.db);
  }
  void SetUp() override {
    if (db_ == nullptr) {
      testing::SharedFile(
          "corpora/reuters21578.jsonl");  // names what is missing
      GTEST_FAIL() << "cannot run without the Reuters-21578 corpus: "
                   << index_->err;
    }
  }

  // Ids of the corpus records with `topic` published in [from, to], read
  // straight from the file without any of newsearch's parsing.
  static std::set<std::string> Expected(const std::string& topic,
                                        absl::Time from, absl::Time to) {
    std::set<std::string> ids;
    std::ifstream in(*corpus_);
    std::string line;
    while (std::getline(in, line)) {
      rapidjson::Document json;
      json.Parse(line.c_str());
      if (json.HasParseError() || !json.HasMember("published") ||
          !json.HasMember("topics")) {
        continue;
      }
      const bool has_text =
          (json.HasMember("title") && json["title"].GetStringLength() > 0) ||
          (json.HasMember("body") && json["body"].GetStringLength() > 0);
      if (!has_text) continue;
      bool topical = false;
      for (const auto& t : json["topics"].GetArray())
        topical |= t.GetString() == topic;
      absl::Time when;
      if (!topical || !ParsePublished(json["published"].GetString(), &when)) {
        continue;
      }
      if (when >= from && when <= to) ids.insert(json["id"].GetString());
    }
    return ids;
  }

  // The March 1987 grain stories, from the corpus file.
  static std::set<std::string> ExpectedMarchGrain() {
    const absl::TimeZone utc = absl::UTCTimeZone();
    return Expected(
        "grain", absl::FromCivil(absl::CivilDay(1987, 3, 1), utc),
        absl::FromCivil(absl::CivilDay(1987, 4, 1), utc) - absl::Seconds(1));
  }

  static std::string* corpus_;
  static std::string* db_;
  static testing::CommandResult* index_;
};

std::string* ReutersTest::corpus_ = nullptr;
std::string* ReutersTest::db_ = nullptr;
testing::CommandResult* ReutersTest::index_ = nullptr;

TEST_F(ReutersTest, EveryLineIndexedButTheOneWithoutText) {
  EXPECT_EQ(index_->exit_code, 1) << index_->err;
  EXPECT_THAT(
      index_->err,
      HasSubstr(*corpus_ + ":12793: error: record has neither title nor body"));
  EXPECT_THAT(index_->err,
              HasSubstr("21577 indexed (21577 new, 0 replaced), 1 skipped"));
  // Exactly one diagnostic line plus the summary (and, as stderr is not a
  // terminal, progress lines every 10 s).
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(index_->err, '\n')) {
    if (!line.empty() && !absl::StartsWith(line, "newsindex: add: ")) ++lines;
  }
  EXPECT_EQ(lines, 2) << index_->err;
  EXPECT_EQ(Xapian::Database(*db_).get_doccount(),
            static_cast<unsigned>(kLines - 1));
}

TEST_F(ReutersTest, TopicAndDateRangeMatchTheCorpus) {
  const std::set<std::string> expected = ExpectedMarchGrain();
  ASSERT_GT(expected.size(), 50u);  // a meaningful sample, not a fluke
  rapidjson::Document json = SearchJson(
      *db_, "--limit 1000 " + Quote("topic:grain date:1987-03-01..1987-03-31"));
  std::set<std::string> got;
  for (const auto& result : json["results"].GetArray())
    got.insert(result["id"].GetString());
  EXPECT_EQ(json["total"]["value"].GetUint64(), expected.size());
  EXPECT_EQ(got, expected);
}

TEST_F(ReutersTest, TextQueryWithinTopicAndDatesIsASubset) {
  const std::set<std::string> expected = ExpectedMarchGrain();
  rapidjson::Document json = SearchJson(
      *db_,
      "--limit 1000 " + Quote("wheat topic:grain date:1987-03-01..1987-03-31"));
  ASSERT_GT(json["results"].Size(), 10u);
  double previous = 1e300;
  for (const auto& result : json["results"].GetArray()) {
    EXPECT_TRUE(expected.count(result["id"].GetString()))
        << result["id"].GetString();
    EXPECT_LE(result["score"].GetDouble(), previous);  // ranked by relevance
    previous = result["score"].GetDouble();
  }
}

// Per-record facts read straight from the corpus for the facet checks.
struct Record {
  std::vector<std::string> topics;
  std::string month;  // "1987-03", UTC; empty when undated
  bool march = false;
};

std::vector<Record> ReadRecords(const std::string& path) {
  std::vector<Record> records;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    rapidjson::Document json;
    json.Parse(line.c_str());
    const bool has_text =
        (json.HasMember("title") && json["title"].GetStringLength() > 0) ||
        (json.HasMember("body") && json["body"].GetStringLength() > 0);
    if (!has_text) continue;
    Record record;
    if (json.HasMember("topics")) {
      for (const auto& t : json["topics"].GetArray()) {
        record.topics.push_back(t.GetString());
      }
    }
    absl::Time when;
    // One record (reuters-17192) has a bare date.
    if (json.HasMember("published") &&
        ParsePublished(json["published"].GetString(), &when)) {
      record.month = absl::FormatTime("%Y-%m", when, absl::UTCTimeZone());
    }
    record.march = record.month == "1987-03";
    records.push_back(std::move(record));
  }
  return records;
}

TEST_F(ReutersTest, TemplatedResultsOfDifferentCompaniesAreNotFolded) {
  // "X Corp 4th qtr net" reports share nearly all their words; the story
  // similarity weighs words by rarity, so each company stays its own story.
  testing::CommandResult r = RunCommand(
      testing::NewsearchPath() + " --db " + Quote(*db_) +
      " --json --sort relevance --limit 100 " + Quote("title:qtr title:net"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document json;
  json.Parse(r.out.c_str());
  ASSERT_FALSE(json.HasParseError());
  ASSERT_EQ(json["results"].Size(), 100u);
  int folded = 0;
  for (const auto& result : json["results"].GetArray()) {
    folded += result["more_reports"].GetInt() > 0 ? 1 : 0;
  }
  EXPECT_LE(folded, 10) << "quarterly results of different companies folded";
  EXPECT_TRUE(json["total"]["folded"].GetBool());
}

TEST_F(ReutersTest, MonthlyHistogramOfCrudeMatchesTheCorpus) {
  std::map<std::string, int64_t> expected;
  for (const Record& r : ReadRecords(*corpus_)) {
    if (std::find(r.topics.begin(), r.topics.end(), "crude") !=
        r.topics.end()) {
      ++expected[r.month];
    }
  }
  ASSERT_GT(expected.size(), 3u);
  rapidjson::Document json =
      SearchJson(*db_, "--limit 0 --facets date --interval month topic:crude");
  const auto& date = json["facets"]["date"];
  EXPECT_STREQ(date["interval"].GetString(), "month");
  std::map<std::string, int64_t> got;
  for (const auto& b : date["buckets"].GetArray()) {
    got[b["key"].GetString()] = b["count"].GetInt64();
  }
  // Months without a crude story inside the span are present, with 0.
  for (auto& [month, count] : got) {
    if (count == 0) {
      EXPECT_EQ(expected.count(month), 0u) << month;
    }
  }
  std::map<std::string, int64_t> nonzero;
  for (const auto& [month, count] : got) {
    if (count > 0) nonzero[month] = count;
  }
  EXPECT_EQ(nonzero, expected);
}

TEST_F(ReutersTest, TopicCountsOfMarchMatchTheCorpus) {
  std::map<std::string, int64_t> expected;
  int64_t march = 0;
  for (const Record& r : ReadRecords(*corpus_)) {
    if (!r.march) continue;
    ++march;
    for (const std::string& topic :
         std::set<std::string>(r.topics.begin(), r.topics.end())) {
      ++expected[topic];
    }
  }
  ASSERT_GT(expected.size(), 50u);
  rapidjson::Document json =
      SearchJson(*db_, "--limit 0 --facets topic,kind --facet_size 100000 " +
                           Quote("date:1987-03-01..1987-03-31"));
  EXPECT_EQ(json["total"]["value"].GetInt64(), march);
  EXPECT_EQ(json["facets"]["kind"][0]["count"].GetInt64(), march);
  std::map<std::string, int64_t> got;
  for (const auto& v : json["facets"]["topic"].GetArray()) {
    got[v["value"].GetString()] = v["count"].GetInt64();
  }
  EXPECT_EQ(json["facets"]["other"]["topic"].GetInt64(), 0);
  for (const auto& [topic, count] : expected) {
    EXPECT_EQ(got[topic], count) << topic;
  }
}

}  // namespace
}  // namespace newsearch
