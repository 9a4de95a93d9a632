// The facet column file: what is written is read back whole, and a file of
// another revision, cut short, damaged or absent is never taken for the
// column.
#include "common/facet_column_data.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::MakeDoc;

class FacetColumnDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("db");
    ASSERT_THAT(
        testing::BuildTestIndex(
            dir_, {MakeDoc("a", "Oil", "Oil.", "2025-10-25T21:30:00Z",
                           {"Energy", "Markets"}, "wire"),
                   MakeDoc("b", "Gas", "Gas.", "", {"Energy"}, "gazette"),
                   MakeDoc("c", "Vote", "Vote.", "2025-11-02T08:00:00Z", {},
                           "wire")}),
        IsOk());
  }

  absl::StatusOr<FacetColumnData> Read() {
    Xapian::Database db(dir_);
    return ReadFacetColumnFile(dir_, db.get_uuid(), db.get_revision());
  }

  std::string dir_;
};

TEST_F(FacetColumnDataTest, WhatIsWrittenIsReadBackWhole) {
  ASSERT_THAT(WriteFacetColumnFile(dir_), IsOk());
  Xapian::Database db(dir_);
  absl::StatusOr<FacetColumnData> built = BuildFacetColumnData(db);
  absl::StatusOr<FacetColumnData> read = Read();
  ASSERT_THAT(built, IsOk());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->uuid, db.get_uuid());
  EXPECT_EQ(read->revision, db.get_revision());
  EXPECT_EQ(read->stories, 3u);
  ASSERT_EQ(read->rows.size(), built->rows.size());
  for (size_t did = 0; did < built->rows.size(); ++did) {
    const FacetColumnData::Row& a = built->rows[did];
    const FacetColumnData::Row& b = read->rows[did];
    EXPECT_EQ(a.published, b.published) << did;
    EXPECT_EQ(a.story, b.story) << did;
    EXPECT_EQ(a.values, b.values) << did;
    EXPECT_EQ(a.topics, b.topics) << did;
    EXPECT_EQ(a.topic_count, b.topic_count) << did;
    EXPECT_EQ(a.dated, b.dated) << did;
  }
  EXPECT_EQ(read->topic_ids, built->topic_ids);
  for (int f = 0; f < FacetColumnData::kFieldCount; ++f) {
    ASSERT_EQ(read->dictionary[f].size(), built->dictionary[f].size()) << f;
    for (size_t i = 0; i < built->dictionary[f].size(); ++i) {
      EXPECT_EQ(read->dictionary[f][i].value, built->dictionary[f][i].value);
      EXPECT_EQ(read->dictionary[f][i].name, built->dictionary[f][i].name);
    }
  }
  // Two topics on the first document, "wire" twice as a source.
  EXPECT_EQ(read->rows[1].topic_count, 2);
  EXPECT_EQ(read->rows[1].values[0], read->rows[3].values[0]);
  EXPECT_FALSE(read->rows[2].dated);
}

TEST_F(FacetColumnDataTest, AFileOfAnotherRevisionIsRefused) {
  ASSERT_THAT(WriteFacetColumnFile(dir_), IsOk());
  // One more document, committed.
  ASSERT_THAT(testing::BuildTestIndex(
                  dir_, {MakeDoc("d", "Storm", "Storm.", "", {}, "daily")}),
              IsOk());
  EXPECT_EQ(Read().status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_THAT(WriteFacetColumnFile(dir_), IsOk());
  ASSERT_THAT(Read(), IsOk());
  EXPECT_EQ(Read()->stories, 4u);
}

TEST_F(FacetColumnDataTest, AbsentCutShortOrDamagedFilesAreRefused) {
  EXPECT_EQ(Read().status().code(), absl::StatusCode::kNotFound);
  ASSERT_THAT(WriteFacetColumnFile(dir_), IsOk());
  const std::string path = FacetColumnPath(dir_);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 100u);
  // Cut anywhere after the header.
  for (size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t{80}}) {
    testing::WriteFile(path, bytes.substr(0, keep));
    EXPECT_EQ(Read().status().code(), absl::StatusCode::kDataLoss) << keep;
  }
  // Another format: the first line differs.
  std::string other = bytes;
  other[0] = 'X';
  testing::WriteFile(path, other);
  EXPECT_EQ(Read().status().code(), absl::StatusCode::kDataLoss);
  // A row's story id beyond the stories: the rows start after the magic
  // line, row size, byte order, uuid, revision, story count and row count.
  Xapian::Database db(dir_);
  const size_t rows = std::string("newsearch facet column 1\n").size() + 4 +
                      4 + 4 + db.get_uuid().size() + 8 + 4 + 8;
  std::string damaged = bytes;
  const size_t story = rows + sizeof(FacetColumnData::Row) + 8;  // docid 1
  damaged[story + 3] = '\x7f';
  testing::WriteFile(path, damaged);
  EXPECT_EQ(Read().status().code(), absl::StatusCode::kDataLoss);
  // The original again.
  testing::WriteFile(path, bytes);
  EXPECT_THAT(Read(), IsOk());
}

TEST_F(FacetColumnDataTest, AnUnwritableDirectoryIsUnavailableNotFatal) {
  if (geteuid() == 0) {
    // root writes anyway: a path under a file instead.
    Xapian::Database db(dir_);
    absl::StatusOr<FacetColumnData> data = BuildFacetColumnData(db);
    ASSERT_THAT(data, IsOk());
    EXPECT_EQ(WriteFacetColumnFile(*data, FacetColumnPath(dir_) + "-x/y").code(),
              absl::StatusCode::kUnavailable);
    return;
  }
  ASSERT_EQ(chmod(dir_.c_str(), 0555), 0);
  EXPECT_EQ(WriteFacetColumnFile(dir_).code(), absl::StatusCode::kUnavailable);
  chmod(dir_.c_str(), 0755);
}

TEST(FacetColumnDataFileTest, StubsAndMissingDirectoriesWriteNothing) {
  const std::string dir = testing::MakeTempDir("stub");
  testing::WriteFile(dir + "/XAPIANDB", "glass a\n");
  EXPECT_THAT(WriteFacetColumnFile(dir), IsOk());
  EXPECT_FALSE(std::filesystem::exists(FacetColumnPath(dir)));
  EXPECT_THAT(WriteFacetColumnFile(dir + "/absent"), IsOk());
}

}  // namespace
}  // namespace newsearch
