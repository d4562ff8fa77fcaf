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
  EXPECT_NE(refusal("docker.compose", "3.0").find("not a compose version bluegreen models"), std::string::npos);
  EXPECT_NE(refusal("name", "../../etc").find("not a scenario name"), std::string::npos);
  EXPECT_EQ(refusal("traffic.nope", "1"), "traffic.nope: not a setting of scenario.yaml");
}

// Goal: each setting a real deploy varies takes a fixed duration or a range, and each lands where
// its consumer draws from: a plain value is a range of one value, as it always was.
TEST(SettingTable, DurationsADeployVariesTakeARange) {
  for (const char* key :
       {"app.listen_delay", "docker.build_duration", "pipeline.build_duration", "run.swap_interval"}) {
    Scenario s;
    set_setting(s, key, "2.5s..3.5s");
    const DurationRange& r = std::string_view(key) == "app.listen_delay"          ? s.app.listen_delay
                             : std::string_view(key) == "docker.build_duration"   ? s.docker.build_duration
                             : std::string_view(key) == "pipeline.build_duration" ? s.pipeline.build_duration
                                                                                  : s.run.swap_interval;
    EXPECT_EQ(r, DurationRange(core::Duration(2'500'000), core::Duration(3'500'000))) << key;
    EXPECT_FALSE(r.fixed()) << key;
    set_setting(s, key, "3s");
    EXPECT_EQ(r, DurationRange(std::chrono::seconds(3))) << key;
    EXPECT_TRUE(r.fixed()) << key;
  }
}

// Goal: a malformed range is refused naming the key and the whole text, and what is wrong with it.
TEST(SettingTable, RefusesMalformedRanges) {
  const std::string expected = " (expected MIN..MAX, two durations with MIN at most MAX, e.g. 2.5s..3.5s)";
  EXPECT_EQ(refusal("app.listen_delay", "4s..2s"),
            "app.listen_delay: 4s..2s is not a range: its max 2s is below its min 4s" + expected);
  EXPECT_EQ(refusal("run.swap_interval", "3s.."),
            "run.swap_interval: 3s.. is not a range: its max is missing" + expected);
  EXPECT_EQ(refusal("docker.build_duration", ".."),
            "docker.build_duration: .. is not a range: its min is missing" + expected);
  EXPECT_EQ(refusal("pipeline.build_duration", "-1s..2s"),
            "pipeline.build_duration: -1s..2s is not a range: its min -1s is not a duration" + expected);
  EXPECT_EQ(refusal("app.listen_delay", "2s..soon"),
            "app.listen_delay: 2s..soon is not a range: its max soon is not a duration" + expected);
  EXPECT_EQ(refusal("app.listen_delay", "1s..2s..3s"),
            "app.listen_delay: 1s..2s..3s is not a range: it has two '..'" + expected);
  EXPECT_EQ(refusal("run.swap_interval", "1s..2h"),
            "run.swap_interval: 1s..2h is out of range: its max 2h is not within 0s..1h" + expected);
  // A single value keeps its own message.
  EXPECT_EQ(refusal("run.swap_interval", "-3s"),
            "run.swap_interval: -3s is not a duration (expected 0s..1h, written like 10s, 500ms or 1m30s)");
  EXPECT_EQ(refusal("app.listen_delay", "2s..2s"), "");  // a range of one value is a fixed one
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
