// End-to-end tests of the two programs on the shipped sample corpus and on
// small hand-made inputs: exit codes, diagnostics, summaries and output.
#include <rapidjson/document.h>

#include <set>
#include <tuple>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using testing::Quote;
using testing::RunCommand;

std::string Index(const std::string& db, const std::string& args) {
  return testing::NewsindexPath() + " --db " + Quote(db) + " " + args;
}
std::string Search(const std::string& db, const std::string& args) {
  return testing::NewsearchPath() + " --db " + Quote(db) + " " + args;
}

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document json;
  json.Parse(text.c_str());
  EXPECT_FALSE(json.HasParseError()) << text;
  return json;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("cli");
    db_ = dir_ + "/db";
  }
  std::string dir_;
  std::string db_;
};

TEST_F(CliTest, SampleCorpusIndexesCleanlyAndIdempotently) {
  const std::string sample = testing::SourceDir() + "/data/sample";
  testing::CommandResult first = RunCommand(Index(db_, Quote(sample)));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(
      first.err,
      MatchesRegex("newsindex: [0-9]+ indexed \\([0-9]+ new, 0 "
                   "replaced\\), 0 skipped, [0-9]+ files, .* docs/s, "
                   "compacted in [0-9.]+ s\n"));
  testing::CommandResult count1 =
      RunCommand(Search(db_, "--json --no-fold --limit 0 ''"));
  ASSERT_EQ(count1.exit_code, 0) << count1.err;
  const int total = ParseJson(count1.out)["total"]["value"].GetInt();
  EXPECT_GE(total, 40);

  testing::CommandResult second = RunCommand(Index(db_, Quote(sample)));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err,
              HasSubstr("(0 new, " + std::to_string(total) + " replaced)"));
  testing::CommandResult count2 =
      RunCommand(Search(db_, "--json --no-fold --limit 0 ''"));
  EXPECT_EQ(ParseJson(count2.out)["total"]["value"].GetInt(), total);
}

TEST_F(CliTest, SampleSearchShowsRankedDatedResults) {
  ASSERT_EQ(RunCommand(Index(db_, Quote(testing::SourceDir() + "/data/sample")))
                .exit_code,
            0);
  testing::CommandResult r = RunCommand(Search(db_, "--limit 3 port strike"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out,
              MatchesRegex(
                  "[0-9]+ results for 'port strike' \\(showing 1-3\\)(.|\n)*"));
  EXPECT_THAT(
      r.out, MatchesRegex("(.|\n)*  1\\. (.|\n)*  2\\. (.|\n)*  3\\. (.|\n)*"));
  EXPECT_THAT(r.out,
              MatchesRegex("(.|\n)*2026-[0-9][0-9]-[0-9][0-9] [0-9:]+ UTC \\| "
                           "(article|timeline) \\| (.|\n)*"));
  EXPECT_THAT(r.out, HasSubstr("*strike*"));
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos)
      << "colour when not on a TTY";
}

TEST_F(CliTest, BadInputIsReportedSkippedAndTheRestIndexed) {
  const std::string file = dir_ + "/bad.jsonl";
  testing::WriteFile(
      file,
      "{\"id\": \"ok-1\", \"title\": \"Fine record\"}\n"
      "{\"id\": \"broken\", \"title\": \n"
      "{\"id\": \"no-text\", \"source\": \"x\"}\n"
      "{\"id\": \"bad-type\", \"title\": [\"list\"]}\n"
      "{\"id\": \"bad-date\", \"title\": \"T\", \"published\": "
      "\"31/12/2025\"}\n"
      "{\"id\": \"bad-utf8\", \"url\": \"https://x/caf\xE9\", \"title\": "
      "\"T\"}\n"
      "{\"id\": \"ok-2\", \"title\": \"Another fine record\"}\n");
  testing::CommandResult r = RunCommand(
      Index(db_, Quote(file) + " " + Quote(dir_ + "/does-not-exist.jsonl")));
  EXPECT_EQ(r.exit_code, 1) << "skipped input must show in the exit status";
  EXPECT_THAT(r.err, HasSubstr(file + ":2: error: invalid JSON"));
  EXPECT_THAT(r.err,
              HasSubstr(file + ":3: error: record has neither title nor body"));
  EXPECT_THAT(r.err,
              HasSubstr(file + ":4: error: field 'title' must be a string"));
  EXPECT_THAT(
      r.err,
      HasSubstr(file + ":5: error: field 'published': unparseable date"));
  EXPECT_THAT(r.err,
              HasSubstr(file + ":6: error: field 'url' has invalid UTF-8"));
  EXPECT_THAT(r.err,
              HasSubstr(dir_ + "/does-not-exist.jsonl: error: cannot read"));
  EXPECT_THAT(r.err, HasSubstr("2 indexed (2 new, 0 replaced), 5 skipped"));
  testing::CommandResult s = RunCommand(Search(db_, "--json --no-fold record"));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  rapidjson::Document json = ParseJson(s.out);
  std::set<std::string> ids;
  for (const auto& result : json["results"].GetArray())
    ids.insert(result["id"].GetString());
  EXPECT_EQ(ids, (std::set<std::string>{"ok-1", "ok-2"}));
}

TEST_F(CliTest, StandardInput) {
  testing::CommandResult r = RunCommand(
      "printf '%s\\n' '{\"id\": \"s1\", \"title\": \"From stdin\"}' | " +
      Index(db_, "-"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  testing::CommandResult s = RunCommand(Search(db_, "--json stdin"));
  EXPECT_EQ(ParseJson(s.out)["results"][0]["id"].GetString(),
            std::string("s1"));
}

TEST_F(CliTest, SearchErrorsAreClearAndNonZero) {
  testing::CommandResult missing =
      RunCommand(Search(dir_ + "/nope", "anything"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("newsearch: error: cannot open database"));
  EXPECT_TRUE(missing.out.empty());

  ASSERT_EQ(
      RunCommand("printf '%s\\n' '{\"title\": \"x\"}' | " + Index(db_, "-"))
          .exit_code,
      0);
  testing::CommandResult bad =
      RunCommand(Search(db_, Quote("date:2025-99-99..2026-01-01")));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("newsearch: error: bad query"));
  EXPECT_TRUE(bad.out.empty());

  testing::CommandResult sort = RunCommand(Search(db_, "--sort sideways x"));
  EXPECT_EQ(sort.exit_code, 2);
  EXPECT_THAT(sort.err,
              HasSubstr("sort must be hybrid, relevance, newest or oldest"));
}

TEST_F(CliTest, XapianToolsReadTheDatabase) {
  ASSERT_EQ(RunCommand(Index(db_, Quote(testing::SourceDir() + "/data/sample")))
                .exit_code,
            0);
  testing::CommandResult delve = RunCommand("xapian-delve " + Quote(db_));
  ASSERT_EQ(delve.exit_code, 0) << delve.err << " (xapian-tools installed?)";
  EXPECT_THAT(delve.out, HasSubstr("has positional information = true"));
  // quest with the schema's prefixes finds what newsearch finds.
  testing::CommandResult quest =
      RunCommand("quest -m 0 -c 100000 -d " + Quote(db_) +
                 " -b topic:XT -p title:S " + Quote("title:strike topic:port"));
  ASSERT_EQ(quest.exit_code, 0) << quest.err;
  EXPECT_THAT(quest.out,
              HasSubstr("Parsed Query: Query((ZSstrike@1 FILTER XTport))"));
  testing::CommandResult ours = RunCommand(Search(
      db_, "--json --no-fold --limit 0 " + Quote("title:strike topic:port")));
  const int total = ParseJson(ours.out)["total"]["value"].GetInt();
  EXPECT_GT(total, 3);
  EXPECT_THAT(quest.out,
              HasSubstr("Exactly " + std::to_string(total) + " matches"));
}

class SampleCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    testing::CommandResult r =
        RunCommand(Index(db_, Quote(testing::SourceDir() + "/data/sample")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static constexpr char kNow[] = " --now 2026-11-20T12:00:00Z ";
};

TEST_F(SampleCliTest, HybridIsTheDefaultAndExplainShowsBothParts) {
  testing::CommandResult r =
      RunCommand(Search(db_, std::string(kNow) + "--explain port strike"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, MatchesRegex("(.|\n)*score [0-9.]+ = bm25 [0-9.]+ \\+ "
                                  "recency 0\\.[0-9]*[1-9][0-9]*(.|\n)*"));
  rapidjson::Document json = ParseJson(
      RunCommand(Search(db_, std::string(kNow) + "--json --explain strike"))
          .out);
  const auto& first = json["results"][0];
  EXPECT_NEAR(first["explain"]["bm25"].GetDouble() +
                  first["explain"]["recency"].GetDouble(),
              first["score"].GetDouble(), 1e-9);
}

TEST_F(SampleCliTest, RecencyWeightZeroMatchesRelevanceWithDashedFlags) {
  const std::string hybrid0 =
      RunCommand(
          Search(
              db_,
              std::string(kNow) +
                  "--json --limit 20 --recency-weight 0 --half-life 36h flood"))
          .out;
  const std::string relevance =
      RunCommand(Search(db_, std::string(kNow) +
                                 "--json --limit 20 --sort relevance flood"))
          .out;
  rapidjson::Document a = ParseJson(hybrid0), b = ParseJson(relevance);
  ASSERT_EQ(a["results"].Size(), b["results"].Size());
  ASSERT_GT(a["results"].Size(), 3u);
  for (rapidjson::SizeType i = 0; i < a["results"].Size(); ++i) {
    EXPECT_STREQ(a["results"][i]["id"].GetString(),
                 b["results"][i]["id"].GetString());
  }
}

TEST_F(SampleCliTest, FacetsAndRepeatedFilters) {
  rapidjson::Document json = ParseJson(
      RunCommand(
          Search(db_,
                 std::string(kNow) +
                     "--json --no-fold --limit 100 --facets "
                     "date,topic,source,kind,section "
                     "--interval week --tz Europe/Paris --filter topic=strike "
                     "--filter topic=flood --filter=source=northwind-wire ''"))
          .out);
  const int64_t total = json["total"]["value"].GetInt64();
  ASSERT_GT(total, 3);
  for (const auto& r : json["results"].GetArray()) {
    EXPECT_STREQ(r["source"].GetString(), "northwind-wire");
  }
  const auto& facets = json["facets"];
  EXPECT_STREQ(facets["date"]["interval"].GetString(), "week");
  EXPECT_STREQ(facets["date"]["tz"].GetString(), "Europe/Paris");
  int64_t in_weeks = 0;
  for (const auto& b : facets["date"]["buckets"].GetArray())
    in_weeks += b["count"].GetInt64();
  EXPECT_EQ(in_weeks, total);
  ASSERT_EQ(facets["source"].Size(), 1u);
  EXPECT_EQ(facets["source"][0]["count"].GetInt64(), total);
  int64_t kinds = 0;
  for (const auto& k : facets["kind"].GetArray())
    kinds += k["count"].GetInt64();
  EXPECT_EQ(kinds, total);
  EXPECT_TRUE(facets["section"].IsArray());

  // On a terminal: one compact line per facet.
  testing::CommandResult text = RunCommand(Search(
      db_, std::string(kNow) + "--facets date,topic --filter topic=strike ''"));
  EXPECT_THAT(
      text.out,
      MatchesRegex("(.|\n)*  date by (day|week) \\(UTC\\): 2026-(.|\n)*"));
  EXPECT_THAT(text.out,
              MatchesRegex("(.|\n)*  topic: .*strike \\([0-9]+\\)(.|\n)*"));
}

TEST_F(SampleCliTest, RankingAndFacetFlagErrors) {
  for (const char* args :
       {"--half-life soon x", "--now yesterday x", "--interval fortnight x",
        "--facets mood x", "--filter topic x", "--count docs x"}) {
    testing::CommandResult r = RunCommand(Search(db_, args));
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_THAT(r.err, HasSubstr("newsearch: error:")) << args;
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST_F(SampleCliTest, FacetsCountStoriesWhenFoldedOrReportsWhenAsked) {
  auto count_kinds = [&](const std::string& flags) {
    rapidjson::Document json =
        ParseJson(RunCommand(Search(db_, "--json --limit 0 --facets kind " +
                                             flags + " strike"))
                      .out);
    int64_t kinds = 0;
    for (const auto& k : json["facets"]["kind"].GetArray())
      kinds += k["count"].GetInt64();
    return std::make_tuple(std::string(json["facet_count"].GetString()), kinds,
                           json["total"]["value"].GetInt64(),
                           json["total"]["reports"].GetInt64());
  };
  const auto [counted, kinds, stories, reports] = count_kinds("");
  EXPECT_EQ(counted, "stories");
  EXPECT_LT(stories, reports);  // some reports of the sample fold
  // A story's reports can be of two kinds (article and timeline entry).
  EXPECT_GE(kinds, stories);
  EXPECT_LT(kinds, reports);
  const auto [counted2, kinds2, stories2, reports2] =
      count_kinds("--count reports");
  EXPECT_EQ(counted2, "reports");
  EXPECT_EQ(kinds2, reports2);
}

// data/README.md lists the sample's reworded cross-outlet reports; these
// fold (the strike ballot pair, at similarity 0.23, stays apart).
TEST_F(SampleCliTest, RewordedReportsOfOneEventFold) {
  for (const auto& [query, id, outlet] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"Markovic concedes", "nw-2026-1116-election-result",
            "meridian-daily"},
           {"Vell bursts banks", "nw-2026-1019-brackenford-flood",
            "meridian-daily"},
           {"strike begins walk out", "hg-2026-1005-picket-lines",
            "northwind-wire"},
           {"RSV interim", "nw-2026-1022-calder-rsv", "meridian-daily"}}) {
    rapidjson::Document json = ParseJson(
        RunCommand(Search(db_, "--json --limit 1 " + Quote(query))).out);
    ASSERT_EQ(json["results"].Size(), 1u) << query;
    const auto& first = json["results"][0];
    EXPECT_THAT(first["id"].GetString(), HasSubstr(id)) << query;
    EXPECT_EQ(first["more_reports"].GetInt(), 1) << query;
    ASSERT_EQ(first["outlets"].Size(), 1u) << query;
    EXPECT_EQ(first["outlets"][0].GetString(), outlet) << query;
  }
}

TEST_F(SampleCliTest, NamesSpelledManyWaysAndDidYouMean) {
  auto total = [&](const std::string& query) {
    return ParseJson(RunCommand(Search(db_, "--json --no-fold --limit 0 " +
                                                Quote(query)))
                         .out)["total"]["value"]
        .GetInt64();
  };
  // data/variants.txt joins the transliterations of Petrenko's first name;
  // accents fold (Marković = Markovic); quotes ask for the exact form.
  const int64_t oleksandr = total("Oleksandr");
  EXPECT_GT(oleksandr, 3);
  EXPECT_EQ(total("Olexandr"), oleksandr);
  EXPECT_EQ(total("aleksandr"), oleksandr);
  EXPECT_GT(total("Markovic"), total("\"Markovic\""));
  EXPECT_EQ(total("Markovic"), total("Marković"));
  EXPECT_GT(total("\"Marković\""), 0);

  rapidjson::Document json =
      ParseJson(RunCommand(Search(db_, "--json petrenco strike")).out);
  ASSERT_TRUE(json["suggestion"].IsString());
  EXPECT_STREQ(json["suggestion"].GetString(), "petrenko strike");
  EXPECT_THAT(RunCommand(Search(db_, "petrenco strike")).out,
              HasSubstr("Did you mean: petrenko strike?"));
}

TEST_F(CliTest, StoryKeysCanBeTurnedOff) {
  const std::string sample = Quote(testing::SourceDir() + "/data/sample");
  ASSERT_EQ(RunCommand(Index(db_, sample)).exit_code, 0);
  rapidjson::Document with =
      ParseJson(RunCommand(Search(db_, "--json --limit 0 ''")).out);
  EXPECT_LT(with["total"]["value"].GetInt(), with["total"]["reports"].GetInt());
  const std::string other = dir_ + "/nostories";
  ASSERT_EQ(RunCommand(Index(other, "--story_keys=false " + sample)).exit_code,
            0);
  rapidjson::Document without =
      ParseJson(RunCommand(Search(other, "--json --limit 0 ''")).out);
  EXPECT_EQ(without["total"]["value"].GetInt(),
            without["total"]["reports"].GetInt());
}

// --spelling=false must reach the writer in both modes: a positional
// IndexWriterOptions list once put it into another field, so the flag was
// ignored (and the story keyer's cache bound became 1).
TEST_F(CliTest, SpellingCanBeTurnedOff) {
  const std::string sample = Quote(testing::SourceDir() + "/data/sample");
  auto suggestion = [&](const std::string& db) {
    rapidjson::Document json =
        ParseJson(RunCommand(Search(db, "--json petrenco strike")).out);
    return json.HasMember("suggestion") && json["suggestion"].IsString()
               ? std::string(json["suggestion"].GetString())
               : std::string("(none)");
  };
  ASSERT_EQ(RunCommand(Index(db_, sample)).exit_code, 0);
  EXPECT_EQ(suggestion(db_), "petrenko strike");
  for (const std::string mode : {"add", "reindex"}) {
    const std::string other = dir_ + "/nospelling-" + mode;
    testing::CommandResult r =
        RunCommand(testing::NewsindexPath() + " " + mode + " --db " +
                   Quote(other) + (mode == "reindex" ? " --grace 0s" : "") +
                   " --quiet --spelling=false " + sample);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(suggestion(other), "(none)") << mode;
  }
}

TEST_F(SampleCliTest, DeleteBySourceAndDateThenAgain) {
  auto total = [&](const std::string& query) {
    return ParseJson(RunCommand(Search(db_, "--json --no-fold --limit 0 " +
                                                Quote(query)))
                         .out)["total"]["value"]
        .GetInt64();
  };
  const int64_t all = total("");
  const int64_t selected =
      total("source:northwind-wire date:2026-11-01..2026-11-30");
  ASSERT_GT(selected, 2);
  const std::string command =
      testing::NewsindexPath() + " delete --db " + Quote(db_) +
      " --delete_source northwind-wire --from 2026-11-01 --until 2026-11-30";
  testing::CommandResult r = RunCommand(command);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("deleted " + std::to_string(selected) + " documents"));
  EXPECT_EQ(total(""), all - selected);
  r = RunCommand(command);  // again: nothing left to delete
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("deleted 0 documents"));
  // By id; with no criterion at all it refuses.
  r = RunCommand(testing::NewsindexPath() + " delete --db " + Quote(db_) +
                 " hg-2026-1005-picket-lines");
  EXPECT_THAT(r.err, HasSubstr("deleted 1 document\n"));
  r = RunCommand(testing::NewsindexPath() + " delete --db " + Quote(db_));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("never deletes everything"));
  EXPECT_EQ(total(""), all - selected - 1);
}

TEST_F(CliTest, IndexUsageErrors) {
  EXPECT_EQ(RunCommand(testing::NewsindexPath() + " some.jsonl").exit_code, 2);
  testing::CommandResult r =
      RunCommand(Index(db_, "--page_tz Mars/Base x.txt"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown time zone 'Mars/Base'"));
  r = RunCommand(Index(db_, "--batch_size -5 x.jsonl"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--batch_size must be >= 0"));
}

}  // namespace
}  // namespace newsearch
