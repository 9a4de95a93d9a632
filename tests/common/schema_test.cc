#include "newsearch/schema.h"

#include <set>

#include "gtest/gtest.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

TEST(SchemaTest, PrefixesAndQueryNamesAreUnique) {
  std::set<std::string> prefixes, names;
  for (const schema::FieldSpec& field : schema::Fields()) {
    EXPECT_TRUE(prefixes.insert(std::string(field.term_prefix)).second)
        << field.term_prefix;
    EXPECT_TRUE(names.insert(std::string(field.query_prefix)).second)
        << field.query_prefix;
  }
}

TEST(SchemaTest, SlotsAreDistinct) {
  std::set<Xapian::valueno> slots;
  for (Xapian::valueno slot :
       {schema::kSlotPublished, schema::kSlotDayKey, schema::kSlotHourKey,
        schema::kSlotStoryKey, schema::kSlotKind, schema::kSlotSource,
        schema::kSlotSection, schema::kSlotLanguage, schema::kSlotTopics,
        schema::kSlotStoryFeatures, schema::kSlotStoryFacets}) {
    EXPECT_TRUE(slots.insert(slot).second) << slot;
  }
}

TEST(SchemaTest, StoryFacetsRoundTrip) {
  const schema::StoryFacets in = {"abc", std::string("\x80\0x", 3), "",
                                  "wire:1", "a:b", "grain\tGrain"};
  schema::StoryFacets out;
  ASSERT_TRUE(schema::DecodeStoryFacets(schema::EncodeStoryFacets(in), &out));
  EXPECT_EQ(out.story, in.story);
  EXPECT_EQ(out.published, in.published);
  EXPECT_EQ(out.kind, in.kind);
  EXPECT_EQ(out.source, in.source);
  EXPECT_EQ(out.section, in.section);
  EXPECT_EQ(out.topics, in.topics);
  EXPECT_FALSE(schema::DecodeStoryFacets("", &out));
  EXPECT_FALSE(schema::DecodeStoryFacets("3:abc", &out));
  EXPECT_FALSE(schema::DecodeStoryFacets(
      schema::EncodeStoryFacets(in) + "x", &out));
  EXPECT_FALSE(schema::DecodeStoryFacets("99:a0:0:0:0:0:", &out));
}

TEST(SchemaTest, BooleanTermsAreNormalised) {
  EXPECT_EQ(schema::BooleanTerm(schema::kPrefixSection, " World  News "),
            "XSECworld news");
  EXPECT_EQ(schema::TopicTerm(" Interest  Rates "), "XTinterest-rates");
  EXPECT_EQ(schema::BooleanTerm(schema::kPrefixSource, "Euronews"),
            "XSRCeuronews");
  EXPECT_EQ(schema::IdTerm("reuters-1"), "Qreuters-1");
}

TEST(SchemaTest, LongValuesStayUnderTheTermLimitAndDistinct) {
  const std::string a(400, 'a');
  const std::string b = std::string(399, 'a') + "b";
  const std::string ta = schema::BooleanTerm(schema::kPrefixTopic, a);
  const std::string tb = schema::BooleanTerm(schema::kPrefixTopic, b);
  EXPECT_LE(ta.size(), schema::kMaxTermBytes);
  EXPECT_LE(tb.size(), schema::kMaxTermBytes);
  EXPECT_NE(ta, tb);
  // A long multi-byte value is not cut inside a character.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  EXPECT_TRUE(IsValidUtf8(schema::IdTerm(accents)));
  EXPECT_LE(schema::IdTerm(accents).size(), schema::kMaxTermBytes);
}

}  // namespace
}  // namespace newsearch
