#include "indexer/index_writer.h"

#include <filesystem>
#include <fstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "indexer/identity.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "newsearch/schema.h"
#include "newsearch/topics.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;

NewsDocument Prepared(std::string id, std::string title) {
  NewsDocument doc;
  doc.id = std::move(id);
  doc.title = std::move(title);
  doc.body = "Wheat exports rose sharply in March, traders said.";
  doc.source = "Reuters";
  doc.section = "Commodities";
  doc.topics = {"Grain", "wheat", "trade", "ships", "ports"};
  doc.authors = {"Jane Doe"};
  doc.language = "en";
  doc.published = *ParseTimestamp("1987-03-05T11:31:00Z");
  EXPECT_THAT(PrepareDocument(&doc), IsOk());
  return doc;
}

TEST(IndexWriterTest, StoresTermsValuesAndDataAsTheSchemaSays) {
  const std::string path = testing::MakeTempDir("db");
  {
    auto writer = IndexWriter::Open(path, {});
    ASSERT_THAT(writer, IsOk());
    ASSERT_THAT((*writer)->Add(Prepared("r-1", "French wheat exports")),
                IsOk());
    ASSERT_THAT((*writer)->Commit(), IsOk());
  }
  Xapian::Database db(path);
  ASSERT_EQ(db.get_doccount(), 1u);
  for (const char* term :
       {"Qr-1", "XTgrain", "XTwheat", "XSRCreuters", "XSECcommodities",
        "XKarticle", "Len", "Ajane doe", "D19870305", "M198703", "Y1987",
        "Sfrench", "wheat", "Zwheat", "Zexport"}) {
    EXPECT_TRUE(db.term_exists(term)) << term;
  }
  Xapian::Document doc = db.get_document(*db.postlist_begin("Qr-1"));
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(schema::kSlotPublished)),
            541942260.0);
  EXPECT_EQ(doc.get_value(schema::kSlotDayKey), "19870305");
  EXPECT_EQ(doc.get_value(schema::kSlotHourKey), "1987030511");
  EXPECT_EQ(doc.get_value(schema::kSlotSource), "reuters");
  // Every topic, sorted by slug, in one slot for exact facet counts.
  std::vector<TopicEntry> topics =
      DecodeTopicSet(doc.get_value(schema::kSlotTopics));
  ASSERT_EQ(topics.size(), 5u);
  EXPECT_EQ(topics[0].slug, "grain");
  EXPECT_EQ(topics[0].name, "Grain");
  EXPECT_EQ(topics[4].slug, "wheat");
  EXPECT_FALSE(doc.get_value(schema::kSlotStoryKey).empty());
  absl::StatusOr<NewsDocument> data = DecodeDocData(doc.get_data());
  ASSERT_THAT(data, IsOk());
  EXPECT_EQ(data->title, "French wheat exports");
  EXPECT_EQ(data->topics.size(), 5u);
  // Title words weigh more than body words.
  Xapian::TermIterator t = doc.termlist_begin();
  t.skip_to("french");
  EXPECT_EQ(*t, "french");
  EXPECT_EQ(t.get_wdf(), schema::kTitleWeight);
  // Positions make phrase search possible.
  EXPECT_TRUE(db.has_positions());
}

TEST(IndexWriterTest, SameIdReplaces) {
  const std::string path = testing::MakeTempDir("db");
  auto writer = IndexWriter::Open(path, {});
  ASSERT_THAT(writer, IsOk());
  EXPECT_EQ(*(*writer)->Add(Prepared("r-1", "First version")),
            IndexWriter::Outcome::kAdded);
  EXPECT_EQ(*(*writer)->Add(Prepared("r-2", "Other")),
            IndexWriter::Outcome::kAdded);
  EXPECT_EQ(*(*writer)->Add(Prepared("r-1", "Second version")),
            IndexWriter::Outcome::kReplaced);
  ASSERT_THAT((*writer)->Commit(), IsOk());
  EXPECT_EQ((*writer)->doc_count(), 2u);
}

// A build commits each database every flush_every documents, before the
// batch ends; the batch's commit then adds the rest, and nothing doubles.
TEST(IndexWriterTest, FlushEveryCommitsBetweenBatches) {
  const std::string path = testing::MakeTempDir("db");
  IndexWriterOptions options;
  options.batch_size = 100;
  options.flush_every = 2;
  auto writer = IndexWriter::Open(path, options);
  ASSERT_THAT(writer, IsOk());
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT((*writer)->Add(Prepared(absl::StrCat("r-", i), "Wheat")),
                IsOk());
  }
  EXPECT_EQ(Xapian::Database(path).get_doccount(), 4u);  // two flushes
  ASSERT_THAT((*writer)->Add(Prepared("r-0", "Wheat again")), IsOk());
  ASSERT_THAT((*writer)->Commit(), IsOk());
  EXPECT_EQ(Xapian::Database(path).get_doccount(), 5u);
}

// A segmented build: each open segment flushes on its own, the meta
// database holds the checkpoint, and only full segments close.
TEST(IndexWriterTest, FlushEveryCommitsEachSegment) {
  const std::string path = testing::MakeTempDir("db");
  IndexWriterOptions options;
  options.batch_size = 100;
  options.flush_every = 3;
  options.shards = 2;
  options.segment_docs = 8;
  auto writer = IndexWriter::Open(path, options);
  ASSERT_THAT(writer, IsOk());
  for (int i = 0; i < 20; ++i) {
    ASSERT_THAT((*writer)->Add(Prepared(absl::StrCat("r-", i), "Wheat")),
                IsOk());
  }
  std::vector<std::string> databases = Segments::Databases(path);
  ASSERT_EQ(databases.size(), 3u);  // meta and two open segments
  EXPECT_EQ(Xapian::Database(databases[0]).get_doccount(), 0u);
  ASSERT_THAT((*writer)->Commit(), IsOk());
  EXPECT_EQ((*writer)->doc_count(), 20u);
  // Each writer had at least 8: both segments closed, two new ones opened.
  EXPECT_EQ(Segments::Databases(path).size(), 5u);
  ASSERT_THAT((*writer)->Add(Prepared("r-3", "Wheat again")), IsOk());
  ASSERT_THAT((*writer)->Add(Prepared("r-20", "Wheat")), IsOk());
  ASSERT_THAT((*writer)->Commit(), IsOk());
  // r-3 moved to an open segment: its closed one lost it at the commit.
  EXPECT_EQ((*writer)->doc_count(), 21u);
  Xapian::Database all;
  for (const std::string& db : Segments::Databases(path)) {
    all.add_database(Xapian::Database(db));
  }
  EXPECT_EQ(all.get_termfreq(schema::IdTerm("r-3")), 1u);
  EXPECT_TRUE(all.term_exists("again"));
}

// A segment killed while Xapian created it does not open; it never
// committed, so resuming the build drops it and keeps the rest.
TEST(IndexWriterTest, SegmentCutShortWhileCreatedIsDropped) {
  const std::string path = testing::MakeTempDir("db");
  IndexWriterOptions options;
  options.shards = 2;
  options.segment_docs = 1;
  {
    auto writer = IndexWriter::Open(path, options);
    ASSERT_THAT(writer, IsOk());
    ASSERT_THAT((*writer)->Add(Prepared("r-1", "Wheat")), IsOk());
    ASSERT_THAT((*writer)->Commit(), IsOk());
  }
  const std::string broken = path + "/seg000099";
  std::filesystem::create_directories(broken);
  std::ofstream(broken + "/iamglass") << "not a version file";
  auto writer = IndexWriter::Open(path, options);
  ASSERT_THAT(writer, IsOk());
  EXPECT_FALSE(std::filesystem::exists(broken));
  EXPECT_EQ((*writer)->doc_count(), 1u);
}

// A build whose databases commit (flush) while the story keyer reads its
// snapshot of them: glass reuses the blocks of a revision two commits old,
// so a snapshot kept across flushes read "The revision being read has been
// discarded" (a 100k-story reindex stopped at 24,600 documents).
TEST(IndexWriterTest, StoryLookupsSurviveFlushesOfABuild) {
  const std::string path = testing::MakeTempDir("db");
  IndexWriterOptions options;
  // The snapshot is reopened at each batch, and read between the flushes.
  options.batch_size = 2000;
  options.flush_every = 50;
  options.shards = 2;
  options.segment_docs = 1500;  // segments close and join the snapshot too
  auto writer = IndexWriter::Open(path, options);
  ASSERT_THAT(writer, IsOk());
  constexpr int kDocs = 5000;  // the old code failed at document 3,549
  for (int i = 0; i < kDocs; ++i) {
    NewsDocument doc = Prepared(
        absl::StrCat("r-", i),
        absl::StrCat("Story ", i % 97, " of port ", i % 13, " word", i));
    // Enough distinct words that the tables outgrow the blocks a reader
    // keeps cached.
    doc.body.clear();
    for (int w = 0; w < 60; ++w) {
      absl::StrAppend(&doc.body, " w", (i * 131 + w * 7919) % 20011);
    }
    doc.published = *ParseTimestamp(absl::StrCat(
        "1987-", 1 + i % 12 < 10 ? "0" : "", 1 + i % 12, "-",
        10 + i % 18, "T11:31:00Z"));
    ASSERT_THAT((*writer)->Add(std::move(doc)), IsOk()) << "document " << i;
  }
  ASSERT_THAT((*writer)->Commit(), IsOk());
  EXPECT_EQ((*writer)->doc_count(), static_cast<Xapian::doccount>(kDocs));
}

TEST(IndexWriterTest, SecondWriterIsRefusedWithAClearCode) {
  const std::string path = testing::MakeTempDir("db");
  auto first = IndexWriter::Open(path, {});
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(IndexWriter::Open(path, {}),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(IndexWriterTest, UnwritablePathIsAnError) {
  EXPECT_THAT(IndexWriter::Open("/proc/newsearch-cannot-create/db", {}),
              ::testing::Not(IsOk()));
}

}  // namespace
}  // namespace newsearch

namespace newsearch {
namespace {

// Ids of the documents in `path`, sorted.
std::vector<std::string> StoredIds(const std::string& path) {
  Xapian::Database db(path);
  std::vector<std::string> ids;
  for (auto it = db.allterms_begin(schema::kPrefixId);
       it != db.allterms_end(schema::kPrefixId); ++it) {
    ids.push_back((*it).substr(1));
  }
  return ids;
}

class DeleteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::MakeTempDir("db");
    auto writer = IndexWriter::Open(path_, {});
    ASSERT_THAT(writer, IsOk());
    for (const auto& [id, source, published] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"a", "wire", "2026-03-01T10:00:00Z"},
             {"b", "wire", "2026-03-02T10:00:00Z"},
             {"c", "gazette", "2026-03-02T23:00:00Z"},
             {"d", "gazette", ""}}) {
      NewsDocument doc;
      doc.id = id;
      doc.title = "Report " + id;
      doc.source = source;
      doc.language = "en";
      if (!published.empty()) doc.published = *ParseTimestamp(published);
      ASSERT_THAT(PrepareDocument(&doc), IsOk());
      ASSERT_THAT((*writer)->Add(doc), IsOk());
    }
    ASSERT_THAT((*writer)->Commit(), IsOk());
  }

  int64_t Delete(const DeleteSpec& spec) {
    IndexWriterOptions options;
    options.batch_size = 1;  // a commit after each deletion
    auto writer = IndexWriter::Open(path_, options);
    EXPECT_THAT(writer, IsOk());
    if (!writer.ok()) return -1;
    absl::StatusOr<int64_t> deleted = (*writer)->Delete(spec);
    EXPECT_THAT(deleted, IsOk());
    return deleted.ok() ? *deleted : -1;
  }

  std::string path_;
};

TEST_F(DeleteTest, ByIdAndAgainHarmlessly) {
  EXPECT_EQ(Delete({{"a", "nope"}, "", {}, {}}), 1);
  EXPECT_THAT(StoredIds(path_), ::testing::ElementsAre("b", "c", "d"));
  EXPECT_EQ(Delete({{"a"}, "", {}, {}}), 0);
}

TEST_F(DeleteTest, BySourceAndDateRange) {
  // March 2 (UTC), wire only; the undated gazette report never matches.
  DeleteSpec spec;
  spec.source = "Wire";
  spec.from = ParseTimestamp("2026-03-02")->time;
  EXPECT_EQ(Delete(spec), 1);
  EXPECT_THAT(StoredIds(path_), ::testing::ElementsAre("a", "c", "d"));
  spec = DeleteSpec();
  spec.until = ParseTimestamp("2026-03-02T23:30:00Z")->time;
  EXPECT_EQ(Delete(spec), 2);
  EXPECT_THAT(StoredIds(path_), ::testing::ElementsAre("d"));
}

TEST_F(DeleteTest, NeverEverything) {
  auto writer = IndexWriter::Open(path_, {});
  ASSERT_THAT(writer, IsOk());
  EXPECT_THAT((*writer)->Delete({}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(StoredIds(path_).size(), 4u);
}

}  // namespace
}  // namespace newsearch
