#include "scenarios/setting_table.h"

#include <gtest/gtest.h>

namespace bg::scenarios {
namespace {

// The message set_setting refuses `text` with, or "" when it is accepted.
std::string refusal(const std::string& key, const std::string& text) {
  Scenario s;
  try {
    set_setting(s, key, text);
  } catch (const SettingError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// Goal: a value outside a setting's range is refused with the field, the value and the range.
TEST(SettingTable, OutOfRangeNamesFieldValueAndRange) {
  EXPECT_EQ(refusal("traffic.clients", "100000000"), "traffic.clients: 100000000 is out of range (1..1000)");
  EXPECT_EQ(refusal("traffic.clients", "1e8"), "traffic.clients: 1e8 is out of range (1..1000)");
  EXPECT_EQ(refusal("time_scale", "1000"),
            "time_scale: 1000 is out of range (0.01..10 real seconds per scenario second)");
  EXPECT_EQ(refusal("traffic.timeout", "0s"), "traffic.timeout: 0s is out of range (1ms..1h)");
  EXPECT_EQ(refusal("run.swaps", "-1"), "run.swaps: -1 is out of range (0..1000)");
}

// Goal: the bounds themselves are accepted (ranges are inclusive), and so are ordinary values.
TEST(SettingTable, AcceptsBoundsAndOrdinaryValues) {
  EXPECT_EQ(refusal("traffic.clients", "1"), "");
  EXPECT_EQ(refusal("traffic.clients", "1000"), "");
  EXPECT_EQ(refusal("time_scale", "0.01"), "");
  EXPECT_EQ(refusal("time_scale", "10"), "");
  EXPECT_EQ(refusal("traffic.timeout", "1ms"), "");
  EXPECT_EQ(refusal("app.listen_delay", "1s..2s"), "");
  EXPECT_EQ(refusal("docker.compose", "v2.20.2"), "");
  EXPECT_EQ(refusal("docker.compose", "1.29.2"), "");
  EXPECT_EQ(refusal("app.next_version", "14.1.0-canary.2"), "");
  EXPECT_EQ(refusal("seed", "18446744073709551615"), "");
}

// Goal: text that is not a value of the setting's kind is refused, never read as a prefix or wrapped.
TEST(SettingTable, RefusesMalformedValuesWithoutWrapping) {
  EXPECT_EQ(refusal("traffic.rate", "fast"),
            "traffic.rate: fast is not a number (expected 0.01..1000 requests per scenario second)");
  EXPECT_EQ(refusal("traffic.rate", "40abc"),
            "traffic.rate: 40abc is not a number (expected 0.01..1000 requests per scenario second)");
  EXPECT_EQ(refusal("traffic.rate", "nan"),
            "traffic.rate: nan is not a number (expected 0.01..1000 requests per scenario second)");
  EXPECT_EQ(refusal("traffic.rate", "inf"),
            "traffic.rate: inf is out of range (0.01..1000 requests per scenario second)");
  EXPECT_EQ(refusal("traffic.clients", "1.5"), "traffic.clients: 1.5 is not a whole number (1..1000)");
  EXPECT_EQ(refusal("seed", "-1"), "seed: -1 is out of range (0..18446744073709551615)");
  EXPECT_EQ(refusal("seed", "18446744073709551616"),
            "seed: 18446744073709551616 is out of range (0..18446744073709551615)");
  EXPECT_EQ(refusal("seed", "1e3"), "seed: 1e3 is not a whole number written in digits (0..18446744073709551615)");
  EXPECT_EQ(refusal("traffic.keepalive", "yes"),
            "traffic.keepalive: yes is not true or false (expected true or false)");
  EXPECT_EQ(refusal("app.sigterm", "maybe"),
            "app.sigterm: maybe is not one of the accepted values (expected exit_immediately, graceful or ignore)");
  EXPECT_EQ(refusal("run.warmup", "1.2.3s"),
            "run.warmup: 1.2.3s is not a duration (expected 0s..1h, written like 10s, 500ms or 1m30s)");
  EXPECT_EQ(refusal("app.listen_delay", "3s..1s"), "app.listen_delay: max 1s is below min 3s");
  EXPECT_NE(refusal("docker.compose", "3.0").find("not a compose version bluegreen models"), std::string::npos);
  EXPECT_NE(refusal("name", "../../etc").find("not a scenario name"), std::string::npos);
  EXPECT_EQ(refusal("traffic.nope", "1"), "traffic.nope: not a setting of scenario.yaml");
}

// Goal: a long hostile value is cut short in the message instead of being echoed whole.
TEST(SettingTable, LongValuesAreCutShortInMessages) {
  const auto msg = refusal("traffic.rate", std::string(5000, '9'));
  EXPECT_LT(msg.size(), 200u) << msg;
  EXPECT_NE(msg.find("..."), std::string::npos) << msg;
}

// Goal: the values land where the scenario keeps them.
TEST(SettingTable, SetsTheScenarioField) {
  Scenario s;
  set_setting(s, "app.api_latency", "1s..2s");
  set_setting(s, "pipeline.concurrency.group", "deploy");
  set_setting(s, "expect.verdict", "violated");
  EXPECT_EQ(s.app.api_latency.max, core::Duration(2'000'000));
  EXPECT_EQ(s.pipeline.concurrency_group, "deploy");
  ASSERT_TRUE(s.expect);
  EXPECT_EQ(s.expect->verdict, Verdict::violated);
}

// Goal: POST and API-GET shares over 1 are caught although each is within [0, 1].
TEST(SettingTable, SharesAboveOneAreInconsistent) {
  Scenario s;
  EXPECT_EQ(inconsistency(s), "");
  s.traffic.post_ratio = 0.6;
  s.traffic.api_get_ratio = 0.6;
  EXPECT_NE(inconsistency(s).find("at most 1"), std::string::npos);
}

// Goal: the keys of a section are listed without their section, the nested ones left out.
TEST(SettingTable, ListsTheKeysOfASection) {
  auto keys = setting_keys("pipeline");
  EXPECT_NE(std::find(keys.begin(), keys.end(), "build_duration"), keys.end());
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "concurrency.group"), keys.end());
  auto top = setting_keys("");
  EXPECT_NE(std::find(top.begin(), top.end(), "seed"), top.end());
}

}  // namespace bg::scenarios
