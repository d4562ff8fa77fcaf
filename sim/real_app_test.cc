// app.engine real: what a scenario asks of the app that a real server decides for itself is refused
// by name, and a container's real server gets the scenario's settings and the container's environment.
#include "sim/real_app.h"

#include <gtest/gtest.h>

#include "core/not_modelled.h"

namespace bg::sim {
namespace {
using namespace std::chrono_literals;

scenarios::Scenario real_app(const std::string& version) {
  scenarios::Scenario s;
  s.app.engine = "real";
  s.app.next_version = version;
  return s;
}

std::string refusal(const scenarios::Scenario& s) {
  try {
    require_real_app(s);
  } catch (const core::NotModelled& e) {
    return e.subject();
  } catch (const std::exception&) {
    return "";  // node or a build missing on this machine: not the refusal under test
  }
  return "";
}

// Goal: an unpinned version, app.sigterm and app.prepare_delay are refused, each by name, whatever
// the machine has; the pinned versions without the fake's knobs are not refused as not modelled.
TEST(RealApp, RefusesWhatARealServerDecidesItself) {
  EXPECT_NE(refusal(real_app("13.0")).find("app.next_version 13.0"), std::string::npos);
  EXPECT_NE(refusal(real_app("15.0")).find("app.next_version 15.0"), std::string::npos);
  auto sigterm = real_app("14.1");
  sigterm.app.sigterm = "graceful";
  EXPECT_NE(refusal(sigterm).find("app.sigterm graceful"), std::string::npos);
  auto prepare = real_app("12.2");
  prepare.app.prepare_delay = {1s, 2s};
  EXPECT_NE(refusal(prepare).find("app.prepare_delay"), std::string::npos);
  for (const char* v : {"12.2", "13.4", "14.1"}) EXPECT_EQ(refusal(real_app(v)), "") << v;
}

// Goal: the scenario's app settings reach the real server's settings.
TEST(RealApp, SettingsCarryTheScenariosAppSettings) {
  auto s = real_app("14.1");
  s.app.keep_alive_timeout = 100ms;
  s.app.api_latency = {1s, 2s};
  auto settings = real_app_settings(s, 3s, 0.1);
  EXPECT_EQ(settings.version, "14.1");
  EXPECT_EQ(settings.listen_delay, 3s);
  EXPECT_EQ(settings.time_scale, 0.1);
  EXPECT_EQ(settings.keep_alive_timeout, core::Duration(100ms));
  EXPECT_EQ(settings.api_latency_min, core::Duration(1s));
  EXPECT_EQ(settings.api_latency_max, core::Duration(2s));
}

// Goal: node gets the container's environment with the run's port, loopback address, the preload and
// its settings on top; a variable a child process would inherit from a parent is not passed on.
TEST(RealApp, NodesEnvironmentIsTheContainersWithTheRunsOnTop) {
  fakes::RealNextSettings settings;
  settings.standalone = "/run/next/abc";
  settings.time_scale = 0.1;
  settings.keep_alive_timeout = 65s;
  settings.api_latency_min = 1s;
  settings.api_latency_max = 2s;
  fakes::ProcessSpec spec;
  spec.container = "blue-blue-1";
  spec.container_port = 41234;
  spec.env = {{"PORT", "3000"},
              {"HOSTNAME", "0123456789ab"},
              {"KEEP_ALIVE_TIMEOUT", "70000"},
              {"DATABASE_URL", "postgres://db"},
              {"BLUEGREEN_CHILD", "1"}};
  auto env = fakes::real_next_environment(settings, spec, 1234567);
  EXPECT_EQ(env["PORT"], "41234");
  EXPECT_EQ(env["HOSTNAME"], "127.0.0.1");
  EXPECT_EQ(env["KEEP_ALIVE_TIMEOUT"], "70000");
  EXPECT_EQ(env["DATABASE_URL"], "postgres://db");
  EXPECT_EQ(env["NODE_OPTIONS"], "--require /run/next/abc/bluegreen-preload.js");
  EXPECT_EQ(env["BLUEGREEN_CONTAINER"], "blue-blue-1");
  EXPECT_EQ(env["BLUEGREEN_LISTEN_AT_MS"], "1234567");
  EXPECT_EQ(env["BLUEGREEN_TIME_SCALE"], "0.1");
  EXPECT_EQ(env["BLUEGREEN_KEEP_ALIVE_MS"], "65000");
  EXPECT_EQ(env["BLUEGREEN_API_LATENCY_MS"], "1000-2000");
  EXPECT_EQ(env["BLUEGREEN_PROTOCOL"], "1");
  EXPECT_EQ(env.count("BLUEGREEN_CHILD"), 0u);
}

}  // namespace
}  // namespace bg::sim
