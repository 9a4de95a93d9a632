// Hybrid ranking: the recency boost's formula and the properties issue #3
// asks for, each through a real index and Searcher.
#include "searcher/recency.h"

#include <cmath>

#include "gtest/gtest.h"
#include "newsearch/searcher.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::MakeDoc;

absl::Time At(const char* rfc3339) { return ParseTimestamp(rfc3339)->time; }

TEST(RecencyBoostTest, DecaysByHalfEachHalfLife) {
  const RecencyOptions options{At("2026-11-20T00:00:00Z"), absl::Hours(24 * 7),
                               0.5};
  const double scale = 10;
  // Day buckets: a document's age counts from the end of its UTC day.
  EXPECT_DOUBLE_EQ(RecencyBoost(options, scale, At("2026-11-19T08:00:00Z")), 5);
  EXPECT_DOUBLE_EQ(RecencyBoost(options, scale, At("2026-11-12T12:00:00Z")),
                   2.5);
  EXPECT_DOUBLE_EQ(RecencyBoost(options, scale, At("2026-11-05T12:00:00Z")),
                   1.25);
  // Past ten half-lives the boost is dropped (it was under 0.1%).
  EXPECT_EQ(RecencyBoost(options, scale, At("2026-08-01T00:00:00Z")), 0);
  // The future counts as now.
  EXPECT_DOUBLE_EQ(RecencyBoost(options, scale, At("2027-06-01T00:00:00Z")), 5);
  // Weight 0: nothing at all.
  EXPECT_EQ(RecencyBoost({options.now, options.half_life, 0}, scale,
                         At("2026-11-19T08:00:00Z")),
            0);
}

TEST(RecencyBoostTest, ShortHalfLivesUseHourBuckets) {
  const RecencyOptions options{At("2026-11-20T12:00:00Z"), absl::Hours(6), 1};
  EXPECT_DOUBLE_EQ(RecencyBoost(options, 1, At("2026-11-20T05:30:00Z")), 0.5);
  EXPECT_DOUBLE_EQ(RecencyBoost(options, 1, At("2026-11-20T11:59:00Z")), 1);
}

class HybridTest : public ::testing::Test {
 protected:
  static constexpr const char* kNow = "2026-11-20T12:00:00Z";

  void SetUp() override {
    const std::string filler =
        " The council also discussed parking, bins, a new library, the "
        "budget, street lights, a school roof and the summer festival.";
    std::string long_body;
    for (int i = 0; i < 20; ++i) long_body += filler;
    const std::string path = testing::MakeTempDir("db");
    ASSERT_THAT(
        testing::BuildTestIndex(
            path,
            {// Same words, same length, different days.
             MakeDoc("same-old", "Harbour storm warning", "Ferries stop.",
                     "2026-11-10T09:00:00Z"),
             MakeDoc("same-new", "Harbour storm warning", "Ferries stop.",
                     "2026-11-18T09:00:00Z"),
             MakeDoc("same-older", "Harbour storm warning", "Ferries stop.",
                     "2026-06-18T09:00:00Z"),
             MakeDoc("same-oldest", "Harbour storm warning", "Ferries stop.",
                     "2026-06-10T09:00:00Z"),
             // Far more relevant but a year old, against fresh and marginal.
             MakeDoc("volcano-old", "Volcano eruption forces evacuation",
                     "The volcano eruption sent ash over the valley; the "
                     "eruption of the volcano went on all night.",
                     "2025-11-20T12:00:00Z"),
             MakeDoc("volcano-fresh", "Council meeting notes",
                     "A volcano documentary will be shown, and an eruption of "
                     "complaints followed." +
                         long_body,
                     "2026-11-20T11:00:00Z"),
             MakeDoc("undated", "Volcano eruption museum opens",
                     "A museum about the volcano eruption opened.", ""),
             MakeDoc("future", "Volcano eruption drill planned",
                     "An eruption drill near the volcano is planned.",
                     "2027-03-01T00:00:00Z"),
             MakeDoc("now", "Volcano eruption drill held",
                     "An eruption drill near the volcano was held.", kNow)}),
        IsOk());
    auto searcher = Searcher::Open(path);
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  SearchResponse Search(const std::string& query, SortOrder sort,
                        double weight = kDefaultRecencyWeight) {
    SearchRequest request;
    request.query = query;
    request.sort = sort;
    request.recency_weight = weight;
    request.now = At(kNow);
    request.fold = false;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_THAT(response, IsOk());
    if (!response.ok()) return SearchResponse{};
    return *std::move(response);
  }

  static std::vector<std::string> Ids(const SearchResponse& response) {
    std::vector<std::string> ids;
    for (const SearchResult& r : response.results) ids.push_back(r.document.id);
    return ids;
  }

  static const SearchResult& Find(const SearchResponse& response,
                                  const std::string& id) {
    for (const SearchResult& r : response.results) {
      if (r.document.id == id) return r;
    }
    static const SearchResult kMissing;
    ADD_FAILURE() << id << " not in the results";
    return kMissing;
  }

  std::unique_ptr<Searcher> searcher_;
};

TEST_F(HybridTest, WeightZeroIsExactlyTheRelevanceOrder) {
  for (const char* query : {"volcano eruption", "harbour storm", "eruption",
                            "volcano OR ferries OR council"}) {
    const SearchResponse hybrid = Search(query, SortOrder::kHybrid, 0);
    const SearchResponse relevance = Search(query, SortOrder::kRelevance);
    EXPECT_EQ(Ids(hybrid), Ids(relevance)) << query;
    ASSERT_EQ(hybrid.results.size(), relevance.results.size());
    for (size_t i = 0; i < hybrid.results.size(); ++i) {
      EXPECT_EQ(hybrid.results[i].score, relevance.results[i].score) << query;
      EXPECT_EQ(hybrid.results[i].recency_score, 0) << query;
    }
  }
}

TEST_F(HybridTest, AmongEquallyRelevantTheNewerRanksFirst) {
  // Boosted (recent) and past the boost's reach (older than ten half-lives):
  // newer first either way.
  EXPECT_EQ(Ids(Search("harbour storm", SortOrder::kHybrid)),
            (std::vector<std::string>{"same-new", "same-old", "same-older",
                                      "same-oldest"}));
  const SearchResponse response = Search("harbour storm", SortOrder::kHybrid);
  EXPECT_GT(response.results[0].score, response.results[1].score);
  EXPECT_NEAR(response.results[0].relevance_score,
              response.results[1].relevance_score, 1e-9);
}

TEST_F(HybridTest, FarMoreRelevantButOldBeatsFreshButMarginal) {
  const SearchResponse response =
      Search("volcano eruption", SortOrder::kHybrid);
  const SearchResult& old_story = Find(response, "volcano-old");
  const SearchResult& fresh = Find(response, "volcano-fresh");
  EXPECT_LT(old_story.rank, fresh.rank);
  EXPECT_EQ(old_story.recency_score, 0);
  EXPECT_GT(fresh.recency_score, 0);
}

TEST_F(HybridTest, UndatedGetsNoBoostAndFutureCountsAsNow) {
  const SearchResponse response =
      Search("volcano eruption", SortOrder::kHybrid);
  const SearchResult& undated = Find(response, "undated");
  EXPECT_EQ(undated.recency_score, 0);
  EXPECT_DOUBLE_EQ(undated.relevance_score, undated.score);
  const SearchResult& future = Find(response, "future");
  const SearchResult& now = Find(response, "now");
  EXPECT_GT(now.recency_score, 0);
  EXPECT_DOUBLE_EQ(future.recency_score, now.recency_score);
  // The explained parts add up to the score Xapian computed.
  for (const SearchResult& r : response.results) {
    EXPECT_NEAR(r.relevance_score + r.recency_score, r.score, 1e-9);
  }
}

TEST_F(HybridTest, BoostIsCalibratedToTheQuerysOwnScale) {
  // A fresh document's boost is weight x the query's best possible BM25
  // score, so its share of the score is alike for short and long queries.
  for (const char* query :
       {"drill", "volcano eruption drill held near the valley"}) {
    const SearchResponse response = Search(query, SortOrder::kHybrid, 0.5);
    const SearchResult& now = Find(response, "now");
    EXPECT_GT(now.recency_score, 0.3 * now.relevance_score) << query;
    EXPECT_LT(now.recency_score, 1.0 * now.relevance_score) << query;
  }
}

TEST_F(HybridTest, OtherSortsIgnoreRecency) {
  const SearchResponse newest = Search("volcano eruption", SortOrder::kNewest);
  EXPECT_EQ(newest.results[0].document.id, "future");
  EXPECT_EQ(newest.results.back().document.id, "undated");
  for (const SearchResult& r : newest.results) EXPECT_EQ(r.recency_score, 0);
}

}  // namespace
}  // namespace newsearch

namespace newsearch {
namespace {

TEST(FoldTest, OneResultPerStoryWithMoreReportsAndOutlets) {
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(
      testing::BuildTestIndex(
          path,
          {MakeDoc("w1", "Storm Ilse floods Brackenford old town",
                   "The river burst its banks overnight and flooded the old "
                   "town of Brackenford.",
                   "2026-10-19T05:50:00Z", {}, "northwind-wire"),
           MakeDoc("m1", "Brackenford old town flooded as Storm Ilse hits",
                   "The river burst its banks and flooded the old town of "
                   "Brackenford overnight.",
                   "2026-10-19T07:30:00Z", {}, "meridian-daily"),
           MakeDoc("g1", "Storm Ilse: ferries cancelled at Saltmere",
                   "All ferry crossings from Saltmere were cancelled as the "
                   "storm reached the coast.",
                   "2026-10-19T06:00:00Z", {}, "harbour-gazette")}),
      IsOk());
  auto searcher = Searcher::Open(path);
  ASSERT_THAT(searcher, IsOk());
  SearchRequest request;
  request.query = "storm";
  request.now = At("2026-10-20T00:00:00Z");
  absl::StatusOr<SearchResponse> folded = (*searcher)->Search(request);
  ASSERT_THAT(folded, IsOk());
  EXPECT_TRUE(folded->folded);
  EXPECT_EQ(folded->total, 2);
  EXPECT_EQ(folded->reports, 3);
  EXPECT_TRUE(folded->total_exact);
  ASSERT_EQ(folded->results.size(), 2u);
  const SearchResult& flood = folded->results[0].document.id == "g1"
                                  ? folded->results[1]
                                  : folded->results[0];
  EXPECT_EQ(flood.more_reports, 1);
  ASSERT_EQ(flood.outlets.size(), 1u);
  EXPECT_NE(flood.outlets[0], flood.document.source);
  request.fold = false;
  absl::StatusOr<SearchResponse> unfolded = (*searcher)->Search(request);
  ASSERT_THAT(unfolded, IsOk());
  EXPECT_EQ(unfolded->total, 3);
  EXPECT_FALSE(unfolded->folded);
  for (const SearchResult& r : unfolded->results) EXPECT_EQ(r.more_reports, 0);
}

}  // namespace
}  // namespace newsearch
