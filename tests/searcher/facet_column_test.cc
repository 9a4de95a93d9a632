// The in-memory facet column must count exactly what Xapian's value spies
// count, for every kind of facet request (stories or reports, folded or not,
// every interval, zones with half-hour offsets and half-hour daylight saving
// shifts), and the cache must follow commits.
#include "searcher/facet_column.h"

#include <chrono>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "newsearch/searcher.h"
#include "common/facet_column_data.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::MakeDoc;

// A random but fixed corpus: 400 reports of 90 stories over two years, to
// the second, some undated, with overlapping topics, sources and sections.
std::vector<NewsDocument> RandomReports() {
  std::mt19937 random(20261128);
  const std::vector<std::string> topics = {"Energy", "Markets", "Climate",
                                           "Conflict", "Culture", "Health",
                                           "Elections", "Sport"};
  const std::vector<std::string> sources = {"wire", "gazette", "daily",
                                            "herald", "post"};
  const std::vector<std::string> words = {"oil", "gas", "talks", "vote",
                                          "storm", "match"};
  std::vector<NewsDocument> docs;
  for (int i = 0; i < 400; ++i) {
    const std::string title =
        words[random() % words.size()] + " " + words[random() % words.size()];
    std::string published;
    if (random() % 10 != 0) {
      const int64_t t = 1735689600 + static_cast<int64_t>(random() % 63072000);
      published = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                                   absl::FromUnixSeconds(t), absl::UTCTimeZone());
    }
    std::vector<std::string> doc_topics;
    for (const std::string& topic : topics) {
      if (random() % 4 == 0) doc_topics.push_back(topic);
    }
    NewsDocument doc =
        MakeDoc("r" + std::to_string(i), title, title + ".", published,
                doc_topics, sources[random() % sources.size()]);
    doc.story_key = "s" + std::to_string(random() % 90);
    if (random() % 3 == 0) doc.section = random() % 2 ? "world" : "business";
    docs.push_back(std::move(doc));
  }
  return docs;
}

std::string Describe(const SearchResponse& response) {
  std::ostringstream out;
  out << "total " << response.total << " reports " << response.reports
      << " counted " << FacetCountName(response.facets.counted) << "\n";
  if (response.facets.date) {
    out << "date " << DateIntervalName(response.facets.date->interval) << " "
        << response.facets.date->time_zone << ":";
    for (const DateBucket& b : response.facets.date->buckets) {
      out << " " << b.key << "=" << b.count;
    }
    out << "\n";
  }
  for (const auto& [name, counts] : response.facets.fields) {
    out << name << ":";
    for (const FacetValue& v : counts.values) {
      out << " " << v.value << "(" << v.name << ")=" << v.count;
    }
    out << " other=" << counts.other << "\n";
  }
  return out.str();
}

// Searchers that count with Xapian's value spies only, and with the column
// built in memory (never read from the file).
SearcherOptions SpiesOnly() {
  SearcherOptions options;
  options.facet_cache = false;
  options.facet_column_file = false;
  return options;
}
SearcherOptions BuiltColumn() {
  SearcherOptions options;
  options.facet_cache_blocking = true;
  options.facet_column_file = false;
  return options;
}

// The random corpus, and a searcher counting each way over it.
class FacetColumnTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = testing::MakeTempDir("db");
    ASSERT_THAT(testing::BuildTestIndex(path, RandomReports()), IsOk());
    // Half of the column searches read it from the file newsindex writes.
    ASSERT_THAT(WriteFacetColumnFile(path), IsOk());
    SearcherOptions file;
    file.facet_cache = false;
    auto by_spies = Searcher::Open(path, SpiesOnly());
    auto by_column = Searcher::Open(path, BuiltColumn());
    auto by_file = Searcher::Open(path, file);
    ASSERT_THAT(by_spies, IsOk());
    ASSERT_THAT(by_column, IsOk());
    ASSERT_THAT(by_file, IsOk());
    spies_ = by_spies->release();
    column_ = by_column->release();
    file_ = by_file->release();
  }
  static void TearDownTestSuite() {
    delete spies_;
    delete column_;
    delete file_;
  }

  // The same request both ways: by spies, and from the column built in
  // memory or, every other call, read from its file.
  static std::pair<absl::StatusOr<SearchResponse>,
                   absl::StatusOr<SearchResponse>>
  BothWays(const SearchRequest& request) {
    static int calls = 0;
    Searcher* column = ++calls % 2 ? column_ : file_;
    return {spies_->Search(request), column->Search(request)};
  }

  static Searcher* spies_;
  static Searcher* column_;
  static Searcher* file_;
};

Searcher* FacetColumnTest::spies_ = nullptr;
Searcher* FacetColumnTest::column_ = nullptr;
Searcher* FacetColumnTest::file_ = nullptr;

TEST_F(FacetColumnTest, CountsExactlyWhatTheSpiesCount) {

  int compared = 0;
  for (const char* query : {"oil", "gas OR storm", "talks source:wire", ""}) {
    for (const char* zone : {"UTC", "Europe/Paris", "Asia/Kolkata",
                             "America/St_Johns", "Australia/Lord_Howe"}) {
      for (DateInterval interval :
           {DateInterval::kAuto, DateInterval::kHour, DateInterval::kDay,
            DateInterval::kWeek, DateInterval::kMonth, DateInterval::kYear}) {
        for (bool fold : {true, false}) {
          for (FacetCount count : {FacetCount::kStories, FacetCount::kReports}) {
            SearchRequest request;
            request.query = query;
            request.time_zone = zone;
            request.date_interval = interval;
            request.fold = fold;
            request.facet_count = count;
            request.facets = {"date", "topic", "source", "section", "kind"};
            request.facet_size = 3;
            request.limit = 0;
            auto [a, b] = BothWays(request);
            ASSERT_THAT(a, IsOk());
            ASSERT_THAT(b, IsOk());
            ASSERT_EQ(Describe(*a), Describe(*b))
                << "query '" << query << "' in " << zone << ", interval "
                << DateIntervalName(interval) << ", fold " << fold
                << ", counting " << FacetCountName(count);
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 4 * 5 * 6 * 2 * 2);
}

TEST_F(FacetColumnTest, FoldedTotalsAndOutletsComeFromTheColumnToo) {
  SearchRequest request;
  request.query = "oil";
  request.now = absl::FromUnixSeconds(1798761600);  // 2027-01-01
  auto [a, b] = BothWays(request);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_GT(a->reports, a->total);  // some stories have several reports
  EXPECT_EQ(a->total, b->total);
  EXPECT_EQ(a->reports, b->reports);
  ASSERT_EQ(a->results.size(), b->results.size());
  int with_outlets = 0;
  for (size_t i = 0; i < a->results.size(); ++i) {
    EXPECT_EQ(a->results[i].docid, b->results[i].docid);
    EXPECT_EQ(a->results[i].more_reports, b->results[i].more_reports);
    EXPECT_EQ(a->results[i].outlets, b->results[i].outlets);
    EXPECT_DOUBLE_EQ(a->results[i].recency_score, b->results[i].recency_score);
    if (!a->results[i].outlets.empty()) ++with_outlets;
  }
  EXPECT_GT(with_outlets, 0);
}

// Folded in memory from the column (fold_page.h), every page is the one
// Xapian's collapse gives: the same reports, ranks, counts and outlets, in
// every sort, on pages deep enough to need a wider window, and past the
// last story.
TEST_F(FacetColumnTest, FoldedPagesAreThoseOfXapiansCollapse) {
  int compared = 0;
  for (const char* query : {"oil", "gas OR storm OR vote", ""}) {
    for (SortOrder sort : {SortOrder::kHybrid, SortOrder::kRelevance,
                           SortOrder::kNewest, SortOrder::kOldest}) {
      for (auto [offset, limit] : std::vector<std::pair<int, int>>{
               {0, 10}, {0, 1}, {20, 30}, {60, 40}, {85, 10}, {200, 10},
               {5, 0}}) {
        SearchRequest request;
        request.query = query;
        request.sort = sort;
        request.now = absl::FromUnixSeconds(1798761600);
        request.offset = offset;
        request.limit = limit;
        request.snippet_length = 0;
        auto [a, b] = BothWays(request);
        ASSERT_THAT(a, IsOk());
        ASSERT_THAT(b, IsOk());
        const std::string where = absl::StrCat(
            "query '", query, "' sort ", static_cast<int>(sort), " offset ",
            offset, " limit ", limit);
        EXPECT_EQ(a->total, b->total) << where;
        EXPECT_EQ(a->reports, b->reports) << where;
        ASSERT_EQ(a->results.size(), b->results.size()) << where;
        for (size_t i = 0; i < a->results.size(); ++i) {
          ASSERT_EQ(a->results[i].docid, b->results[i].docid)
              << where << ", result " << i;
          EXPECT_EQ(a->results[i].rank, b->results[i].rank) << where;
          EXPECT_EQ(a->results[i].more_reports, b->results[i].more_reports)
              << where << ", result " << i;
          EXPECT_EQ(a->results[i].outlets, b->results[i].outlets) << where;
        }
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 3 * 4 * 7);
}

// One story's 150 reports fill the first window of ranked reports: the
// other stories are found by ranking deeper.
TEST(FoldPageTest, RanksDeeperWhenOneStoryFillsTheWindow) {
  std::vector<NewsDocument> docs;
  for (int i = 0; i < 150; ++i) {
    NewsDocument doc = MakeDoc(
        absl::StrCat("big", i), "Flood", "Flood.",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                         absl::FromUnixSeconds(1764000000 + 60 * i),
                         absl::UTCTimeZone()),
        {}, i % 2 ? "wire" : "daily");
    doc.story_key = "big";
    docs.push_back(std::move(doc));
  }
  for (int i = 0; i < 5; ++i) {
    NewsDocument doc = MakeDoc(absl::StrCat("small", i), "Flood", "Flood.",
                               absl::StrCat("2024-0", i + 1, "-01T00:00:00Z"),
                               {}, "gazette");
    doc.story_key = absl::StrCat("small", i);
    docs.push_back(std::move(doc));
  }
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(testing::BuildTestIndex(path, docs), IsOk());
  auto by_spies = Searcher::Open(path, SpiesOnly());
  auto by_column = Searcher::Open(path, BuiltColumn());
  ASSERT_THAT(by_spies, IsOk());
  ASSERT_THAT(by_column, IsOk());
  SearchRequest request;
  request.query = "flood";
  request.sort = SortOrder::kNewest;
  absl::StatusOr<SearchResponse> a = (*by_spies)->Search(request);
  absl::StatusOr<SearchResponse> b = (*by_column)->Search(request);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_EQ(b->results.size(), 6u);
  EXPECT_EQ(b->results[0].document.id, "big149");
  EXPECT_EQ(b->results[0].more_reports, 149);
  ASSERT_EQ(a->results.size(), b->results.size());
  for (size_t i = 0; i < a->results.size(); ++i) {
    EXPECT_EQ(a->results[i].docid, b->results[i].docid) << i;
    EXPECT_EQ(a->results[i].more_reports, b->results[i].more_reports) << i;
    EXPECT_EQ(a->results[i].outlets, b->results[i].outlets) << i;
  }
}

TEST_F(FacetColumnTest, HybridRankingIsTheSameFromTheColumn) {
  int compared = 0;
  // Now: within the corpus (some reports are in the future) and after it.
  for (int64_t now : {1767225600, 1798761600}) {
    for (absl::Duration half_life :
         {absl::Hours(1), absl::Hours(48), absl::Hours(24 * 7),
          absl::Hours(24 * 365)}) {
      for (const char* query : {"oil", "gas OR storm OR vote", ""}) {
        SearchRequest request;
        request.query = query;
        request.now = absl::FromUnixSeconds(now);
        request.half_life = half_life;
        request.recency_weight = 2.0;
        request.fold = false;
        request.limit = 50;
        auto [a, b] = BothWays(request);
        ASSERT_THAT(a, IsOk());
        ASSERT_THAT(b, IsOk());
        ASSERT_EQ(a->results.size(), b->results.size());
        for (size_t i = 0; i < a->results.size(); ++i) {
          ASSERT_EQ(a->results[i].docid, b->results[i].docid)
              << "query '" << query << "', rank " << i + 1;
          EXPECT_NEAR(a->results[i].score, b->results[i].score, 1e-9);
        }
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 2 * 4 * 3);
}

// Polls `cache` until it has the column of `db`'s revision.
std::shared_ptr<const FacetColumn> WaitForColumn(FacetColumnCache* cache,
                                                 Xapian::Database& db) {
  for (int i = 0; i < 500; ++i) {
    if (auto column = cache->Get(db)) return column;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return nullptr;
}

TEST(FacetColumnCacheTest, BuildsInTheBackgroundAndFollowsCommits) {
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(testing::BuildTestIndex(
                  path, {MakeDoc("a", "Oil", "Oil.", "2025-10-25T21:30:00Z",
                                 {"Energy"}, "wire")}),
              IsOk());
  FacetColumnCache cache(path, FacetColumnCache::Mode::kBackground);
  Xapian::Database db(path);
  std::shared_ptr<const FacetColumn> first = WaitForColumn(&cache, db);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->revision(), db.get_revision());

  // One more document, committed.
  ASSERT_THAT(testing::BuildTestIndex(
                  path, {MakeDoc("b", "Gas", "Gas.", "2025-10-26T10:00:00Z",
                                 {}, "gazette")}),
              IsOk());
  db.reopen();
  std::shared_ptr<const FacetColumn> second = WaitForColumn(&cache, db);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->revision(), db.get_revision());
  EXPECT_GT(second->revision(), first->revision());

  FacetOptions options;
  options.names = {"source"};
  const FacetColumn::Counts counts = second->Count({1, 2}, options);
  EXPECT_EQ(counts.reports, 2);
  ASSERT_EQ(counts.facets.fields.at("source").values.size(), 2u);
  // The old column, still held by a search that began before the commit,
  // is unchanged.
  EXPECT_EQ(first->Count({1, 2}, options).facets.fields.at("source").values.size(),
            1u);
}

// kFile (one-shot searches): the file of the handle's revision, or none;
// never a build.
TEST(FacetColumnCacheTest, FileModeReadsOnlyAFileOfTheRevision) {
  const std::string path = testing::MakeTempDir("db");
  std::vector<NewsDocument> docs = {MakeDoc("a", "Oil", "Oil.", "", {}, "wire")};
  for (int i = 0; i < 99; ++i) {
    docs.push_back(MakeDoc(absl::StrCat("f", i), "Gas", "Gas.", "", {}, "daily"));
  }
  ASSERT_THAT(testing::BuildTestIndex(path, docs), IsOk());
  {
    FacetColumnCache cache(path, FacetColumnCache::Mode::kFile);
    Xapian::Database db(path);
    EXPECT_EQ(cache.Get(db), nullptr);  // no file: spies
  }
  ASSERT_THAT(WriteFacetColumnFile(path), IsOk());
  {
    FacetColumnCache cache(path, FacetColumnCache::Mode::kFile);
    Xapian::Database db(path);
    std::shared_ptr<const FacetColumn> column = cache.Get(db);
    ASSERT_NE(column, nullptr);
    EXPECT_EQ(column->revision(), db.get_revision());
    EXPECT_EQ(column->Source(1), "wire");
  }
  {
    // Too few of the 100 documents match for the file to be worth reading.
    FacetColumnCache cache(path, FacetColumnCache::Mode::kFile);
    Xapian::Database db(path);
    EXPECT_EQ(cache.Get(db, [] { return Xapian::doccount{1}; }), nullptr);
    EXPECT_NE(cache.Get(db, [] { return Xapian::doccount{2}; }), nullptr);
  }
  // One more document, committed.
  ASSERT_THAT(testing::BuildTestIndex(
                  path, {MakeDoc("b", "Gas", "Gas.", "", {}, "gazette")}),
              IsOk());
  FacetColumnCache cache(path, FacetColumnCache::Mode::kFile);
  Xapian::Database db(path);
  EXPECT_EQ(cache.Get(db), nullptr);  // the file is of the revision before
}

TEST(FacetColumnCacheTest, OffMeansNoColumn) {
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(testing::BuildTestIndex(
                  path, {MakeDoc("a", "Oil", "Oil.", "", {}, "wire")}),
              IsOk());
  FacetColumnCache cache(path, FacetColumnCache::Mode::kOff);
  Xapian::Database db(path);
  EXPECT_EQ(cache.Get(db), nullptr);
}

}  // namespace
}  // namespace newsearch
