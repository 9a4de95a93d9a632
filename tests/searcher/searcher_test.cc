#include "newsearch/searcher.h"

#include <rapidjson/document.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "newsearch/schema.h"
#include "newsearch/search_json.h"
#include "newsearch/status_macros.h"
#include "searcher/query_builder.h"
#include "searcher/terminal_output.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

struct Row {
  const char* id;
  Kind kind;
  const char* title;
  const char* body;
  const char* published;  // "" for undated
  const char* topic;
  const char* source;
};

// A small corpus where each test's expected answer can be read off.
const Row kRows[] = {
    {"talks-1", Kind::kArticle, "Peace talks resume in Miami",
     "Envoys met for a second day of talks.", "2025-12-20T23:01:00Z",
     "Politics", "euronews"},
    {"talks-2", Kind::kTimeline, "Envoys meet again",
     "The peace process continues; talks were described as constructive.",
     "2025-12-21T08:00:00Z", "politics", "wire"},
    {"storm-1", Kind::kArticle, "Storm closes the harbour",
     "Ferries were cancelled as the storm hit the coast.",
     "2025-12-10T06:00:00Z", "Climate", "harbour-gazette"},
    {"storm-2", Kind::kTimeline, "Harbour reopens after storm",
     "Ferries sail again.", "2025-12-12T18:30:00Z", "climate", "wire"},
    {"grain-1", Kind::kArticle, "Wheat exports rise",
     "Wheat and barley shipments rose; the harbour was busy.", "", "grain",
     "reuters"},
};

class SearcherTest : public ::testing::Test {
 protected:
  // No assertions here (gtest would report them as skipped tests): the
  // outcome is kept for SetUp() to check.
  static void SetUpTestSuite() {
    path_ = new std::string(testing::MakeTempDir("db"));
    setup_ = new absl::Status(BuildIndex(*path_));
  }

  static absl::Status BuildIndex(const std::string& path) {
    ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> writer,
                     IndexWriter::Open(path, {}));
    for (const Row& row : kRows) {
      NewsDocument doc;
      doc.id = row.id;
      doc.kind = row.kind;
      doc.title = row.title;
      doc.body = row.body;
      if (*row.published) {
        ASSIGN_OR_RETURN(doc.published, ParseTimestamp(row.published));
      }
      doc.topics = {row.topic};
      doc.source = row.source;
      doc.language = "en";
      RETURN_IF_ERROR(PrepareDocument(&doc));
      RETURN_IF_ERROR(writer->Add(doc).status());
    }
    return writer->Commit();
  }

  void SetUp() override {
    ASSERT_THAT(*setup_, IsOk());
    auto searcher = Searcher::Open(*path_);
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  std::vector<std::string> Ids(const std::string& query,
                               SortOrder sort = SortOrder::kRelevance,
                               const std::string& tz = "UTC") {
    SearchRequest request;
    request.fold = false;
    request.query = query;
    request.sort = sort;
    request.time_zone = tz;
    request.fold = false;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_THAT(response, IsOk()) << query;
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    EXPECT_EQ(response->total, static_cast<int64_t>(response->results.size()));
    for (const SearchResult& r : response->results)
      ids.push_back(r.document.id);
    return ids;
  }

  static std::string* path_;
  static absl::Status* setup_;
  std::unique_ptr<Searcher> searcher_;
};

std::string* SearcherTest::path_ = nullptr;
absl::Status* SearcherTest::setup_ = nullptr;

TEST_F(SearcherTest, TitleMatchesOutrankBodyMatches) {
  EXPECT_THAT(Ids("harbour"), ElementsAre("storm-2", "storm-1", "grain-1"));
}

TEST_F(SearcherTest, DefaultOperatorIsAnd) {
  EXPECT_THAT(Ids("storm ferries"), UnorderedElementsAre("storm-1", "storm-2"));
}

TEST_F(SearcherTest, BooleanPhraseNearAndWildcard) {
  EXPECT_THAT(Ids("\"peace talks\""), ElementsAre("talks-1"));
  EXPECT_THAT(Ids("peace NEAR/3 talks"),
              UnorderedElementsAre("talks-1", "talks-2"));
  EXPECT_THAT(Ids("storm NOT ferries"), ElementsAre());
  EXPECT_THAT(Ids("wheat OR envoys"),
              UnorderedElementsAre("grain-1", "talks-1", "talks-2"));
  EXPECT_THAT(Ids("harb*"),
              UnorderedElementsAre("storm-1", "storm-2", "grain-1"));
}

TEST_F(SearcherTest, ShortQueriesNeedEveryWordLongOnesAnyWord) {
  // Up to five words: all must match, so one word nobody wrote empties it.
  EXPECT_THAT(Ids("peace talks volcano"), ElementsAre());
  // A natural-language question: "volcano", "weekend" and "last" appear
  // nowhere, yet the best matches come back, most matching words first.
  const std::vector<std::string> ids =
      Ids("what did the envoys say about the peace talks in Miami last "
          "weekend near the volcano");
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], "talks-1");
  EXPECT_EQ(ids[1], "talks-2");
  // Stopwords alone do not make a long query: this is three words, ANDed.
  EXPECT_THAT(Ids("what is the volcano and the harbour of the storm"),
              ElementsAre());
}

TEST_F(SearcherTest, StemmedWordsMatch) {
  EXPECT_THAT(Ids("cancel"), ElementsAre("storm-1"));
}

TEST_F(SearcherTest, FilterPrefixesAreCaseInsensitive) {
  EXPECT_THAT(Ids("topic:POLITICS"),
              UnorderedElementsAre("talks-1", "talks-2"));
  EXPECT_THAT(Ids("storm kind:timeline"), ElementsAre("storm-2"));
  EXPECT_THAT(Ids("source:Wire"), UnorderedElementsAre("talks-2", "storm-2"));
  EXPECT_THAT(Ids("title:harbour"), UnorderedElementsAre("storm-1", "storm-2"));
  EXPECT_THAT(Ids("lang:en topic:grain"), ElementsAre("grain-1"));
  EXPECT_THAT(Ids("id:talks-2"), ElementsAre("talks-2"));
}

TEST_F(SearcherTest, DateRangesWithOpenEndsAndTimes) {
  EXPECT_THAT(Ids("date:2025-12-10..2025-12-12"),
              UnorderedElementsAre("storm-1", "storm-2"));
  EXPECT_THAT(Ids("date:2025-12-20.."),
              UnorderedElementsAre("talks-1", "talks-2"));
  EXPECT_THAT(Ids("date:..2025-12-10"), ElementsAre("storm-1"));
  EXPECT_THAT(Ids("date:2025-12-12T18:00..2025-12-12T19:00"),
              ElementsAre("storm-2"));
  EXPECT_THAT(Ids("date:2025-12-21"), ElementsAre("talks-2"));
  EXPECT_THAT(Ids("harbour date:2025-12-01..2025-12-31"),
              UnorderedElementsAre("storm-1", "storm-2"));
}

TEST_F(SearcherTest, DateRangesUseTheRequestedZone) {
  // 23:01Z on the 20th is already the 21st in Paris.
  EXPECT_THAT(Ids("date:2025-12-21", SortOrder::kRelevance, "Europe/Paris"),
              UnorderedElementsAre("talks-1", "talks-2"));
}

TEST_F(SearcherTest, AnHourSkippedByDaylightSavingMatchesNothing) {
  // 02:00-03:00 on 2026-03-29 does not exist in Paris: an empty span, found
  // by the date fuzzer to be refused as a range that "ends before it starts".
  for (const char* query :
       {"date:2026-03-29T02", "date:2026-03-29T02..2026-03-29T02",
        "harbour date:2026-03-29T02:30..2026-03-29T02:45"}) {
    EXPECT_THAT(Ids(query, SortOrder::kRelevance, "Europe/Paris"), IsEmpty())
        << query;
  }
}

TEST_F(SearcherTest, SortByDate) {
  EXPECT_THAT(Ids("harbour", SortOrder::kNewest),
              ElementsAre("storm-2", "storm-1", "grain-1"));
  EXPECT_THAT(Ids("topic:politics OR topic:climate", SortOrder::kOldest),
              ElementsAre("storm-1", "storm-2", "talks-1", "talks-2"));
}

TEST_F(SearcherTest, MalformedQueriesAreInvalidArgument) {
  SearchRequest request;
  request.fold = false;
  for (const char* query :
       {"date:2025-13-45..2026-01-01", "date:yesterday..tomorrow",
        "date:2025-12-21..2025-12-01", "\"\"", "date:2025-99-01"}) {
    request.query = query;
    EXPECT_THAT(searcher_->Search(request),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << query;
  }
  request.query = "harbour";
  request.limit = kMaxLimit + 1;
  EXPECT_THAT(searcher_->Search(request),
              StatusIs(absl::StatusCode::kInvalidArgument));
  request.limit = 10;
  request.time_zone = "Nowhere/City";
  EXPECT_THAT(searcher_->Search(request),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(SearcherTest, ATimeLimitMakesCountsEstimates) {
  SearchRequest request;
  request.query = "storm";
  request.facets = {"topic"};
  absl::StatusOr<SearchResponse> response = searcher_->Search(request);
  ASSERT_THAT(response, IsOk());
  EXPECT_TRUE(response->total_exact);
  // Any search outlasts a nanosecond: it may have been cut short, so its
  // counts are not claimed to be exact; its best results still come back.
  request.time_limit = absl::Nanoseconds(1);
  response = searcher_->Search(request);
  ASSERT_THAT(response, IsOk());
  EXPECT_FALSE(response->total_exact);
  EXPECT_FALSE(response->results.empty());
}

TEST_F(SearcherTest, PaginationAndTotals) {
  SearchRequest request;
  request.fold = false;
  request.query = "harbour";
  request.offset = 1;
  request.limit = 1;
  absl::StatusOr<SearchResponse> response = searcher_->Search(request);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->total, 3);
  EXPECT_TRUE(response->total_exact);
  ASSERT_EQ(response->results.size(), 1u);
  EXPECT_EQ(response->results[0].rank, 2);
  EXPECT_EQ(response->results[0].document.id, "storm-1");
}

TEST_F(SearcherTest, SnippetsHighlightStemmedMatches) {
  SearchRequest request;
  request.fold = false;
  request.query = "cancel";
  absl::StatusOr<SearchResponse> response = searcher_->Search(request);
  ASSERT_THAT(response, IsOk());
  ASSERT_EQ(response->results.size(), 1u);
  EXPECT_THAT(response->results[0].snippet,
              HasSubstr("<mark>cancelled</mark>"));
}

TEST_F(SearcherTest, JsonFollowsTheContract) {
  SearchRequest request;
  request.fold = false;
  request.query = "storm";
  request.limit = 1;
  absl::StatusOr<SearchResponse> response = searcher_->Search(request);
  ASSERT_THAT(response, IsOk());
  rapidjson::Document json;
  json.Parse(SearchResponseToJson(*response).c_str());
  ASSERT_FALSE(json.HasParseError());
  EXPECT_STREQ(json["query"].GetString(), "storm");
  EXPECT_EQ(json["total"]["value"].GetInt(), 2);
  EXPECT_TRUE(json["total"]["exact"].GetBool());
  EXPECT_EQ(json["offset"].GetInt(), 0);
  EXPECT_EQ(json["limit"].GetInt(), 1);
  ASSERT_EQ(json["results"].Size(), 1u);
  const auto& r = json["results"][0];
  EXPECT_STREQ(r["id"].GetString(), "storm-1");
  EXPECT_STREQ(r["kind"].GetString(), "article");
  EXPECT_STREQ(r["title"].GetString(), "Storm closes the harbour");
  EXPECT_TRUE(r["url"].IsNull());
  EXPECT_STREQ(r["published"].GetString(), "2025-12-10T06:00:00Z");
  EXPECT_STREQ(r["source"].GetString(), "harbour-gazette");
  EXPECT_STREQ(r["topics"][0].GetString(), "Climate");
  EXPECT_GT(r["score"].GetDouble(), 0);
  EXPECT_THAT(r["snippet"].GetString(), HasSubstr("<mark>"));
  EXPECT_TRUE(json["suggestion"].IsNull());
  EXPECT_GE(json["took_ms"].GetDouble(), 0);
}

TEST_F(SearcherTest, TerminalOutputShowsRankTitleDateAndColourOnlyWhenAsked) {
  SearchRequest request;
  request.fold = false;
  request.query = "storm";
  const TerminalMarks plain = TerminalHighlight(false);
  request.highlight_start = plain.start;
  request.highlight_end = plain.end;
  absl::StatusOr<SearchResponse> response = searcher_->Search(request);
  ASSERT_THAT(response, IsOk());
  const std::string text = FormatForTerminal(*response, false);
  EXPECT_THAT(text, HasSubstr("2 results for 'storm'"));
  EXPECT_THAT(text, HasSubstr("  1. Storm closes the harbour"));
  EXPECT_THAT(text,
              HasSubstr("2025-12-10 06:00 UTC | article | harbour-gazette"));
  EXPECT_THAT(text, HasSubstr("*storm*"));
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(FormatForTerminal(*response, true).find("\x1b[1m"),
            std::string::npos);
}

// Equal scores newest first, page by page, exactly as Xapian's own
// relevance-then-date sort orders them: the searcher orders ties within a
// page itself, and lets Xapian do it when a tie crosses the page's edge.
TEST(TieOrderTest, PagesFollowXapiansRelevanceThenDateOrder) {
  const std::string path = testing::MakeTempDir("db");
  {
    IndexWriterOptions options;
    options.story_keys = false;
    auto writer = IndexWriter::Open(path, options);
    ASSERT_THAT(writer, IsOk());
    // Four texts, each seven times: equal scores within a text. Dates mix
    // times, bare days (stored at noon) and undated reports.
    const char* kTexts[] = {"Harbour storm", "Harbour storm closes ferries",
                            "Storm at the harbour wall, ferries stay in",
                            "Harbour storm: ferries, trains and buses stop"};
    const char* kDates[] = {"2025-12-10T06:00:00Z", "2025-12-10",           "",
                            "2025-12-10T18:00:00Z", "2025-12-11T01:00:00Z", "",
                            "2025-12-10T12:00:00Z"};
    int n = 0;
    for (const char* text : kTexts) {
      for (const char* date : kDates) {
        NewsDocument doc;
        doc.id = absl::StrCat("d", n++);
        doc.title = text;
        doc.language = "en";
        if (*date) doc.published = *ParseTimestamp(date);
        ASSERT_THAT(PrepareDocument(&doc), IsOk());
        ASSERT_THAT((*writer)->Add(doc), IsOk());
      }
    }
    ASSERT_THAT((*writer)->Commit(), IsOk());
  }
  // Xapian's order.
  Xapian::Database db(path);
  absl::StatusOr<Xapian::Query> query = BuildQuery(db, "harbour storm", {});
  ASSERT_THAT(query, IsOk());
  Xapian::Enquire enquire(db);
  enquire.set_query(*query);
  enquire.set_sort_by_relevance_then_value(schema::kSlotPublished, true);
  std::vector<std::string> expected;
  const Xapian::MSet mset = enquire.get_mset(0, 100);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    expected.push_back(DecodeDocData(it.get_document().get_data())->id);
  }
  ASSERT_EQ(expected.size(), 28u);

  auto searcher = Searcher::Open(path);
  ASSERT_THAT(searcher, IsOk());
  for (int limit : {1, 3, 5, 28}) {
    std::vector<std::string> paged;
    for (int offset = 0; offset < 28; offset += limit) {
      SearchRequest request;
      request.query = "harbour storm";
      request.sort = SortOrder::kRelevance;
      request.fold = false;
      request.offset = offset;
      request.limit = limit;
      absl::StatusOr<SearchResponse> response = (*searcher)->Search(request);
      ASSERT_THAT(response, IsOk());
      EXPECT_EQ(response->total, 28);
      for (const SearchResult& r : response->results) {
        EXPECT_EQ(r.rank, static_cast<int>(paged.size()) + 1);
        paged.push_back(r.document.id);
      }
    }
    EXPECT_EQ(paged, expected) << "pages of " << limit;
  }
  // Only the count: no page, so no tie to look at.
  SearchRequest count;
  count.query = "harbour storm";
  count.sort = SortOrder::kRelevance;
  count.fold = false;
  count.limit = 0;
  absl::StatusOr<SearchResponse> counted = (*searcher)->Search(count);
  ASSERT_THAT(counted, IsOk());
  EXPECT_EQ(counted->total, 28);
  EXPECT_TRUE(counted->results.empty());
}

TEST(SearcherOpenTest, MissingDatabaseIsNotFound) {
  EXPECT_THAT(Searcher::Open("/nonexistent/newsearch.db"),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace newsearch
