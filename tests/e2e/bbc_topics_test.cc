// The learned topic model on the BBC News corpus of 2005
// (../shared/corpora/bbc-2005.jsonl: 2,225 articles, five categories:
// business, entertainment, politics, sport, tech). Split: the model learns
// from the records on even 0-based lines and labels those on odd lines; the
// category of every record is its first explicit topic.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "indexer/identity.h"
#include "indexer/news_record.h"
#include "indexer/topic_model.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

constexpr double kMinAccuracy = 0.93;

TEST(BbcTopicsTest, LearnedModelLabelsTheOtherHalf) {
  const std::string corpus = testing::SharedFile("corpora/bbc-2005.jsonl");
  ASSERT_FALSE(corpus.empty());
  std::vector<NewsDocument> train, test;
  std::ifstream in(corpus);
  std::string line;
  for (int number = 0; std::getline(in, line); ++number) {
    absl::StatusOr<NewsDocument> doc = ParseNewsRecord(line);
    ASSERT_TRUE(doc.ok()) << corpus << ":" << number + 1 << ": "
                          << doc.status();
    ASSERT_TRUE(PrepareDocument(&*doc).ok()) << corpus << ":" << number + 1;
    ASSERT_FALSE(doc->topics.empty()) << corpus << ":" << number + 1;
    (number % 2 == 0 ? train : test).push_back(std::move(*doc));
  }
  ASSERT_GT(test.size(), 1000u);

  const TopicModel model = TopicModel::Train(train);
  EXPECT_EQ(model.label_count(), 5u);
  int right = 0;
  for (const NewsDocument& doc : test) {
    const std::optional<TopicModel::Prediction> p = model.Predict(doc);
    right += p.has_value() && p->topic == doc.topics.front();
  }
  const double accuracy = static_cast<double>(right) / test.size();
  const std::string split =
      absl::StrFormat("learned from %d even lines, labelled %d odd lines",
                      train.size(), test.size());
  RecordProperty("accuracy", absl::StrFormat("%.4f", accuracy));
  RecordProperty("split", split);
  RecordProperty("vocabulary", static_cast<int>(model.vocabulary_size()));
  std::cout << absl::StrFormat(
      "BBC top-1 accuracy %.4f (%d/%d); %s; vocabulary %d words\n", accuracy,
      right, test.size(), split, model.vocabulary_size());
  EXPECT_GE(accuracy, kMinAccuracy);
}

}  // namespace
}  // namespace newsearch
