// Hostile queries and edge dates through the Searcher: each gives results or
// kInvalidArgument naming the limit (searcher/query_limits.h), with no crash,
// no stack overflow and no hang.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "newsearch/searcher.h"
#include "searcher/date_buckets.h"
#include "searcher/query_builder.h"
#include "searcher/query_limits.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
constexpr int kVocabulary = 20000;

// The i-th word of the vocabulary: "a" then four letters ("aaaaa"...).
std::string Word(int i) {
  std::string word = "a";
  for (int k = 0; k < 4; ++k) {
    word.push_back(static_cast<char>('a' + i % 26));
    i /= 26;
  }
  return word;
}

class HostileQueryTest : public ::testing::Test {
 protected:
  // 20,000 documents each with a word of its own starting with "a", and
  // documents at the edges of the date range.
  static void SetUpTestSuite() {
    path_ = new std::string(testing::MakeTempDir("hostile-q") + "/db");
    std::vector<NewsDocument> docs;
    for (int i = 0; i < kVocabulary; ++i) {
      docs.push_back(testing::MakeDoc(absl::StrCat("w", i), Word(i), "filler",
                                      "2020-06-01T12:00:00Z"));
    }
    docs.push_back(
        testing::MakeDoc("year0", "Ancient tablet", "old", "0000-01-01"));
    docs.push_back(testing::MakeDoc("before-epoch", "Ancient eve", "old",
                                    "1969-12-31T23:59:59Z"));
    docs.push_back(testing::MakeDoc("last", "Ancient future", "old",
                                    "9999-12-31T23:59:59Z"));
    docs.push_back(testing::MakeDoc("leap", "Ancient leap", "old",
                                    "2016-12-31T23:59:60Z"));
    // Neither story keys nor spelling are asked of this index; without them
    // it builds in a fraction of the time (ctest runs each test in a
    // process of its own, under the sanitizers too).
    IndexWriterOptions options;
    options.story_keys = false;
    options.spelling = false;
    *status_ = testing::BuildTestIndex(*path_, std::move(docs), options);
  }

  void SetUp() override {
    ASSERT_THAT(*status_, IsOk());
    SearcherOptions options;
    options.facet_cache_blocking = true;
    auto searcher = Searcher::Open(*path_, options);
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  absl::StatusOr<SearchResponse> Search(const std::string& query) {
    SearchRequest request;
    request.query = query;
    request.fold = false;
    request.now = absl::FromUnixSeconds(1700000000);
    return searcher_->Search(request);
  }

  static std::string* path_;
  static absl::Status* status_;
  std::unique_ptr<Searcher> searcher_;
};

std::string* HostileQueryTest::path_ = nullptr;
absl::Status* HostileQueryTest::status_ = new absl::Status();

TEST_F(HostileQueryTest, QueriesOverTheByteLimitAreRejected) {
  EXPECT_THAT(Search(std::string(100 * 1024, 'x')),
              StatusIs(kInvalid, HasSubstr("102400 bytes; the limit is 8192")));
  std::string many;
  for (int i = 0; i < 10000; ++i) absl::StrAppend(&many, Word(i), " ");
  EXPECT_THAT(Search(many), StatusIs(kInvalid, HasSubstr("the limit is 8192")));
  EXPECT_THAT(Search(std::string(100000, '(') + "aaaaa"),
              StatusIs(kInvalid, HasSubstr("the limit is 8192")));
}

TEST_F(HostileQueryTest, QueriesOverTheTermLimitAreRejected) {
  std::string many;  // 1,300 distinct words in 7,800 bytes
  for (int i = 0; i < 1300; ++i) absl::StrAppend(&many, Word(i), " ");
  ASSERT_LE(many.size(), kMaxQueryBytes);
  EXPECT_THAT(Search(many),
              StatusIs(kInvalid, HasSubstr("1300 terms; the limit is 1024")));
  // Just under: runs (any word matches: a long query ORs them).
  std::string fewer;
  for (int i = 0; i < 1000; ++i) absl::StrAppend(&fewer, Word(i), " ");
  absl::StatusOr<SearchResponse> response = Search(fewer);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->total, 1000);
}

TEST_F(HostileQueryTest, WildcardExpansionIsBoundedEverywhere) {
  for (const char* query : {"a*", "title:a*", "filler a*", "a* OR ancient"}) {
    SCOPED_TRACE(query);
    const absl::Time start = absl::Now();
    absl::StatusOr<SearchResponse> response = Search(query);
    ASSERT_THAT(response, IsOk());
    // Each word is in one document: at most kMaxWildcardExpansion of the
    // 20,000 words, so at most that many documents (plus "ancient" ones).
    EXPECT_GT(response->total, 0);
    EXPECT_LE(response->total, kMaxWildcardExpansion + 4);
    EXPECT_LT(absl::Now() - start, absl::Seconds(20));
  }
  std::string wildcards;
  for (int i = 0; i < 17; ++i) absl::StrAppend(&wildcards, Word(i * 26), "* ");
  EXPECT_THAT(Search(wildcards),
              StatusIs(kInvalid, HasSubstr("17 wildcards; the limit is 16")));
}

TEST_F(HostileQueryTest, DeepNestingIsRejectedOrFlatWithoutCrashing) {
  // Brackets alone do not nest in the parse: fine.
  absl::StatusOr<SearchResponse> flat =
      Search(std::string(4000, '(') + "aaaaa" + std::string(4000, ')'));
  ASSERT_THAT(flat, IsOk());
  EXPECT_EQ(flat->total, 1);
  // Alternating operators nest: bounded.
  std::string deep;
  for (int i = 0; i < 300; ++i) {
    absl::StrAppend(&deep, Word(i), i % 2 ? " AND (" : " OR (");
  }
  deep += "aaaaa" + std::string(300, ')');
  ASSERT_LE(deep.size(), kMaxQueryBytes);
  EXPECT_THAT(Search(deep),
              StatusIs(kInvalid, HasSubstr("deep; the limit is 64")));
  EXPECT_THAT(AnalyzeForShards(deep, {}), StatusIs(kInvalid));
  // Unbalanced brackets.
  EXPECT_THAT(Search(std::string(8000, '(')),
              AnyOf(IsOk(), StatusIs(kInvalid)));
  EXPECT_THAT(Search(std::string(8000, ')')),
              AnyOf(IsOk(), StatusIs(kInvalid)));
}

TEST_F(HostileQueryTest, LongPhrasesAndOperatorOnlyQueriesDoNotCrash) {
  std::string phrase = "\"";
  for (int i = 0; i < 1000; ++i) absl::StrAppend(&phrase, Word(i), " ");
  phrase += "\"";
  absl::StatusOr<SearchResponse> response = Search(phrase);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->total, 0);
  for (const char* query :
       {"AND OR NOT", "AND", "NOT NOT NOT", "NEAR/3", "\"\"", "* * *", "+ - ~",
        "(", ")", "title:", "date:", "topic:", "\"unclosed phrase"}) {
    SCOPED_TRACE(query);
    absl::StatusOr<SearchResponse> r = Search(query);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), kInvalid);
      EXPECT_FALSE(r.status().message().empty());
    }
  }
}

TEST_F(HostileQueryTest, EdgeDatesAreSearchableByDate) {
  struct Case {
    const char* query;
    int64_t total;
  };
  const Case cases[] = {
      {"ancient date:0000-01-01", 1},
      {"ancient until:1969-12-31", 2},
      {"ancient date:..1970-01-01T00:00:00Z", 2},
      {"ancient since:9999-12-31", 1},
      {"ancient date:9999-12-31T23:59:59Z", 1},
      {"ancient date:2017-01-01T00:00:00Z", 1},  // the leap second
      {"ancient date:0000-01-01..9999-12-31", 4},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.query);
    absl::StatusOr<SearchResponse> r = Search(c.query);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->total, c.total);
  }
  for (const char* bad : {"ancient date:10000-01-01", "ancient date:-001-01-01",
                          "ancient since:99999", "ancient date:0000-13-01"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(Search(bad), StatusIs(kInvalid, HasSubstr("date")));
  }
}

TEST_F(HostileQueryTest, DateFacetsOverTenThousandYearsStayBounded) {
  for (const bool cache : {true, false}) {
    SearcherOptions options;
    options.facet_cache = cache;
    options.facet_cache_blocking = cache;
    auto searcher = Searcher::Open(*path_, options);
    ASSERT_THAT(searcher, IsOk());
    for (DateInterval interval :
         {DateInterval::kAuto, DateInterval::kHour, DateInterval::kDay,
          DateInterval::kWeek, DateInterval::kMonth, DateInterval::kYear}) {
      SCOPED_TRACE(absl::StrCat(cache, " ", static_cast<int>(interval)));
      SearchRequest request;
      request.query = "ancient";
      request.fold = false;
      request.facets = {"date"};
      request.date_interval = interval;
      absl::StatusOr<SearchResponse> r = (*searcher)->Search(request);
      ASSERT_THAT(r, IsOk());
      ASSERT_TRUE(r->facets.date.has_value());
      const DateHistogram& h = *r->facets.date;
      ASSERT_FALSE(h.buckets.empty());
      EXPECT_LE(static_cast<int64_t>(h.buckets.size()), kMaxDateBuckets);
      EXPECT_EQ(h.buckets.front().key.substr(0, 4), "0000");
      EXPECT_EQ(h.buckets.back().key.substr(0, 4), "9999");
      int64_t sum = 0;
      for (const DateBucket& b : h.buckets) sum += b.count;
      EXPECT_EQ(sum, 4);
    }
  }
}

}  // namespace
}  // namespace newsearch
