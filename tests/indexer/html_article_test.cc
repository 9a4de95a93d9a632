#include "indexer/html_article.h"

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "tests/test_util.h"

namespace newsearch {

// Readable failure messages (gtest would dump the bytes, padding included).
void PrintTo(const Timestamp& t, std::ostream* os) {
  *os << FormatTimestamp(t) << " (precision "
      << static_cast<int>(t.precision) << ")";
}

namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;
using ::testing::StartsWith;

std::string ReadPage(const std::string& name) {
  return newsearch::testing::ReadTestData("pages/" + name);
}

Timestamp Ts(const std::string& rfc3339) {
  absl::StatusOr<Timestamp> t = ParseTimestamp(rfc3339);
  EXPECT_THAT(t, IsOk());
  return t.value_or(Timestamp{});
}

class NewsArticleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<NewsDocument> doc =
        ExtractArticle(ReadPage("news_article.html"),
                       "https://vell.example.org/2025/12/21/storm?utm=x", {});
    ASSERT_THAT(doc, IsOk());
    doc_ = *doc;
  }
  NewsDocument doc_;
};

TEST_F(NewsArticleTest, JsonLdWinsForTitleDatesAuthorsSectionTopics) {
  EXPECT_EQ(doc_.title, "Storm closes the Vell harbour");
  EXPECT_THAT(doc_.published, Optional(Ts("2025-12-21T00:01:00+01:00")));
  EXPECT_THAT(doc_.updated, Optional(Ts("2025-12-21T08:15:30Z")));
  EXPECT_THAT(doc_.authors, ElementsAre("Mara Lindqvist", "Tomas Ek"));
  EXPECT_EQ(doc_.section, "Weather");
  // JSON-LD keywords first, then the article:tag values not yet listed.
  EXPECT_THAT(doc_.topics, ElementsAre("Storms", "Harbour", "Ferries"));
}

TEST_F(NewsArticleTest, MetaTagsForUrlSourceLanguageSummary) {
  // The canonical link, resolved against the page URL, beats og:url.
  EXPECT_EQ(doc_.url,
            "https://vell.example.org/2025/12/21/storm-closes-harbour");
  // og:site_name beats the JSON-LD publisher.
  EXPECT_EQ(doc_.source, "Vell Gazette");
  // <html lang> beats og:locale.
  EXPECT_EQ(doc_.language, "en");
  // The meta description beats og:description.
  EXPECT_EQ(doc_.summary, "Winds of 120 km/h closed the Vell harbour at dawn.");
  EXPECT_EQ(doc_.kind, Kind::kArticle);
  EXPECT_THAT(doc_.id, IsEmpty());  // PrepareDocument's job
  EXPECT_THAT(doc_.story_key, IsEmpty());
}

TEST_F(NewsArticleTest, BodyIsTheArticleParagraphs) {
  EXPECT_EQ(doc_.body,
            "The harbour of Vell closed at dawn on Sunday as winds reached "
            "120 km/h, the port authority said.\n\n"
            "Ferries cancelled\n\n"
            "All ferries to the islands are cancelled until Monday, and the "
            "fish market will open late.\n\n"
            "Ferries: cancelled until Monday.\n\n"
            "Schools: open as usual.\n\n"
            "\u201cWe have not seen a storm like this in thirty years,\u201d "
            "said harbour master Ola Berg.");
}

TEST_F(NewsArticleTest, BoilerplateIsAbsentFromBody) {
  for (const char* junk :
       {"TRACKING SCRIPT", "STYLE TEXT", "HEADER MENU", "NAV HOME",
        "SHARE TOOL", "AD SLOT", "Advertisement", "INLINE SPONSOR",
        "FIGURE CAPTION", "Share this article", "Sign up for our newsletter",
        "NEWSLETTER BOX", "ASIDE TEXT", "SPONSORED BLOCK", "COMMENT TEXT",
        "INLINE SCRIPT", "RELATED ARTICLE", "FOOTER TEXT", "By Mara"}) {
    EXPECT_THAT(doc_.body, Not(HasSubstr(junk)));
  }
}

TEST(HtmlArticleTest, MetaTagsAndTimeElementOnly) {
  ExtractOptions options;
  options.content_language = "de-AT, en";
  absl::StatusOr<NewsDocument> doc =
      ExtractArticle(ReadPage("meta_only.html"),
                     "https://www.harbourherald.example.com/ferries", options);
  ASSERT_THAT(doc, IsOk());
  // No og:title or <h1>: <title> without its " - Site" suffix (the host).
  EXPECT_EQ(doc->title, "Ferry timetable changes for the holidays");
  EXPECT_EQ(doc->url, "https://www.harbourherald.example.com/ferries");
  EXPECT_EQ(doc->source, "harbourherald.example.com");
  EXPECT_EQ(doc->language, "en");  // og:locale before Content-Language
  EXPECT_THAT(doc->published, Optional(Ts("2025-12-20T13:00:00Z")));
  EXPECT_THAT(doc->updated, Optional(Ts("2025-12-20T09:30:00Z")));
  EXPECT_THAT(doc->authors, ElementsAre("Jeanne Morel"));
  EXPECT_EQ(doc->section, "Transport");
  EXPECT_THAT(doc->topics, ElementsAre("Ferries"));
  EXPECT_THAT(doc->summary, IsEmpty());
  EXPECT_THAT(doc->body, StartsWith("The ferry company will run"));
  EXPECT_THAT(doc->body, HasSubstr("evening.\n\nExtra crossings"));
}

TEST(HtmlArticleTest, MainTextByParagraphDensityWithoutArticle) {
  ExtractOptions options;
  options.content_language = "fr-CA";
  absl::StatusOr<NewsDocument> doc = ExtractArticle(
      ReadPage("dense.html"), "https://marche.example.org/loyers", options);
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->title, "Marché aux poissons : les loyers baissent");
  EXPECT_EQ(doc->language, "fr");  // from Content-Language
  EXPECT_EQ(doc->source, "marche.example.org");
  EXPECT_FALSE(doc->published.has_value());
  // The <h1> equal to the title is not repeated; the sidebar, the footer
  // links and the French ad label are left out.
  EXPECT_THAT(doc->body, StartsWith("Le conseil municipal"));
  EXPECT_THAT(doc->body, HasSubstr("jeunes pêcheurs.\n\nLes marchands"));
  EXPECT_THAT(doc->body, Not(HasSubstr("Météo")));
  EXPECT_THAT(doc->body, Not(HasSubstr("Mentions")));
  EXPECT_THAT(doc->body, Not(HasSubstr("Publicité")));
}

TEST(HtmlArticleTest, BrokenJsonLdIsIgnored) {
  absl::StatusOr<NewsDocument> doc = ExtractArticle(
      ReadPage("broken_jsonld.html"), "https://tidings.example.com/keeper", {});
  ASSERT_THAT(doc, IsOk());
  // The broken block is skipped; the array block's BlogPosting is used.
  EXPECT_EQ(doc->title, "Lighthouse keeper retires after 40 years");
  EXPECT_THAT(doc->published,
              Optional(Timestamp{Ts("2025-12-21").time, TimePrecision::kDay}));
  EXPECT_THAT(doc->authors, ElementsAre("Iris Fell"));
  EXPECT_EQ(doc->source, "Kestrel Bay Tidings");
  EXPECT_EQ(doc->language, "en");
  EXPECT_THAT(doc->body, StartsWith("After forty years"));
}

TEST(HtmlArticleTest, NoUsableText) {
  EXPECT_THAT(ExtractArticle(ReadPage("no_text.html"),
                             "https://vell.example.org/video", {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no usable text")));
  // A description is enough to keep the page.
  std::string with_description = ReadPage("no_text.html");
  with_description.replace(
      with_description.find("<title>"), 0,
      "<meta name=\"description\" content=\"The storm, filmed.\">");
  absl::StatusOr<NewsDocument> doc =
      ExtractArticle(with_description, "https://vell.example.org/video", {});
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->summary, "The storm, filmed.");
  EXPECT_EQ(doc->body, "Watch the video.");
  EXPECT_EQ(doc->title, "Video: the storm");
}

TEST(HtmlArticleTest, MinTextCharsIsAnOption) {
  ExtractOptions options;
  options.min_text_chars = 10;
  absl::StatusOr<NewsDocument> doc = ExtractArticle(
      ReadPage("no_text.html"), "https://vell.example.org/video", options);
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->body, "Watch the video.");
}

TEST(HtmlArticleTest, NonHtmlBodies) {
  EXPECT_THAT(
      ExtractArticle(ReadPage("image.png"), "https://vell.example.org/a.png",
                     {}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not HTML")));
  EXPECT_THAT(
      ExtractArticle(ReadPage("api.json"), "https://vell.example.org/api", {}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not HTML")));
  EXPECT_THAT(ExtractArticle("", "https://vell.example.org/", {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ExtractArticle("just words, no markup at all",
                             "https://vell.example.org/", {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HtmlArticleTest, TopLevelJsonLdObjectAndTitleFallbacks) {
  const std::string page = R"(<html lang="fr_FR"><head>
<title>Ignored title | Site</title>
<script type="application/ld+json">{"@type": "ReportageNewsArticle",
  "author": {"@type": "Person", "name": "Ana Ruiz"},
  "publisher": {"@type": "Organization", "name": "Herald Group"},
  "articleSection": "Port", "keywords": ["Quai", "Bateaux"]}</script>
</head><body><h1>Headline from h1</h1>
<div itemprop="articleBody"><p>Short text.</p></div>
<div class="teaser"><p>One.</p></div>
</body></html>)";
  ExtractOptions options;
  options.min_text_chars = 5;
  absl::StatusOr<NewsDocument> doc =
      ExtractArticle(page, "https://www.herald.example.com/x", options);
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->title, "Headline from h1");
  EXPECT_THAT(doc->authors, ElementsAre("Ana Ruiz"));
  EXPECT_EQ(doc->source, "Herald Group");  // no og:site_name
  EXPECT_EQ(doc->section, "Port");
  EXPECT_THAT(doc->topics, ElementsAre("Quai", "Bateaux"));
  EXPECT_EQ(doc->language, "fr");
  EXPECT_EQ(doc->body, "Short text.");  // [itemprop=articleBody]
}

TEST(HtmlArticleTest, TitleSuffixesAndOgFallbacks) {
  const std::string page = R"(<html><head>
<title>Quay repairs begin | Vell Gazette</title>
<meta property="og:url" content="/quay">
<meta property="og:description" content="Repairs to the quay began.">
</head><body><p>Repairs.</p></body></html>)";
  absl::StatusOr<NewsDocument> doc =
      ExtractArticle(page, "https://vell.example.org/x?id=1", {});
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->title, "Quay repairs begin");
  EXPECT_EQ(doc->url, "https://vell.example.org/quay");
  EXPECT_EQ(doc->summary, "Repairs to the quay began.");
  EXPECT_EQ(doc->source, "vell.example.org");
  // A dash that does not precede the site's name is part of the headline.
  const std::string dashed =
      "<html><head><title>Storm - what we know</title></head><body>"
      "<p>Text.</p></body></html>";
  ExtractOptions options;
  options.min_text_chars = 1;
  absl::StatusOr<NewsDocument> dashed_doc =
      ExtractArticle(dashed, "https://vell.example.org/y", options);
  ASSERT_THAT(dashed_doc, IsOk());
  EXPECT_EQ(dashed_doc->title, "Storm - what we know");
}

TEST(HtmlArticleTest, DeeplyNestedMarkupIsSafe) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100000; ++i) page += "<div>";
  page += "<p>Deep text.</p>";
  ExtractOptions options;
  options.min_text_chars = 1;
  absl::StatusOr<NewsDocument> doc =
      ExtractArticle(page, "https://vell.example.org/deep", options);
  // libxml2 stops at its depth limit; the walk over what it kept must not
  // overflow the stack.
  EXPECT_THAT(doc, StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace newsearch
