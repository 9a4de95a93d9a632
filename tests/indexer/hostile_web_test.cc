// Hostile feeds and HTML pages: what one fetched body can hold within the
// fetch size limit (10 MiB by default). Each must parse in time linear in its
// size and within a bounded stack; big inputs are generated here.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/feed.h"
#include "indexer/html_article.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::SizeIs;

constexpr int kMany = 200000;  // 27 s to parse with a linear search per item

std::string Paragraphs() {
  std::string text;
  for (int i = 0; i < 5; ++i) {
    absl::StrAppend(&text, "<p>Officials in the valley met for the ", i + 1,
                    "th time to discuss the harbour, and residents waited "
                    "for answers.</p>");
  }
  return text;
}

TEST(HostileFeedTest, AnItemWithHundredsOfThousandsOfCategories) {
  std::string items;
  items.reserve(kMany * 40);
  for (int i = 0; i < kMany; ++i) {
    // Every name twice, and blanks: what remains is each first, in order.
    absl::StrAppend(&items, "<category>c", i / 2,
                    "</category><category> "
                    "</category><dc:creator>a",
                    i % 3, "</dc:creator>");
  }
  absl::StatusOr<Feed> feed = ParseFeed(
      absl::StrCat("<?xml version=\"1.0\"?><rss version=\"2.0\" "
                   "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
                   "<title>T</title><item><title>Many</title>",
                   items, "</item></channel></rss>"),
      "application/rss+xml", "http://feeds.example/t.rss");
  ASSERT_THAT(feed, IsOk());
  ASSERT_THAT(feed->items, SizeIs(1));
  const FeedItem& item = feed->items[0];
  ASSERT_THAT(item.categories, SizeIs(kMany / 2));
  EXPECT_EQ(item.categories.front(), "c0");
  EXPECT_EQ(item.categories[1], "c1");
  EXPECT_EQ(item.categories.back(), absl::StrCat("c", kMany / 2 - 1));
  EXPECT_THAT(item.authors, ElementsAre("a0", "a1", "a2"));
}

TEST(HostileFeedTest, JsonFeedWithHundredsOfThousandsOfTags) {
  std::string tags;
  for (int i = 0; i < kMany; ++i) {
    absl::StrAppend(&tags, i == 0 ? "" : ",", "\"t", i % (kMany / 4), "\"");
  }
  absl::StatusOr<Feed> feed = ParseFeed(
      absl::StrCat(R"({"version": "https://jsonfeed.org/version/1.1",)",
                   R"( "title": "T", "items": [{"id": "1", "title": "x",)",
                   R"( "tags": [)", tags, "]}]}"),
      "application/feed+json", "http://feeds.example/t.json");
  ASSERT_THAT(feed, IsOk());
  ASSERT_THAT(feed->items, SizeIs(1));
  EXPECT_THAT(feed->items[0].categories, SizeIs(kMany / 4));
  EXPECT_EQ(feed->items[0].categories.back(), absl::StrCat("t", kMany / 4 - 1));
}

TEST(HostileHtmlTest, HundredsOfThousandsOfTagsKeywordsAndAuthors) {
  std::string head, keywords, authors;
  for (int i = 0; i < kMany; ++i) {
    absl::StrAppend(&head, "<meta property=\"article:tag\" content=\"tag",
                    i % 1000, "\">");
    absl::StrAppend(&keywords, i == 0 ? "" : ",", "\"k", i, "\"");
    absl::StrAppend(&authors, i == 0 ? "" : ",", "{\"name\": \"a", i % 7,
                    "\"}");
  }
  const std::string html = absl::StrCat(
      "<html><head><title>Many</title>", head,
      "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "
      "\"headline\": \"Many\", \"keywords\": [",
      keywords, "], \"author\": [", authors, "]}</script></head><body>",
      "<article>", Paragraphs(), "</article></body></html>");
  absl::StatusOr<NewsDocument> doc =
      ExtractArticle(html, "http://news.example/many", {});
  ASSERT_THAT(doc, IsOk());
  // JSON-LD keywords first, then the article:tag names not among them.
  ASSERT_THAT(doc->topics, SizeIs(kMany + 1000));
  EXPECT_EQ(doc->topics.front(), "k0");
  EXPECT_EQ(doc->topics[kMany], "tag0");
  EXPECT_EQ(doc->topics.back(), "tag999");
  EXPECT_THAT(doc->authors, SizeIs(7));
}

TEST(HostileHtmlTest, JsonLdNestedMillionsDeepDoesNotOverflowTheStack) {
  // 3,000,000 nested arrays (6 MB) crashed the recursive reader of names.
  constexpr size_t kDepth = 3000000;
  const std::string html = absl::StrCat(
      "<html><head><script type=\"application/ld+json\">{\"@type\": "
      "\"NewsArticle\", \"headline\": \"Deep\", \"author\": [\"Ann Lee\", ",
      std::string(kDepth, '['), "\"Hidden\"", std::string(kDepth, ']'),
      "]}</script></head><body><article>", Paragraphs(),
      "</article></body></html>");
  absl::StatusOr<NewsDocument> doc =
      ExtractArticle(html, "http://news.example/deep", {});
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->title, "Deep");
  EXPECT_THAT(doc->authors, ElementsAre("Ann Lee"));
}

}  // namespace
}  // namespace newsearch
