#include "sim/shim_commands.h"

#include <gtest/gtest.h>

namespace bg::sim {

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

// Goal: curl reaches the run's mapped port, and its timeouts are in scenario seconds.
TEST(RewriteHttpClientArgs, MapsPortsAndScalesTimeouts) {
  auto map = [](uint16_t p) -> uint16_t { return p == 3001 ? 41001 : p == 80 ? 40080 : 0; };
  auto out = rewrite_http_client_args("curl", {"-fsS", "--max-time", "2", "http://localhost:3001/api/health"}, map, 0.1);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[2], "0.200");
  EXPECT_EQ(out[3], "http://127.0.0.1:41001/api/health");
  EXPECT_EQ(rewrite_http_client_args("curl", {"localhost"}, map, 1)[0], "127.0.0.1:40080");
  EXPECT_EQ(rewrite_http_client_args("curl", {"--max-time=4"}, map, 0.5)[0], "--max-time=2.000");
  EXPECT_EQ(rewrite_http_client_args("curl", {"http://example.com:3001/"}, map, 1)[0], "http://example.com:3001/");
  EXPECT_EQ(rewrite_http_client_args("wget", {"-T", "10", "-qO-", "http://127.0.0.1:3001/"}, map, 0.1),
            (std::vector<std::string>{"-T", "1.000", "-qO-", "http://127.0.0.1:41001/"}));
}

}  // namespace bg::sim
