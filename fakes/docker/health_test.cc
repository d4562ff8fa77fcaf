// Healthchecks: the pure HealthTracker rules, and the engine running them for `up --wait` and
// `docker inspect` (semantics.md §3).
#include "fakes/docker/health_tracker.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/docker/compose_test_support.h"
#include "fakes/docker/docker_cli.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
using test_support::ComposeWorld;

Healthcheck check(std::vector<std::string> test, int retries = 3, core::Duration start_period = 0s) {
  Healthcheck h;
  h.test = std::move(test);
  h.retries = retries;
  h.start_period = start_period;
  return h;
}

// Goal: failures inside start_period do not count; `retries` failures after it make the container
// unhealthy; one pass makes it healthy again.
TEST(HealthTracker, StartPeriodRetriesAndRecovery) {
  HealthTracker t(check({"CMD", "true"}, 2, 10s), core::Time(0s));
  EXPECT_EQ(t.status(), "starting");
  EXPECT_FALSE(t.on_probe(core::Time(5s), false));
  EXPECT_FALSE(t.on_probe(core::Time(8s), false));
  EXPECT_FALSE(t.on_probe(core::Time(11s), false));
  EXPECT_EQ(t.on_probe(core::Time(12s), false), "unhealthy");
  EXPECT_EQ(t.on_probe(core::Time(13s), true), "healthy");
  EXPECT_FALSE(t.on_probe(core::Time(14s), true));
}

// Goal: curl/wget tests probe the app over HTTP at the URL's path; others fall back to a connect.
TEST(HealthTracker, ProbeFromTest) {
  auto curl = HealthTracker::probe_for(check({"CMD", "curl", "-f", "http://localhost:3000/api/health"}));
  EXPECT_TRUE(curl.http);
  EXPECT_EQ(curl.path, "/api/health");
  auto shell =
      HealthTracker::probe_for(check({"CMD-SHELL", "wget", "-qO-", "http://127.0.0.1:3000", "||", "exit", "1"}));
  EXPECT_TRUE(shell.http);
  EXPECT_EQ(shell.path, "/");
  EXPECT_FALSE(HealthTracker::probe_for(check({"CMD", "pg_isready"})).http);
  EXPECT_FALSE(HealthTracker::active(check({"NONE"})));
}

const char* kHealthy =
    "services:\n  blue:\n    image: docker-image\n    ports: [\"3000:3000\"]\n"
    "    healthcheck:\n      test: [\"CMD\", \"nc\", \"-z\", \"localhost\", \"3000\"]\n"
    "      interval: 2s\n      retries: 5\n";

// Goal: `up --wait` returns once the app listens and the check passed: Waiting then Healthy, and
// inspect shows .State.Health.Status healthy.
TEST(Healthcheck, UpWaitReturnsWhenHealthy) {
  ComposeWorld w("2.20.2", 5s);
  w.write("hc.yml", kHealthy);
  auto r = w.run({"-p", "blue", "-f", "hc.yml", "up", "-d", "--wait"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(" Container blue-blue-1  Started\n Container blue-blue-1  Waiting\n Container blue-blue-1  "
                       "Healthy\n"),
            std::string::npos)
      << r.err;
  DockerCli docker(*w.engine, *w.compose);
  auto i = docker.run({"inspect", "-f", "{{.State.Status}} {{.State.Health.Status}}", "blue-blue-1"}, w.dir, {});
  EXPECT_EQ(i.out, "running healthy\n");
  EXPECT_NE(w.run({"-p", "blue", "-f", "hc.yml", "ps"}).out.find("Up "), std::string::npos);
}

// Goal: an app that never listens turns unhealthy after `retries` probes and `up --wait` fails.
TEST(Healthcheck, UpWaitFailsWhenUnhealthy) {
  ComposeWorld w("2.20.2");
  w.write("hc.yml", kHealthy);
  auto r = w.run({"-p", "blue", "-f", "hc.yml", "up", "-d", "--wait"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("container blue-blue-1 is unhealthy\n"), std::string::npos) << r.err;
  bool event = false;
  for (const auto& e : w.history.all<core::ContainerEvent>())
    event |= e.what == core::ContainerWhat::health_status && e.detail == "unhealthy";
  EXPECT_TRUE(event);
}

// Goal: inspect without a healthcheck prints "<no value>" for .State.Health.Status; unknown
// names get Docker's "No such object" and exit 1.
TEST(Healthcheck, InspectBasics) {
  ComposeWorld w("2.5.0");
  w.blue({"up", "-d"});
  DockerCli docker(*w.engine, *w.compose);
  // Without a healthcheck .State.Health is a nil pointer; the raw-JSON fallback has no "Health" key,
  // so docker prints Go's error (docker/cli inspector.go tryRawInspectFallback with missingkey=error).
  auto health = docker.run({"inspect", "--format", "{{.State.Health.Status}}", "blue-blue-1"}, w.dir, {});
  EXPECT_EQ(health.exit_code, 1);
  EXPECT_EQ(health.out, "\n");
  EXPECT_EQ(health.err,
            "Template parsing error: template: :1:8: executing \"\" at <.State.Health.Status>: map has no entry for "
            "key \"Health\"\n");
  auto json = nlohmann::json::parse(docker.run({"inspect", "blue-blue-1"}, w.dir, {}).out);
  EXPECT_EQ(json[0]["State"]["Status"], "running");
  EXPECT_EQ(json[0]["Name"], "/blue-blue-1");
  auto missing = docker.run({"inspect", "nope"}, w.dir, {});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "[]\n");
  EXPECT_EQ(missing.err, "Error: No such object: nope\n");
}

}  // namespace
}  // namespace bg::fakes
