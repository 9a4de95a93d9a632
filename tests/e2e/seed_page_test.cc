// The seed page (../shared/seeds/000_e01438675c5492c1.txt): one article and
// fourteen timeline entries, with the fields issue #2 fixes, and the stories,
// snippets, suggestions and name variants of issue #4.
#include <rapidjson/document.h>
#include <xapian.h>

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Quote;
using testing::RunCommand;

class SeedPageTest : public ::testing::Test {
 protected:
  // No assertions here: gtest reports a failure in SetUpTestSuite as skipped
  // tests. SetUp() checks what this left.
  static void SetUpTestSuite() {
    const std::string seed = testing::SharedPath(kSeed);
    if (!std::filesystem::exists(seed)) return;
    db_ = new std::string(testing::MakeTempDir("seed") + "/db");
    index_ = new testing::CommandResult(RunCommand(
        testing::NewsindexPath() + " --db " + Quote(*db_) + " " + Quote(seed)));
    if (index_->exit_code != 0) return;
    Xapian::Database db(*db_);
    for (Xapian::PostingIterator it = db.postlist_begin("");
         it != db.postlist_end(""); ++it) {
      NewsDocument doc = *DecodeDocData(db.get_document(*it).get_data());
      docs_->emplace(doc.title + "|" + std::string(KindName(doc.kind)), doc);
    }
  }
  void SetUp() override {
    if (db_ == nullptr) {
      testing::SharedFile(kSeed);  // names what is missing
      GTEST_FAIL() << "cannot run without the seed page";
    }
    ASSERT_EQ(index_->exit_code, 0) << index_->err;
    ASSERT_THAT(index_->err,
                HasSubstr("15 indexed (15 new, 0 replaced), 0 skipped"));
  }
  static const NewsDocument& Get(const std::string& title, Kind kind) {
    auto it = docs_->find(title + "|" + std::string(KindName(kind)));
    if (it == docs_->end())
      throw std::runtime_error("no document titled " + title);
    return it->second;
  }

  static constexpr char kSeed[] = "seeds/000_e01438675c5492c1.txt";
  static std::string* db_;
  static testing::CommandResult* index_;
  static std::map<std::string, NewsDocument>* docs_;
};

std::string* SeedPageTest::db_ = nullptr;
testing::CommandResult* SeedPageTest::index_ = nullptr;
std::map<std::string, NewsDocument>* SeedPageTest::docs_ =
    new std::map<std::string, NewsDocument>;

constexpr char kArticleTitle[] =
    "US and Russian officials continue Ukraine peace talks for second day in "
    "Miami";

TEST_F(SeedPageTest, OneArticleAndFourteenTimelineEntries) {
  int articles = 0, entries = 0;
  for (const auto& [key, doc] : *docs_) {
    (doc.kind == Kind::kArticle ? articles : entries)++;
  }
  EXPECT_EQ(articles, 1);
  EXPECT_EQ(entries, 14);
  // The same counts through the search program.
  for (const auto& [kind, count] :
       {std::pair<std::string, int>{"article", 1}, {"timeline", 14}}) {
    testing::CommandResult r =
        RunCommand(testing::NewsearchPath() + " --db " + Quote(*db_) +
                   " --json --no-fold --limit 0 kind:" + kind);
    rapidjson::Document json;
    json.Parse(r.out.c_str());
    ASSERT_FALSE(json.HasParseError()) << r.out << r.err;
    EXPECT_EQ(json["total"]["value"].GetInt(), count) << kind;
  }
}

TEST_F(SeedPageTest, ArticleFields) {
  const NewsDocument& article = Get(kArticleTitle, Kind::kArticle);
  // 00:01 in Paris on 2025-12-21 (UTC+1), stored as UTC.
  EXPECT_EQ(FormatTimestamp(*article.published), "2025-12-20T23:01:00Z");
  EXPECT_EQ(article.reading_minutes, 3);
  EXPECT_EQ(article.source, "euronews");
  EXPECT_EQ(article.language, "en");
  EXPECT_TRUE(
      absl::StartsWith(article.body, "Washington has proposed the first"));
  EXPECT_THAT(article.body, HasSubstr("\n\nZelenskyy: 'It must not be a "
                                      "rhetorical or political game'\n\n"));
  EXPECT_THAT(
      article.body,
      HasSubstr("\n\nUkrainian, EU and American partners met on Friday\n\n"));
  EXPECT_TRUE(absl::EndsWith(article.body, "suffer heavy losses."));
  for (const char* sponsor :
       {"Logo", "Pasino", "Nextory", "in partnership with"}) {
    EXPECT_THAT(article.body, Not(HasSubstr(sponsor)));
  }
}

TEST_F(SeedPageTest, TimelineEntryFields) {
  const NewsDocument& israel =
      Get("Israel\xE2\x80\x99s approves proposal for 19 new Jewish settlements "
          "in West Bank",
          Kind::kTimeline);
  EXPECT_EQ(FormatTimestamp(*israel.published), "2025-12-21T16:57:00Z");
  EXPECT_EQ(israel.reading_minutes, 4);
  EXPECT_EQ(israel.summary,
            "The decision is a harsh blow to the Palestinian state and brings "
            "the total "
            "number of new settlements over the past few years to 69.");

  const NewsDocument& epstein =
      Get("Dozens of Epstein files have disappeared from government website",
          Kind::kTimeline);
  EXPECT_EQ(FormatTimestamp(*epstein.published), "2025-12-21T14:31:00Z");
  EXPECT_EQ(epstein.reading_minutes, 6);
  EXPECT_TRUE(absl::EndsWith(epstein.summary, "President Donald Trump."))
      << epstein.summary;

  for (const auto& [key, doc] : *docs_) {
    if (doc.kind != Kind::kTimeline) continue;
    EXPECT_THAT(doc.summary, Not(HasSubstr("<"))) << key;
    EXPECT_THAT(doc.summary, Not(HasSubstr("View on euronews"))) << key;
    EXPECT_FALSE(doc.summary.empty()) << key;
    EXPECT_GT(doc.reading_minutes, 0) << key;
    EXPECT_EQ(DayKey(doc.published->time + absl::Hours(1)), "20251221") << key;
  }
}

TEST_F(SeedPageTest, ArticleAndItsOwnEntryShareAStoryKey) {
  const NewsDocument& article = Get(kArticleTitle, Kind::kArticle);
  const NewsDocument& entry = Get(kArticleTitle, Kind::kTimeline);
  EXPECT_EQ(article.story_key, entry.story_key);
  EXPECT_NE(article.id, entry.id);
  EXPECT_EQ(entry.published, article.published);
  for (const auto& [key, doc] : *docs_) {
    if (doc.title != kArticleTitle) {
      EXPECT_NE(doc.story_key, article.story_key) << key;
    }
  }
  testing::CommandResult r =
      RunCommand(testing::NewsearchPath() + " --db " + Quote(*db_) +
                 " --json --story " + article.story_key);
  rapidjson::Document json;
  json.Parse(r.out.c_str());
  ASSERT_FALSE(json.HasParseError()) << r.err;
  EXPECT_EQ(json["total"]["value"].GetInt(), 2);
  // The story's timeline: the article and its entry, in time order.
  EXPECT_STREQ(json["results"][0]["kind"].GetString(), "article");
  EXPECT_STREQ(json["results"][1]["kind"].GetString(), "timeline");
}

TEST_F(SeedPageTest, NearDuplicateReportsShareAKeyAndOthersDoNot) {
  const NewsDocument& unite =
      Get("Australians unite to honour Bondi mass shooting attack at Jewish "
          "festival",
          Kind::kTimeline);
  const NewsDocument& marks =
      Get("Australia marks Day of Reflection for Bondi Beach shooting victims",
          Kind::kTimeline);
  EXPECT_EQ(unite.story_key, marks.story_key);
  // Two editions of a bulletin are not one story, nor are two shootings.
  EXPECT_NE(
      Get("Latest news bulletin | December 21st, 2025 \xE2\x80\x93 Morning",
          Kind::kTimeline)
          .story_key,
      Get("Latest news bulletin | December 21st, 2025 \xE2\x80\x93 Midday",
          Kind::kTimeline)
          .story_key);
  std::set<std::string> keys;
  for (const auto& [title, doc] : *docs_) keys.insert(doc.story_key);
  EXPECT_EQ(keys.size(), 13u);  // 15 reports, two pairs folded
  // Folded by default: one result per story.
  testing::CommandResult r = RunCommand(testing::NewsearchPath() + " --db " +
                                        Quote(*db_) + " --json --limit 0 ''");
  rapidjson::Document json;
  json.Parse(r.out.c_str());
  ASSERT_FALSE(json.HasParseError()) << r.err;
  EXPECT_EQ(json["total"]["value"].GetInt(), 13);
  EXPECT_EQ(json["total"]["reports"].GetInt(), 15);
}

// `newsearch --json QUERY` on the seed database, parsed.
rapidjson::Document SearchSeed(const std::string& db, const std::string& args) {
  testing::CommandResult r = RunCommand(testing::NewsearchPath() + " --db " +
                                        Quote(db) + " --json " + args);
  rapidjson::Document json;
  json.Parse(r.out.c_str());
  EXPECT_FALSE(json.HasParseError()) << r.err;
  return json;
}

std::string StripMarks(std::string text) {
  for (const char* mark : {"<mark>", "</mark>"}) {
    for (size_t at; (at = text.find(mark)) != std::string::npos;) {
      text.erase(at, std::string(mark).size());
    }
  }
  return text;
}

TEST_F(SeedPageTest, SnippetsOfShortEntriesAndLongArticles) {
  rapidjson::Document json = SearchSeed(*db_, "--no-fold talk");
  ASSERT_EQ(json["results"].Size(), 2u);
  for (const auto& r : json["results"].GetArray()) {
    const std::string snippet = r["snippet"].GetString();
    // The stemmed match is highlighted...
    EXPECT_THAT(snippet, HasSubstr("<mark>talks</mark>")) << snippet;
    const NewsDocument& doc =
        Get(r["title"].GetString(),
            std::string(r["kind"].GetString()) == "article" ? Kind::kArticle
                                                            : Kind::kTimeline);
    // ...in about 240 bytes cut from the text at word boundaries.
    std::string plain = StripMarks(snippet);
    EXPECT_LE(plain.size(), 250u) << plain;
    const bool cut_start = absl::StartsWith(plain, "...");
    const bool cut_end = absl::EndsWith(plain, "...");
    if (cut_start) plain.erase(0, 3);
    if (cut_end) plain.erase(plain.size() - 3);
    const std::string& text = doc.body.empty() ? doc.summary : doc.body;
    const size_t at = text.find(plain);
    ASSERT_NE(at, std::string::npos) << plain;
    if (cut_start) {
      EXPECT_FALSE(isalnum(text[at - 1])) << plain;
    }
    const size_t end = at + plain.size();
    if (cut_end && end < text.size()) {
      EXPECT_FALSE(isalnum(text[end])) << plain;
    }
    EXPECT_EQ(cut_end, end < text.size()) << plain;
  }
}

TEST_F(SeedPageTest, DidYouMeanAndNameVariants) {
  rapidjson::Document json = SearchSeed(*db_, Quote("ukrane peace talks"));
  EXPECT_EQ(json["total"]["value"].GetInt(), 0);
  ASSERT_TRUE(json["suggestion"].IsString());
  EXPECT_STREQ(json["suggestion"].GetString(), "ukraine peace talks");
  // The page writes Zelenskyy; data/variants.txt knows the other spellings.
  const int exact =
      SearchSeed(*db_, "--no-fold '\"Zelenskyy\"'")["total"]["value"].GetInt();
  EXPECT_GT(exact, 0);
  EXPECT_EQ(
      SearchSeed(*db_, "--no-fold '\"Zelensky\"'")["total"]["value"].GetInt(),
      0);
  for (const char* name : {"Zelenskyy", "Zelensky", "zelenskiy", "Selenskyj"}) {
    json = SearchSeed(*db_, std::string("--no-fold ") + name);
    EXPECT_EQ(json["total"]["value"].GetInt(), exact) << name;
    EXPECT_THAT(json["results"][0]["snippet"].GetString(),
                HasSubstr("<mark>Zelenskyy</mark>"))
        << name;
  }
}

TEST_F(SeedPageTest, ReindexingReplaces) {
  const std::string seed = testing::SharedFile(kSeed);
  testing::CommandResult r = RunCommand(testing::NewsindexPath() + " --db " +
                                        Quote(*db_) + " " + Quote(seed));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("15 indexed (0 new, 15 replaced)"));
  EXPECT_EQ(Xapian::Database(*db_).get_doccount(), 15u);
}

}  // namespace
}  // namespace newsearch
