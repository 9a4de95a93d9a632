// Exact facets: date histograms on local calendars (daylight saving
// included), topic/source/kind counts with the rest summed, drill-down
// filters, and relative dates, through a real index and Searcher. Every
// test runs twice: counting with Xapian's value spies and from the in-memory
// facet column (facet_column.h), which must agree to the last count.
#include "newsearch/facets.h"

#include "gtest/gtest.h"
#include "newsearch/searcher.h"
#include "searcher/facet_counter.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::MakeDoc;
using ::newsearch::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<std::pair<std::string, int64_t>> Buckets(const DateHistogram& h) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const DateBucket& b : h.buckets) out.emplace_back(b.key, b.count);
  return out;
}

std::vector<std::pair<std::string, int64_t>> Values(const FacetCounts& c) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const FacetValue& v : c.values) out.emplace_back(v.value, v.count);
  return out;
}

// The two ways of counting.
SearcherOptions CountingWith(bool column) {
  SearcherOptions options;
  options.facet_cache = column;
  options.facet_cache_blocking = true;
  return options;
}

std::string CountingName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "Column" : "Spies";
}

class FacetsTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::vector<std::string> many;
    for (int i = 0; i < 20; ++i) many.push_back("Topic " + std::to_string(i));
    many.push_back("Energy");
    const std::string path = testing::MakeTempDir("db");
    ASSERT_THAT(
        testing::BuildTestIndex(
            path,
            {// Paris summer time ends on 2025-10-26 (03:00 CEST -> 02:00 CET).
             MakeDoc("a", "Oil price rises", "Oil.", "2025-10-25T21:30:00Z",
                     {"Energy", "Markets"}, "wire"),  // 10-25 23:30 Paris
             MakeDoc("b", "Oil output cut", "Oil.", "2025-10-25T22:30:00Z",
                     {"energy"}, "wire"),  // 10-26 00:30 CEST
             MakeDoc("c", "Oil tanker seized", "Oil.", "2025-10-26T22:30:00Z",
                     {"Energy", "Conflict"}, "gazette"),  // 10-26 23:30 CET
             MakeDoc("d", "Oil and gas talks", "Oil.", "2025-10-26T23:30:00Z",
                     many, "daily"),  // 10-27 00:30 CET
             MakeDoc("e", "Oil spill cleaned", "Oil.", "2025-10-29T10:00:00Z",
                     {"Climate"}, "daily"),
             MakeDoc("f", "Oil museum", "Oil.", "", {"Culture"}, "daily")}),
        IsOk());
    auto searcher = Searcher::Open(path, CountingWith(GetParam()));
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  SearchResponse Search(SearchRequest request) {
    request.now = ParseTimestamp("2025-10-30T12:00:00Z")->time;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_THAT(response, IsOk());
    if (!response.ok()) return SearchResponse{};
    return *std::move(response);
  }

  static SearchRequest Request(std::string query,
                               std::vector<std::string> facets) {
    SearchRequest request;
    request.query = std::move(query);
    request.facets = std::move(facets);
    request.limit = 0;
    request.fold = false;
    return request;
  }

  std::unique_ptr<Searcher> searcher_;
};

INSTANTIATE_TEST_SUITE_P(Counting, FacetsTest, ::testing::Bool(),
                         CountingName);

TEST_P(FacetsTest, DayHistogramFollowsTheLocalCalendarAcrossDst) {
  SearchRequest request = Request("oil", {"date"});
  request.date_interval = DateInterval::kDay;
  const SearchResponse utc = Search(request);
  ASSERT_TRUE(utc.facets.date.has_value());
  EXPECT_EQ(utc.facets.date->time_zone, "UTC");
  EXPECT_THAT(Buckets(*utc.facets.date),
              ElementsAre(Pair("2025-10-25", 2), Pair("2025-10-26", 2),
                          Pair("2025-10-27", 0), Pair("2025-10-28", 0),
                          Pair("2025-10-29", 1)));
  request.time_zone = "Europe/Paris";
  const SearchResponse paris = Search(request);
  EXPECT_THAT(Buckets(*paris.facets.date),
              ElementsAre(Pair("2025-10-25", 1), Pair("2025-10-26", 2),
                          Pair("2025-10-27", 1), Pair("2025-10-28", 0),
                          Pair("2025-10-29", 1)));
}

TEST_P(FacetsTest, HourWeekMonthAndAutoIntervals) {
  SearchRequest request = Request("oil", {"date"});
  request.time_zone = "Europe/Paris";
  request.date_interval = DateInterval::kHour;
  const SearchResponse hours = Search(request);
  EXPECT_EQ(hours.facets.date->buckets.front().key, "2025-10-25T23");
  EXPECT_EQ(hours.facets.date->buckets.back().key, "2025-10-29T11");
  request.date_interval = DateInterval::kWeek;  // weeks start on Monday
  EXPECT_THAT(Buckets(*Search(request).facets.date),
              ElementsAre(Pair("2025-10-20", 3), Pair("2025-10-27", 2)));
  request.date_interval = DateInterval::kMonth;
  EXPECT_THAT(Buckets(*Search(request).facets.date),
              ElementsAre(Pair("2025-10", 5)));
  request.date_interval = DateInterval::kAuto;  // a span of four days
  EXPECT_EQ(Search(request).facets.date->interval, DateInterval::kDay);
  request.query = "tanker OR output";  // a span of one day
  EXPECT_EQ(Search(request).facets.date->interval, DateInterval::kHour);
}

TEST_P(FacetsTest, ZonesWithHalfHourOffsetsAreStillExact) {
  SearchRequest request = Request("oil", {"date"});
  request.time_zone = "Asia/Kolkata";  // UTC+5:30
  request.date_interval = DateInterval::kDay;
  // 21:30Z and 22:30Z on the 25th are 03:00 and 04:00 on the 26th in India.
  EXPECT_THAT(Buckets(*Search(request).facets.date),
              ElementsAre(Pair("2025-10-26", 2), Pair("2025-10-27", 2),
                          Pair("2025-10-28", 0), Pair("2025-10-29", 1)));
}

TEST_P(FacetsTest, TopicsCountOnceEachAndTheRestIsSummed) {
  SearchRequest request = Request("oil", {"topic", "source", "kind"});
  request.facet_size = 3;
  const SearchResponse response = Search(request);
  const FacetCounts& topics = response.facets.fields.at("topic");
  // "Energy" and "energy" are one topic; document d has 21 topics.
  EXPECT_THAT(Values(topics), ElementsAre(Pair("energy", 4), Pair("climate", 1),
                                          Pair("conflict", 1)));
  EXPECT_EQ(topics.values[0].name, "Energy");
  EXPECT_EQ(topics.other, 1 + 1 + 20);  // culture, markets, topic-0..19
  EXPECT_THAT(
      Values(response.facets.fields.at("source")),
      ElementsAre(Pair("daily", 3), Pair("wire", 2), Pair("gazette", 1)));
  EXPECT_THAT(Values(response.facets.fields.at("kind")),
              ElementsAre(Pair("article", 6)));
}

TEST_P(FacetsTest, DrillDownOrsWithinAFacetAndAndsAcross) {
  SearchRequest request = Request("oil", {"topic", "source"});
  request.filters = {{"topic", "Climate"}, {"topic", "conflict"}};
  SearchResponse response = Search(request);
  EXPECT_EQ(response.total, 2);  // c or e
  EXPECT_THAT(Values(response.facets.fields.at("source")),
              ElementsAre(Pair("daily", 1), Pair("gazette", 1)));
  request.filters.emplace_back("source", "Daily");
  response = Search(request);
  EXPECT_EQ(response.total, 1);  // e
  EXPECT_THAT(Values(response.facets.fields.at("topic")),
              ElementsAre(Pair("climate", 1)));
  request.filters = {{"colour", "red"}};
  EXPECT_THAT(searcher_->Search(request),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(FacetsTest, UnknownFacetIsAnError) {
  EXPECT_THAT(searcher_->Search(Request("oil", {"mood"})),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(FacetsTest, RelativeDatesUseNowAndTheZone) {
  auto ids = [&](const std::string& query, const std::string& tz,
                 const char* now) {
    SearchRequest request;
    request.query = query;
    request.time_zone = tz;
    request.sort = SortOrder::kOldest;
    request.fold = false;
    request.now = ParseTimestamp(now)->time;
    std::vector<std::string> out;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_THAT(response, IsOk()) << query;
    if (!response.ok()) return out;
    for (const SearchResult& r : response->results) {
      out.push_back(r.document.id);
    }
    return out;
  };
  // 2025-10-26 in Paris lasted 25 hours: 22:00Z on the 25th to 22:59:59Z.
  EXPECT_THAT(ids("oil date:yesterday", "Europe/Paris", "2025-10-27T10:00:00Z"),
              ElementsAre("b", "c"));
  EXPECT_THAT(ids("oil date:today", "Europe/Paris", "2025-10-27T10:00:00Z"),
              ElementsAre("d"));
  EXPECT_THAT(ids("oil date:24h", "UTC", "2025-10-26T23:00:00Z"),
              ElementsAre("c"));
  EXPECT_THAT(ids("oil date:7d", "UTC", "2025-10-30T00:00:00Z"),
              ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_THAT(ids("oil since:2025-10-26 until:2025-10-27", "UTC",
                  "2025-10-30T00:00:00Z"),
              ElementsAre("c", "d"));
  EXPECT_THAT(ids("oil since:2025-10-26T22:45", "UTC", "2025-10-30T00:00:00Z"),
              ElementsAre("d", "e"));
}

TEST(HasWholeHourOffsetsTest, KnowsHalfHourZones) {
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Paris", &zone));
  EXPECT_TRUE(HasWholeHourOffsets(zone));
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Kolkata", &zone));
  EXPECT_FALSE(HasWholeHourOffsets(zone));
  EXPECT_FALSE(HasWholeHourOffsets(zone));  // as remembered
  EXPECT_TRUE(HasWholeHourOffsets(absl::UTCTimeZone()));
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Paris", &zone));
  EXPECT_TRUE(HasWholeHourOffsets(zone));
}

}  // namespace
}  // namespace newsearch

namespace newsearch {
namespace {

// Counting stories: each story once per value any of its reports has.
class StoryFacetsTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    auto report = [](std::string id, std::string story, std::string published,
                     std::vector<std::string> topics, std::string source) {
      NewsDocument doc = MakeDoc(std::move(id), "Oil report", "Oil.", published,
                                 std::move(topics), std::move(source));
      doc.story_key = std::move(story);
      return doc;
    };
    const std::string path = testing::MakeTempDir("db");
    ASSERT_THAT(
        testing::BuildTestIndex(
            path,
            {report("s1-a", "s1", "2025-10-25T10:00:00Z", {"Energy"}, "wire"),
             report("s1-b", "s1", "2025-10-26T09:00:00Z", {"Energy", "Markets"},
                    "gazette"),
             report("s1-c", "s1", "2025-10-26T11:00:00Z", {"energy"}, "wire"),
             report("s2-a", "s2", "2025-10-26T12:00:00Z", {"Climate"}, "wire"),
             report("u", "u", "", {"Culture"}, "daily")}),
        IsOk());
    auto searcher = Searcher::Open(path, CountingWith(GetParam()));
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  Facets Count(bool fold, std::optional<FacetCount> count) {
    SearchRequest request;
    request.query = "oil";
    request.facets = {"date", "source", "topic"};
    request.date_interval = DateInterval::kDay;
    request.fold = fold;
    request.facet_count = count;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_THAT(response, IsOk());
    return response.ok() ? response->facets : Facets{};
  }

  std::unique_ptr<Searcher> searcher_;
};

INSTANTIATE_TEST_SUITE_P(Counting, StoryFacetsTest, ::testing::Bool(),
                         CountingName);

TEST_P(StoryFacetsTest, FoldedSearchesCountStoriesByDefault) {
  const Facets facets = Count(/*fold=*/true, std::nullopt);
  EXPECT_EQ(facets.counted, FacetCount::kStories);
  EXPECT_THAT(
      Values(facets.fields.at("source")),
      ElementsAre(Pair("wire", 2), Pair("daily", 1), Pair("gazette", 1)));
  EXPECT_THAT(Values(facets.fields.at("topic")),
              ElementsAre(Pair("climate", 1), Pair("culture", 1),
                          Pair("energy", 1), Pair("markets", 1)));
  ASSERT_TRUE(facets.date.has_value());
  // s1 has reports on both days; the undated story has no bucket.
  EXPECT_THAT(Buckets(*facets.date),
              ElementsAre(Pair("2025-10-25", 1), Pair("2025-10-26", 2)));
}

TEST_P(StoryFacetsTest, ReportsAreCountedWhenAskedOrUnfolded) {
  for (const Facets& facets : {Count(/*fold=*/true, FacetCount::kReports),
                               Count(/*fold=*/false, std::nullopt)}) {
    EXPECT_EQ(facets.counted, FacetCount::kReports);
    EXPECT_THAT(
        Values(facets.fields.at("source")),
        ElementsAre(Pair("wire", 3), Pair("daily", 1), Pair("gazette", 1)));
    EXPECT_THAT(Values(facets.fields.at("topic")),
                ElementsAre(Pair("energy", 3), Pair("climate", 1),
                            Pair("culture", 1), Pair("markets", 1)));
    ASSERT_TRUE(facets.date.has_value());
    EXPECT_THAT(Buckets(*facets.date),
                ElementsAre(Pair("2025-10-25", 1), Pair("2025-10-26", 3)));
  }
}

TEST_P(StoryFacetsTest, StoriesCanBeCountedUnfolded) {
  const Facets facets = Count(/*fold=*/false, FacetCount::kStories);
  EXPECT_EQ(facets.counted, FacetCount::kStories);
  EXPECT_THAT(
      Values(facets.fields.at("source")),
      ElementsAre(Pair("wire", 2), Pair("daily", 1), Pair("gazette", 1)));
}

TEST(FacetCountTest, ParsesNames) {
  EXPECT_THAT(ParseFacetCount("stories"), IsOk());
  EXPECT_EQ(*ParseFacetCount("reports"), FacetCount::kReports);
  EXPECT_THAT(ParseFacetCount("docs"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace newsearch
