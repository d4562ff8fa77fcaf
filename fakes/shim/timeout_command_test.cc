#include "fakes/shim/timeout_command.h"

#include <gtest/gtest.h>

namespace bg::fakes {

// Goal: timeout's durations are scenario time; its options and the command are kept.
TEST(ScaleTimeoutArgs, ScalesDurationsOnly) {
  EXPECT_EQ(scale_timeout_args({"60", "bash", "-c", "sleep 5"}, 0.1),
            (std::vector<std::string>{"6.000", "bash", "-c", "sleep 5"}));
  EXPECT_EQ(scale_timeout_args({"-k", "5", "-s", "KILL", "2m", "curl", "x"}, 0.1),
            (std::vector<std::string>{"-k", "0.500", "-s", "KILL", "12.000", "curl", "x"}));
  EXPECT_EQ(scale_timeout_args({"--kill-after=10", "--preserve-status", "1", "true"}, 0.5),
            (std::vector<std::string>{"--kill-after=5.000", "--preserve-status", "0.500", "true"}));
  EXPECT_EQ(scale_timeout_args({"ten", "true"}, 0.1), (std::vector<std::string>{"ten", "true"}));
  EXPECT_EQ(scale_timeout_args({"0", "true"}, 0.1), (std::vector<std::string>{"0", "true"}));
}

}  // namespace bg::fakes
