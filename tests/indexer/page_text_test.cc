#include "indexer/page_text.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::HasSubstr;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(testing::SourceDir() + "/tests/data/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

PageTextOptions ParisOptions() {
  PageTextOptions options;
  options.zone = *LoadZone("Europe/Paris");
  return options;
}

absl::Time Utc(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm),
                         absl::UTCTimeZone());
}

class PageTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    page_ = ParsePageText(ReadFixture("page_sample.txt"), ParisOptions());
    ASSERT_EQ(page_.documents.size(), 4u);
  }
  ParsedPage page_;
};

TEST_F(PageTextTest, ArticleHasTitleDateReadingTimeAndBodyWithoutSponsors) {
  const NewsDocument& article = page_.documents[0];
  EXPECT_EQ(article.kind, Kind::kArticle);
  EXPECT_EQ(article.title,
            "Harbour pilots end three-day strike after overnight deal");
  // 9:15 in Paris on the day summer time starts (UTC+2).
  EXPECT_EQ(article.published->time, Utc(2026, 3, 29, 7, 15));
  EXPECT_EQ(article.published->precision, TimePrecision::kMinute);
  EXPECT_EQ(article.reading_minutes, 2);
  EXPECT_EQ(article.source, "northwindwire");
  EXPECT_TRUE(absl::StartsWith(article.body, "Pilots at the northern harbour"));
  EXPECT_THAT(article.body, HasSubstr("\n\nWhat the deal contains\n\n"));
  EXPECT_THAT(article.body, ::testing::Not(HasSubstr("Logo")));
  EXPECT_THAT(article.body, ::testing::Not(HasSubstr("partnership")));
  EXPECT_THAT(article.body, ::testing::Not(HasSubstr("Today")));
}

TEST_F(PageTextTest, TimelineEntryDropsViewOnLabel) {
  const NewsDocument& entry = page_.documents[1];
  EXPECT_EQ(entry.kind, Kind::kTimeline);
  EXPECT_EQ(entry.title, "Ferry timetables back to normal from Monday");
  EXPECT_EQ(entry.summary,
            "Both ferry lines said their full timetables would resume on "
            "Monday morning.");
  EXPECT_EQ(entry.published->time, Utc(2026, 3, 29, 14, 5));
  EXPECT_EQ(entry.reading_minutes, 1);
}

TEST_F(PageTextTest, DateFromLinkFragmentAndWinterOffset) {
  const NewsDocument& entry = page_.documents[2];
  EXPECT_EQ(
      entry.summary,
      "Port officials warned that the queue of ships at anchor would take "
      "days to clear.");
  // The link says 2026-03-28: 1:30 AM Paris that day is UTC+1.
  EXPECT_EQ(entry.published->time, Utc(2026, 3, 28, 0, 30));
  EXPECT_EQ(entry.url,
            "https://www.northwindwire.example/2026/03/28/"
            "container-backlog-could-take-a-week");
}

TEST_F(PageTextTest, CutOffFragmentIsRemovedAndNoUrlInvented) {
  const NewsDocument& entry = page_.documents[3];
  EXPECT_EQ(entry.title, page_.documents[0].title);
  EXPECT_EQ(entry.summary,
            "Pilots returned to work after an overnight deal on night shifts.");
  EXPECT_EQ(entry.url, "");
  EXPECT_EQ(entry.published->time, page_.documents[0].published->time);
}

TEST_F(PageTextTest, MalformedEntryIsReportedWithItsLine) {
  ASSERT_EQ(page_.problems.size(), 1u);
  EXPECT_EQ(page_.problems[0].line, 33);
  EXPECT_THAT(page_.problems[0].message,
              HasSubstr("An entry whose time line went missing"));
}

TEST(PageTextErrorsTest, PageWithoutDateLineYieldsNothing) {
  ParsedPage page =
      ParsePageText("Just a title\n\nSome text.\n", ParisOptions());
  EXPECT_TRUE(page.documents.empty());
  ASSERT_EQ(page.problems.size(), 1u);
  EXPECT_THAT(page.problems[0].message, HasSubstr("no article date line"));
}

TEST(PageTextErrorsTest, InvalidUtf8IsRepairedAndWarnedWithLine) {
  ParsedPage page = ParsePageText(
      "Title\n\xE2\x80\xA2 Dec 21, 2025, 12:01 AM\nbad \xFF here\n",
      ParisOptions());
  ASSERT_EQ(page.documents.size(), 1u);
  EXPECT_THAT(page.documents[0].body, HasSubstr("bad \xEF\xBF\xBD here"));
  EXPECT_TRUE(page.problems.empty());
  ASSERT_EQ(page.warnings.size(), 1u);
  EXPECT_EQ(page.warnings[0].line, 3);
}

TEST(PageTextErrorsTest, SourceComesFromTheFirstCompleteLink) {
  ParsedPage page = ParsePageText(
      "Title\n\xE2\x80\xA2 Dec 21, 2025, 12:01 AM\n\nBody.\n\nToday\n"
      "Entry one\n\xE2\x80\xA2 5:57 PM\n1 min\nText.<a "
      "href=\"https://www.euron\n"
      "Read the article\n"
      "Entry two\n\xE2\x80\xA2 4:00 PM\n1 min\nText.<a "
      "href=\"https://www.euronews.com/2\n"
      "Read the article\n",
      ParisOptions());
  ASSERT_EQ(page.documents.size(), 3u);
  EXPECT_EQ(page.documents[0].source, "euronews");
}

TEST(PageTextErrorsTest, ExplicitSourceAndFrenchReadingTime) {
  PageTextOptions options = ParisOptions();
  options.source = "le-journal";
  ParsedPage page = ParsePageText(
      "Titre\n\xE2\x80\xA2 Dec 21, 2025, 12:01 AM\n3 min de "
      "lecture\n\nTexte.\n",
      options);
  ASSERT_EQ(page.documents.size(), 1u);
  EXPECT_EQ(page.documents[0].source, "le-journal");
  EXPECT_EQ(page.documents[0].reading_minutes, 3);
  EXPECT_EQ(page.documents[0].body, "Texte.");
}

}  // namespace
}  // namespace newsearch
