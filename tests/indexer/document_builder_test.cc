// DocumentBuilder's two steps must add up to what one TermGenerator with
// FLAG_SPELLING wrote before they were split (see document_builder.h).
#include "indexer/document_builder.h"

#include <xapian.h>

#include <map>
#include <string>

#include "gtest/gtest.h"
#include "newsearch/schema.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

std::map<std::string, Xapian::doccount> Spellings(const Xapian::Database& db) {
  std::map<std::string, Xapian::doccount> out;
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) {
    out[*it] = it.get_termfreq();
  }
  return out;
}

NewsDocument Doc() {
  NewsDocument doc;
  doc.id = "d1";
  doc.title = "Vell flood: Vell river floods the old town";
  doc.summary = "Flood waters rise in Vell.";
  doc.body =
      "The river rose overnight.\n\nThe old town of Vell was flooded; "
      "the flood is the worst since 1987. Café owners bailed water.";
  doc.language = "en";
  doc.source = "gazette";
  doc.story_key = "s1";
  return doc;
}

TEST(DocumentBuilderTest, SpellingCountsEveryOccurrenceLikeTermGenerator) {
  const NewsDocument doc = Doc();
  // The in-memory backend has no spelling table: glass in a scratch dir.
  Xapian::WritableDatabase expected(testing::MakeTempDir("expected"),
                                    Xapian::DB_CREATE);
  {
    // What FLAG_SPELLING does: each bare word once per occurrence, the
    // title's extra weight and prefixed copy not counted.
    Xapian::TermGenerator tg;
    tg.set_database(expected);
    tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
    Xapian::Document scratch;
    tg.set_document(scratch);
    tg.index_text(doc.title, schema::kTitleWeight);
    tg.index_text(doc.title, 1, schema::kPrefixTitle);
    tg.index_text(doc.summary);
    tg.index_text(doc.body);
  }
  Xapian::WritableDatabase actual(testing::MakeTempDir("actual"),
                                  Xapian::DB_CREATE);
  DocumentBuilder builder;
  Xapian::Document xdoc = builder.Build(doc);
  FinishDocument(doc, &xdoc);
  AddSpelling(xdoc, &actual);
  expected.commit();
  actual.commit();
  // ... except words with digits, which are left out.
  auto wanted = Spellings(expected);
  ASSERT_EQ(wanted.count("1987"), 1u);
  wanted.erase("1987");
  const auto spellings = Spellings(actual);
  EXPECT_EQ(spellings, wanted);
  EXPECT_EQ(spellings.at("vell"), 4u);
  EXPECT_EQ(spellings.count("Zflood"), 0u);
  EXPECT_EQ(spellings.count("1987"), 0u);
}

TEST(DocumentBuilderTest, FinishAddsTheStoryKeyAndData) {
  NewsDocument doc = Doc();
  DocumentBuilder builder;
  Xapian::Document xdoc = builder.Build(doc);
  EXPECT_TRUE(xdoc.get_value(schema::kSlotStoryKey).empty());
  EXPECT_TRUE(xdoc.get_data().empty());
  FinishDocument(doc, &xdoc);
  EXPECT_EQ(xdoc.get_value(schema::kSlotStoryKey), "s1");
  schema::StoryFacets facets;
  ASSERT_TRUE(schema::DecodeStoryFacets(
      xdoc.get_value(schema::kSlotStoryFacets), &facets));
  EXPECT_EQ(facets.story, "s1");
  EXPECT_EQ(facets.source, "gazette");
  EXPECT_FALSE(xdoc.get_data().empty());
}

}  // namespace
}  // namespace newsearch
