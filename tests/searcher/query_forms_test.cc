// How the searcher meets the many forms of a word: accents folded at index
// and query time, name variants as synonyms, exact forms in quotes,
// did-you-mean from the index's vocabulary, and the snippet of the field
// that matches best.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/name_variants.h"
#include "newsearch/searcher.h"
#include "searcher/query_builder.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::MakeDoc;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kVariants[] =
    "Zelensky Zelenskyy Zelenskiy Selenskyj\nKyiv Kiev\n";

class QueryFormsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(testing::MakeTempDir("db"));
    setup_ = new absl::Status(BuildIndex(*path_));
  }

  static absl::Status BuildIndex(const std::string& path) {
    const std::string t = "2026-03-01T10:00:00Z";
    RETURN_IF_ERROR(testing::BuildTestIndex(
        path,
        {
            MakeDoc("erdogan-accent", "Erdoğan meets envoys",
                    "The president spoke at the Hôtel de Ville.", t),
            MakeDoc("erdogan-plain", "Erdogan visits Ankara",
                    "A short visit to the hotel district.", t),
            MakeDoc("zel-1", "Zelensky in Kyiv", "Talks about grain.", t),
            MakeDoc("zel-2", "Zelenskyy in Kiev", "Talks about grain.", t),
            MakeDoc("zel-3", "Selenskyj reist nach Kiew",
                    "Gespräche über Getreide.", t),
            MakeDoc("zel-both", "Zelensky and Zelenskyy", "A profile.", t),
            MakeDoc("zel-once", "Zelensky and Zelensky", "A profile.", t),
            MakeDoc("ukraine-1", "Ukraine peace talks resume",
                    "Ukraine and its partners met in Geneva.", t),
            MakeDoc("ukraine-2", "Ukraine grain corridor",
                    "Ukraine ships grain again.", t),
            MakeDoc("fields", "Harbour strike ends",
                    "Dockers voted on Tuesday. The strike at the harbour "
                    "is over after four weeks; harbour cranes restart.",
                    t),
        }));
    ASSIGN_OR_RETURN(NameVariants variants,
                     NameVariants::Parse(kVariants, "test-variants"));
    ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> writer,
                     IndexWriter::Open(path, {}));
    return writer->WriteVariants(variants).status();
  }

  void SetUp() override {
    ASSERT_THAT(*setup_, IsOk());
    auto searcher = Searcher::Open(*path_);
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  SearchResponse Search(const std::string& query) {
    SearchRequest request;
    request.query = query;
    request.fold = false;
    request.sort = SortOrder::kRelevance;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_THAT(response, IsOk()) << query;
    return response.ok() ? *response : SearchResponse();
  }

  std::vector<std::string> Ids(const std::string& query) {
    std::vector<std::string> ids;
    for (const SearchResult& r : Search(query).results) {
      ids.push_back(r.document.id);
    }
    return ids;
  }

  static std::string* path_;
  static absl::Status* setup_;
  std::unique_ptr<Searcher> searcher_;
};

std::string* QueryFormsTest::path_ = nullptr;
absl::Status* QueryFormsTest::setup_ = nullptr;

TEST(NormalizeQueryTextTest, FoldsAndLowercasesFreeWordsOnly) {
  EXPECT_EQ(NormalizeQueryText("Erdoğan AND Hôtel"), "erdogan AND hotel");
  EXPECT_EQ(NormalizeQueryText("\"Hôtel de Ville\" Élysée"),
            "\"Hôtel de Ville\" elysee");
  EXPECT_EQ(NormalizeQueryText("source:Libération title:Zürich"),
            "source:Libération title:zurich");
  EXPECT_EQ(NormalizeQueryText("(Kyiv OR Kiev) NEAR/3 Zelensky -Moscow"),
            "(kyiv OR kiev) NEAR/3 zelensky -moscow");
  EXPECT_EQ(NormalizeQueryText("date:2026-03-01..2026-03-02 Ö*"),
            "date:2026-03-01..2026-03-02 o*");
}

TEST_F(QueryFormsTest, AccentsFoldBothWays) {
  EXPECT_THAT(Ids("Erdogan"),
              UnorderedElementsAre("erdogan-accent", "erdogan-plain"));
  EXPECT_THAT(Ids("Erdoğan"),
              UnorderedElementsAre("erdogan-accent", "erdogan-plain"));
  EXPECT_THAT(Ids("erdoğan"),
              UnorderedElementsAre("erdogan-accent", "erdogan-plain"));
  EXPECT_THAT(Ids("hotel"),
              UnorderedElementsAre("erdogan-accent", "erdogan-plain"));
  EXPECT_THAT(Ids("Hôtels"),
              UnorderedElementsAre("erdogan-accent", "erdogan-plain"));
}

TEST_F(QueryFormsTest, QuotesAskForTheExactForm) {
  EXPECT_THAT(Ids("\"Erdoğan\""), UnorderedElementsAre("erdogan-accent"));
  EXPECT_THAT(Ids("\"Erdogan\""), UnorderedElementsAre("erdogan-plain"));
  EXPECT_THAT(Ids("\"Hôtel de Ville\""),
              UnorderedElementsAre("erdogan-accent"));
}

TEST_F(QueryFormsTest, OneVariantFindsAll) {
  const auto all =
      UnorderedElementsAre("zel-1", "zel-2", "zel-3", "zel-both", "zel-once");
  EXPECT_THAT(Ids("Zelensky"), all);
  EXPECT_THAT(Ids("zelenskiy"), all);
  EXPECT_THAT(Ids("Selenskyj"), all);
  EXPECT_THAT(Ids("Kiev grain"), UnorderedElementsAre("zel-1", "zel-2"));
  EXPECT_THAT(Ids("title:kyiv"), UnorderedElementsAre("zel-1", "zel-2"));
  // The exact form is still there for the asking.
  EXPECT_THAT(Ids("\"Zelenskyy\""), UnorderedElementsAre("zel-2", "zel-both"));
}

TEST_F(QueryFormsTest, UsingTwoVariantsDoesNotInflateTheScore) {
  // OP_SYNONYM: two occurrences of two forms weigh as two of one form.
  const SearchResponse response = Search("zelensky");
  double both = -1, once = -2;
  for (const SearchResult& r : response.results) {
    if (r.document.id == "zel-both") both = r.score;
    if (r.document.id == "zel-once") once = r.score;
  }
  EXPECT_DOUBLE_EQ(both, once);
}

TEST_F(QueryFormsTest, SnippetsHighlightEveryForm) {
  for (const SearchResult& r : Search("Kiev").results) {
    if (r.document.id == "zel-1") {
      EXPECT_THAT(r.snippet, HasSubstr("<mark>Kyiv</mark>"));
    }
  }
  for (const SearchResult& r : Search("Erdogan").results) {
    if (r.document.id == "erdogan-accent") {
      EXPECT_THAT(r.snippet, HasSubstr("<mark>Erdoğan</mark>"));
    }
  }
}

TEST_F(QueryFormsTest, SnippetComesFromTheBestMatchingField) {
  // The body names the harbour twice and the strike once; the title once
  // each: the body wins.
  SearchResponse response = Search("harbour strike");
  ASSERT_EQ(response.results.size(), 1u);
  EXPECT_THAT(response.results[0].snippet, HasSubstr("Dockers voted"));
  // Only the title has "ends": two words matched beat one matched twice.
  response = Search("harbour ends");
  ASSERT_EQ(response.results.size(), 1u);
  EXPECT_EQ(response.results[0].snippet,
            "<mark>Harbour</mark> strike <mark>ends</mark>");
}

TEST_F(QueryFormsTest, DidYouMeanWhenLittleIsFound) {
  SearchResponse response = Search("ukrane peace talks");
  EXPECT_EQ(response.total, 0);
  ASSERT_TRUE(response.suggestion.has_value());
  EXPECT_EQ(*response.suggestion, "ukraine peace talks");
  EXPECT_EQ(Search(*response.suggestion).total, 1);
  // Enough results: no suggestion.
  EXPECT_FALSE(Search("ukraine").suggestion.has_value());
  // A correction that finds nothing more is not offered.
  EXPECT_FALSE(Search("ukrane zzyzx").suggestion.has_value());
}

}  // namespace
}  // namespace newsearch
