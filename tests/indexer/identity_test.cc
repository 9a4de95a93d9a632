#include "indexer/identity.h"

#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;

NewsDocument Doc(Kind kind, std::string title) {
  NewsDocument doc;
  doc.kind = kind;
  doc.title = std::move(title);
  doc.source = "euronews";
  doc.published = *ParseTimestamp("2025-12-21T00:01:00+01:00");
  return doc;
}

TEST(IdentityTest, NeedsTitleOrBody) {
  NewsDocument empty;
  empty.title = "   ";
  EXPECT_THAT(PrepareDocument(&empty),
              StatusIs(absl::StatusCode::kInvalidArgument));
  NewsDocument body_only;
  body_only.body = "Some text without a headline.";
  EXPECT_THAT(PrepareDocument(&body_only), IsOk());
  EXPECT_FALSE(body_only.id.empty());
}

TEST(IdentityTest, DefaultIdIsStableAndSeparatesArticleFromItsEntry) {
  NewsDocument article = Doc(Kind::kArticle, "US and Russian officials meet");
  NewsDocument entry = Doc(Kind::kTimeline, "US and Russian officials meet");
  EXPECT_EQ(DefaultId(article), DefaultId(Doc(Kind::kArticle, article.title)));
  EXPECT_NE(DefaultId(article), DefaultId(entry));
  article.url = "https://example.org/a";
  entry.url = "https://example.org/a";
  EXPECT_EQ(DefaultId(article), "https://example.org/a");
  EXPECT_EQ(DefaultId(entry), "https://example.org/a#timeline");
}

TEST(IdentityTest, ExplicitIdIsKept) {
  NewsDocument doc = Doc(Kind::kArticle, "T");
  doc.id = "reuters-1";
  ASSERT_THAT(PrepareDocument(&doc), IsOk());
  EXPECT_EQ(doc.id, "reuters-1");
}

TEST(IdentityTest, LanguageGivenOrDetected) {
  NewsDocument given = Doc(Kind::kArticle, "Titre");
  given.language = "fr-FR";
  ASSERT_THAT(PrepareDocument(&given), IsOk());
  EXPECT_EQ(given.language, "fr");

  NewsDocument detected = Doc(Kind::kArticle, "Sturm schließt den Hafen");
  detected.body =
      "Der Sturm hat am Dienstag den Hafen geschlossen. Alle Fähren wurden "
      "abgesagt, und die Behörden warnen vor weiteren Überschwemmungen.";
  ASSERT_THAT(PrepareDocument(&detected), IsOk());
  EXPECT_EQ(detected.language, "de");
}

}  // namespace
}  // namespace newsearch
