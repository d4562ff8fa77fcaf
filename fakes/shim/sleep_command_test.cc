#include "fakes/shim/sleep_command.h"

#include <gtest/gtest.h>

namespace bg::fakes {

// Goal: `sleep 10` in a script means 10 scenario seconds; GNU suffixes and sums are honoured.
TEST(ParseSleepArgs, AcceptsGnuForms) {
  EXPECT_EQ(parse_sleep_args({"10"}).total, core::Duration(10'000'000));
  EXPECT_EQ(parse_sleep_args({"0.5"}).total, core::Duration(500'000));
  EXPECT_EQ(parse_sleep_args({"1m", "30"}).total, core::Duration(90'000'000));
}

// Goal: a malformed sleep fails as GNU sleep does, message and exit code.
TEST(ParseSleepArgs, RejectsAsGnuSleepDoes) {
  auto bad = parse_sleep_args({"ten"});
  EXPECT_FALSE(bad.total);
  EXPECT_EQ(bad.error.exit_code, 1);
  EXPECT_EQ(bad.error.err, "sleep: invalid time interval ‘ten’\nTry 'sleep --help' for more information.\n");
  EXPECT_EQ(parse_sleep_args({}).error.err, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
}

}  // namespace bg::fakes
