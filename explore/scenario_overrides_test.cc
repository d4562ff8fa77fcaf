#include "explore/scenario_overrides.h"

#include <gtest/gtest.h>

#include "scenarios/scenario_loader.h"

namespace bg::explore {
namespace {

using namespace std::chrono_literals;

scenarios::Scenario seed() { return scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/scenarios/data/seed"); }

// Goal: `--set` changes exactly the named setting, in the form scenario.yaml takes.
TEST(ScenarioOverrides, SetsDurationsRangesNumbersAndTexts) {
  auto s = seed();
  apply_overrides(s, {"app.listen_delay=11s", "app.api_latency=1s..2s", "traffic.post_ratio=0.5", "run.swaps=1",
                      "docker.compose=2.20.2", "docker.userland_proxy=false", "traffic.rate=20"});
  EXPECT_EQ(s.app.listen_delay.min, 11s);
  EXPECT_EQ(s.app.listen_delay.max, 11s);
  EXPECT_EQ(s.app.api_latency.min, 1s);
  EXPECT_EQ(s.app.api_latency.max, 2s);
  EXPECT_DOUBLE_EQ(s.traffic.post_ratio, 0.5);
  EXPECT_EQ(s.run.swaps, 1);
  EXPECT_EQ(s.docker.compose, "2.20.2");
  EXPECT_FALSE(s.docker.userland_proxy);
  EXPECT_DOUBLE_EQ(s.traffic.rate, 20);
  EXPECT_EQ(s.run.swap_interval, seed().run.swap_interval);  // untouched
}

// Goal: a later override of the same key wins, as on a command line.
TEST(ScenarioOverrides, LaterOverrideOfTheSameKeyWins) {
  auto s = seed();
  apply_overrides(s, {"run.swaps=1", "run.swaps=2"});
  EXPECT_EQ(s.run.swaps, 2);
}

// Goal: bad overrides are input errors that name the key and what was expected.
TEST(ScenarioOverrides, RejectsUnknownKeysAndBadValuesNamingThem) {
  auto s = seed();
  try {
    apply_overrides(s, {"app.listen_dely=3s"});
    FAIL() << "unknown key accepted";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'app.listen_dely'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("app.listen_delay"), std::string::npos) << e.what();
  }
  EXPECT_THROW(apply_overrides(s, {"app.listen_delay=soon"}), scenarios::ScenarioError);
  EXPECT_THROW(apply_overrides(s, {"app.listen_delay=3s..1s"}), scenarios::ScenarioError);
  EXPECT_THROW(apply_overrides(s, {"traffic.post_ratio=1.5"}), scenarios::ScenarioError);
  EXPECT_THROW(apply_overrides(s, {"run.swaps=1.5"}), scenarios::ScenarioError);
  EXPECT_THROW(apply_overrides(s, {"app.sigterm=maybe"}), scenarios::ScenarioError);
  EXPECT_THROW(apply_overrides(s, {"run.swaps"}), scenarios::ScenarioError);
}

}  // namespace
}  // namespace bg::explore

namespace bg::explore {

// Goal: the message of a refused override starts with the option as the user typed it, then the
// field and the accepted range, as scenario.yaml's do.
TEST(ScenarioOverrides, RefusalNamesTheOptionFieldAndRange) {
  auto s = seed();
  try {
    apply_overrides(s, {"traffic.clients=0"});
    FAIL() << "0 clients accepted";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_STREQ(e.what(), "--set traffic.clients=0: traffic.clients: 0 is out of range (1..1000)");
  }
}

// Goal: settings with their own option or that belong to the folder cannot be set by --set, and
// every other scenario.yaml setting can (traffic.keepalive was missing before).
TEST(ScenarioOverrides, OwnOptionsAndFolderSettingsAreNotOverridable) {
  auto s = seed();
  try {
    apply_overrides(s, {"seed=3"});
    FAIL() << "seed accepted";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("--seed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(apply_overrides(s, {"expect.verdict=held"}), scenarios::ScenarioError);
  apply_overrides(s, {"traffic.keepalive=true"});
  EXPECT_TRUE(s.traffic.keepalive);
  EXPECT_THROW(apply_overrides(s, {"traffic.post_ratio=0.8", "traffic.api_get_ratio=0.5"}), scenarios::ScenarioError);
}

}  // namespace bg::explore
