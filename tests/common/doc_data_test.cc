#include "newsearch/doc_data.h"

#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;

// The body follows the JSON object after a newline, verbatim, so that a
// search can parse the object alone.
TEST(DocDataTest, BodyFollowsTheObject) {
  NewsDocument doc;
  doc.title = "Harbour closed";
  doc.body = "Line one.\n\n\"Quoted\" {not json}\n";
  EXPECT_EQ(EncodeDocData(doc),
            "{\"kind\":\"article\",\"title\":\"Harbour closed\"}\n" + doc.body);
  absl::StatusOr<NewsDocument> back = DecodeDocData(EncodeDocData(doc));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->body, doc.body);
  EXPECT_EQ(back->title, doc.title);
}

TEST(DocDataTest, JsonRecordIsOneLineWithTheBody) {
  NewsDocument doc;
  doc.id = "a";
  doc.title = "T";
  doc.body = "Para.\n\nTwo.";
  const std::string record = EncodeJsonRecord(doc);
  EXPECT_EQ(record.find('\n'), std::string::npos);
  absl::StatusOr<NewsDocument> back = DecodeDocData(record);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->body, doc.body);
}

TEST(DocDataTest, DecodesTheOldLayoutWithTheBodyAsAKey) {
  absl::StatusOr<NewsDocument> back = DecodeDocData(
      R"({"id":"a","kind":"article","title":"T","body":"Para.\n\nTwo."})");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->body, "Para.\n\nTwo.");
  EXPECT_EQ(back->title, "T");
}

TEST(DocDataTest, RoundTripsEveryField) {
  NewsDocument doc;
  doc.id = "nw-1";
  doc.kind = Kind::kTimeline;
  doc.title = "Storm \"Ines\" closes the harbour";
  doc.summary = "Ferries cancelled.";
  doc.body = "Para one.\n\nPara two.";
  doc.url = "https://example.org/a";
  doc.published = *ParseTimestamp("2026-10-03T14:20:00+02:00");
  doc.updated = *ParseTimestamp("2026-10-04");
  doc.topics = {"climate", "transport"};
  doc.authors = {"A. Writer"};
  doc.places = {"Harbour"};
  doc.section = "Europe";
  doc.source = "northwind-wire";
  doc.language = "en";
  doc.story_key = "abc";
  doc.reading_minutes = 3;

  absl::StatusOr<NewsDocument> back = DecodeDocData(EncodeDocData(doc));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->id, doc.id);
  EXPECT_EQ(back->kind, doc.kind);
  EXPECT_EQ(back->title, doc.title);
  EXPECT_EQ(back->summary, doc.summary);
  EXPECT_EQ(back->body, doc.body);
  EXPECT_EQ(back->url, doc.url);
  EXPECT_EQ(back->published, doc.published);
  EXPECT_EQ(back->updated, doc.updated);
  EXPECT_EQ(back->topics, doc.topics);
  EXPECT_EQ(back->authors, doc.authors);
  EXPECT_EQ(back->places, doc.places);
  EXPECT_EQ(back->section, doc.section);
  EXPECT_EQ(back->source, doc.source);
  EXPECT_EQ(back->language, doc.language);
  EXPECT_EQ(back->story_key, doc.story_key);
  EXPECT_EQ(back->reading_minutes, 3);
}

TEST(DocDataTest, OmitsEmptyFields) {
  NewsDocument doc;
  doc.title = "Only a title";
  EXPECT_EQ(EncodeDocData(doc), R"({"kind":"article","title":"Only a title"})");
}

TEST(DocDataTest, RejectsNonJson) {
  EXPECT_THAT(DecodeDocData("not json"), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeDocData("not json\nbody"),
              StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace newsearch
