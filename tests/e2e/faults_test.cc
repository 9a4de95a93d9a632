// Faults around the database: a disk that fills while indexing, a database
// on a read-only file system, and a database committed to while a search
// reads it. The first two mount file systems (a small tmpfs, a read-only
// bind mount), which needs root (CAP_SYS_ADMIN), as in CI; elsewhere they
// are skipped, saying why.
#include <xapian.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "newsearch/searcher.h"
#include "tests/searcher/test_index.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::Quote;
using testing::RunCommand;

constexpr int kSampleDocuments = 89;  // data/sample

// A file system mounted for the test and unmounted when it ends.
class Mount {
 public:
  // `command` mounts on `dir`; error() says why not when it failed.
  Mount(const std::string& dir, const std::string& command) : dir_(dir) {
    const testing::CommandResult r = RunCommand(command + " 2>&1");
    mounted_ = r.exit_code == 0;
    if (!mounted_) error_ = command + ": " + r.out + r.err;
  }
  ~Mount() {
    if (mounted_) RunCommand("umount " + Quote(dir_) + " 2>&1");
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

int64_t DocCount(const std::string& db) {
  try {
    return Xapian::Database(db).get_doccount();
  } catch (const Xapian::Error& e) {
    ADD_FAILURE() << "cannot open " << db << ": " << e.get_description();
    return -1;
  }
}

testing::CommandResult Index(const std::string& db, const std::string& args) {
  return RunCommand(testing::NewsindexPath() + " --quiet --db " + Quote(db) +
                    " " + args);
}

testing::CommandResult Search(const std::string& db, const std::string& q) {
  return RunCommand(testing::NewsearchPath() + " --json --db " + Quote(db) +
                    " " + Quote(q));
}

// `n` documents of random words: several megabytes of index.
std::string WriteBigBatch(const std::string& dir, int n) {
  std::mt19937 random(42);
  std::vector<std::string> words(20000);
  for (std::string& word : words) {
    for (int i = 0; i < 9; ++i) word += static_cast<char>('a' + random() % 26);
  }
  const std::string path = dir + "/big.jsonl";
  std::ofstream out(path);
  for (int d = 0; d < n; ++d) {
    std::string body;
    for (int w = 0; w < 400; ++w) body += words[random() % words.size()] + " ";
    out << "{\"id\": \"big-" << d << "\", \"title\": \"Big " << d
        << "\", \"body\": \"" << body
        << "\", \"published\": \"2026-01-02T03:04:05Z\", \"source\": "
           "\"big\", \"language\": \"en\"}\n";
  }
  return path;
}

TEST(FaultsTest, DiskFullLeavesTheLastCommitIntact) {
  const std::string dir = testing::MakeTempDir("disk_full") + "/mnt";
  RunCommand("mkdir -p " + Quote(dir));
  Mount tmpfs(dir, "mount -t tmpfs -o size=3m tmpfs " + Quote(dir));
  if (!tmpfs.mounted()) {
    GTEST_SKIP() << "cannot mount a 3 MB tmpfs to fill (needs root or "
                    "CAP_SYS_ADMIN): "
                 << tmpfs.error();
  }
  const std::string db = dir + "/db";
  const testing::CommandResult first =
      Index(db, Quote(testing::SourceDir() + "/data/sample"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(DocCount(db), kSampleDocuments);

  const std::string big =
      WriteBigBatch(testing::MakeTempDir("disk_full_input"), 1500);
  const testing::CommandResult full =
      Index(db, "--batch_size 100000 " + Quote(big));
  EXPECT_NE(full.exit_code, 0) << full.err;
  // Xapian writes when it commits and when its buffers fill: either way
  // the error names the database and the cause.
  EXPECT_THAT(full.err, AllOf(HasSubstr("database '" + db),
                              HasSubstr("No space left on device")));

  // The last commit, whole: it opens, counts, checks and searches.
  EXPECT_EQ(DocCount(db), kSampleDocuments);
  const testing::CommandResult check =
      RunCommand("xapian-check " + Quote(db + ".1") + " 2>&1");
  EXPECT_EQ(check.exit_code, 0) << check.out;
  const testing::CommandResult search = Search(db, "port strike");
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("\"results\""));
  EXPECT_THAT(search.out, ::testing::Not(HasSubstr("big-")));
}

TEST(FaultsTest, ReadOnlyDatabaseRefusesWritesAndStillSearches) {
  const std::string dir = testing::MakeTempDir("read_only");
  const std::string db = dir + "/rw/db";
  RunCommand("mkdir -p " + Quote(dir + "/rw") + " " + Quote(dir + "/ro"));
  const testing::CommandResult first =
      Index(db, Quote(testing::SourceDir() + "/data/sample"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string ro = dir + "/ro";
  Mount bind(ro, "mount --bind " + Quote(dir + "/rw") + " " + Quote(ro) +
                     " && mount -o remount,bind,ro " + Quote(ro));
  if (!bind.mounted()) {
    GTEST_SKIP() << "cannot make a read-only bind mount (needs root or "
                    "CAP_SYS_ADMIN): "
                 << bind.error();
  }
  const std::string ro_db = ro + "/db";
  const testing::CommandResult add =
      Index(ro_db, Quote(testing::SourceDir() + "/data/sample/pages"));
  EXPECT_NE(add.exit_code, 0);
  EXPECT_THAT(add.err,
              AllOf(HasSubstr(ro_db), HasSubstr("Read-only file system")));
  const testing::CommandResult del =
      RunCommand(testing::NewsindexPath() + " delete --db " + Quote(ro_db) +
                 " --delete_source harbour-gazette");
  EXPECT_NE(del.exit_code, 0);
  EXPECT_THAT(del.err, HasSubstr(ro_db));

  // Only the database directory read-only (the lock file beside it can be
  // written): Xapian's own lock fails, and says why.
  {
    const std::string generation = dir + "/rw/db.1";
    Mount inner(generation,
                "mount --bind " + Quote(generation) + " " + Quote(generation) +
                    " && mount -o remount,bind,ro " + Quote(generation));
    ASSERT_TRUE(inner.mounted()) << inner.error();
    const testing::CommandResult again =
        Index(db, Quote(testing::SourceDir() + "/data/sample/pages"));
    EXPECT_NE(again.exit_code, 0);
    EXPECT_THAT(again.err, AllOf(HasSubstr("database '" + generation),
                                 HasSubstr("Read-only file system")));
    EXPECT_THAT(again.err, ::testing::Not(HasSubstr("another newsindex")));
  }
  // Nothing changed, and reading needs no write (Xapian readers take no
  // lock).
  EXPECT_EQ(DocCount(ro_db), kSampleDocuments);
  const testing::CommandResult search = Search(ro_db, "port strike");
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("\"results\""));
  EXPECT_THAT(search.out, HasSubstr("hg-"));
}

// A database for the modified-during-search tests: enough documents that
// their data fills many blocks.
std::string BuildIndex(int n) {
  const std::string db = testing::MakeTempDir("modified") + "/db";
  std::vector<NewsDocument> docs;
  for (int i = 0; i < n; ++i) {
    docs.push_back(testing::MakeDoc(
        "doc-" + std::to_string(i), "Harbour report " + std::to_string(i),
        std::string(400, 'x') + " harbour cranes strike " + std::to_string(i),
        "2026-03-01T10:00:00Z"));
  }
  EXPECT_THAT(testing::BuildTestIndex(db, std::move(docs)), testing::IsOk());
  return db;
}

// Rewrites every document's data in `commits` commits, so that the blocks
// a reader of the revision before holds are reused; then adds `added`.
void CommitUnderTheReader(const std::string& db, int commits,
                          const std::string& added) {
  {
    Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
    for (int c = 0; c < commits; ++c) {
      for (Xapian::docid id = 1; id <= w.get_lastdocid(); ++id) {
        try {
          Xapian::Document doc = w.get_document(id);
          doc.set_data(doc.get_data());
          doc.add_boolean_term("XCOMMIT" + std::to_string(c));
          w.replace_document(id, doc);
        } catch (const Xapian::DocNotFoundError&) {
        }
      }
      w.commit();
    }
  }
  if (added.empty()) return;
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
      IndexWriter::Open(db, {});
  ASSERT_THAT(writer, testing::IsOk());
  NewsDocument doc =
      testing::MakeDoc(added, "Harbour report late",
                       "harbour cranes strike late", "2026-03-02T10:00:00Z");
  ASSERT_THAT(PrepareDocument(&doc), testing::IsOk());
  ASSERT_THAT((*writer)->Add(doc).status(), testing::IsOk());
  ASSERT_THAT((*writer)->Commit(), testing::IsOk());
}

SearcherOptions NoFacetCache() {
  SearcherOptions options;
  options.facet_cache = false;
  return options;
}

TEST(FaultsTest, ModifiedDuringSearchIsRetriedOnTheNewState) {
  const std::string db = BuildIndex(300);
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(db, NoFacetCache());
  ASSERT_THAT(searcher, testing::IsOk());
  SearchRequest request;
  request.query = "harbour";
  request.limit = 1000;
  request.fold = false;
  int attempts = 0;
  request.after_match_for_testing = [&] {
    if (++attempts == 1) CommitUnderTheReader(db, 3, "doc-late");
  };
  absl::StatusOr<SearchResponse> response = (*searcher)->Search(request);
  ASSERT_THAT(response, testing::IsOk());
  EXPECT_EQ(attempts, 2) << "the first attempt should have been discarded";
  // The retry saw the state after the commits: the late document too.
  EXPECT_EQ(response->total, 301);
  bool late = false;
  for (const SearchResult& r : response->results) {
    late = late || r.document.id == "doc-late";
  }
  EXPECT_TRUE(late);
}

TEST(FaultsTest, ModifiedDuringEverySearchGivesUpWithAnError) {
  const std::string db = BuildIndex(300);
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(db, NoFacetCache());
  ASSERT_THAT(searcher, testing::IsOk());
  SearchRequest request;
  request.query = "harbour";
  request.limit = 1000;
  request.fold = false;
  int attempts = 0;
  request.after_match_for_testing = [&] {
    ++attempts;
    CommitUnderTheReader(db, 3, "");
  };
  absl::StatusOr<SearchResponse> response = (*searcher)->Search(request);
  EXPECT_THAT(response, testing::StatusIs(absl::StatusCode::kAborted,
                                          HasSubstr("3 attempts")));
  EXPECT_EQ(attempts, 3);
  // And the next search, with the database left alone, succeeds.
  request.after_match_for_testing = nullptr;
  response = (*searcher)->Search(request);
  ASSERT_THAT(response, testing::IsOk());
  EXPECT_EQ(response->total, 300);
}

}  // namespace
}  // namespace newsearch
