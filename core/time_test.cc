#include "core/time.h"

#include <gtest/gtest.h>

namespace bg::core {

// Goal: scenario files and nginx.conf share one duration syntax, and malformed text is refused.
TEST(ParseDuration, AcceptsNginxUnitsAndBareSeconds) {
  EXPECT_EQ(parse_duration("10s"), Duration(10'000'000));
  EXPECT_EQ(parse_duration("10"), Duration(10'000'000));
  EXPECT_EQ(parse_duration("500ms"), Duration(500'000));
  EXPECT_EQ(parse_duration("1m30s"), Duration(90'000'000));
  EXPECT_EQ(parse_duration("0.5s"), Duration(500'000));
  EXPECT_EQ(parse_duration("2h"), Duration(7'200'000'000));
}

TEST(ParseDuration, RefusesMalformedText) {
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("10x"));
  EXPECT_FALSE(parse_duration("1m30"));  // a bare number must stand alone
  EXPECT_FALSE(parse_duration("ten"));
  EXPECT_FALSE(parse_duration("1.2.3s"));  // stod alone would take 1.2
  EXPECT_FALSE(parse_duration(".s"));
  EXPECT_FALSE(parse_duration("99999999999999999999999d"));  // would overflow, not wrap
}

TEST(FormatSeconds, PrintsMilliseconds) { EXPECT_EQ(format_seconds(Duration(1'234'567)), "1.235s"); }

}  // namespace bg::core
