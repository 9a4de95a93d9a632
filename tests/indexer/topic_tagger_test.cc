// TopicTagger with the shipped taxonomy (hand-written documents land in the
// topics a reader expects) and with small inline taxonomies (phrases, the
// threshold, errors).
#include "indexer/topic_tagger.h"

#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "newsearch/topics.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

NewsDocument Doc(std::string title, std::string body = "",
                 std::string language = "en") {
  NewsDocument doc;
  doc.title = std::move(title);
  doc.body = std::move(body);
  doc.language = std::move(language);
  return doc;
}

class ShippedTaxonomyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TopicTagger> tagger =
        TopicTagger::LoadFile(testing::SourceDir() + "/data/taxonomy.json");
    ASSERT_THAT(tagger, IsOk());
    tagger_.emplace(std::move(*tagger));
  }
  std::string Best(const NewsDocument& doc) const {
    const std::vector<std::string> topics = tagger_->Infer(doc);
    return topics.empty() ? "" : topics.front();
  }
  std::optional<TopicTagger> tagger_;
};

TEST_F(ShippedTaxonomyTest, HasEighteenOrMoreTopicsWithUniqueSlugs) {
  EXPECT_GE(tagger_->topics().size(), 18u);
  std::set<std::string> slugs;
  for (const TopicTagger::Topic& topic : tagger_->topics()) {
    EXPECT_TRUE(slugs.insert(topic.slug).second) << topic.slug;
    EXPECT_EQ(topic.slug, TopicSlug(topic.name));
  }
  EXPECT_EQ(tagger_->fallback().slug, "general");
  EXPECT_EQ(tagger_->fallback().name, "General");
  EXPECT_EQ(slugs.count("general"), 0u);
}

TEST_F(ShippedTaxonomyTest, ShootingIsCrimeAndJustice) {
  EXPECT_EQ(Best(Doc("Gunman opens fire outside nightclub, suspect arrested",
                     "Police said two people were shot dead in the early "
                     "hours. A 24-year-old man was arrested on suspicion of "
                     "murder and remains in custody. Detectives appealed for "
                     "witnesses; prosecutors are expected to charge him.")),
            "Crime & Justice");
}

TEST_F(ShippedTaxonomyTest, PeaceTalksAreDiplomacyOrConflict) {
  const std::vector<std::string> topics = tagger_->Infer(
      Doc("Envoys resume peace talks as ceasefire holds",
          "Negotiators from both sides met in Geneva under United Nations "
          "mediation. The foreign minister said a peace agreement could be "
          "signed within weeks if troops withdraw from the front line and "
          "shelling stops."));
  ASSERT_FALSE(topics.empty());
  EXPECT_THAT(topics.front(), AnyOf("Diplomacy", "Conflict & War"));
  EXPECT_THAT(topics, Contains("Diplomacy"));
}

TEST_F(ShippedTaxonomyTest, FootballMatchIsSport) {
  EXPECT_EQ(Best(Doc("Rovers snatch late winner in derby",
                     "The striker scored in the 89th minute after the "
                     "goalkeeper parried a free kick, lifting the club to "
                     "third in the league. The head coach praised the fans "
                     "who filled the stadium.")),
            "Sport");
}

TEST_F(ShippedTaxonomyTest, ShortTimelineEntryGetsATopic) {
  NewsDocument entry = Doc("Storm closes the harbour");
  entry.kind = Kind::kTimeline;
  EXPECT_EQ(Best(entry), "Weather");
  NewsDocument summary_only;
  summary_only.kind = Kind::kTimeline;
  summary_only.title = "Late news";
  summary_only.summary = "Hospital waiting lists grow as flu cases rise.";
  EXPECT_EQ(Best(summary_only), "Health");
}

TEST_F(ShippedTaxonomyTest, NoKnownWordsGivesGeneral) {
  EXPECT_THAT(tagger_->Infer(Doc("Lorem ipsum dolor sit amet")),
              ElementsAre("General"));
  EXPECT_THAT(tagger_->Infer(Doc("1987 2026 42")), ElementsAre("General"));
  EXPECT_TRUE(tagger_->Score(Doc("Lorem ipsum")).empty());
}

TEST_F(ShippedTaxonomyTest, FrenchAndGermanDocumentsUseTheirOwnTerms) {
  EXPECT_EQ(Best(Doc("Présidentielle : les électeurs appelés aux urnes",
                     "Les bureaux de vote ouvrent dimanche. Selon le dernier "
                     "sondage, le candidat sortant reste en tête du scrutin.",
                     "fr")),
            "Elections & Politics");
  const std::vector<std::string> strike =
      tagger_->Infer(Doc("Grève à la SNCF : un train sur deux annulé",
                         "Les syndicats de cheminots réclament une hausse des "
                         "salaires.",
                         "fr-FR"));
  EXPECT_THAT(strike, Contains("Labour & Employment"));
  EXPECT_THAT(strike, Contains("Transport"));
  EXPECT_EQ(
      Best(Doc("Hochwasser: Feuerwehr evakuiert Dorf",
               "Nach tagelangem Regen trat der Fluss über die Ufer.", "de")),
      "Disasters & Accidents");
}

TEST_F(ShippedTaxonomyTest, AtMostThreeTopicsBestFirst) {
  const NewsDocument doc =
      Doc("Election, strike, storm and a football final",
          "The election campaign, a port strike over wages, a storm with "
          "heavy rain, the football cup final, an oil price shock, a vaccine "
          "trial in hospitals and a murder trial in court all made news.");
  const std::vector<TopicTagger::ScoredTopic> scored = tagger_->Score(doc);
  ASSERT_GT(scored.size(), 3u);
  for (size_t i = 1; i < scored.size(); ++i) {
    EXPECT_GE(scored[i - 1].score, scored[i].score);
  }
  const std::vector<std::string> topics = tagger_->Infer(doc);
  ASSERT_GE(topics.size(), 1u);
  EXPECT_LE(topics.size(), 3u);
  EXPECT_EQ(topics.front(), tagger_->topics()[scored[0].topic].name);
}

TEST_F(ShippedTaxonomyTest, ConcurrentUseGivesTheSameAnswers) {
  const NewsDocument doc = Doc("Central bank raises interest rates",
                               "Inflation and economic growth worry markets.");
  const std::vector<std::string> expected = tagger_->Infer(doc);
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (auto& result : got) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) result = tagger_->Infer(doc);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& result : got) EXPECT_EQ(result, expected);
}

// A tiny taxonomy: phrase matching and thresholds, independent of the
// shipped data.
constexpr char kTiny[] = R"({
  "topics": [
    {"slug": "diplomacy", "name": "Diplomacy",
     "terms": {"en": {"peace talks": 3}}},
    {"slug": "meetings", "name": "Meetings", "terms": {"en": {"talk": 1}}},
    {"slug": "weather", "name": "Weather",
     "terms": {"en": {"storm": 3}, "fr": {"tempête": 3}}}
  ]
})";

TEST(TopicTaggerTest, PhrasesAreSequencesOfStemsWithinOneField) {
  absl::StatusOr<TopicTagger> tagger = TopicTagger::FromJson(kTiny, "tiny");
  ASSERT_THAT(tagger, IsOk());
  // The phrase and its word both count; the word alone is too weak to
  // pass the threshold beside it.
  EXPECT_THAT(tagger->Infer(Doc("Peace talks resume")),
              ElementsAre("Diplomacy"));
  const auto scored = tagger->Score(Doc("Peace talks resume"));
  ASSERT_EQ(scored.size(), 2u);
  EXPECT_EQ(tagger->topics()[scored[1].topic].name, "Meetings");
  // Stemmed: "talk" matches "talking"; the phrase needs its words in order.
  EXPECT_THAT(tagger->Infer(Doc("Talking about peace")),
              ElementsAre("Meetings"));
  NewsDocument split = Doc("Calls for peace");
  split.summary = "Talks resume";
  EXPECT_THAT(tagger->Infer(split), ElementsAre("Meetings"));
}

TEST(TopicTaggerTest, UnknownLanguageUsesEnglishTerms) {
  absl::StatusOr<TopicTagger> tagger = TopicTagger::FromJson(kTiny, "tiny");
  ASSERT_THAT(tagger, IsOk());
  EXPECT_THAT(tagger->Infer(Doc("Storm warning", "", "")),
              ElementsAre("Weather"));
  EXPECT_THAT(tagger->Infer(Doc("Storm warning", "", "es")),
              ElementsAre("Weather"));
  EXPECT_THAT(tagger->Infer(Doc("La tempête arrive", "", "fr")),
              ElementsAre("Weather"));
  // French documents use the French terms only.
  EXPECT_THAT(tagger->Infer(Doc("Storm", "", "fr")), ElementsAre("General"));
}

TEST(TopicTaggerTest, WeakSecondTopicsAreLeftOut) {
  absl::StatusOr<TopicTagger> tagger = TopicTagger::FromJson(kTiny, "tiny");
  ASSERT_THAT(tagger, IsOk());
  // One passing mention of "talks" in a long storm story.
  std::string body;
  for (int i = 0; i < 30; ++i) body += "The storm hit the coast again. ";
  body += "Officials will talk tomorrow.";
  EXPECT_THAT(tagger->Infer(Doc("Storm batters the coast", body)),
              ElementsAre("Weather"));
}

TEST(TopicTaggerTest, MalformedJsonIsAnErrorNamingTheFile) {
  const std::string path = testing::MakeTempDir("tax") + "/broken.json";
  testing::WriteFile(path, "{\"topics\": [");
  EXPECT_THAT(TopicTagger::LoadFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(path), HasSubstr("invalid JSON"))));
  EXPECT_THAT(TopicTagger::LoadFile(path + ".missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(path)));
}

TEST(TopicTaggerTest, InvalidTaxonomiesSayWhatIsWrong) {
  const struct {
    const char* json;
    const char* message;
  } cases[] = {
      {"[]", "must be a JSON object"},
      {"{}", "'topics' must be a non-empty array"},
      {R"({"topics": [{"slug": "sport", "terms": {"en": {"goal": 1}}}]})",
       "topic 1: 'name' must be a non-empty string"},
      {R"({"topics": [{"slug": "sports", "name": "Sport",
                       "terms": {"en": {"goal": 1}}}]})",
       "slug 'sports' is not the slug of its name, 'sport'"},
      {R"({"topics": [{"slug": "sport", "name": "Sport",
                       "terms": {"en": {"goal": 1}}},
                      {"slug": "sport", "name": "Sport",
                       "terms": {"en": {"goal": 1}}}]})",
       "topic 2 ('Sport'): duplicate slug 'sport'"},
      {R"({"topics": [{"slug": "sport", "name": "Sport",
                       "terms": {"en": {"goal": "high"}}}]})",
       "term 'goal': weight must be a number"},
      {R"({"topics": [{"slug": "sport", "name": "Sport",
                       "terms": {"en": {"goal": -1}}}]})",
       "term 'goal': weight must be a number"},
      {R"({"topics": [{"slug": "sport", "name": "Sport",
                       "terms": {"xx": {"goal": 1}}}]})",
       "language 'xx': not a language code that Xapian can stem"},
      {R"({"topics": [{"slug": "sport", "name": "Sport",
                       "terms": {"en": {"2024": 1}}}]})",
       "term '2024': must have 1 to 6 words"},
      {R"({"topics": [{"slug": "sport", "name": "Sport", "terms": {}}]})",
       "'terms' must be an object of languages to terms"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(TopicTagger::FromJson(c.json, "tax.json"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("tax.json: "), HasSubstr(c.message))))
        << c.json;
  }
}

TEST(TopicTaggerTest, StemmedWordsSplitsLowerCasesAndStems) {
  StemmedWords words("en");
  std::vector<std::string> stems;
  words.ForEach("The Senators' VOTES, l'économie 2024 x_y Ünïcode",
                [&](const std::string& stem) { stems.push_back(stem); });
  EXPECT_THAT(stems, ElementsAre("the", "senat", "vote", "l", "économi", "x_i",
                                 "ünïcode"));
  EXPECT_THAT(stems, Not(Contains("2024")));
}

}  // namespace
}  // namespace newsearch
