#include "newsearch/dates.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::newsearch::testing::IsOk;
using ::newsearch::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time Utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss),
                         absl::UTCTimeZone());
}

TEST(ParseTimestampTest, Rfc3339WithOffsetIsStoredAsUtc) {
  absl::StatusOr<Timestamp> t = ParseTimestamp("2025-12-21T00:01:00+01:00");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->time, Utc(2025, 12, 20, 23, 1));
  EXPECT_EQ(t->precision, TimePrecision::kSecond);
  EXPECT_EQ(FormatTimestamp(*t), "2025-12-20T23:01:00Z");
}

TEST(ParseTimestampTest, AcceptsZuluFractionsAndSpace) {
  EXPECT_EQ(ParseTimestamp("1987-02-26T15:01:01Z")->time,
            Utc(1987, 2, 26, 15, 1, 1));
  EXPECT_EQ(ParseTimestamp("1987-02-26 15:01:01.750+00:00")->time,
            Utc(1987, 2, 26, 15, 1, 1) + absl::Milliseconds(750));
}

TEST(ParseTimestampTest, KeepsMinuteAndDayPrecision) {
  absl::StatusOr<Timestamp> minute = ParseTimestamp("2025-12-21T10:30-05:00");
  ASSERT_THAT(minute, IsOk());
  EXPECT_EQ(minute->precision, TimePrecision::kMinute);
  EXPECT_EQ(minute->time, Utc(2025, 12, 21, 15, 30));

  absl::StatusOr<Timestamp> day = ParseTimestamp("2018-05-26");
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(day->precision, TimePrecision::kDay);
  EXPECT_EQ(day->time, Utc(2018, 5, 26));
  EXPECT_EQ(FormatTimestamp(*day), "2018-05-26");
}

TEST(ParseTimestampTest, RejectsGarbageAndMissingOffset) {
  EXPECT_THAT(
      ParseTimestamp("yesterday"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("yesterday")));
  EXPECT_THAT(ParseTimestamp("2025-13-45"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ParseTimestamp("2025-12-21T10:00:00"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("offset")));
  EXPECT_THAT(ParseTimestamp(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(KeysTest, AreUtc) {
  const absl::Time t = Utc(2025, 12, 20, 23, 1);
  EXPECT_EQ(DayKey(t), "20251220");
  EXPECT_EQ(MonthKey(t), "202512");
  EXPECT_EQ(YearKey(t), "2025");
  EXPECT_EQ(HourKey(t), "2025122023");
}

TEST(LoadZoneTest, KnowsIanaNamesOnly) {
  EXPECT_THAT(LoadZone("Europe/Paris"), IsOk());
  EXPECT_THAT(
      LoadZone("Mars/Olympus"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Mars/Olympus")));
}

TEST(ParseRangeBoundTest, DayBoundsCoverTheWholeDay) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(*ParseRangeBound("2025-12-01", utc, Bound::kLower),
            Utc(2025, 12, 1));
  EXPECT_EQ(*ParseRangeBound("2025-12-21", utc, Bound::kUpper),
            Utc(2025, 12, 21, 23, 59, 59));
}

TEST(ParseRangeBoundTest, HoursMinutesAndSeconds) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(*ParseRangeBound("2025-12-21T10", utc, Bound::kUpper),
            Utc(2025, 12, 21, 10, 59, 59));
  EXPECT_EQ(*ParseRangeBound("2025-12-21T10:30", utc, Bound::kLower),
            Utc(2025, 12, 21, 10, 30));
  EXPECT_EQ(*ParseRangeBound("2025-12-21 10:30", utc, Bound::kUpper),
            Utc(2025, 12, 21, 10, 30, 59));
  EXPECT_EQ(*ParseRangeBound("2025-12-21T10:30:15", utc, Bound::kUpper),
            Utc(2025, 12, 21, 10, 30, 15));
}

TEST(ParseRangeBoundTest, LocalDaysFollowDaylightSaving) {
  const absl::TimeZone paris = *LoadZone("Europe/Paris");
  // 2025-03-30 has 23 hours in Paris: it starts at 23:00Z the day before and
  // ends at 21:59:59Z.
  EXPECT_EQ(*ParseRangeBound("2025-03-30", paris, Bound::kLower),
            Utc(2025, 3, 29, 23));
  EXPECT_EQ(*ParseRangeBound("2025-03-30", paris, Bound::kUpper),
            Utc(2025, 3, 30, 21, 59, 59));
}

TEST(ParseRangeBoundTest, ExplicitOffsetOverridesZone) {
  const absl::TimeZone paris = *LoadZone("Europe/Paris");
  EXPECT_EQ(*ParseRangeBound("2025-12-21T10:00Z", paris, Bound::kUpper),
            Utc(2025, 12, 21, 10, 0, 59));
}

TEST(ParseRangeBoundTest, RejectsMalformed) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_THAT(ParseRangeBound("2025", utc, Bound::kLower),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ParseRangeBound("last week", utc, Bound::kLower),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("last week")));
}

}  // namespace
}  // namespace newsearch
