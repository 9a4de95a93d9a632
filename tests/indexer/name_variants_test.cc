#include "indexer/name_variants.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "newsearch/folding.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(NameVariantsTest, ParsesGroupsAndComments) {
  auto variants = NameVariants::Parse(
      "# people\nZelensky Zelenskyy  Selenskyj # comment\n\nKyiv\tKiev\n",
      "v.txt");
  ASSERT_THAT(variants, IsOk());
  EXPECT_THAT(variants->groups(),
              ElementsAre(ElementsAre("zelensky", "zelenskyy", "selenskyj"),
                          ElementsAre("kyiv", "kiev")));
}

TEST(NameVariantsTest, ReportsFileAndLine) {
  EXPECT_THAT(NameVariants::Parse("Kyiv Kiev\nKiev Kiew\n", "v.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("v.txt:2: error: 'Kiev' is already in the "
                                 "group on line 1")));
  EXPECT_THAT(NameVariants::Parse("# x\nal-Qaeda alQaeda\n", "v.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("v.txt:2: error: 'al-Qaeda' is not a single "
                                 "word")));
  EXPECT_THAT(NameVariants::Parse("Kyiv\n", "v.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("v.txt:1: error: a group needs two")));
  EXPECT_THAT(NameVariants::Parse("Kyiv \xff\n", "v.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("v.txt:1: error: invalid UTF-8")));
}

TEST(NameVariantsTest, FormsThatFoldAlikeAreOneForm) {
  auto variants =
      NameVariants::Parse("Erdogan Erdoğan\nBaecker Bäcker\n", "v.txt");
  // Erdoğan folds to Erdogan: a group of one, which is an error...
  EXPECT_THAT(variants, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("v.txt:1: error: a group needs")));
  // ...while Bäcker folds to "backer", another word than Baecker.
  EXPECT_THAT(NameVariants::Parse("Baecker Bäcker\n", "v.txt"), IsOk());
}

TEST(NameVariantsTest, StemsThatCouldBeOtherWordsAreNeitherKeysNorSynonyms) {
  // German stems "backer" (folded Bäcker) to "back": an English query for
  // "back" must not expand to the name, nor the name to "back".
  auto variants = NameVariants::Parse("Baecker Bäcker\n", "v.txt");
  ASSERT_THAT(variants, IsOk());
  const auto entries = variants->SynonymEntries();
  EXPECT_EQ(entries.count("Zback"), 0u);
  ASSERT_EQ(entries.count("Zbaecker"), 1u);
  EXPECT_THAT(entries.at("Zbaecker"), Not(Contains("Zback")));
  EXPECT_THAT(entries.at("Zbaecker"), Contains("Zbacker"));
}

TEST(NameVariantsTest, WholeWordStemsOfOtherLanguagesJoin) {
  // English stems "zelensky" to "zelenski"; German leaves it whole, so
  // German documents have "Zzelensky".
  Xapian::Stem english = FoldingStemmer("en");
  ASSERT_EQ(english("zelensky"), "zelenski");
  auto variants = NameVariants::Parse("Zelensky Zelenskyy\n", "v.txt");
  ASSERT_THAT(variants, IsOk());
  const auto entries = variants->SynonymEntries();
  const std::string en_stem = "Z" + english("zelenskyy");
  ASSERT_EQ(entries.count(en_stem), 1u);
  EXPECT_THAT(entries.at(en_stem), Contains("Zzelenski"));
  EXPECT_THAT(entries.at(en_stem), Contains("Zzelensky"));
}

TEST(NameVariantsTest, SynonymsLinkTheStemmedFormsOfAGroup) {
  auto variants = NameVariants::Parse("Kyiv Kiev\n", "v.txt");
  ASSERT_THAT(variants, IsOk());
  const auto entries = variants->SynonymEntries();
  ASSERT_EQ(entries.count("Zkyiv"), 1u);
  EXPECT_THAT(entries.at("Zkyiv"), Contains("Zkiev"));
  EXPECT_THAT(entries.at("Zkyiv"), Not(Contains("Zkyiv")));
  EXPECT_THAT(entries.at("Zkiev"), Contains("Zkyiv"));
  // Title words (prefix S) are linked among themselves.
  EXPECT_THAT(entries.at("ZSkiev"), Contains("ZSkyiv"));
  EXPECT_THAT(entries.at("ZSkiev"), Not(Contains("Zkyiv")));
}

// WriteSynonyms' answer; a failure is a test failure and reads as false.
bool Written(const NameVariants& variants, Xapian::WritableDatabase& db) {
  absl::StatusOr<bool> written = variants.WriteSynonyms(db);
  EXPECT_THAT(written, IsOk());
  return written.ok() && *written;
}

TEST(NameVariantsTest, WritesTheSynonymTableOnlyWhenItChanges) {
  const std::string path = testing::MakeTempDir("db");
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
  auto first = NameVariants::Parse("Kyiv Kiev\nOdesa Odessa\n", "v.txt");
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(Written(*first, db));
  EXPECT_FALSE(Written(*first, db));
  auto second = NameVariants::Parse("Kyiv Kiev\n", "v.txt");
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(Written(*second, db));
  Xapian::Database reader(path);
  std::vector<std::string> kiev(reader.synonyms_begin("Zkiev"),
                                reader.synonyms_end("Zkiev"));
  EXPECT_THAT(kiev, Contains("Zkyiv"));
  // Odesa was dropped from the list, and so from the table.
  EXPECT_EQ(reader.synonyms_begin("Zodessa"), reader.synonyms_end("Zodessa"));
}

TEST(NameVariantsTest, ShippedListParses) {
  auto variants =
      NameVariants::LoadFile(testing::SourceDir() + "/data/variants.txt");
  ASSERT_THAT(variants, IsOk());
  EXPECT_GT(variants->groups().size(), 30u);
}

}  // namespace
}  // namespace newsearch
