#include "newsearch/text.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace newsearch {
namespace {

TEST(Utf8Test, ValidatesAndLocatesBadBytes) {
  EXPECT_TRUE(IsValidUtf8("Zelenskyy, Orbán, Москва"));
  EXPECT_FALSE(IsValidUtf8("bad \xC3\x28 byte"));
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_FALSE(IsValidUtf8(std::string("nul\0byte", 8)));
  EXPECT_EQ(FirstInvalidUtf8(std::string("nul\0byte", 8)), 3u);
  EXPECT_EQ(FirstInvalidUtf8("fine"), absl::string_view::npos);
}

TEST(EraseEmptyAndDuplicatesTest, KeepsTheFirstOfEachInOrder) {
  // Short strings (kept inside the string object) and long ones alike.
  const std::string long_a(100, 'a'), long_b(100, 'b');
  std::vector<std::string> items = {"b",    "",  "a",    long_a, "b",
                                    long_b, "a", long_a, "",     "c"};
  EraseEmptyAndDuplicates(&items);
  EXPECT_EQ(items, (std::vector<std::string>{"b", "a", long_a, long_b, "c"}));
  std::vector<std::string> none = {"", ""};
  EraseEmptyAndDuplicates(&none);
  EXPECT_TRUE(none.empty());
}

TEST(NormalizeFilterValueTest, LowerCasesAndCollapsesSpace) {
  EXPECT_EQ(NormalizeFilterValue("  Interest   Rates "), "interest rates");
  EXPECT_EQ(NormalizeFilterValue("ÉCONOMIE"), "économie");
  EXPECT_EQ(NormalizeFilterValue("grain"), "grain");
}

TEST(StableHashTest, IsStableAndHex) {
  EXPECT_EQ(HexHash(""), "cbf29ce484222325");  // FNV-1a offset basis
  EXPECT_EQ(HexHash("a"), "af63dc4c8601ec8c");
  EXPECT_NE(HexHash("story one"), HexHash("story two"));
}

TEST(DetectLanguageTest, RecognisesCommonLanguages) {
  EXPECT_EQ(DetectLanguage("The government announced on Tuesday that the new "
                           "budget would cut taxes for most households."),
            "en");
  EXPECT_EQ(DetectLanguage("Le gouvernement a annoncé mardi que le nouveau "
                           "budget réduirait les impôts de la plupart des "
                           "ménages."),
            "fr");
  EXPECT_EQ(DetectLanguage("Die Regierung kündigte am Dienstag an, dass der "
                           "neue Haushalt die Steuern für die meisten "
                           "Haushalte senken werde."),
            "de");
  EXPECT_EQ(DetectLanguage(""), "");
}

TEST(LanguageTest, PrimarySubtagAndStemmer) {
  EXPECT_EQ(PrimaryLanguage("en-GB"), "en");
  EXPECT_EQ(PrimaryLanguage("FR"), "fr");
  EXPECT_EQ(StemmerLanguage("fr-CA"), "fr");
  EXPECT_EQ(StemmerLanguage("de"), "de");
  EXPECT_EQ(StemmerLanguage(""), "english");
  EXPECT_EQ(StemmerLanguage("ja"), "english");  // no Snowball stemmer
}

}  // namespace
}  // namespace newsearch
