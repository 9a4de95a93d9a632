#include "indexer/time_shards.h"

#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "indexer/name_variants.h"
#include "newsearch/dates.h"
#include "newsearch/schema.h"
#include "newsearch/shard_stub.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A document that passes PrepareDocument; `published` "" for undated.
NewsDocument Doc(const std::string& id, const std::string& published,
                 const std::string& title = "Wheat exports rise") {
  NewsDocument doc;
  doc.id = id;
  doc.title = title;
  doc.body = "Wheat exports rose sharply, traders said.";
  doc.source = "Reuters";
  doc.language = "en";
  if (!published.empty()) doc.published = *ParseTimestamp(published);
  EXPECT_THAT(PrepareDocument(&doc), IsOk());
  return doc;
}

IndexWriterOptions ByMonth() {
  IndexWriterOptions options;
  options.shard_by = ShardBy::kMonth;
  return options;
}

std::unique_ptr<IndexWriter> OpenWriter(const std::string& dir,
                                        const IndexWriterOptions& options) {
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(dir, options);
  EXPECT_THAT(writer, IsOk());
  return writer.ok() ? std::move(*writer) : nullptr;
}

// A fresh database written with `options` holding `docs`, committed.
std::string Build(const std::vector<NewsDocument>& docs,
                  const IndexWriterOptions& options = ByMonth()) {
  const std::string dir = testing::MakeTempDir("db");
  auto writer = OpenWriter(dir, options);
  if (writer == nullptr) return dir;
  for (const NewsDocument& doc : docs) EXPECT_THAT(writer->Add(doc), IsOk());
  EXPECT_THAT(writer->Commit(), IsOk());
  return dir;
}

Xapian::doccount Count(const std::string& dir, const std::string& shard) {
  return Xapian::Database(dir + "/" + shard).get_doccount();
}

bool Has(const std::string& dir, const std::string& shard,
         const std::string& id) {
  return Xapian::Database(dir + "/" + shard).term_exists(schema::IdTerm(id));
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// The shards the stub lists, by their first period's name.
std::vector<std::string> StubShards(const std::string& dir) {
  std::vector<std::string> names;
  absl::StatusOr<std::vector<StubShard>> shards = ReadStub(dir + "/XAPIANDB");
  EXPECT_THAT(shards, IsOk());
  if (!shards.ok()) return names;
  for (const StubShard& shard : *shards) {
    names.push_back(shard.periods.empty() ? "?" : shard.periods[0].Name());
  }
  return names;
}

TEST(TimeShardsTest, DocumentsLandInTheShardOfTheirMonth) {
  const std::string dir =
      Build({Doc("feb", "1987-02-26T15:01:01Z"),
             Doc("mar", "1987-03-05T11:31:00Z"),
             Doc("mar-end", "1987-03-31T23:59:59Z"),
             // 00:30 on April 1 at UTC+2 is March in UTC.
             Doc("mar-utc", "1987-04-01T00:30:00+02:00"), Doc("no-date", "")});
  EXPECT_EQ(Count(dir, "1987-02"), 1u);
  EXPECT_TRUE(Has(dir, "1987-02", "feb"));
  EXPECT_EQ(Count(dir, "1987-03"), 3u);
  for (const char* id : {"mar", "mar-end", "mar-utc"}) {
    EXPECT_TRUE(Has(dir, "1987-03", id)) << id;
  }
  EXPECT_FALSE(Has(dir, "1987-03", "feb"));
  EXPECT_EQ(Count(dir, "undated"), 1u);
  EXPECT_TRUE(Has(dir, "undated", "no-date"));
  EXPECT_EQ(Count(dir, "lexicon"), 0u);
  EXPECT_FALSE(Exists(dir + "/1987-04"));

  // The stub: lexicon first, months in order, undated last, with periods.
  EXPECT_THAT(StubShards(dir),
              ElementsAre("lexicon", "1987-02", "1987-03", "undated"));
  absl::StatusOr<std::vector<StubShard>> stub = ReadStub(dir + "/XAPIANDB");
  ASSERT_THAT(stub, IsOk());
  EXPECT_EQ((*stub)[2].path, dir + "/1987-03");
  std::ifstream in(dir + "/XAPIANDB");
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("glass lexicon\n"));
  EXPECT_THAT(text, HasSubstr("# period 1987-03\nglass 1987-03\n"));
  EXPECT_THAT(text, HasSubstr("# period undated\nglass undated\n"));
  EXPECT_EQ(StubFileOf(dir), dir + "/XAPIANDB");
  EXPECT_THAT(TimeShards::Detect(dir), IsOk());
  EXPECT_EQ(*TimeShards::Detect(dir), ShardBy::kMonth);

  // Xapian opens the directory as one database.
  Xapian::Database all(dir);
  EXPECT_EQ(all.get_doccount(), 5u);
  for (const char* id : {"feb", "mar", "mar-end", "mar-utc", "no-date"}) {
    EXPECT_TRUE(all.term_exists(schema::IdTerm(id))) << id;
  }
}

TEST(TimeShardsTest, YearShards) {
  IndexWriterOptions options;
  options.shard_by = ShardBy::kYear;
  const std::string dir = Build({Doc("a", "1987-02-26T15:01:01Z"),
                                 Doc("b", "1987-12-31T23:59:59Z"),
                                 Doc("c", "1988-01-01T00:00:00Z")},
                                options);
  EXPECT_EQ(Count(dir, "1987"), 2u);
  EXPECT_EQ(Count(dir, "1988"), 1u);
  EXPECT_TRUE(Has(dir, "1988", "c"));
  EXPECT_FALSE(Exists(dir + "/1987-02"));
  EXPECT_THAT(StubShards(dir), ElementsAre("lexicon", "1987", "1988"));
  EXPECT_EQ(*TimeShards::Detect(dir), ShardBy::kYear);
  EXPECT_EQ(Xapian::Database(dir + "/lexicon")
                .get_metadata(TimeShards::kShardByKey),
            "year");
  EXPECT_EQ(Xapian::Database(dir).get_doccount(), 3u);
}

TEST(TimeShardsTest, RedatedDocumentMovesWithinABatch) {
  const std::string dir = testing::MakeTempDir("db");
  auto writer = OpenWriter(dir, ByMonth());
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(*writer->Add(Doc("r-1", "1987-03-05T11:31:00Z")),
            IndexWriter::Outcome::kAdded);
  EXPECT_EQ(*writer->Add(Doc("r-1", "1987-04-02T11:31:00Z")),
            IndexWriter::Outcome::kReplaced);
  EXPECT_EQ(*writer->Add(Doc("r-2", "1987-04-02T11:31:00Z")),
            IndexWriter::Outcome::kAdded);
  EXPECT_EQ(*writer->Add(Doc("r-2", "")), IndexWriter::Outcome::kReplaced);
  ASSERT_THAT(writer->Commit(), IsOk());
  EXPECT_FALSE(Has(dir, "1987-03", "r-1"));
  EXPECT_TRUE(Has(dir, "1987-04", "r-1"));
  EXPECT_FALSE(Has(dir, "1987-04", "r-2"));
  EXPECT_TRUE(Has(dir, "undated", "r-2"));
  EXPECT_EQ(writer->doc_count(), 2u);
  EXPECT_EQ(Xapian::Database(dir).get_doccount(), 2u);
}

TEST(TimeShardsTest, RedatedDocumentMovesAcrossCommitsAndReopenings) {
  const std::string dir = testing::MakeTempDir("db");
  {
    auto writer = OpenWriter(dir, ByMonth());
    ASSERT_NE(writer, nullptr);
    ASSERT_THAT(writer->Add(Doc("r-1", "1987-03-05T11:31:00Z")), IsOk());
    ASSERT_THAT(writer->Add(Doc("r-2", "1987-03-06T11:31:00Z")), IsOk());
    ASSERT_THAT(writer->Commit(), IsOk());
    // Same writer, next batch: into a shard that does not exist yet.
    EXPECT_EQ(*writer->Add(Doc("r-2", "1987-05-01T00:00:00Z")),
              IndexWriter::Outcome::kReplaced);
    ASSERT_THAT(writer->Commit(), IsOk());
    EXPECT_FALSE(Has(dir, "1987-03", "r-2"));
    EXPECT_TRUE(Has(dir, "1987-05", "r-2"));
    // And back, into a shard that exists.
    EXPECT_EQ(*writer->Add(Doc("r-2", "1987-03-07T11:31:00Z")),
              IndexWriter::Outcome::kReplaced);
    ASSERT_THAT(writer->Commit(), IsOk());
    EXPECT_TRUE(Has(dir, "1987-03", "r-2"));
    EXPECT_FALSE(Has(dir, "1987-05", "r-2"));
  }
  {
    auto writer = OpenWriter(dir, ByMonth());
    ASSERT_NE(writer, nullptr);
    EXPECT_EQ(*writer->Add(Doc("r-1", "1987-04-02T11:31:00Z")),
              IndexWriter::Outcome::kReplaced);
    ASSERT_THAT(writer->Commit(), IsOk());
  }
  EXPECT_FALSE(Has(dir, "1987-03", "r-1"));
  EXPECT_TRUE(Has(dir, "1987-04", "r-1"));
  {
    auto writer = OpenWriter(dir, {});  // kNone: as the database says
    ASSERT_NE(writer, nullptr);
    EXPECT_EQ(*writer->Add(Doc("r-1", "")), IndexWriter::Outcome::kReplaced);
    EXPECT_EQ(*writer->Add(Doc("r-2", "1987-05-09T00:00:00Z")),
              IndexWriter::Outcome::kReplaced);
    ASSERT_THAT(writer->Commit(), IsOk());
  }
  EXPECT_EQ(Count(dir, "1987-03"), 0u);
  EXPECT_EQ(Count(dir, "1987-04"), 0u);
  EXPECT_TRUE(Has(dir, "undated", "r-1"));
  EXPECT_TRUE(Has(dir, "1987-05", "r-2"));
  Xapian::Database all(dir);
  EXPECT_EQ(all.get_doccount(), 2u);
  EXPECT_EQ(all.get_termfreq(schema::IdTerm("r-1")), 1u);
  EXPECT_EQ(all.get_termfreq(schema::IdTerm("r-2")), 1u);
}

TEST(TimeShardsTest, ReplacingInTheSameShard) {
  const std::string dir = testing::MakeTempDir("db");
  {
    auto writer = OpenWriter(dir, ByMonth());
    ASSERT_NE(writer, nullptr);
    EXPECT_EQ(*writer->Add(Doc("r-1", "1987-03-05T11:31:00Z", "First")),
              IndexWriter::Outcome::kAdded);
    EXPECT_EQ(*writer->Add(Doc("r-1", "1987-03-06T11:31:00Z", "Second")),
              IndexWriter::Outcome::kReplaced);
    ASSERT_THAT(writer->Commit(), IsOk());
  }
  auto writer = OpenWriter(dir, ByMonth());
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(*writer->Add(Doc("r-1", "1987-03-31T11:31:00Z", "Third")),
            IndexWriter::Outcome::kReplaced);
  EXPECT_EQ(*writer->Add(Doc("r-2", "1987-03-31T11:31:00Z")),
            IndexWriter::Outcome::kAdded);
  ASSERT_THAT(writer->Commit(), IsOk());
  EXPECT_EQ(Count(dir, "1987-03"), 2u);
  Xapian::Database march(dir + "/1987-03");
  EXPECT_TRUE(march.term_exists("third"));
  EXPECT_FALSE(march.term_exists("first"));
  EXPECT_FALSE(march.term_exists("second"));
  EXPECT_EQ(writer->doc_count(), 2u);
}

TEST(TimeShardsTest, MetadataSpellingAndSynonymsLandInTheLexicon) {
  const std::string dir = testing::MakeTempDir("db");
  {
    auto writer = OpenWriter(dir, ByMonth());
    ASSERT_NE(writer, nullptr);
    writer->set_checkpoint([] {
      return std::vector<std::pair<std::string, std::string>>{
          {"test:checkpoint", "42"}};
    });
    ASSERT_THAT(writer->Add(Doc("a", "1987-03-05T11:31:00Z",
                                "Zanzibar cloves")),
                IsOk());
    ASSERT_THAT(writer->SetMetadata("test:key", "value"), IsOk());
    ASSERT_THAT(writer->Commit(), IsOk());
    EXPECT_EQ(writer->GetMetadata("test:key"), "value");
    absl::StatusOr<NameVariants> variants =
        NameVariants::Parse("Kyiv Kiev\n", "variants.txt");
    ASSERT_THAT(variants, IsOk());
    EXPECT_THAT(writer->WriteVariants(*variants), IsOk());
  }
  Xapian::Database lexicon(dir + "/lexicon");
  EXPECT_EQ(lexicon.get_doccount(), 0u);
  EXPECT_EQ(lexicon.get_metadata("test:key"), "value");
  EXPECT_EQ(lexicon.get_metadata("test:checkpoint"), "42");
  EXPECT_NE(lexicon.get_metadata(schema::kLastCommitKey), "");
  EXPECT_EQ(lexicon.get_spelling_suggestion("zanzibat"), "zanzibar");
  EXPECT_NE(lexicon.synonym_keys_begin(), lexicon.synonym_keys_end());

  Xapian::Database march(dir + "/1987-03");
  EXPECT_EQ(march.get_doccount(), 1u);
  EXPECT_EQ(march.get_metadata("test:key"), "");
  EXPECT_EQ(march.get_metadata("test:checkpoint"), "");
  EXPECT_EQ(march.spellings_begin(), march.spellings_end());
  EXPECT_EQ(march.synonym_keys_begin(), march.synonym_keys_end());

  // The stub's first database is the lexicon, which Xapian reads them from.
  Xapian::Database all(dir);
  EXPECT_EQ(all.get_metadata("test:key"), "value");
}

class TimeShardsDeleteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = Build({Doc("feb", "1987-02-28T23:59:59Z"),
                  Doc("mar-1", "1987-03-01T00:00:00Z"),
                  Doc("mar-2", "1987-03-31T10:00:00Z"),
                  Doc("apr", "1987-04-01T10:00:00Z"), Doc("none", "")});
  }

  int64_t Delete(const DeleteSpec& spec) {
    IndexWriterOptions options = ByMonth();
    options.batch_size = 1;  // a commit after each deletion
    auto writer = OpenWriter(dir_, options);
    if (writer == nullptr) return -1;
    absl::StatusOr<int64_t> deleted = writer->Delete(spec);
    EXPECT_THAT(deleted, IsOk());
    return deleted.ok() ? *deleted : -1;
  }

  std::string dir_;
};

TEST_F(TimeShardsDeleteTest, ByDateRangeAcrossShards) {
  DeleteSpec spec;
  spec.from = ParseTimestamp("1987-02-28T12:00:00Z")->time;
  spec.until = ParseTimestamp("1987-03-31T23:59:59Z")->time;
  EXPECT_EQ(Delete(spec), 3);
  EXPECT_EQ(Count(dir_, "1987-02"), 0u);
  EXPECT_EQ(Count(dir_, "1987-03"), 0u);
  EXPECT_EQ(Count(dir_, "1987-04"), 1u);
  EXPECT_EQ(Count(dir_, "undated"), 1u);  // never matches a date
  EXPECT_EQ(Xapian::Database(dir_).get_doccount(), 2u);
  EXPECT_EQ(Delete(spec), 0);
}

TEST_F(TimeShardsDeleteTest, ByIdsAcrossShards) {
  EXPECT_EQ(Delete({{"feb", "apr", "none", "nope"}, "", {}, {}}), 3);
  EXPECT_EQ(Count(dir_, "1987-02"), 0u);
  EXPECT_EQ(Count(dir_, "1987-03"), 2u);
  EXPECT_EQ(Count(dir_, "1987-04"), 0u);
  EXPECT_EQ(Count(dir_, "undated"), 0u);
  EXPECT_EQ(Delete({{"feb"}, "", {}, {}}), 0);
  EXPECT_EQ(Xapian::Database(dir_).get_doccount(), 2u);
}

TEST(TimeShardsOpenTest, AnotherPeriodIsAnError) {
  const std::string dir = Build({Doc("a", "1987-03-05T11:31:00Z")});
  EXPECT_THAT(TimeShards::Open(dir, ShardBy::kYear),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sharded by month")));
  IndexWriterOptions options;
  options.shard_by = ShardBy::kYear;
  EXPECT_THAT(IndexWriter::Open(dir, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sharded by month")));
  EXPECT_FALSE(Exists(dir + "/1987"));
}

TEST(TimeShardsOpenTest, NoneKeepsWritingMonthShards) {
  const std::string dir = Build({Doc("a", "1987-03-05T11:31:00Z")});
  {
    auto writer = OpenWriter(dir, {});
    ASSERT_NE(writer, nullptr);
    EXPECT_EQ(writer->options().shard_by, ShardBy::kMonth);
    EXPECT_EQ(writer->doc_count(), 1u);
    ASSERT_THAT(writer->Add(Doc("b", "1987-06-05T11:31:00Z")), IsOk());
    ASSERT_THAT(writer->Commit(), IsOk());
  }
  EXPECT_FALSE(Exists(dir + "/iamglass"));
  EXPECT_TRUE(Has(dir, "1987-06", "b"));
  EXPECT_THAT(StubShards(dir), ElementsAre("lexicon", "1987-03", "1987-06"));
  EXPECT_EQ(Xapian::Database(dir).get_doccount(), 2u);
}

// A run that died after committing a new shard but before rewriting the
// stub leaves the shard unlisted; the next writer lists it again, and a
// re-dated document is found there.
TEST(TimeShardsOpenTest, UnlistedShardIsListedAgain) {
  const std::string dir = Build({Doc("a", "1987-03-05T11:31:00Z")});
  {
    auto writer = OpenWriter(dir, {});
    ASSERT_NE(writer, nullptr);
    ASSERT_THAT(writer->Add(Doc("b", "1987-05-05T11:31:00Z")), IsOk());
    ASSERT_THAT(writer->Commit(), IsOk());
  }
  // The stub as it was before 1987-05 existed.
  const std::string stub = dir + "/XAPIANDB";
  testing::WriteFile(stub, FormatStub(ShardBy::kMonth,
                                      {*ParsePeriod("1987-03")}));
  ASSERT_THAT(StubShards(dir), ElementsAre("lexicon", "1987-03"));
  {
    auto writer = OpenWriter(dir, {});
    ASSERT_NE(writer, nullptr);
    EXPECT_THAT(StubShards(dir), ElementsAre("lexicon", "1987-03", "1987-05"));
    EXPECT_EQ(writer->doc_count(), 2u);
    absl::StatusOr<IndexWriter::Outcome> moved =
        writer->Add(Doc("b", "1987-03-09T11:31:00Z"));
    ASSERT_THAT(moved, IsOk());
    EXPECT_EQ(*moved, IndexWriter::Outcome::kReplaced);
    ASSERT_THAT(writer->Commit(), IsOk());
  }
  EXPECT_FALSE(Has(dir, "1987-05", "b"));
  EXPECT_TRUE(Has(dir, "1987-03", "b"));
}

TEST(TimeShardsOpenTest, PlainDatabaseIsNotTimeSharded) {
  const std::string dir = Build({Doc("a", "1987-03-05T11:31:00Z")}, {});
  EXPECT_THAT(IndexWriter::Open(dir, ByMonth()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(Exists(dir + "/XAPIANDB"));
  EXPECT_FALSE(Exists(dir + "/lexicon"));
  EXPECT_EQ(Xapian::Database(dir).get_doccount(), 1u);
  EXPECT_EQ(*TimeShards::Detect(dir), ShardBy::kNone);
  EXPECT_THAT(CompactTimeShard(dir, "1987-03"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TimeShardsOpenTest, NotWithHashShards) {
  IndexWriterOptions options = ByMonth();
  options.shards = 2;
  EXPECT_THAT(IndexWriter::Open(testing::MakeTempDir("db"), options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CompactTimeShardTest, CompactsAPeriod) {
  const std::string dir = testing::MakeTempDir("db");
  {
    IndexWriterOptions options = ByMonth();
    options.batch_size = 10;  // several commits: something to compact
    auto writer = OpenWriter(dir, options);
    ASSERT_NE(writer, nullptr);
    for (int i = 0; i < 50; ++i) {
      ASSERT_THAT(writer->Add(Doc("m-" + std::to_string(i),
                                  "1987-03-05T11:31:00Z")),
                  IsOk());
    }
    ASSERT_THAT(writer->Add(Doc("apr", "1987-04-05T11:31:00Z")), IsOk());
  }
  const std::vector<std::string> before = StubShards(dir);
  absl::StatusOr<CompactShardResult> result = CompactTimeShard(dir, "1987-03");
  ASSERT_THAT(result, IsOk());
  EXPECT_GT(result->bytes_before, 0);
  EXPECT_GT(result->bytes_after, 0);
  EXPECT_FALSE(Exists(dir + "/1987-03.compact"));
  EXPECT_EQ(Count(dir, "1987-03"), 50u);
  EXPECT_TRUE(Has(dir, "1987-03", "m-49"));
  EXPECT_EQ(StubShards(dir), before);
  EXPECT_EQ(Xapian::Database(dir).get_doccount(), 51u);

  // The compacted shard takes writes again.
  {
    auto writer = OpenWriter(dir, ByMonth());
    ASSERT_NE(writer, nullptr);
    ASSERT_THAT(writer->Add(Doc("m-50", "1987-03-06T11:31:00Z")), IsOk());
    EXPECT_EQ(*writer->Add(Doc("m-0", "1987-04-06T11:31:00Z")),
              IndexWriter::Outcome::kReplaced);
    ASSERT_THAT(writer->Commit(), IsOk());
  }
  EXPECT_EQ(Count(dir, "1987-03"), 50u);
  EXPECT_TRUE(Has(dir, "1987-04", "m-0"));
}

TEST(CompactTimeShardTest, MissingPeriodIsNotFound) {
  const std::string dir = Build({Doc("a", "1987-03-05T11:31:00Z")});
  EXPECT_THAT(CompactTimeShard(dir, "1987-07"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(CompactTimeShard(dir, "lexicon"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(CompactTimeShard(dir, "1987-13"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(Exists(dir + "/1987-07"));
  EXPECT_EQ(Count(dir, "1987-03"), 1u);
}

}  // namespace
}  // namespace newsearch
