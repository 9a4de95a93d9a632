// Searching time shards: the query analysis that prunes them, results equal
// to one database's, and shards that are down (local ones renamed away, a
// remote one nobody serves).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "newsearch/dates.h"
#include "newsearch/searcher.h"
#include "newsearch/shard_stub.h"
#include "newsearch/status_macros.h"
#include "searcher/query_builder.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::Time Utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss),
                         absl::UTCTimeZone());
}

// Bounds are whole UTC seconds, both inclusive; unset ends are open.
TEST(AnalyzeForShardsTest, BoundsAndWildcards) {
  const std::optional<absl::Time> none;
  struct Case {
    const char* query;
    std::optional<absl::Time> from, until;
    bool wildcard;
  };
  const Case cases[] = {
      {"oil date:1987-03-01..1987-03-31", Utc(1987, 3, 1),
       Utc(1987, 3, 31, 23, 59, 59), false},
      {"since:1987-04-01", Utc(1987, 4, 1), none, false},
      {"oil until:1987-04-01", none, Utc(1987, 4, 1, 23, 59, 59), false},
      // Dates that do not restrict the whole query.
      {"oil OR date:1987-03-01", none, none, false},
      {"oil NOT date:1987-03-01", none, none, false},
      // QueryParser ORs filters of one prefix (date:X date:Y): their
      // union; since: and until: AND, as do a date: filter and a date:
      // range: their intersection (here empty: nothing can match).
      {"date:1987-03-10 date:1987-03-12", Utc(1987, 3, 10),
       Utc(1987, 3, 12, 23, 59, 59), false},
      {"oil since:1987-04-01 until:1987-04-30", Utc(1987, 4, 1),
       Utc(1987, 4, 30, 23, 59, 59), false},
      {"date:1987-03-01..1987-03-05 date:1987-03-10", Utc(1987, 3, 10),
       Utc(1987, 3, 5, 23, 59, 59), false},
      {"sale*", none, none, true},
      {"oil prices", none, none, false},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ShardQueryInfo> info =
        AnalyzeForShards(c.query, {absl::UTCTimeZone(), "en", Utc(1987, 7, 1)});
    ASSERT_THAT(info, IsOk()) << c.query;
    EXPECT_EQ(info->from, c.from) << c.query;
    EXPECT_EQ(info->until, c.until) << c.query;
    EXPECT_EQ(info->wildcard, c.wildcard) << c.query;
  }
}

// A corpus spread over January to June 1987 plus undated reports: 5 topics,
// 4 outlets, 17 stories whose reports fall in different months. Every dated
// report has its own second and every text its own length, so no two
// matches of a query with words score alike: equal scores would be ordered
// by docid, which differs between one database and its shards (in hybrid
// order too, as reports older than ten half-lives get no boost at all).
struct Topic {
  const char* slug;
  std::vector<const char*> words;
};
const Topic kTopics[] = {
    {"crude", {"crude", "oil", "barrels", "opec", "refinery", "petroleum"}},
    {"grain", {"wheat", "corn", "harvest", "tonnes", "export", "silos"}},
    {"gold", {"gold", "bullion", "mine", "ounces", "miners", "vault"}},
    {"shipping", {"tanker", "port", "strike", "vessels", "dockers", "oil"}},
    {"trade", {"tariff", "deficit", "exports", "talks", "oil", "yen"}},
};
const char* const kSources[] = {"reuters", "wire", "gazette", "times"};
constexpr int kDated = 48;
constexpr int kUndated = 4;

std::vector<NewsDocument> Corpus() {
  std::vector<NewsDocument> docs;
  for (int i = 0; i < kDated + kUndated; ++i) {
    const Topic& topic = kTopics[i % 5];
    const auto word = [&](int k) { return topic.words[(i + k) % 6]; };
    NewsDocument doc;
    doc.id = absl::StrCat("doc-", i);
    doc.title = absl::StrCat(word(0), " ", word(1), " report ", i);
    doc.body = absl::StrCat("The ", word(2), " market moved. ");
    for (int s = 0; s <= i % 4; ++s) {
      absl::StrAppend(&doc.body, "Traders said ", word(s + 3), " and ", word(s),
                      " were watched. ");
    }
    if (i % 3 == 0) absl::StrAppend(&doc.body, "Crude oil prices rose.");
    if (i % 7 == 2) absl::StrAppend(&doc.body, " Petroleum stocks fell.");
    // A length of its own (the words above vary by under 30): no two
    // reports score alike.
    for (int k = 0; k < 30 * i; ++k) absl::StrAppend(&doc.body, " note");
    if (i < kDated) {
      doc.published =
          Timestamp{Utc(1987, 1 + i % 6, 1 + (i * 7) % 27, i % 24, i, 0)};
    }
    doc.topics = {topic.slug};
    doc.source = kSources[(i * 3 / 2) % 4];
    doc.story_key = absl::StrCat("story-", i % 17);
    doc.language = "en";
    docs.push_back(std::move(doc));
  }
  return docs;
}

absl::Status BuildIndex(const std::string& path, ShardBy by) {
  IndexWriterOptions options;
  options.shard_by = by;
  ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> writer,
                   IndexWriter::Open(path, options));
  for (NewsDocument& doc : Corpus()) {
    RETURN_IF_ERROR(PrepareDocument(&doc));
    RETURN_IF_ERROR(writer->Add(std::move(doc)).status());
  }
  return writer->Commit();
}

std::vector<std::string> Ids(const SearchResponse& response) {
  std::vector<std::string> ids;
  for (const SearchResult& r : response.results) ids.push_back(r.document.id);
  return ids;
}

// Every count of the facets, one line each, for comparing.
std::string FacetText(const Facets& facets) {
  std::string text =
      absl::StrCat("counted ", static_cast<int>(facets.counted), "\n");
  if (facets.date) {
    absl::StrAppend(&text, "date interval ",
                    static_cast<int>(facets.date->interval), "\n");
    for (const DateBucket& b : facets.date->buckets) {
      absl::StrAppend(&text, "date ", b.key, " ", b.count, "\n");
    }
  }
  for (const auto& [field, counts] : facets.fields) {
    for (const FacetValue& v : counts.values) {
      absl::StrAppend(&text, field, " ", v.value, " (", v.name, ") ", v.count,
                      "\n");
    }
    absl::StrAppend(&text, field, " other ", counts.other, "\n");
  }
  return text;
}

void ExpectSameFacets(const Facets& want, const Facets& got) {
  EXPECT_EQ(FacetText(got), FacetText(want));
  EXPECT_TRUE(want.date.has_value());
  EXPECT_EQ(want.fields.size(), 2u);  // topic, source
}

// `want` from one database, `got` from its shards, all shards asked.
void ExpectSameResponse(const SearchResponse& want, const SearchResponse& got) {
  EXPECT_EQ(Ids(got), Ids(want));
  EXPECT_EQ(got.total, want.total);
  EXPECT_EQ(got.reports, want.reports);
  EXPECT_EQ(got.suggestion, want.suggestion);
  EXPECT_FALSE(got.partial);
  ASSERT_EQ(got.results.size(), want.results.size());
  for (size_t i = 0; i < want.results.size(); ++i) {
    const SearchResult& w = want.results[i];
    const SearchResult& g = got.results[i];
    EXPECT_NEAR(g.score, w.score, 1e-9 * std::abs(w.score) + 1e-15)
        << w.document.id;
    EXPECT_EQ(g.more_reports, w.more_reports) << w.document.id;
    EXPECT_EQ(g.outlets, w.outlets) << w.document.id;
    EXPECT_EQ(g.snippet, w.snippet) << w.document.id;
  }
  ExpectSameFacets(want.facets, got.facets);
}

class ShardSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plain_ = new std::string(testing::MakeTempDir("plain"));
    sharded_ = new std::string(testing::MakeTempDir("sharded"));
    setup_ = new absl::Status(BuildIndex(*plain_, ShardBy::kNone));
    if (setup_->ok()) *setup_ = BuildIndex(*sharded_, ShardBy::kMonth);
  }

  void SetUp() override {
    ASSERT_THAT(*setup_, IsOk());
    auto plain = Searcher::Open(*plain_);
    ASSERT_THAT(plain, IsOk());
    plain_searcher_ = std::move(*plain);
    auto sharded = Searcher::Open(*sharded_);
    ASSERT_THAT(sharded, IsOk());
    sharded_searcher_ = std::move(*sharded);
  }

  static SearchRequest Request(const std::string& query) {
    SearchRequest request;
    request.query = query;
    request.now = Utc(1987, 7, 1);
    request.limit = 100;
    request.facets = {"date", "topic", "source"};
    return request;
  }

  SearchResponse Search(Searcher& searcher, const SearchRequest& request) {
    absl::StatusOr<SearchResponse> response = searcher.Search(request);
    EXPECT_THAT(response, IsOk()) << request.query;
    return response.ok() ? *response : SearchResponse{};
  }

  static std::string* plain_;
  static std::string* sharded_;
  static absl::Status* setup_;
  std::unique_ptr<Searcher> plain_searcher_;
  std::unique_ptr<Searcher> sharded_searcher_;
};

std::string* ShardSearchTest::plain_ = nullptr;
std::string* ShardSearchTest::sharded_ = nullptr;
absl::Status* ShardSearchTest::setup_ = nullptr;

TEST_F(ShardSearchTest, StubListsEveryMonthTheLexiconAndUndated) {
  absl::StatusOr<std::vector<StubShard>> shards =
      ReadStub(StubFileOf(*sharded_));
  ASSERT_THAT(shards, IsOk());
  std::vector<std::string> names;
  for (const StubShard& s : *shards) names.push_back(s.periods.at(0).Name());
  std::sort(names.begin() + 1, names.end());
  EXPECT_THAT(names, ElementsAre("lexicon", "1987-01", "1987-02", "1987-03",
                                 "1987-04", "1987-05", "1987-06", "undated"));
}

TEST_F(ShardSearchTest, SameResultsAsOneDatabase) {
  struct Case {
    const char* query;
    std::vector<std::pair<std::string, std::string>> filters;
  };
  const Case cases[] = {
      {"oil", {}},
      {"crude oil", {}},
      {"\"crude oil\"", {}},
      {"wheat topic:grain", {}},
      {"oil", {{"source", "reuters"}, {"source", "wire"}}},  // drill-down
      {"prices", {{"topic", "trade"}}},
  };
  for (const Case& c : cases) {
    for (SortOrder sort : {SortOrder::kHybrid, SortOrder::kRelevance}) {
      for (bool fold : {true, false}) {
        SearchRequest request = Request(c.query);
        request.filters = c.filters;
        request.sort = sort;
        request.fold = fold;
        SCOPED_TRACE(absl::StrCat("query '", c.query, "' filters ",
                                  c.filters.size(), " sort ",
                                  static_cast<int>(sort), " fold ", fold));
        const SearchResponse want = Search(*plain_searcher_, request);
        const SearchResponse got = Search(*sharded_searcher_, request);
        ASSERT_GT(want.total, 1);  // the comparison says something
        ExpectSameResponse(want, got);
        EXPECT_EQ(got.shards_searched, 8);
        EXPECT_EQ(got.shards_pruned, 0);
        EXPECT_THAT(got.warnings, IsEmpty());
      }
    }
  }
}

// Matching everything, scores tie (old and undated reports alike): the
// same matches and counts, in an order only the dates fix.
TEST_F(ShardSearchTest, MatchAllHasTheSameMatchesAndFacets) {
  for (bool fold : {true, false}) {
    SearchRequest request = Request("");
    request.fold = fold;
    request.sort = SortOrder::kNewest;
    const SearchResponse want = Search(*plain_searcher_, request);
    const SearchResponse got = Search(*sharded_searcher_, request);
    EXPECT_EQ(got.total, want.total);
    EXPECT_EQ(got.reports, kDated + kUndated);
    EXPECT_EQ(want.reports, kDated + kUndated);
    ExpectSameFacets(want.facets, got.facets);
    std::vector<std::string> a = Ids(want), b = Ids(got);
    EXPECT_EQ(std::set<std::string>(b.begin(), b.end()),
              std::set<std::string>(a.begin(), a.end()));
    if (!fold) {  // dated first, newest first
      a.resize(kDated);
      b.resize(kDated);
      EXPECT_EQ(b, a);
    }
  }
}

TEST_F(ShardSearchTest, FoldedStoriesSpanShards) {
  const SearchResponse got = Search(*sharded_searcher_, Request("oil"));
  int more = 0;
  for (const SearchResult& r : got.results) more += r.more_reports;
  EXPECT_GT(more, 0);
  EXPECT_EQ(got.reports, got.total + more);
}

TEST_F(ShardSearchTest, SameSuggestionAndWildcardMatches) {
  SearchResponse want = Search(*plain_searcher_, Request("petroleun"));
  SearchResponse got = Search(*sharded_searcher_, Request("petroleun"));
  EXPECT_EQ(want.suggestion, std::optional<std::string>("petroleum"));
  EXPECT_EQ(got.suggestion, want.suggestion);  // from the lexicon
  EXPECT_EQ(got.total, 0);
  // Each shard expands a wildcard with its own statistics: said.
  want = Search(*plain_searcher_, Request("petrol*"));
  got = Search(*sharded_searcher_, Request("petrol*"));
  EXPECT_THAT(want.warnings, IsEmpty());
  EXPECT_THAT(got.warnings, ElementsAre(HasSubstr("wildcard")));
  EXPECT_GT(got.total, 0);
  EXPECT_EQ(got.total, want.total);
}

TEST_F(ShardSearchTest, DateRestrictedQueries) {
  struct DateCase {
    const char* query;
    int searched;  // with pruning: the lexicon and the months
  };
  for (const DateCase& c : {DateCase{"oil date:1987-03-01..1987-04-30", 3},
                            DateCase{"wheat since:1987-05-01", 3},
                            DateCase{"gold until:1987-02-15", 3},
                            DateCase{"date:1987-06-10..1987-06-20", 2}}) {
    for (bool fold : {true, false}) {
      SCOPED_TRACE(absl::StrCat(c.query, " fold ", fold));
      SearchRequest request = Request(c.query);
      request.fold = fold;
      request.prune_shards = false;
      const SearchResponse want = Search(*plain_searcher_, request);
      ASSERT_GT(want.total, 0);
      const SearchResponse all = Search(*sharded_searcher_, request);
      ExpectSameResponse(want, all);
      EXPECT_EQ(all.shards_searched, 8);
      EXPECT_EQ(all.shards_pruned, 0);

      request.prune_shards = true;
      const SearchResponse pruned = Search(*sharded_searcher_, request);
      EXPECT_EQ(pruned.total, want.total);
      EXPECT_EQ(pruned.reports, want.reports);
      ExpectSameFacets(want.facets, pruned.facets);
      EXPECT_EQ(pruned.shards_searched, c.searched);
      EXPECT_EQ(pruned.shards_pruned, 8 - c.searched);
      EXPECT_FALSE(pruned.partial);
      if (!fold) {  // folded, scores pick each story's report
        std::vector<std::string> a = Ids(want), b = Ids(pruned);
        EXPECT_EQ(std::set<std::string>(b.begin(), b.end()),
                  std::set<std::string>(a.begin(), a.end()));
      }
    }
  }
}

// Local shards that are down. A Searcher keeps handles of the shards it has
// opened, and whether one renamed away after it was opened still answers
// from its open files is Xapian's business: 1.4's glass reopen() (run by
// every Acquire) reads the revision file by path and so fails too, but
// nothing of ours promises that. What is promised is that a shard which
// cannot be opened is down. So the failure is met by a fresh Searcher,
// whose first search opens every shard, and the same Searcher then sees the
// shard come back once retry_after has passed, without a restart.
class ShardFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("db");
    ASSERT_THAT(BuildIndex(dir_, ShardBy::kMonth), IsOk());
    options_.shards.retry_after = absl::Seconds(1);
    options_.shards.connect_timeout = absl::Milliseconds(500);
    options_.shards.remote_timeout = absl::Seconds(2);
  }

  absl::StatusOr<SearchResponse> Search(Searcher& searcher,
                                        const std::string& query,
                                        bool allow_partial) {
    SearchRequest request;
    request.query = query;
    request.now = Utc(1987, 7, 1);
    request.fold = false;
    request.limit = 100;
    request.allow_partial = allow_partial;
    return searcher.Search(request);
  }

  std::string dir_;
  SearcherOptions options_;
};

TEST_F(ShardFaultTest, MissingLocalShardFailsOrIsLeftOutThenComesBack) {
  absl::StatusOr<std::unique_ptr<Searcher>> complete =
      Searcher::Open(dir_, options_);
  ASSERT_THAT(complete, IsOk());
  absl::StatusOr<SearchResponse> before = Search(**complete, "oil", false);
  ASSERT_THAT(before, IsOk());
  EXPECT_FALSE(before->partial);

  const std::string shard = dir_ + "/1987-03";
  const std::string away = dir_ + "/moved-away";
  ASSERT_EQ(std::rename(shard.c_str(), away.c_str()), 0);
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(dir_, options_);
  ASSERT_THAT(searcher, IsOk());

  EXPECT_THAT(Search(**searcher, "oil", false),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("shard 1987-03 (glass ")));
  absl::StatusOr<SearchResponse> partial = Search(**searcher, "oil", true);
  ASSERT_THAT(partial, IsOk());
  EXPECT_TRUE(partial->partial);
  ASSERT_EQ(partial->missing_shards.size(), 1u);
  EXPECT_THAT(partial->missing_shards[0], HasSubstr("1987-03 (glass "));
  EXPECT_LT(partial->total, before->total);
  EXPECT_GT(partial->total, 0);
  EXPECT_EQ(partial->shards_searched, 7);
  // Still down (within retry_after): a search the dates keep out of March
  // neither fails nor is partial.
  absl::StatusOr<SearchResponse> pruned =
      Search(**searcher, "oil date:1987-05-01..1987-06-30", false);
  ASSERT_THAT(pruned, IsOk());
  EXPECT_FALSE(pruned->partial);
  EXPECT_THAT(pruned->missing_shards, IsEmpty());
  EXPECT_GT(pruned->shards_pruned, 0);
  EXPECT_GT(pruned->total, 0);

  ASSERT_EQ(std::rename(away.c_str(), shard.c_str()), 0);
  // Down until retry_after has passed, then asked again.
  EXPECT_THAT(Search(**searcher, "oil", false),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("shard 1987-03 (glass ")));
  absl::SleepFor(absl::Milliseconds(1100));
  absl::StatusOr<SearchResponse> after = Search(**searcher, "oil", false);
  ASSERT_THAT(after, IsOk());
  EXPECT_FALSE(after->partial);
  EXPECT_THAT(after->missing_shards, IsEmpty());
  EXPECT_EQ(after->total, before->total);
  EXPECT_EQ(Ids(*after), Ids(*before));
}

// A stub edited into something unreadable is an error naming its line for
// every search, not an empty answer; fixed, it is read again.
TEST_F(ShardFaultTest, BadStubEditIsAnErrorUntilFixed) {
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(dir_, options_);
  ASSERT_THAT(searcher, IsOk());
  absl::StatusOr<SearchResponse> before = Search(**searcher, "oil", false);
  ASSERT_THAT(before, IsOk());
  const std::string stub = dir_ + "/XAPIANDB";
  std::ifstream in(stub);
  const std::string good((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  ASSERT_FALSE(good.empty());
  const std::string bad = stub + ".bad";
  testing::WriteFile(bad, good + "remote 10.0.0.2:70O1\n");
  ASSERT_EQ(std::rename(bad.c_str(), stub.c_str()), 0);
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(Search(**searcher, "oil", true),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("XAPIANDB:")));
  }
  testing::WriteFile(bad, good);
  ASSERT_EQ(std::rename(bad.c_str(), stub.c_str()), 0);
  absl::StatusOr<SearchResponse> after = Search(**searcher, "oil", false);
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->total, before->total);
}

TEST_F(ShardFaultTest, RemoteFirstShardThatIsDown) {
  absl::StatusOr<std::vector<StubShard>> shards = ReadStub(StubFileOf(dir_));
  ASSERT_THAT(shards, IsOk());
  std::string stub = "remote 127.0.0.1:1\n";  // nothing listens there
  for (const StubShard& s : *shards) {
    if (s.periods.at(0).kind == ShardPeriod::Kind::kLexicon) continue;
    absl::StrAppend(&stub, "glass ", s.path, "\n");
  }
  const std::string file = testing::MakeTempDir("stub") + "/news.stub";
  testing::WriteFile(file, stub);
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(file, options_);
  ASSERT_THAT(searcher, IsOk());

  EXPECT_THAT(
      Search(**searcher, "oil", false),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("127.0.0.1:1")));
  absl::StatusOr<SearchResponse> partial = Search(**searcher, "oil", true);
  ASSERT_THAT(partial, IsOk());
  EXPECT_TRUE(partial->partial);
  ASSERT_EQ(partial->missing_shards.size(), 1u);
  EXPECT_THAT(partial->missing_shards[0], HasSubstr("remote 127.0.0.1:1"));
  EXPECT_THAT(partial->warnings,
              Contains(HasSubstr("first shard (remote 127.0.0.1:1)")));
  EXPECT_THAT(partial->warnings, Contains(HasSubstr("is remote")));
  EXPECT_GT(partial->total, 0);
  EXPECT_EQ(partial->shards_searched, 7);
}

}  // namespace
}  // namespace newsearch
