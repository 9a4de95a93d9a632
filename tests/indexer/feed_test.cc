#include "indexer/feed.h"

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "absl/time/time.h"
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
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

std::string ReadFixture(const std::string& name) {
  return newsearch::testing::ReadTestData("feeds/" + name);
}

Timestamp Ts(const std::string& rfc3339) {
  absl::StatusOr<Timestamp> t = ParseTimestamp(rfc3339);
  EXPECT_THAT(t, IsOk());
  return t.value_or(Timestamp{});
}

TEST(FeedTest, Rss2ChannelFields) {
  absl::StatusOr<Feed> feed =
      ParseFeed(ReadFixture("vell_gazette_rss.xml"), "application/rss+xml",
                "https://vell.example.org/feed.xml");
  ASSERT_THAT(feed, IsOk());
  EXPECT_EQ(feed->format, Feed::Format::kRss);
  EXPECT_EQ(feed->title, "Vell Gazette \u2013 Harbour News");
  // The atom:link rel=self in the channel is not the site link.
  EXPECT_EQ(feed->site_url, "https://vell.example.org/");
  EXPECT_EQ(feed->language, "en");
  ASSERT_EQ(feed->items.size(), 4u);
}

TEST(FeedTest, Rss2ItemWithContentEncodedCreatorsAndCategories) {
  absl::StatusOr<Feed> feed =
      ParseFeed(ReadFixture("vell_gazette_rss.xml"), "application/rss+xml",
                "https://vell.example.org/feed.xml");
  ASSERT_THAT(feed, IsOk());
  ASSERT_FALSE(feed->items.empty());
  const FeedItem& item = feed->items[0];
  EXPECT_EQ(item.id, "vell-12345");
  EXPECT_EQ(item.url,
            "https://vell.example.org/2025/12/21/storm-closes-harbour");
  EXPECT_EQ(item.title, "Storm closes the harbour");
  // HTML reduced to text: tags gone, script dropped, whitespace and &nbsp;
  // collapsed; the description wins over content:encoded.
  EXPECT_EQ(item.summary,
            "The harbour closed at dawn. Ferries are cancelled until Monday.");
  EXPECT_THAT(item.published, Optional(Ts("2025-12-20T23:01:00Z")));
  EXPECT_EQ(item.published->precision, TimePrecision::kSecond);
  EXPECT_FALSE(item.updated.has_value());
  EXPECT_THAT(item.authors, ElementsAre("Mara Lindqvist", "Tomas Ek"));
  EXPECT_THAT(item.categories, ElementsAre("Weather", "Transport"));
}

TEST(FeedTest, Rss2RelativeLinkEscapedHtmlAndRfc822Zones) {
  absl::StatusOr<Feed> feed = ParseFeed(ReadFixture("vell_gazette_rss.xml"), "",
                                        "https://vell.example.org/feed.xml");
  ASSERT_THAT(feed, IsOk());
  ASSERT_EQ(feed->items.size(), 4u);
  const FeedItem& deal = feed->items[1];
  EXPECT_EQ(deal.url, "https://vell.example.org/2025/12/20/fish-market-deal");
  EXPECT_EQ(deal.id, "https://vell.example.org/p/555");
  EXPECT_EQ(deal.title, "Fish market & council reach deal");
  // No description: the escaped content:encoded is the summary.
  EXPECT_EQ(deal.summary, "The council and the fish market agreed on rents.");
  EXPECT_THAT(deal.authors, ElementsAre("Ola Berg"));
  EXPECT_THAT(deal.published,
              Optional(Timestamp{Ts("2025-12-20T18:30:00Z").time,
                                 TimePrecision::kMinute}));
  const FeedItem& ferry = feed->items[2];
  // A permalink guid stands in for the missing <link>.
  EXPECT_EQ(ferry.url, "https://vell.example.org/p/556");
  EXPECT_THAT(ferry.published, Optional(Ts("2025-12-19T13:15:30Z")));
}

TEST(FeedTest, Rss2ItemWithoutLinkIsKeptAndBadDateIsUnset) {
  absl::StatusOr<Feed> feed =
      ParseFeed(ReadFixture("vell_gazette_rss.xml"), "application/rss+xml",
                "https://vell.example.org/feed.xml");
  ASSERT_THAT(feed, IsOk());
  ASSERT_EQ(feed->items.size(), 4u);
  const FeedItem& notice = feed->items[3];
  EXPECT_THAT(notice.url, IsEmpty());
  EXPECT_THAT(notice.id, IsEmpty());
  EXPECT_EQ(notice.title, "Harbour notice");  // from media:title
  EXPECT_EQ(notice.summary, "A short notice without a link or a usable date.");
  EXPECT_FALSE(notice.published.has_value());
}

TEST(FeedTest, AtomFeedWithRelativeLinksAndLanguage) {
  absl::StatusOr<Feed> feed =
      ParseFeed(ReadFixture("harbour_atom.xml"), "application/atom+xml",
                "https://herald.example.com/feeds/atom.xml");
  ASSERT_THAT(feed, IsOk());
  EXPECT_EQ(feed->format, Feed::Format::kAtom);
  EXPECT_EQ(feed->title, "Le Héraut du Port");
  EXPECT_EQ(feed->site_url, "https://herald.example.com/");
  EXPECT_EQ(feed->language, "fr");
  ASSERT_EQ(feed->items.size(), 2u);
  const FeedItem& first = feed->items[0];
  EXPECT_EQ(first.id, "tag:herald.example.com,2025:1");
  // rel="enclosure" is skipped; the relative alternate resolves against the
  // feed's URL.
  EXPECT_EQ(first.url, "https://herald.example.com/feeds/articles/port-rouvre");
  EXPECT_EQ(first.title, "Le port rouvre lundi");
  EXPECT_EQ(first.summary, "Les ferries reprennent lundi.");
  EXPECT_THAT(first.published, Optional(Ts("2025-12-21T07:30:00Z")));
  EXPECT_THAT(first.updated, Optional(Ts("2025-12-21T10:45:12.250+01:00")));
  EXPECT_THAT(first.authors, ElementsAre("Jeanne Morel"));
  EXPECT_THAT(first.categories, ElementsAre("Port", "meteo"));
}

TEST(FeedTest, AtomEntryInheritsFeedAuthorAndReadsXhtmlContent) {
  absl::StatusOr<Feed> feed =
      ParseFeed(ReadFixture("harbour_atom.xml"), "application/atom+xml",
                "https://herald.example.com/feeds/atom.xml");
  ASSERT_THAT(feed, IsOk());
  ASSERT_EQ(feed->items.size(), 2u);
  const FeedItem& second = feed->items[1];
  EXPECT_EQ(second.url, "https://herald.example.com/articles/marche");
  EXPECT_EQ(second.summary, "Le marché ouvre tôt. Venez nombreux.");
  EXPECT_THAT(second.authors, ElementsAre("Rédaction du Héraut"));
  EXPECT_FALSE(second.published.has_value());
  EXPECT_THAT(second.updated,
              Optional(Timestamp{Ts("2025-12-20").time, TimePrecision::kDay}));
}

TEST(FeedTest, JsonFeed11) {
  absl::StatusOr<Feed> feed =
      ParseFeed(ReadFixture("tidings.json"), "application/feed+json",
                "https://tidings.example.com/feed.json");
  ASSERT_THAT(feed, IsOk());
  EXPECT_EQ(feed->format, Feed::Format::kJsonFeed);
  EXPECT_EQ(feed->title, "Kestrel Bay Tidings");
  EXPECT_EQ(feed->site_url, "https://tidings.example.com/");
  EXPECT_EQ(feed->language, "en");
  ASSERT_EQ(feed->items.size(), 2u);
  const FeedItem& first = feed->items[0];
  EXPECT_EQ(first.id, "2025-12-21-lighthouse");
  EXPECT_EQ(first.url, "https://tidings.example.com/2025/12/21/lighthouse");
  EXPECT_EQ(first.title, "Lighthouse keeper retires after 40 years");
  EXPECT_EQ(first.summary,
            "After forty years, the keeper hands over the lamp.");
  EXPECT_THAT(first.published, Optional(Ts("2025-12-21T07:00:00Z")));
  EXPECT_THAT(first.updated, Optional(Ts("2025-12-21T09:30:00Z")));
  EXPECT_THAT(first.authors, ElementsAre("Iris Fell", "Noor Hale"));
  EXPECT_THAT(first.categories, ElementsAre("Coast", "People"));
  const FeedItem& second = feed->items[1];
  EXPECT_EQ(second.id, "42");
  EXPECT_EQ(second.url, "https://elsewhere.example.org/tide-tables");
  EXPECT_EQ(second.summary, "New tide tables are out.");
  EXPECT_FALSE(second.published.has_value());
  EXPECT_THAT(second.authors, ElementsAre("Tidings Desk"));  // the feed's
}

TEST(FeedTest, Rss1RdfFeed) {
  const std::string rdf = R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://vell.example.org/">
    <title>Vell Gazette RDF</title>
    <link>https://vell.example.org/</link>
    <dc:language>sv-SE</dc:language>
  </channel>
  <item rdf:about="https://vell.example.org/a/1">
    <title>Ice on the quay</title>
    <description>Slippery &lt;i&gt;quay&lt;/i&gt;.</description>
    <dc:date>2025-12-18T06:00:00+01:00</dc:date>
    <dc:subject>Weather</dc:subject>
  </item>
</rdf:RDF>)";
  absl::StatusOr<Feed> feed = ParseFeed(rdf, "application/rdf+xml", "");
  ASSERT_THAT(feed, IsOk());
  EXPECT_EQ(feed->format, Feed::Format::kRss);
  EXPECT_EQ(feed->title, "Vell Gazette RDF");
  EXPECT_EQ(feed->language, "sv");
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].url, "https://vell.example.org/a/1");
  EXPECT_EQ(feed->items[0].id, "https://vell.example.org/a/1");
  EXPECT_EQ(feed->items[0].summary, "Slippery quay.");
  EXPECT_THAT(feed->items[0].published, Optional(Ts("2025-12-18T05:00:00Z")));
  EXPECT_THAT(feed->items[0].categories, ElementsAre("Weather"));
}

TEST(FeedTest, Rfc822DateForms) {
  struct Case {
    const char* pub_date;
    const char* expected;  // RFC 3339, or "" for unset
  };
  const Case cases[] = {
      {"Sat, 20 Dec 2025 23:01:00 +0100", "2025-12-20T22:01:00Z"},
      {"Sat, 20 Dec 2025 23:01:00 GMT", "2025-12-20T23:01:00Z"},
      {"Sat, 20 Dec 2025 23:01:00 PST", "2025-12-21T07:01:00Z"},
      {"Sat, 20 Dec 2025 23:01:00 EDT", "2025-12-21T03:01:00Z"},
      {"Sat, 20 Dec 2025 23:01:00 -05:30", "2025-12-21T04:31:00Z"},
      {"Mon, 20 Dec 2025 23:01:00 UT", "2025-12-20T23:01:00Z"},  // bad weekday
      {"  Saturday, 20 December 2025 23:01:00 Z ", "2025-12-20T23:01:00Z"},
      {"2025-12-20T23:01:00+01:00", "2025-12-20T22:01:00Z"},
      {"Sat, 20 Dec 2025 23:01:00", ""},  // no zone: instant unknown
      {"Sat, 20 Dec 2025 23:01:00 XYZ", ""},
      {"Sat, 32 Dec 2025 23:01:00 GMT", ""},
      {"yesterday", ""},
  };
  for (const Case& c : cases) {
    const std::string rss =
        std::string(
            "<rss "
            "version=\"2.0\"><channel><title>T</title><item><title>x</title>"
            "<pubDate>") +
        c.pub_date + "</pubDate></item></channel></rss>";
    absl::StatusOr<Feed> feed = ParseFeed(rss, "", "");
    ASSERT_THAT(feed, IsOk());
    ASSERT_EQ(feed->items.size(), 1u);
    if (*c.expected == '\0') {
      EXPECT_FALSE(feed->items[0].published.has_value()) << c.pub_date;
    } else {
      ASSERT_TRUE(feed->items[0].published.has_value()) << c.pub_date;
      EXPECT_EQ(feed->items[0].published->time, Ts(c.expected).time)
          << c.pub_date;
    }
  }
}

TEST(FeedTest, InvalidXmlReportsLine) {
  EXPECT_THAT(ParseFeed(ReadFixture("broken.xml"), "application/rss+xml",
                        "https://vell.example.org/feed.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("line 5"), HasSubstr("mismatch"))));
}

TEST(FeedTest, HtmlPageIsNotAFeed) {
  EXPECT_THAT(ParseFeed(ReadFixture("not_a_feed.html"), "text/html",
                        "https://vell.example.org/"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("HTML")));
  // Well-formed XHTML gets past the XML parser and is refused by its root.
  EXPECT_THAT(
      ParseFeed("<?xml version=\"1.0\"?>\n<html><body/></html>", "", ""),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("<html>"), HasSubstr("line 2"))));
}

TEST(FeedTest, UnknownRootAndEmptyBody) {
  EXPECT_THAT(ParseFeed("<opml version=\"2.0\"><body/></opml>", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("opml")));
  EXPECT_THAT(ParseFeed("  \n", "application/rss+xml", ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Atom's element names outside the Atom namespace are not Atom.
  EXPECT_THAT(ParseFeed("<feed><entry/></feed>", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FeedTest, BadJsonAndJsonWithoutVersion) {
  EXPECT_THAT(ParseFeed("{\n\"version\": \"https://jsonfeed.org/version/1\",\n"
                        "\"items\": [,]}",
                        "application/json", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("JSON"), HasSubstr("line 3"))));
  EXPECT_THAT(ParseFeed("{\"items\": []}", "application/json", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("JSON Feed version")));
  // The content type only chooses the parser for bodies that are neither.
  EXPECT_THAT(ParseFeed("garbage", "application/feed+json", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("JSON")));
  EXPECT_THAT(ParseFeed("garbage", "application/rss+xml", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("XML")));
}

TEST(FeedTest, ExternalEntitiesAreNotLoaded) {
  const std::string xxe = R"(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<rss version="2.0"><channel><title>T</title>
<item><title>a&secret;b</title></item></channel></rss>)";
  absl::StatusOr<Feed> feed = ParseFeed(xxe, "", "");
  ASSERT_THAT(feed, IsOk());
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "ab");
}

TEST(FeedTest, ContentSniffingIgnoresMisleadingType) {
  absl::StatusOr<Feed> feed =
      ParseFeed(ReadFixture("tidings.json"), "application/rss+xml", "");
  ASSERT_THAT(feed, IsOk());
  EXPECT_EQ(feed->format, Feed::Format::kJsonFeed);
  ASSERT_THAT(feed->items, Not(IsEmpty()));
  // Without a feed URL relative links stay relative.
  EXPECT_EQ(feed->items[0].url, "/2025/12/21/lighthouse");
}

}  // namespace
}  // namespace newsearch
