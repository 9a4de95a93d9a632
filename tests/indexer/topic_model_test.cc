// TopicModel: learning from a small hand-made set, predicting, the label
// rule, pruning, and the model file (round trip, errors).
#include "indexer/topic_model.h"

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

NewsDocument Doc(std::string title, std::string body,
                 std::vector<std::string> topics = {}) {
  NewsDocument doc;
  doc.title = std::move(title);
  doc.body = std::move(body);
  doc.topics = std::move(topics);
  doc.language = "en";
  return doc;
}

// Three labels, four documents each; every word that matters appears in at
// least kMinDocumentFrequency documents.
std::vector<NewsDocument> TrainingSet() {
  return {
      Doc("Striker scores twice as United win the derby",
          "The striker scored twice and the goalkeeper saved a penalty as "
          "the team won the league match.",
          {"Sport", "Football"}),
      Doc("Goalkeeper heroics send City into the cup final",
          "The goalkeeper saved three shots; the striker's goal won the cup "
          "match for the team.",
          {"Sport"}),
      Doc("League leaders held to a draw",
          "The team could not score; the striker missed a penalty and the "
          "league match ended goalless.",
          {" sport "}),
      Doc("Coach praises team after cup win",
          "The coach said the team and the goalkeeper earned the cup win; "
          "the striker scored the only goal of the match.",
          {"Sport"}),
      Doc("Central bank raises interest rates",
          "The central bank raised interest rates to curb inflation as the "
          "economy grew and prices rose.",
          {"Economy"}),
      Doc("Inflation slows as prices ease",
          "Inflation eased as prices fell; the central bank said the economy "
          "could cope with lower interest rates.",
          {"Economy", "Prices"}),
      Doc("Economy shrinks for a second quarter",
          "The economy contracted again; economists expect the bank to cut "
          "interest rates as inflation and prices fall.",
          {"Economy"}),
      Doc("Budget deficit widens",
          "Higher interest rates and inflation pushed the deficit up, the "
          "finance ministry said, as the economy and prices weakened.",
          {"Economy"}),
      Doc("Hospital trial shows vaccine protects patients",
          "Doctors at the hospital said the vaccine cut infections among "
          "patients in the trial.",
          {"Health"}),
      Doc("Flu cases fill hospital wards",
          "Patients with flu filled the hospital; doctors urged people to "
          "get the vaccine before infections peak.",
          {"Health"}),
      Doc("Doctors warn of winter infections",
          "Hospital doctors said infections rise in winter and patients "
          "should take the vaccine early.",
          {"Health"}),
      Doc("Vaccine uptake rises among older patients",
          "More patients took the vaccine this year, hospital doctors said, "
          "and infections fell.",
          {"Health"}),
      // Not learned from: no explicit topics.
      Doc("Unlabelled story", "The striker and the central bank."),
  };
}

TEST(TopicModelTest, LearnsFromDocumentsWithExplicitTopics) {
  const TopicModel model = TopicModel::Train(TrainingSet());
  EXPECT_EQ(model.documents(), 12);
  // "Sport" and " sport " have one slug: one label, named as first seen.
  EXPECT_EQ(model.label_count(), 3u);
  EXPECT_GT(model.vocabulary_size(), 10u);
}

TEST(TopicModelTest, PredictsTheRightLabel) {
  const TopicModel model = TopicModel::Train(TrainingSet());
  const struct {
    NewsDocument doc;
    std::string label;
  } cases[] = {
      {Doc("Late penalty wins it", "The striker scored in the cup match."),
       "Sport"},
      {Doc("Rates on hold",
           "The central bank kept interest rates as "
           "inflation slowed."),
       "Economy"},
      {Doc("New vaccine approved",
           "Doctors expect fewer hospital "
           "infections."),
       "Health"},
  };
  for (const auto& c : cases) {
    const std::optional<TopicModel::Prediction> p = model.Predict(c.doc);
    ASSERT_TRUE(p.has_value()) << c.doc.title;
    EXPECT_EQ(p->topic, c.label) << c.doc.title;
    EXPECT_GT(p->probability, 0.5) << c.doc.title;
    EXPECT_LE(p->probability, 1.0) << c.doc.title;
  }
}

TEST(TopicModelTest, LabelIsTheFirstExplicitTopicsDisplayName) {
  std::vector<NewsDocument> docs;
  for (int i = 0; i < 3; ++i) {
    docs.push_back(
        Doc("Wheat harvest", "Wheat crop.", {"  Farm   News ", "x"}));
    docs.push_back(Doc("Stock market", "Shares fell.", {"Markets", "Farm"}));
  }
  const TopicModel model = TopicModel::Train(docs);
  EXPECT_EQ(model.label_count(), 2u);
  const auto p = model.Predict(Doc("Wheat", ""));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->topic, "Farm News");
}

TEST(TopicModelTest, NoKnownWordsGivesNothing) {
  const TopicModel model = TopicModel::Train(TrainingSet());
  EXPECT_FALSE(model.Predict(Doc("Lorem ipsum", "dolor sit amet")));
  EXPECT_FALSE(model.Predict(Doc("", "")));
  // "derby" occurs in one training document only: pruned.
  EXPECT_FALSE(model.Predict(Doc("Derby", "")));
  EXPECT_FALSE(TopicModel::Train({}).Predict(Doc("Striker", "")));
}

TEST(TopicModelTest, SaveAndLoadGiveTheSamePredictions) {
  const TopicModel model = TopicModel::Train(TrainingSet());
  const std::string path = testing::MakeTempDir("model") + "/model.json";
  ASSERT_THAT(model.Save(path), IsOk());
  absl::StatusOr<TopicModel> loaded = TopicModel::Load(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->documents(), model.documents());
  EXPECT_EQ(loaded->label_count(), model.label_count());
  EXPECT_EQ(loaded->vocabulary_size(), model.vocabulary_size());
  for (const NewsDocument& doc : TrainingSet()) {
    const auto before = model.Predict(doc);
    const auto after = loaded->Predict(doc);
    ASSERT_EQ(before.has_value(), after.has_value()) << doc.title;
    if (!before) continue;
    EXPECT_EQ(after->topic, before->topic) << doc.title;
    EXPECT_NEAR(after->probability, before->probability, 1e-3) << doc.title;
  }
  // The file is JSON as documented.
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document json;
  json.Parse(text.str().c_str());
  ASSERT_FALSE(json.HasParseError());
  EXPECT_STREQ(json["format"].GetString(), "newsearch-topic-model");
  EXPECT_EQ(json["labels"].Size(), 3u);
}

TEST(TopicModelTest, BadFilesAreClearErrorsNamingTheFile) {
  const std::string dir = testing::MakeTempDir("bad");
  const struct {
    const char* content;
    const char* message;
  } cases[] = {
      {"{\"format\": ", "invalid JSON"},
      {"{\"format\": \"something-else\"}", "not a topic model"},
      {R"({"format": "newsearch-topic-model", "version": 9})",
       "unsupported version"},
      {R"({"format": "newsearch-topic-model", "version": 1, "documents": 1,
           "labels": [{"name": "Sport", "documents": 1}],
           "vocabulary": {"goal": [[3, 1.5]]}})",
       "word 'goal': each entry must be [label index < 1, positive count]"},
      {R"({"format": "newsearch-topic-model", "version": 1, "documents": 1,
           "labels": [{"name": "", "documents": 1}], "vocabulary": {}})",
       "label 1: 'name' must be a non-empty string"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string path = dir + "/model" + std::to_string(++i) + ".json";
    testing::WriteFile(path, c.content);
    EXPECT_THAT(TopicModel::Load(path),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(path + ": "), HasSubstr(c.message))))
        << c.content;
  }
  EXPECT_THAT(
      TopicModel::Load(dir + "/missing.json"),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr(dir + "/missing.json")));
  EXPECT_THAT(TopicModel::Train(TrainingSet()).Save(dir + "/no/such/dir.json"),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr(dir + "/no/such/dir.json")));
}

}  // namespace
}  // namespace newsearch
