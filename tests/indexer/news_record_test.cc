#include "indexer/news_record.h"

#include "gtest/gtest.h"
#include "newsearch/dates.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

TEST(NewsRecordTest, ReadsEveryField) {
  absl::StatusOr<NewsDocument> doc = ParseNewsRecord(R"({
    "id": "nw-1", "kind": "timeline", "title": "Storm closes harbour",
    "summary": "Ferries stop.", "body": "Text.", "url": "https://x.example/1",
    "published": "2026-10-03T14:20:00+02:00", "updated": "2026-10-04",
    "topics": ["climate", "transport"], "section": "Europe",
    "authors": ["A. Writer"], "source": "northwind-wire", "language": "en-GB",
    "places": ["Harbour"], "unknown_field": {"ignored": true}})");
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->id, "nw-1");
  EXPECT_EQ(doc->kind, Kind::kTimeline);
  EXPECT_EQ(doc->title, "Storm closes harbour");
  EXPECT_EQ(doc->summary, "Ferries stop.");
  EXPECT_EQ(doc->body, "Text.");
  EXPECT_EQ(doc->url, "https://x.example/1");
  EXPECT_EQ(FormatTimestamp(*doc->published), "2026-10-03T12:20:00Z");
  EXPECT_EQ(doc->updated->precision, TimePrecision::kDay);
  EXPECT_THAT(doc->topics, ElementsAre("climate", "transport"));
  EXPECT_EQ(doc->section, "Europe");
  EXPECT_THAT(doc->authors, ElementsAre("A. Writer"));
  EXPECT_EQ(doc->source, "northwind-wire");
  EXPECT_EQ(doc->language, "en-GB");
  EXPECT_THAT(doc->places, ElementsAre("Harbour"));
}

TEST(NewsRecordTest, DefaultsAndNulls) {
  absl::StatusOr<NewsDocument> doc =
      ParseNewsRecord(R"({"title": "T", "summary": null, "topics": null})");
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->kind, Kind::kArticle);
  EXPECT_FALSE(doc->published.has_value());
  EXPECT_TRUE(doc->topics.empty());
}

TEST(NewsRecordTest, InvalidJson) {
  EXPECT_THAT(ParseNewsRecord(R"({"title": "unterminated)"),
              StatusIs(kInvalid, HasSubstr("invalid JSON")));
  EXPECT_THAT(ParseNewsRecord("[1, 2]"),
              StatusIs(kInvalid, HasSubstr("JSON object")));
}

TEST(NewsRecordTest, WrongTypesNameTheField) {
  EXPECT_THAT(
      ParseNewsRecord(R"({"title": 42})"),
      StatusIs(kInvalid,
               HasSubstr("field 'title' must be a string, not a number")));
  EXPECT_THAT(
      ParseNewsRecord(R"({"title": "T", "topics": "grain"})"),
      StatusIs(kInvalid,
               HasSubstr("field 'topics' must be an array of strings")));
  EXPECT_THAT(ParseNewsRecord(R"({"title": "T", "authors": ["a", 1]})"),
              StatusIs(kInvalid, HasSubstr("field 'authors'")));
  EXPECT_THAT(ParseNewsRecord(R"({"title": "T", "kind": "blog"})"),
              StatusIs(kInvalid, HasSubstr("field 'kind'")));
}

TEST(NewsRecordTest, UnparseableDateNamesTheField) {
  EXPECT_THAT(
      ParseNewsRecord(R"({"title": "T", "published": "last Tuesday"})"),
      StatusIs(kInvalid, HasSubstr("field 'published': unparseable date")));
  EXPECT_THAT(
      ParseNewsRecord(R"({"title": "T", "updated": 1700000000})"),
      StatusIs(kInvalid, HasSubstr("field 'updated' must be a string")));
}

// Identity fields reject bad UTF-8 and NULs; text is repaired (see
// hostile_input_test.cc for every field).
TEST(NewsRecordTest, InvalidUtf8AndNulNameTheField) {
  EXPECT_THAT(ParseNewsRecord("{\"title\": \"T\", \"id\": \"bad \xC3\x28\"}"),
              StatusIs(kInvalid, HasSubstr("field 'id' has invalid UTF-8")));
  EXPECT_THAT(
      ParseNewsRecord(R"({"title": "T", "url": "https://x/\u0000"})"),
      StatusIs(kInvalid, HasSubstr("field 'url'")));
  absl::StatusOr<NewsDocument> repaired =
      ParseNewsRecord(R"({"title": "T", "body": "nul \u0000 here"})");
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->body, "nul \xEF\xBF\xBD here");
}

TEST(NewsRecordTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "{\"title\": \"T\", \"x\": ";
  for (int i = 0; i < 100000; ++i) deep += "[";
  EXPECT_THAT(ParseNewsRecord(deep), StatusIs(kInvalid));
}

}  // namespace
}  // namespace newsearch
