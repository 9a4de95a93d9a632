#include "newsearch/topics.h"

#include "gtest/gtest.h"

namespace newsearch {
namespace {

TEST(TopicSlugTest, NormalisesCaseSpacingAndAccents) {
  EXPECT_EQ(TopicSlug("  Interest  Rates "), "interest-rates");
  EXPECT_EQ(TopicSlug("money-fx"), "money-fx");
  EXPECT_EQ(TopicSlug("Économie & Société"), "economie-societe");
  EXPECT_EQ(TopicSlug("Ferguson, Adam (1978- )"), "ferguson-adam-1978");
  EXPECT_EQ(TopicSlug("Москва"), "moskva");
  EXPECT_EQ(TopicSlug("+++"), "+++");  // nothing to slug: the name itself
  EXPECT_EQ(TopicSlug(""), "");
}

TEST(TopicDisplayNameTest, TrimsAndCollapses) {
  EXPECT_EQ(TopicDisplayName("  Interest \t Rates "), "Interest Rates");
}

TEST(TopicSetTest, RoundTripsSortedAndDeduplicated) {
  const std::string value = EncodeTopicSet(
      {{"wheat", "Wheat"}, {"grain", "grain"}, {"wheat", "WHEAT"}});
  std::vector<TopicEntry> topics = DecodeTopicSet(value);
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].slug, "grain");
  EXPECT_EQ(topics[1].slug, "wheat");
  EXPECT_EQ(topics[1].name, "Wheat");
  EXPECT_TRUE(DecodeTopicSet("").empty());
}

}  // namespace
}  // namespace newsearch
