#include "newsearch/folding.h"

#include "gtest/gtest.h"

namespace newsearch {
namespace {

TEST(FoldAccentsTest, FoldsLatinDiacriticsAndLigatures) {
  EXPECT_EQ(FoldAccents("Erdoğan"), "Erdogan");
  EXPECT_EQ(FoldAccents("Hôtel de Ville"), "Hotel de Ville");
  EXPECT_EQ(FoldAccents("straße"), "strasse");
  EXPECT_EQ(FoldAccents("Œuvre Ærø Łódź"), "OEuvre AEro Lodz");
  EXPECT_EQ(FoldAccents("Zelenskyy"), "Zelenskyy");
}

TEST(FoldAccentsTest, FoldsDecomposedAccents) {
  // "e" followed by U+0301 COMBINING ACUTE ACCENT.
  EXPECT_EQ(FoldAccents("caf"
                        "e\xCC\x81"),
            "cafe");
}

TEST(FoldAccentsTest, LeavesOtherScriptsAlone) {
  EXPECT_EQ(FoldAccents("Москва"), "Москва");
  EXPECT_EQ(FoldAccents("東京"), "東京");
}

TEST(FoldingStemmerTest, FoldsThenStems) {
  Xapian::Stem english = FoldingStemmer("en");
  EXPECT_EQ(english("erdoğan"), english("erdogan"));
  EXPECT_EQ(english("hôtels"), "hotel");
  EXPECT_EQ(english("talks"), "talk");
  Xapian::Stem french = FoldingStemmer("fr");
  EXPECT_EQ(french("élèves"), french("eleves"));
  // Repeated words come from the cache and stem the same.
  EXPECT_EQ(french("élèves"), french("élèves"));
}

TEST(FoldingStemmerTest, IndexesFoldedStemsAndExactWords) {
  Xapian::Document doc;
  Xapian::TermGenerator tg;
  tg.set_stemmer(FoldingStemmer("en"));
  tg.set_document(doc);
  tg.index_text("Erdoğan visits the Hôtel");
  std::vector<std::string> terms(doc.termlist_begin(), doc.termlist_end());
  const std::vector<std::string> expected = {"Zerdogan", "Zhotel",  "Zthe",
                                             "Zvisit",   "erdoğan", "hôtel",
                                             "the",      "visits"};
  EXPECT_EQ(terms, expected);
}

}  // namespace
}  // namespace newsearch
