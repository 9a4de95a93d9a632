// Hostile and broken inputs to the indexer: each gives a clear diagnostic
// (FILE:LINE and the field) and loses nothing else of its batch. Limits are
// those of indexer/record_limits.h; big inputs are generated here.
#include <xapian.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "indexer/ingest.h"
#include "indexer/news_record.h"
#include "indexer/page_text.h"
#include "indexer/record_limits.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "newsearch/schema.h"
#include "newsearch/text.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::string_literals;  // NOLINT: NUL bytes in literals

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

// A record with `value` (already JSON-escaped) in `field`, everything else
// valid. List fields get a one-element list.
std::string RecordWith(const std::string& field, const std::string& value) {
  const bool list =
      field == "topics" || field == "authors" || field == "places";
  const std::string json_value = list ? absl::StrCat("[\"", value, "\"]")
                                      : absl::StrCat("\"", value, "\"");
  std::string record = absl::StrCat("{\"", field, "\": ", json_value);
  if (field != "title") absl::StrAppend(&record, ", \"title\": \"Fine title\"");
  if (field != "id") absl::StrAppend(&record, ", \"id\": \"rec\"");
  return record + "}";
}

const char* const kRepairedFields[] = {"title",   "summary", "body",
                                       "section", "source",  "topics",
                                       "authors", "places"};
const char* const kRejectedFields[] = {"id",       "url",       "kind",
                                       "language", "published", "updated"};
// A lone continuation byte, a truncated sequence, an overlong NUL, and NUL
// as the JSON escape.
const char* const kBadValues[] = {"caf\xE9 bar", "x \xE2\x82 y", "a \xC0\x80 b",
                                  "nul \\u0000 here"};

TEST(HostileTextTest, RepairReplacesEachBadSequenceAndCutsKeepCharacters) {
  size_t replaced = 0;
  EXPECT_EQ(RepairUtf8("a\xFF"
                       "b\0c\xE2\x82"
                       "d"s,
                       &replaced),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD"
            "d");
  EXPECT_EQ(replaced, 3u);
  EXPECT_EQ(RepairUtf8("fine \xC3\xA9", &replaced), "fine \xC3\xA9");
  EXPECT_EQ(replaced, 0u);
  const std::string euros = "\xE2\x82\xAC\xE2\x82\xAC";  // two U+20AC
  EXPECT_EQ(Utf8PrefixLength(euros, 2), 0u);
  EXPECT_EQ(Utf8PrefixLength(euros, 3), 3u);
  EXPECT_EQ(Utf8PrefixLength(euros, 5), 3u);
  EXPECT_EQ(Utf8PrefixLength(euros, 6), 6u);
  EXPECT_EQ(Utf8PrefixLength(euros, 100), 6u);
}

TEST(HostileRecordTest, BadUtf8AndNulInTextFieldsAreRepairedWithAWarning) {
  for (const char* field : kRepairedFields) {
    for (const char* value : kBadValues) {
      SCOPED_TRACE(absl::StrCat(field, ": ", value));
      std::vector<std::string> warnings;
      absl::StatusOr<NewsDocument> doc =
          ParseNewsRecord(RecordWith(field, value), &warnings);
      ASSERT_THAT(doc, IsOk());
      ASSERT_EQ(warnings.size(), 1u);
      EXPECT_THAT(warnings[0], HasSubstr(absl::StrCat("field '", field, "'")));
      const std::string f = field;
      const std::string& text = f == "title"     ? doc->title
                                : f == "summary" ? doc->summary
                                : f == "body"    ? doc->body
                                : f == "section" ? doc->section
                                : f == "source"  ? doc->source
                                : f == "topics"  ? doc->topics.at(0)
                                : f == "authors" ? doc->authors.at(0)
                                                 : doc->places.at(0);
      EXPECT_THAT(text, HasSubstr(kReplacement));
      EXPECT_TRUE(IsValidUtf8(text));
      EXPECT_EQ(text.find('\0'), std::string::npos);
    }
  }
}

TEST(HostileRecordTest, BadUtf8AndNulInIdentityFieldsRejectNamingTheField) {
  for (const char* field : kRejectedFields) {
    for (const char* value : kBadValues) {
      SCOPED_TRACE(absl::StrCat(field, ": ", value));
      EXPECT_THAT(ParseNewsRecord(RecordWith(field, value)),
                  StatusIs(kInvalid, HasSubstr(absl::StrCat(
                                         "field '", field,
                                         "' has invalid UTF-8 or a NUL"))));
    }
  }
}

TEST(HostileRecordTest, RawControlBytesInAStringAreInvalidJson) {
  EXPECT_THAT(ParseNewsRecord("{\"title\": \"a\0b\"}"s),
              StatusIs(kInvalid, HasSubstr("invalid JSON")));
}

TEST(HostileRecordTest, DeepNestingIsHandledWithoutRecursion) {
  const std::string open(100000, '['), close(100000, ']');
  // Valid but deep, in a field we ignore: the record is indexed.
  EXPECT_THAT(ParseNewsRecord(
                  absl::StrCat("{\"title\": \"T\", \"x\": ", open, close, "}")),
              IsOk());
  // Deep where a list of strings belongs.
  EXPECT_THAT(ParseNewsRecord(absl::StrCat(
                  "{\"title\": \"T\", \"topics\": ", open, close, "}")),
              StatusIs(kInvalid, HasSubstr("field 'topics' must be an array "
                                           "of strings")));
  // The whole line, closed and unclosed.
  EXPECT_THAT(ParseNewsRecord(open + close),
              StatusIs(kInvalid, HasSubstr("must be a JSON object")));
  EXPECT_THAT(ParseNewsRecord(std::string(100000, '{')),
              StatusIs(kInvalid, HasSubstr("invalid JSON")));
  // Document data read back from a database (or a remote shard).
  EXPECT_THAT(DecodeDocData(open + close), Not(IsOk()));
}

TEST(HostileRecordTest, HugeBodyIsCutAtACharacterBoundaryWithAWarning) {
  // 50 MB of a three-byte character: 1 MiB is not a multiple of 3, so a
  // byte cut would split one.
  std::string body;
  body.reserve(50u << 20);
  while (body.size() < (50u << 20)) body += "\xE2\x82\xAC";  // U+20AC
  std::vector<std::string> warnings;
  absl::StatusOr<NewsDocument> doc = ParseNewsRecord(
      absl::StrCat("{\"title\": \"Big\", \"body\": \"", body, "\"}"),
      &warnings);
  ASSERT_THAT(doc, IsOk());
  ApplyRecordLimits(&*doc, &warnings);
  EXPECT_LE(doc->body.size(), kMaxBodyBytes);
  EXPECT_GT(doc->body.size(), kMaxBodyBytes - 3);
  EXPECT_TRUE(IsValidUtf8(doc->body));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("field 'body' is"));
}

TEST(HostileRecordTest, TopicsAuthorsAndPlacesAreCapped) {
  NewsDocument doc;
  doc.title = "Many topics";
  for (int i = 0; i < 10000; ++i) doc.topics.push_back(absl::StrCat("t", i));
  doc.authors.push_back(std::string(5000, 'a'));
  std::vector<std::string> warnings;
  ApplyRecordLimits(&doc, &warnings);
  EXPECT_EQ(doc.topics.size(), kMaxListItems);
  EXPECT_EQ(doc.topics.back(), absl::StrCat("t", kMaxListItems - 1));
  EXPECT_EQ(doc.authors[0].size(), kMaxListItemBytes);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_THAT(warnings[0], HasSubstr("field 'topics' has 10000 items"));
  EXPECT_THAT(warnings[1], HasSubstr("field 'authors' is 5000 bytes"));
}

TEST(HostileRecordTest, ReadBoundedLineKeepsAtMostTheLimit) {
  std::istringstream in(
      absl::StrCat("short\n", std::string(100000, 'x'), "\n\nlast"));
  std::string line;
  EXPECT_EQ(ReadBoundedLine(in, 1000, &line), LineRead::kLine);
  EXPECT_EQ(line, "short");
  EXPECT_EQ(ReadBoundedLine(in, 1000, &line), LineRead::kTooLong);
  EXPECT_EQ(line.size(), 1001u);
  EXPECT_EQ(ReadBoundedLine(in, 1000, &line), LineRead::kLine);
  EXPECT_EQ(line, "");
  EXPECT_EQ(ReadBoundedLine(in, 1000, &line), LineRead::kLine);
  EXPECT_EQ(line, "last");
  EXPECT_EQ(ReadBoundedLine(in, 1000, &line), LineRead::kEnd);
}

TEST(HostilePageTest, BadUtf8AndNulInPageTextAreRepairedWithTheLine) {
  PageTextOptions options;
  options.zone = *LoadZone(kDefaultPageZone);
  ParsedPage page = ParsePageText(
      "Title \xFF here\n\xE2\x80\xA2 Dec 21, 2025, 12:01 AM\n"
      "1 min\n\nBody with a NUL \0 and \xC3\x28 bytes.\n"s,
      options);
  ASSERT_EQ(page.documents.size(), 1u);
  EXPECT_TRUE(page.problems.empty());
  EXPECT_THAT(page.documents[0].title, HasSubstr(kReplacement));
  EXPECT_THAT(page.documents[0].body, HasSubstr(kReplacement));
  EXPECT_TRUE(IsValidUtf8(page.documents[0].body));
  ASSERT_EQ(page.warnings.size(), 1u);
  EXPECT_EQ(page.warnings[0].line, 1);
  EXPECT_THAT(page.warnings[0].message, HasSubstr("replaced 3 invalid"));
}

class HostileIngestTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("hostile"); }

  IngestStats IngestFile(const std::string& file) {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::Open(dir_ + "/db", {});
    EXPECT_THAT(writer, IsOk());
    if (!writer.ok()) return {};
    IngestOptions options;
    options.inputs = {file};
    options.page.zone = *LoadZone(kDefaultPageZone);
    absl::StatusOr<IngestStats> stats = Ingest(
        options, **writer,
        [this](const Diagnostic& d) { diagnostics_.push_back(d.ToString()); });
    EXPECT_THAT(stats, IsOk());
    return stats.value_or(IngestStats{});
  }

  bool HasTerm(const std::string& term) {
    return Xapian::Database(dir_ + "/db").term_exists(term);
  }

  std::string Diagnostics() const {
    std::string all;
    for (const std::string& d : diagnostics_) absl::StrAppend(&all, d, "\n");
    return all;
  }

  std::string dir_;
  std::vector<std::string> diagnostics_;
};

TEST_F(HostileIngestTest, RepairedRecordsAreStoredAndSearchable) {
  const std::string file = dir_ + "/bad.jsonl";
  testing::WriteFile(
      file,
      "{\"id\": \"one\", \"title\": \"First fine\"}\n"
      "{\"id\": \"two\", \"title\": \"caf\xE9 zanzibar\", \"topics\": "
      "[\"Sp\\u0000ort\"], \"source\": \"wi\xFFre\"}\n"
      "{\"id\": \"thr\xFF\", \"title\": \"bad id\"}\n"
      "{\"id\": \"four\", \"url\": \"https://x/\\u0000\", \"title\": \"T\"}\n"
      "{\"id\": \"five\", \"title\": \"Last fine\"}\n");
  IngestStats stats = IngestFile(file);
  EXPECT_EQ(stats.added, 3);
  EXPECT_EQ(stats.skipped, 2);
  const std::string all = Diagnostics();
  EXPECT_THAT(all, HasSubstr(file + ":2: warning: field 'title': replaced 1"));
  EXPECT_THAT(all, HasSubstr(file + ":2: warning: field 'topics'"));
  EXPECT_THAT(all, HasSubstr(file + ":2: warning: field 'source'"));
  EXPECT_THAT(all, HasSubstr(file + ":3: error: field 'id' has invalid UTF-8"));
  EXPECT_THAT(all,
              HasSubstr(file + ":4: error: field 'url' has invalid UTF-8"));
  // Searchable by the words around the bad byte, filterable by the
  // repaired source, and stored with U+FFFD.
  EXPECT_TRUE(HasTerm("zanzibar"));
  EXPECT_TRUE(HasTerm(schema::BooleanTerm(
      schema::kPrefixSource, absl::StrCat("wi", kReplacement, "re"))));
  Xapian::Database db(dir_ + "/db");
  Xapian::PostingIterator p = db.postlist_begin(schema::IdTerm("two"));
  ASSERT_NE(p, db.postlist_end(schema::IdTerm("two")));
  absl::StatusOr<NewsDocument> stored =
      DecodeDocData(db.get_document(*p).get_data());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->title, absl::StrCat("caf", kReplacement, " zanzibar"));
}

TEST_F(HostileIngestTest, HugeLineIsRejectedAndItsNeighboursIndexed) {
  const std::string file = dir_ + "/huge.jsonl";
  {
    // 50 MB line, and an 8 MiB body that fits the line limit.
    std::string content = "{\"id\": \"before\", \"title\": \"Before\"}\n";
    absl::StrAppend(&content,
                    "{\"id\": \"huge\", \"title\": \"H\", \"body\": \"",
                    std::string(50u << 20, 'w'), "\"}\n");
    absl::StrAppend(&content,
                    "{\"id\": \"long\", \"title\": \"L\", \"body\": \"",
                    std::string(8u << 20, 'v'), " tail\"}\n");
    absl::StrAppend(&content, "{\"id\": \"after\", \"title\": \"After\"}\n");
    testing::WriteFile(file, content);
  }
  IngestStats stats = IngestFile(file);
  EXPECT_EQ(stats.added, 3);
  EXPECT_EQ(stats.skipped, 1);
  const std::string all = Diagnostics();
  EXPECT_THAT(all, HasSubstr(file + ":2: error: line is longer than 16777216"));
  EXPECT_THAT(all, HasSubstr(file + ":3: warning: field 'body' is 8388613 "
                                    "bytes; indexed its first 1048576"));
  EXPECT_TRUE(HasTerm(schema::IdTerm("before")));
  EXPECT_TRUE(HasTerm(schema::IdTerm("after")));
  EXPECT_TRUE(HasTerm(schema::IdTerm("long")));
  EXPECT_FALSE(HasTerm("tail")) << "cut off with the rest of the body";
}

TEST_F(HostileIngestTest, HugePageIsRejected) {
  const std::string file = dir_ + "/huge.txt";
  testing::WriteFile(
      file,
      absl::StrCat("Title\n\xE2\x80\xA2 Dec 21, 2025, 12:01 AM\n1 min\n\n",
                   std::string(kMaxPageBytes, 'p'), "\n"));
  IngestStats stats = IngestFile(file);
  EXPECT_EQ(stats.added, 0);
  EXPECT_EQ(stats.skipped, 1);
  EXPECT_THAT(Diagnostics(),
              HasSubstr(file + ": error: page text is larger than"));
}

TEST_F(HostileIngestTest, LongValuesNeverMakeATermOverXapiansLimit) {
  const std::string file = dir_ + "/long.jsonl";
  const std::string big(1000, 'k');
  const std::string big_utf8 = [] {
    std::string s;
    while (s.size() < 1000) s += "\xC3\xA9";  // é
    return s;
  }();
  std::string topics = "[";
  for (int i = 0; i < 10000; ++i)
    absl::StrAppend(&topics, i ? "," : "", "\"t", i, "\"");
  topics += "]";
  testing::WriteFile(
      file, absl::StrCat(
                "{\"id\": \"", big, "\", \"url\": \"https://x/", big,
                "\", \"title\": \"Long values\", \"topics\": [\"", big_utf8,
                "\"], \"source\": \"", big, "\", \"section\": \"", big,
                "\", \"authors\": [\"", big, "\"], \"places\": [\"", big,
                "\"], \"language\": \"", big, "\"}\n", "{\"url\": \"https://x/",
                big, "\", \"title\": \"By URL\"}\n",
                "{\"id\": \"many\", \"title\": \"Many\", \"topics\": ", topics,
                "}\n"));
  IngestStats stats = IngestFile(file);
  EXPECT_EQ(stats.added, 3) << Diagnostics();
  EXPECT_THAT(Diagnostics(),
              HasSubstr(file + ":3: warning: field 'topics' has 10000 items; "
                               "kept the first 100"));
  Xapian::Database db(dir_ + "/db");
  for (Xapian::TermIterator t = db.allterms_begin(); t != db.allterms_end();
       ++t) {
    EXPECT_LE((*t).size(), schema::kMaxTermBytes) << *t;
  }
  EXPECT_TRUE(db.term_exists(schema::IdTerm(big)));
  EXPECT_TRUE(db.term_exists(schema::IdTerm("https://x/" + big)));
  EXPECT_TRUE(db.term_exists(schema::TopicTerm(big_utf8)));
  EXPECT_TRUE(db.term_exists(schema::TopicTerm("t99")));
  EXPECT_FALSE(db.term_exists(schema::TopicTerm("t100")));
}

TEST(HostileDatesTest, EdgeDatesParseToTheRightInstantOrAnError) {
  struct Case {
    const char* text;
    const char* formatted;  // "" for an error
  };
  const Case cases[] = {
      {"0000-01-01", "0000-01-01"},
      {"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
      {"1969-12-31", "1969-12-31"},
      {"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"},
      {"9999-12-31", "9999-12-31"},
      {"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
      // A leap second is the first second after it.
      {"2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"},
      {"2016-01-01T00:00:00.999999999999999999999999999999Z",
       "2016-01-01T00:00:00Z"},
      {"2016-01-01T00:00:00+23:59", "2015-12-31T00:01:00Z"},
      {"10000-01-01", ""},
      {"-001-01-01", ""},
      {"+999-01-01", ""},
      {"0000-01-01T00:00:00+01:00", ""},  // year -1 in UTC
      {"9999-12-31T23:59:59-01:00", ""},  // year 10000 in UTC
      {"2016-01-01T00:00:00+25:00", ""},
      {"2016-01-01T00:00:00+99:99", ""},
      {"2016-01-01T00:00:00 EST", ""},
      {"2016-01-01T00:00:00Europe/Paris", ""},
      {"2016-02-30", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<Timestamp> t = ParseTimestamp(c.text);
    if (*c.formatted == '\0') {
      EXPECT_THAT(t, StatusIs(kInvalid, HasSubstr(c.text)));
      EXPECT_THAT(ParseNewsRecord(absl::StrCat(
                      "{\"title\": \"T\", \"published\": \"", c.text, "\"}")),
                  StatusIs(kInvalid, HasSubstr("field 'published'")));
    } else {
      ASSERT_THAT(t, IsOk());
      EXPECT_EQ(FormatTimestamp(*t), c.formatted);
    }
  }
  const absl::Time epoch_minus = ParseTimestamp("1969-12-31T23:59:59Z")->time;
  EXPECT_EQ(absl::ToUnixSeconds(epoch_minus), -1);
}

TEST(HostileDatesTest, KeysKeepFourDigitYears) {
  const absl::Time year0 = ParseTimestamp("0000-03-04T05:06:07Z")->time;
  EXPECT_EQ(DayKey(year0), "00000304");
  EXPECT_EQ(MonthKey(year0), "000003");
  EXPECT_EQ(YearKey(year0), "0000");
  EXPECT_EQ(HourKey(year0), "0000030405");
  const absl::Time last = ParseTimestamp("9999-12-31T23:59:59Z")->time;
  EXPECT_EQ(HourKey(last), "9999123123");
}

}  // namespace
}  // namespace newsearch
