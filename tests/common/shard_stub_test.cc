#include "newsearch/shard_stub.h"

#include <xapian.h>

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Time Utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss),
                         absl::UTCTimeZone());
}

// The names of each shard's periods, for compact comparisons.
std::vector<std::string> Names(const StubShard& shard) {
  std::vector<std::string> names;
  for (const ShardPeriod& period : shard.periods) {
    names.push_back(period.Name());
  }
  return names;
}

// Writes `text` as a stub file in a fresh directory; returns its path.
std::string WriteStub(const std::string& text) {
  const std::string file = testing::MakeTempDir("stub") + "/XAPIANDB";
  testing::WriteFile(file, text);
  return file;
}

std::string DirOf(const std::string& file) {
  return file.substr(0, file.rfind('/'));
}

TEST(ParseShardByTest, NamesAndDefault) {
  EXPECT_EQ(*ParseShardBy("month"), ShardBy::kMonth);
  EXPECT_EQ(*ParseShardBy("year"), ShardBy::kYear);
  EXPECT_EQ(*ParseShardBy("none"), ShardBy::kNone);
  EXPECT_EQ(*ParseShardBy(""), ShardBy::kNone);
  EXPECT_THAT(ParseShardBy("week"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("week")));
}

TEST(ParsePeriodTest, MonthIsItsUtcCalendarMonth) {
  absl::StatusOr<ShardPeriod> period = ParsePeriod("1987-03");
  ASSERT_THAT(period, IsOk());
  EXPECT_EQ(period->kind, ShardPeriod::Kind::kMonth);
  EXPECT_EQ(period->begin, Utc(1987, 3, 1));
  EXPECT_EQ(period->end, Utc(1987, 4, 1));
  EXPECT_EQ(period->Name(), "1987-03");

  absl::StatusOr<ShardPeriod> december = ParsePeriod("1987-12");
  ASSERT_THAT(december, IsOk());
  EXPECT_EQ(december->end, Utc(1988, 1, 1));
}

TEST(ParsePeriodTest, YearUndatedAndLexicon) {
  absl::StatusOr<ShardPeriod> year = ParsePeriod("1987");
  ASSERT_THAT(year, IsOk());
  EXPECT_EQ(year->kind, ShardPeriod::Kind::kYear);
  EXPECT_EQ(year->begin, Utc(1987, 1, 1));
  EXPECT_EQ(year->end, Utc(1988, 1, 1));
  EXPECT_EQ(year->Name(), "1987");

  absl::StatusOr<ShardPeriod> undated = ParsePeriod("undated");
  ASSERT_THAT(undated, IsOk());
  EXPECT_EQ(undated->kind, ShardPeriod::Kind::kUndated);
  EXPECT_EQ(undated->Name(), "undated");

  absl::StatusOr<ShardPeriod> lexicon = ParsePeriod("lexicon");
  ASSERT_THAT(lexicon, IsOk());
  EXPECT_EQ(lexicon->kind, ShardPeriod::Kind::kLexicon);
  EXPECT_EQ(lexicon->Name(), "lexicon");

  EXPECT_EQ(ShardPeriod().Name(), "");  // unknown
}

TEST(ParsePeriodTest, RejectsWhatIsNotAPeriod) {
  for (const char* bad :
       {"1987-13", "1987-00", "87-03", "", "1987-3", "1987/03", "198703",
        "+987", "87", "1987-03 ", " 1987", "Undated", "1987-0a", "abcd"}) {
    EXPECT_THAT(ParsePeriod(bad), StatusIs(absl::StatusCode::kInvalidArgument))
        << "'" << bad << "'";
  }
}

TEST(PeriodOfTest, MonthOfTheUtcInstant) {
  const ShardPeriod period =
      PeriodOf(ShardBy::kMonth, Utc(1987, 3, 31, 23, 59, 59));
  EXPECT_EQ(period.kind, ShardPeriod::Kind::kMonth);
  EXPECT_EQ(period.begin, Utc(1987, 3, 1));
  EXPECT_EQ(period.end, Utc(1987, 4, 1));
  EXPECT_EQ(period.Name(), "1987-03");
  // The next second is April.
  EXPECT_EQ(PeriodOf(ShardBy::kMonth, Utc(1987, 4, 1)).Name(), "1987-04");
  // 00:30 on April 1 at UTC+2 is still March in UTC.
  EXPECT_EQ(PeriodOf(ShardBy::kMonth,
                     Utc(1987, 4, 1, 0, 30) - absl::Hours(2)).Name(),
            "1987-03");
  // February of a leap year ends on the 29th.
  EXPECT_EQ(PeriodOf(ShardBy::kMonth, Utc(1988, 2, 29, 23, 59, 59)).end,
            Utc(1988, 3, 1));
}

TEST(PeriodOfTest, YearAndUndated) {
  const ShardPeriod year =
      PeriodOf(ShardBy::kYear, Utc(1987, 12, 31, 23, 59, 59));
  EXPECT_EQ(year.kind, ShardPeriod::Kind::kYear);
  EXPECT_EQ(year.begin, Utc(1987, 1, 1));
  EXPECT_EQ(year.end, Utc(1988, 1, 1));
  EXPECT_EQ(year.Name(), "1987");

  EXPECT_EQ(PeriodOf(ShardBy::kMonth, std::nullopt).kind,
            ShardPeriod::Kind::kUndated);
  EXPECT_EQ(PeriodOf(ShardBy::kYear, std::nullopt).Name(), "undated");
}

TEST(ShardPeriodTest, OverlapsIsInclusiveWithOpenEnds) {
  const ShardPeriod march = *ParsePeriod("1987-03");
  EXPECT_TRUE(march.Overlaps(std::nullopt, std::nullopt));
  // `until` is inclusive: a range ending at March's first second reaches it.
  EXPECT_TRUE(march.Overlaps(std::nullopt, Utc(1987, 3, 1)));
  EXPECT_FALSE(march.Overlaps(std::nullopt, Utc(1987, 2, 28, 23, 59, 59)));
  EXPECT_TRUE(march.Overlaps(Utc(1987, 3, 31, 23, 59, 59), std::nullopt));
  // April's first second is past March.
  EXPECT_FALSE(march.Overlaps(Utc(1987, 4, 1), std::nullopt));
  EXPECT_TRUE(march.Overlaps(Utc(1987, 1, 1), Utc(1987, 12, 31)));
  EXPECT_TRUE(march.Overlaps(Utc(1987, 3, 10), Utc(1987, 3, 11)));
  EXPECT_FALSE(march.Overlaps(Utc(1987, 1, 1), Utc(1987, 2, 28)));
  EXPECT_FALSE(march.Overlaps(Utc(1987, 4, 2), Utc(1987, 5, 1)));

  const ShardPeriod year = *ParsePeriod("1987");
  EXPECT_TRUE(year.Overlaps(Utc(1987, 12, 31, 23, 59, 59), std::nullopt));
  EXPECT_FALSE(year.Overlaps(Utc(1988, 1, 1), std::nullopt));
  EXPECT_TRUE(year.Overlaps(std::nullopt, Utc(1987, 1, 1)));
}

TEST(ShardPeriodTest, UndatedLexiconAndUnknown) {
  const ShardPeriod undated = *ParsePeriod("undated");
  EXPECT_TRUE(undated.Overlaps(std::nullopt, std::nullopt));
  EXPECT_FALSE(undated.Overlaps(Utc(1987, 1, 1), std::nullopt));
  EXPECT_FALSE(undated.Overlaps(std::nullopt, Utc(2030, 1, 1)));

  const ShardPeriod lexicon = *ParsePeriod("lexicon");
  EXPECT_FALSE(lexicon.Overlaps(std::nullopt, std::nullopt));
  EXPECT_FALSE(lexicon.Overlaps(Utc(1987, 1, 1), Utc(1988, 1, 1)));

  const ShardPeriod unknown;
  EXPECT_TRUE(unknown.Overlaps(std::nullopt, std::nullopt));
  EXPECT_TRUE(unknown.Overlaps(Utc(1987, 1, 1), Utc(1987, 1, 2)));
}

TEST(ReadStubTest, LocalShardsPeriodsAndPaths) {
  const std::string file = WriteStub(
      "# a comment\n"
      "glass lexicon\n"
      "\n"
      "# period 1987-02 1987-03\n"
      "# another comment keeps the period\n"
      "glass two-months\n"
      "glass 1987-04\n"
      "auto /data/news/1987-05/\n"
      "# period undated\n"
      "chert elsewhere/1990\n"
      "glass not-a-period\n");
  absl::StatusOr<std::vector<StubShard>> shards = ReadStub(file);
  ASSERT_THAT(shards, IsOk());
  ASSERT_EQ(shards->size(), 6u);
  const std::string dir = DirOf(file);
  const std::vector<StubShard>& s = *shards;

  EXPECT_EQ(s[0].type, StubShard::Type::kLocal);
  EXPECT_EQ(s[0].backend, "glass");
  EXPECT_EQ(s[0].path, dir + "/lexicon");
  EXPECT_THAT(Names(s[0]), ElementsAre("lexicon"));
  EXPECT_EQ(s[0].line, 2);

  EXPECT_EQ(s[1].path, dir + "/two-months");
  EXPECT_THAT(Names(s[1]), ElementsAre("1987-02", "1987-03"));
  EXPECT_EQ(s[1].line, 6);
  // The comment applied to one shard line only; then the basename.
  EXPECT_THAT(Names(s[2]), ElementsAre("1987-04"));
  EXPECT_EQ(s[2].line, 7);

  EXPECT_EQ(s[3].backend, "auto");
  EXPECT_EQ(s[3].path, "/data/news/1987-05/");  // absolute: as written
  EXPECT_THAT(Names(s[3]), ElementsAre("1987-05"));

  // A comment wins over the basename.
  EXPECT_EQ(s[4].backend, "chert");
  EXPECT_EQ(s[4].path, dir + "/elsewhere/1990");
  EXPECT_THAT(Names(s[4]), ElementsAre("undated"));

  EXPECT_TRUE(s[5].periods.empty());
  EXPECT_EQ(s[5].line, 11);
}

TEST(ReadStubTest, RemoteShards) {
  const std::string file = WriteStub(
      "# period 1987-02\n"
      "remote 127.0.0.1:7001\n"
      "# period 1987-03 1987-04\n"
      "remote [::1]:7002\n"
      "remote :xapian-progsrv -t 30 /srv/db\n"
      "remote :xapian-progsrv\n"
      "remote news.example.com:65535\n");
  absl::StatusOr<std::vector<StubShard>> shards = ReadStub(file);
  ASSERT_THAT(shards, IsOk());
  ASSERT_EQ(shards->size(), 5u);
  const std::vector<StubShard>& s = *shards;

  EXPECT_EQ(s[0].type, StubShard::Type::kRemoteTcp);
  EXPECT_EQ(s[0].host, "127.0.0.1");
  EXPECT_EQ(s[0].port, 7001u);
  EXPECT_THAT(Names(s[0]), ElementsAre("1987-02"));

  EXPECT_EQ(s[1].type, StubShard::Type::kRemoteTcp);
  EXPECT_EQ(s[1].host, "::1");
  EXPECT_EQ(s[1].port, 7002u);
  EXPECT_THAT(Names(s[1]), ElementsAre("1987-03", "1987-04"));

  EXPECT_EQ(s[2].type, StubShard::Type::kRemoteProgram);
  EXPECT_EQ(s[2].program, "xapian-progsrv");
  EXPECT_EQ(s[2].args, "-t 30 /srv/db");
  EXPECT_TRUE(s[2].periods.empty());  // remote: no basename to go by

  EXPECT_EQ(s[3].program, "xapian-progsrv");
  EXPECT_EQ(s[3].args, "");

  EXPECT_EQ(s[4].host, "news.example.com");
  EXPECT_EQ(s[4].port, 65535u);
  EXPECT_EQ(s[4].line, 7);
}

TEST(ReadStubTest, BadLinesNameFileAndLine) {
  struct Case {
    const char* text;
    int line;
  };
  for (const Case& c : std::vector<Case>{
           {"glass lexicon\n\n# fine\nglass\n", 4},
           {"glass \n", 1},
           {"glass a\nflint b\n", 2},
           {" glass a\n", 1},
           {"# period 1987-13\nglass a\n", 1},
           {"glass a\n# period 1987-02 junk\nglass b\n", 2},
           {"remote 127.0.0.1\n", 1},
           {"glass a\nremote 127.0.0.1:0\n", 2},
           {"remote 127.0.0.1:65536\n", 1},
           {"remote 127.0.0.1:port\n", 1},
           {"remote []:7001\n", 1},
           {"remote :\n", 1},
           {"remote\n", 1},
       }) {
    const std::string file = WriteStub(c.text);
    EXPECT_THAT(ReadStub(file),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(file + ":" + std::to_string(c.line) +
                                   ": error: ")))
        << c.text;
  }
}

TEST(ReadStubTest, MissingFileIsNotFound) {
  EXPECT_THAT(ReadStub(testing::MakeTempDir("none") + "/XAPIANDB"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ReadStubTest, EmptyFileHasNoShards) {
  absl::StatusOr<std::vector<StubShard>> shards = ReadStub(WriteStub(""));
  ASSERT_THAT(shards, IsOk());
  EXPECT_TRUE(shards->empty());
}

TEST(StubShardTest, OverlapsAnyOfItsPeriods) {
  StubShard shard;
  // No period: unknown, always searched.
  EXPECT_TRUE(shard.Overlaps(Utc(1987, 1, 1), Utc(1987, 1, 2)));
  shard.periods = {*ParsePeriod("1987-02"), *ParsePeriod("1987-03")};
  EXPECT_TRUE(shard.Overlaps(Utc(1987, 3, 15), std::nullopt));
  EXPECT_TRUE(shard.Overlaps(std::nullopt, Utc(1987, 2, 1)));
  EXPECT_FALSE(shard.Overlaps(Utc(1987, 4, 1), std::nullopt));
  EXPECT_FALSE(shard.Overlaps(std::nullopt, Utc(1987, 1, 31, 23, 59, 59)));
  shard.periods = {*ParsePeriod("lexicon")};
  EXPECT_FALSE(shard.Overlaps(std::nullopt, std::nullopt));
}

TEST(StubShardTest, Describe) {
  StubShard local;
  local.backend = "glass";
  local.path = "/data/news/lexicon";
  EXPECT_EQ(local.Describe(), "glass /data/news/lexicon");
  local.periods = {*ParsePeriod("lexicon")};
  EXPECT_EQ(local.Describe(), "lexicon (glass /data/news/lexicon)");

  StubShard tcp;
  tcp.type = StubShard::Type::kRemoteTcp;
  tcp.host = "10.0.0.2";
  tcp.port = 7001;
  tcp.periods = {*ParsePeriod("1987-02"), *ParsePeriod("1987-03")};
  EXPECT_EQ(tcp.Describe(), "1987-02 1987-03 (remote 10.0.0.2:7001)");

  StubShard program;
  program.type = StubShard::Type::kRemoteProgram;
  program.program = "xapian-progsrv";
  program.args = "/srv/db";
  EXPECT_EQ(program.Describe(), "remote :xapian-progsrv");
}

TEST(FormatStubTest, RoundTripsThroughReadStub) {
  const std::vector<ShardPeriod> periods = {
      *ParsePeriod("lexicon"), *ParsePeriod("1987-02"),
      *ParsePeriod("1987-03"), *ParsePeriod("undated")};
  const std::string file = WriteStub(FormatStub(ShardBy::kMonth, periods));
  absl::StatusOr<std::vector<StubShard>> shards = ReadStub(file);
  ASSERT_THAT(shards, IsOk());
  const std::string dir = DirOf(file);
  // The lexicon first, and once although it was also passed.
  ASSERT_EQ(shards->size(), 4u);
  const char* names[] = {"lexicon", "1987-02", "1987-03", "undated"};
  for (size_t k = 0; k < 4; ++k) {
    const StubShard& shard = (*shards)[k];
    EXPECT_EQ(shard.type, StubShard::Type::kLocal);
    EXPECT_EQ(shard.backend, "glass");
    EXPECT_EQ(shard.path, dir + "/" + names[k]);
    EXPECT_THAT(Names(shard), ElementsAre(names[k]));
  }
  EXPECT_THAT(FormatStub(ShardBy::kMonth, periods),
              HasSubstr("# period 1987-02\nglass 1987-02\n"));
}

TEST(FormatStubTest, Years) {
  const std::string file = WriteStub(
      FormatStub(ShardBy::kYear, {*ParsePeriod("1987"), *ParsePeriod("1988")}));
  absl::StatusOr<std::vector<StubShard>> shards = ReadStub(file);
  ASSERT_THAT(shards, IsOk());
  ASSERT_EQ(shards->size(), 3u);
  EXPECT_THAT(Names((*shards)[0]), ElementsAre("lexicon"));
  EXPECT_THAT(Names((*shards)[1]), ElementsAre("1987"));
  EXPECT_EQ((*shards)[2].periods.at(0).kind, ShardPeriod::Kind::kYear);
  EXPECT_EQ((*shards)[2].periods.at(0).begin, Utc(1988, 1, 1));
}

TEST(StubFileOfTest, StubDirectoryAndStubFile) {
  const std::string file = WriteStub("glass lexicon\n");
  EXPECT_EQ(StubFileOf(DirOf(file)), file);
  EXPECT_EQ(StubFileOf(file), file);
  // A stub file under any name.
  const std::string other = testing::MakeTempDir("other") + "/news.stub";
  testing::WriteFile(other, "remote 127.0.0.1:7001\n");
  EXPECT_EQ(StubFileOf(other), other);
}

TEST(StubFileOfTest, DatabasesAndNothingAreNotStubs) {
  const std::string glass = testing::MakeTempDir("glass") + "/db";
  {
    Xapian::WritableDatabase db(glass, Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document doc;
    doc.add_term("wheat");
    db.add_document(doc);
    db.commit();
  }
  EXPECT_EQ(StubFileOf(glass), "");
  // Even with a stray XAPIANDB inside, a glass directory is one database.
  testing::WriteFile(glass + "/XAPIANDB", "glass elsewhere\n");
  EXPECT_EQ(StubFileOf(glass), "");

  const std::string single = testing::MakeTempDir("single") + "/db.glass";
  Xapian::Database(glass).compact(single, Xapian::DBCOMPACT_SINGLE_FILE);
  EXPECT_EQ(StubFileOf(single), "");

  const std::string empty = testing::MakeTempDir("empty");
  EXPECT_EQ(StubFileOf(empty), "");
  EXPECT_EQ(StubFileOf(empty + "/missing"), "");
  EXPECT_EQ(StubFileOf(""), "");
}

// The date parser takes years past 9999 (and a store may hold them): their
// periods are named in ISO 8601's expanded form, and read back, so that no
// shard is left out of the stub; +987 is not another name of 0987.
TEST(PeriodOfTest, YearsPastFourDigitsRoundTrip) {
  const absl::Time far = absl::FromCivil(absl::CivilSecond(12025, 1, 15, 0, 0, 0),
                                         absl::UTCTimeZone());
  for (ShardBy by : {ShardBy::kMonth, ShardBy::kYear}) {
    const ShardPeriod period = PeriodOf(by, far);
    EXPECT_EQ(period.Name(), by == ShardBy::kMonth ? "+12025-01" : "+12025");
    absl::StatusOr<ShardPeriod> parsed = ParsePeriod(period.Name());
    ASSERT_THAT(parsed, IsOk()) << period.Name();
    EXPECT_EQ(parsed->begin, period.begin);
    EXPECT_EQ(parsed->end, period.end);
  }
  EXPECT_EQ(PeriodOf(ShardBy::kYear, absl::FromCivil(absl::CivilYear(987),
                                                     absl::UTCTimeZone()))
                .Name(),
            "0987");
  EXPECT_THAT(ParsePeriod("+987"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePeriod("+0987-01"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace newsearch
