#include "indexer/ingest.h"

#include <vector>

#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("in");
    auto writer = IndexWriter::Open(dir_ + "/db", {});
    ASSERT_THAT(writer, IsOk());
    writer_ = std::move(*writer);
  }

  IngestStats IngestInputs(std::vector<std::string> inputs) {
    IngestOptions options;
    options.inputs = std::move(inputs);
    options.page.zone = *LoadZone(kDefaultPageZone);
    absl::StatusOr<IngestStats> stats = Ingest(
        options, *writer_,
        [this](const Diagnostic& d) { diagnostics_.push_back(d.ToString()); });
    EXPECT_THAT(stats, IsOk());
    return stats.value_or(IngestStats{});
  }

  std::string dir_;
  std::unique_ptr<IndexWriter> writer_;
  std::vector<std::string> diagnostics_;
};

TEST_F(IngestTest, BadLinesAreReportedWithFileAndLineAndTheRestIndexed) {
  const std::string file = dir_ + "/mixed.jsonl";
  testing::WriteFile(
      file,
      "{\"id\": \"a\", \"title\": \"Good one\"}\n"
      "{not json}\n"
      "\n"
      "{\"id\": \"b\", \"summary\": \"no title, no body\"}\n"
      "{\"id\": \"c\", \"title\": \"Bad date\", \"published\": \"soon\"}\n"
      "{\"id\": \"d\", \"title\": 7}\n"
      "{\"id\": \"e\xFF\", \"title\": \"bad utf8 id\"}\n"
      "{\"id\": \"f\", \"title\": \"Good two\"}\n");
  IngestStats stats = IngestInputs({file});
  EXPECT_EQ(stats.added, 2);
  EXPECT_EQ(stats.skipped, 5);
  ASSERT_EQ(diagnostics_.size(), 5u);
  EXPECT_THAT(diagnostics_[0], HasSubstr(file + ":2: error: invalid JSON"));
  EXPECT_THAT(diagnostics_[1],
              HasSubstr(file + ":4: error: record has neither title nor body"));
  EXPECT_THAT(diagnostics_[2],
              HasSubstr(file + ":5: error: field 'published'"));
  EXPECT_THAT(diagnostics_[3], HasSubstr(file + ":6: error: field 'title'"));
  EXPECT_THAT(diagnostics_[4],
              HasSubstr(file + ":7: error: field 'id' has invalid UTF-8"));
  EXPECT_EQ(writer_->doc_count(), 2u);
}

TEST_F(IngestTest, DirectoriesAreSearchedRecursivelyByExtension) {
  testing::WriteFile(dir_ + "/src/a.jsonl",
                     "{\"id\": \"a\", \"title\": \"A\"}\n");
  testing::WriteFile(dir_ + "/src/deep/b.ndjson",
                     "{\"id\": \"b\", \"title\": \"B\"}\n");
  testing::WriteFile(
      dir_ + "/src/deep/page.txt",
      "Title\n\xE2\x80\xA2 Dec 21, 2025, 12:01 AM\n1 min\n\nBody.\n");
  testing::WriteFile(dir_ + "/src/ignored.md", "# not news\n");
  IngestStats stats = IngestInputs({dir_ + "/src"});
  EXPECT_EQ(stats.files, 3);
  EXPECT_EQ(stats.added, 3);
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(IngestTest, UnreadableFileIsReportedAndOthersStillIndexed) {
  testing::WriteFile(dir_ + "/ok.jsonl", "{\"id\": \"a\", \"title\": \"A\"}\n");
  IngestStats stats =
      IngestInputs({dir_ + "/missing.jsonl", dir_ + "/ok.jsonl"});
  EXPECT_EQ(stats.files_failed, 1);
  EXPECT_EQ(stats.added, 1);
  ASSERT_EQ(diagnostics_.size(), 1u);
  EXPECT_THAT(
      diagnostics_[0],
      HasSubstr(dir_ + "/missing.jsonl: error: cannot read: No such file"));
}

TEST_F(IngestTest, ReingestingReplacesInsteadOfDuplicating) {
  testing::WriteFile(dir_ + "/a.jsonl",
                     "{\"title\": \"No id here\", \"source\": \"s\"}\n"
                     "{\"id\": \"x\", \"title\": \"X\"}\n");
  IngestStats first = IngestInputs({dir_ + "/a.jsonl"});
  IngestStats second = IngestInputs({dir_ + "/a.jsonl"});
  EXPECT_EQ(first.added, 2);
  EXPECT_EQ(second.added, 0);
  EXPECT_EQ(second.replaced, 2);
  EXPECT_EQ(writer_->doc_count(), 2u);
}

TEST_F(IngestTest, UnknownExtensionIsSniffed) {
  testing::WriteFile(dir_ + "/feed.data",
                     "  {\"id\": \"a\", \"title\": \"A\"}\n");
  IngestStats stats = IngestInputs({dir_ + "/feed.data"});
  EXPECT_EQ(stats.added, 1);
}

TEST(IngestStatsTest, SummaryLine) {
  IngestStats stats;
  stats.added = 3;
  stats.replaced = 1;
  stats.skipped = 2;
  stats.files = 1;
  stats.seconds = 2;
  EXPECT_EQ(
      stats.Summary(),
      "4 indexed (3 new, 1 replaced), 2 skipped, 1 file, 2.00 s, 2 docs/s");
}

}  // namespace
}  // namespace newsearch
