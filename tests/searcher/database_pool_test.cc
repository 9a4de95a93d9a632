// The searcher under concurrency and change: many threads on one Searcher,
// commits seen without a restart, a switched symlink or stub file, and
// searches running while the indexer commits.
#include "searcher/database_pool.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "gtest/gtest.h"
#include "newsearch/searcher.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::MakeDoc;
using ::newsearch::testing::StatusIs;

std::vector<NewsDocument> Docs(const std::string& prefix, int n) {
  std::vector<NewsDocument> docs;
  for (int i = 0; i < n; ++i) {
    docs.push_back(MakeDoc(prefix + std::to_string(i),
                           "Harbour strike day " + std::to_string(i),
                           "Dockers walk out.", "2026-03-01T10:00:00Z"));
  }
  return docs;
}

int64_t Count(Searcher& searcher) {
  SearchRequest request;
  request.query = "strike";
  request.fold = false;
  request.limit = 0;
  absl::StatusOr<SearchResponse> response = searcher.Search(request);
  EXPECT_THAT(response, IsOk());
  return response.ok() ? response->total : -1;
}

// Points `link` at `target` atomically, as a batch reindex would.
void SwitchSymlink(const std::string& target, const std::string& link) {
  const std::string tmp = link + ".new";
  ASSERT_EQ(symlink(target.c_str(), tmp.c_str()), 0);
  ASSERT_EQ(std::rename(tmp.c_str(), link.c_str()), 0);
}

TEST(DatabasePoolTest, ManyThreadsSearchOneSearcher) {
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(testing::BuildTestIndex(path, Docs("a", 30)), IsOk());
  auto searcher = Searcher::Open(path);
  ASSERT_THAT(searcher, IsOk());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (Count(**searcher) != 30) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(DatabasePoolTest, CommitsAreSeenWithoutReopening) {
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(testing::BuildTestIndex(path, Docs("a", 3)), IsOk());
  auto searcher = Searcher::Open(path);
  ASSERT_THAT(searcher, IsOk());
  EXPECT_EQ(Count(**searcher), 3);
  ASSERT_THAT(testing::BuildTestIndex(path, Docs("b", 4)), IsOk());
  EXPECT_EQ(Count(**searcher), 7);
}

TEST(DatabasePoolTest, ASwitchedSymlinkOpensTheNewDatabase) {
  const std::string dir = testing::MakeTempDir("switch");
  ASSERT_THAT(testing::BuildTestIndex(dir + "/one", Docs("a", 3)), IsOk());
  ASSERT_THAT(testing::BuildTestIndex(dir + "/two", Docs("b", 5)), IsOk());
  ASSERT_EQ(symlink((dir + "/one").c_str(), (dir + "/current").c_str()), 0);
  auto searcher = Searcher::Open(dir + "/current");
  ASSERT_THAT(searcher, IsOk());
  EXPECT_EQ(Count(**searcher), 3);
  SwitchSymlink(dir + "/two", dir + "/current");
  EXPECT_EQ(Count(**searcher), 5);
}

// newsindex turning an old-layout directory into a symlink renames the
// directory away, then puts the symlink in its place: in between, searches
// go on with the handles already open.
TEST(DatabasePoolTest, APathMissingForAMomentKeepsServing) {
  const std::string dir = testing::MakeTempDir("gap");
  ASSERT_THAT(testing::BuildTestIndex(dir + "/news.db", Docs("a", 3)), IsOk());
  auto searcher = Searcher::Open(dir + "/news.db");
  ASSERT_THAT(searcher, IsOk());
  EXPECT_EQ(Count(**searcher), 3);
  ASSERT_EQ(std::rename((dir + "/news.db").c_str(), (dir + "/news.db.0").c_str()),
            0);
  EXPECT_EQ(Count(**searcher), 3);
  ASSERT_EQ(symlink("news.db.0", (dir + "/news.db").c_str()), 0);
  EXPECT_EQ(Count(**searcher), 3);
}

TEST(DatabasePoolTest, AReplacedStubFileOpensTheNewDatabase) {
  const std::string dir = testing::MakeTempDir("stub");
  ASSERT_THAT(testing::BuildTestIndex(dir + "/one", Docs("a", 3)), IsOk());
  ASSERT_THAT(testing::BuildTestIndex(dir + "/two", Docs("b", 5)), IsOk());
  auto write_stub = [&](const std::string& target) {
    std::ofstream(dir + "/stub.tmp") << "auto " << target << "\n";
    ASSERT_EQ(
        std::rename((dir + "/stub.tmp").c_str(), (dir + "/news.stub").c_str()),
        0);
  };
  write_stub("one");
  auto searcher = Searcher::Open(dir + "/news.stub");
  ASSERT_THAT(searcher, IsOk());
  EXPECT_EQ(Count(**searcher), 3);
  write_stub("two");
  EXPECT_EQ(Count(**searcher), 5);
}

TEST(DatabasePoolTest, SearchesNeverFailWhileTheIndexerCommits) {
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(testing::BuildTestIndex(path, Docs("a", 10)), IsOk());
  auto searcher = Searcher::Open(path);
  ASSERT_THAT(searcher, IsOk());
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int64_t> last_seen{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        const int64_t n = Count(**searcher);
        if (n < 10) ++failures;  // never an empty or partial batch
        last_seen = n;
      }
    });
  }
  for (int batch = 0; batch < 20; ++batch) {
    ASSERT_THAT(testing::BuildTestIndex(
                    path, Docs("b" + std::to_string(batch) + "-", 10)),
                IsOk());
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(**searcher), 210);
}

TEST(SearcherLookupTest, DocumentStoryAndInfo) {
  const std::string path = testing::MakeTempDir("db");
  ASSERT_THAT(testing::BuildTestIndex(path, Docs("a", 2)), IsOk());
  auto searcher = Searcher::Open(path);
  ASSERT_THAT(searcher, IsOk());
  absl::StatusOr<NewsDocument> doc = (*searcher)->Document("a1");
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->title, "Harbour strike day 1");
  EXPECT_THAT((*searcher)->Document("nope"),
              StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<SearchResponse> story = (*searcher)->Story(doc->story_key);
  ASSERT_THAT(story, IsOk());
  EXPECT_GE(story->total, 1);
  EXPECT_THAT((*searcher)->Story("0000"),
              StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<DatabaseInfo> info = (*searcher)->Info();
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->path, path);
  EXPECT_EQ(info->documents, 2);
  ASSERT_TRUE(info->last_update.has_value());
  EXPECT_LT(absl::Now() - *info->last_update, absl::Minutes(5));
}

}  // namespace
}  // namespace newsearch
