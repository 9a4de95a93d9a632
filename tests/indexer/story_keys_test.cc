#include "indexer/story_keys.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "newsearch/dates.h"
#include "newsearch/schema.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;

NewsDocument Doc(std::string id, std::string title, std::string summary,
                 const char* published) {
  NewsDocument doc;
  doc.id = std::move(id);
  doc.title = std::move(title);
  doc.summary = std::move(summary);
  doc.language = "en";
  if (*published) doc.published = *ParseTimestamp(published);
  return doc;
}

TEST(JaccardTest, CountsSharedOverAll) {
  EXPECT_DOUBLE_EQ(Jaccard({1, 2, 3}, {2, 3, 4}), 0.5);
  EXPECT_DOUBLE_EQ(Jaccard({1, 2}, {1, 2}), 1);
  EXPECT_DOUBLE_EQ(Jaccard({}, {}), 0);
  EXPECT_EQ(DecodeFeatures(EncodeFeatures({1, 0xdeadbeef, 7})),
            (std::vector<uint32_t>{1, 0xdeadbeef, 7}));
}

TEST(SeriesEditionsTest, OnlyEditionWordsDiffer) {
  EXPECT_TRUE(
      AreSeriesEditions("Latest news bulletin | December 21st – Morning",
                        "Latest news bulletin | December 21st – Midday"));
  EXPECT_TRUE(
      AreSeriesEditions("Markets wrap: Monday", "Markets wrap: Tuesday"));
  EXPECT_FALSE(
      AreSeriesEditions("Death toll rises to 12", "Death toll rises to 15"));
  EXPECT_FALSE(AreSeriesEditions("Same title", "Same title"));
  EXPECT_FALSE(AreSeriesEditions("Storm hits coast", "Storm hits harbour"));
  // A number after Day, Part, Thread... counts an edition (headlines-2022:
  // hl-3865 / hl-3760, a day apart).
  EXPECT_TRUE(AreSeriesEditions(
      "/r/WorldNews Live Thread: Russian Invasion of Ukraine Day 101, Part 1 "
      "(Thread #241)",
      "/r/WorldNews Live Thread: Russian Invasion of Ukraine Day 102, Part 1 "
      "(Thread #242)"));
  EXPECT_TRUE(
      AreSeriesEditions("Ozark Season 4 Part 1", "Ozark Season 4 Part 2"));
  // Only one title has an edition word: a rewrite, not another edition
  // (headlines-2022: hl-1981 / hl-2077, hl-4132 / hl-4198).
  EXPECT_FALSE(AreSeriesEditions(
      "Qatar fails to offer World Cup safety guarantees to LGBTQ+ fans | "
      "World Cup 2022",
      "Qatar fails to offer World Cup safety guarantees to LGBTQ+ fans"));
  EXPECT_FALSE(AreSeriesEditions(
      "Marvel's 'The Defenders' Shows Leaving Netflix on March 1st",
      "Marvel's 'The Defenders' Shows Leaving Netflix on March 1st, 2022"));
}

TEST(StoryKeyerTest, SketchIsStableAndTitleWeighted) {
  StoryKeyer keyer;
  const NewsDocument a =
      Doc("a", "Storm floods the old town", "Rivers rose.", "");
  StorySketch s1 = keyer.Sketch(a);
  StorySketch s2 = keyer.Sketch(a);
  EXPECT_EQ(s1.features, s2.features);
  EXPECT_EQ(s1.bands.size(), 32u);
  EXPECT_TRUE(s1.day.empty());
  EXPECT_EQ(s1.days, std::vector<std::string>{""});
  // Title words count twice (plain and as title words), lede words once.
  EXPECT_EQ(s1.features.size(),
            2u * 4 + 2);  // storm flood old town; river rose
}

class StoryWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::MakeTempDir("db");
    Reopen({});
  }
  // A new writer, so its story keyer reads the days it needs from the
  // database rather than remembering what it wrote.
  void Reopen(const IndexWriterOptions& options) {
    writer_.reset();
    auto writer = IndexWriter::Open(path_, options);
    ASSERT_THAT(writer, IsOk());
    writer_ = std::move(*writer);
  }
  void Add(NewsDocument doc) {
    ASSERT_THAT(PrepareDocument(&doc), IsOk());
    ASSERT_THAT(writer_->Add(doc), IsOk());
  }
  std::string KeyOf(const std::string& id) {
    EXPECT_THAT(writer_->Commit(), IsOk());
    Xapian::Database db(path_);
    Xapian::PostingIterator it = db.postlist_begin("Q" + id);
    if (it == db.postlist_end("Q" + id)) return "";
    return db.get_document(*it).get_value(schema::kSlotStoryKey);
  }

  std::string path_;
  std::unique_ptr<IndexWriter> writer_;
};

constexpr char kFloodTitle[] = "Storm Ilse floods Brackenford old town";
constexpr char kFloodLede[] =
    "The river burst its banks overnight and flooded the old town.";

TEST_F(StoryWriterTest, CopiesInOneBatchShareAKey) {
  Add(Doc("a", kFloodTitle, kFloodLede, "2026-10-19T05:50:00Z"));
  Add(Doc("b", "Brackenford old town flooded as Storm Ilse hits",
          "The river burst its banks and flooded the old town overnight.",
          "2026-10-19T07:30:00Z"));
  Add(Doc("c", "Ferries cancelled at Saltmere",
          "All crossings were cancelled as the wind rose.",
          "2026-10-19T06:00:00Z"));
  EXPECT_EQ(KeyOf("a"), KeyOf("b"));
  EXPECT_NE(KeyOf("a"), KeyOf("c"));
}

TEST_F(StoryWriterTest, LateCopyJoinsAndReindexingKeepsKeys) {
  Add(Doc("a", kFloodTitle, kFloodLede, "2026-10-19T05:50:00Z"));
  const std::string key = KeyOf("a");  // committed
  Add(Doc("late", "Brackenford old town flooded by Storm Ilse",
          "The river burst its banks overnight, flooding the old town.",
          "2026-10-20T12:00:00Z"));
  EXPECT_EQ(KeyOf("late"), key);
  Add(Doc("a", kFloodTitle, kFloodLede, "2026-10-19T05:50:00Z"));
  EXPECT_EQ(KeyOf("a"), key);
}

// Titles only, so the features are the title words. "harbour crane strike
// vote ballot union" founds the story; "... pay deal offer" joins it (four
// of its six words shared).
constexpr char kFounder[] = "Harbour crane strike vote ballot union";
constexpr char kMember[] = "Harbour crane strike vote pay offer";

TEST_F(StoryWriterTest, JoinsAStoryItMatchesOnAverage) {
  Add(Doc("founder", kFounder, "", "2026-10-02T08:00:00Z"));
  Add(Doc("member", kMember, "", "2026-10-02T09:00:00Z"));
  // A close rewrite of the second report, loosely like the first (under the
  // threshold on its own): its mean similarity to the story is enough.
  Add(Doc("rewrite", "Harbour crane pay offer rejected", "",
          "2026-10-02T10:00:00Z"));
  EXPECT_EQ(KeyOf("founder"), KeyOf("member"));
  EXPECT_EQ(KeyOf("rewrite"), KeyOf("member"));
}

TEST_F(StoryWriterTest, StoriesDoNotDriftThroughChains) {
  Add(Doc("founder", kFounder, "", "2026-10-02T08:00:00Z"));
  Add(Doc("member", kMember, "", "2026-10-02T09:00:00Z"));
  // Like the second report, nothing like the first: on average too far.
  Add(Doc("drift", "Pay offer rejected as vote nears", "",
          "2026-10-02T10:00:00Z"));
  EXPECT_EQ(KeyOf("founder"), KeyOf("member"));
  EXPECT_NE(KeyOf("drift"), KeyOf("member"));
}

TEST_F(StoryWriterTest, LateCopyJoinsAStoryReadFromTheDatabase) {
  Add(Doc("a", kFloodTitle, kFloodLede, "2026-10-19T05:50:00Z"));
  const std::string key = KeyOf("a");
  Reopen({});
  // Two days later: its day and the story's are read through D terms.
  Add(Doc("late", "Brackenford old town flooded by Storm Ilse",
          "The river burst its banks overnight, flooding the old town.",
          "2026-10-21T12:00:00Z"));
  EXPECT_EQ(KeyOf("late"), key);
  EXPECT_GT(writer_->cached_story_reports(), 0u);
}

TEST_F(StoryWriterTest, UndatedCopiesJoinAcrossRuns) {
  Add(Doc("a", kFloodTitle, kFloodLede, ""));
  const std::string key = KeyOf("a");
  Xapian::Database db(path_);
  EXPECT_EQ(db.get_termfreq(schema::kTermUndated), 1u);
  Reopen({});
  Add(Doc("b", kFloodTitle, kFloodLede, ""));
  Add(Doc("dated", kFloodTitle, kFloodLede, "2026-10-19T05:50:00Z"));
  EXPECT_EQ(KeyOf("b"), key);
  EXPECT_NE(KeyOf("dated"), key);  // undated reports fold only together
}

TEST_F(StoryWriterTest, DropsDaysOverItsBoundAndReadsThemAgain) {
  IndexWriterOptions options;
  options.story_cache_reports = 4;
  options.batch_size = 1;  // a commit after each report, when days can go
  Reopen(options);
  Add(Doc("a", kFloodTitle, kFloodLede, "2026-10-19T05:50:00Z"));
  // Ten unrelated reports on ten other weeks push the flood's day out.
  for (int i = 0; i < 10; ++i) {
    Add(Doc(
        absl::StrCat("other", i),
        absl::StrCat("Council budget vote number ", i, " on road repairs"),
        "Councillors met to vote on the budget.",
        absl::StrCat("2026-0", 1 + i % 9, "-1", i % 10, "T08:00:00Z").c_str()));
    EXPECT_LE(writer_->cached_story_reports(), 4u);
  }
  Add(Doc("late", "Brackenford old town flooded by Storm Ilse",
          "The river burst its banks overnight, flooding the old town.",
          "2026-10-20T12:00:00Z"));
  EXPECT_EQ(KeyOf("late"), KeyOf("a"));
}

TEST_F(StoryWriterTest, TheSameTextDaysApartIsAnotherStory) {
  Add(Doc("a", kFloodTitle, kFloodLede, "2026-10-19T05:50:00Z"));
  Add(Doc("b", kFloodTitle, kFloodLede, "2026-10-25T05:50:00Z"));
  EXPECT_NE(KeyOf("a"), KeyOf("b"));
}

}  // namespace
}  // namespace newsearch
