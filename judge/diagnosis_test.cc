#include "judge/diagnosis.h"

#include <gtest/gtest.h>

namespace bg::judge {
namespace {

using reports::Diagnosis;
using reports::SwapSummary;

core::Time s(double seconds) { return core::from_seconds(seconds); }

// The seed's world, by hand: blue on 3000 serving, green on 3001 started by swap 1 (pushed at 10),
// nginx started at 0 with one worker.
struct World {
  DiagnosisFacts facts;
  reports::RunResult result;

  World() {
    facts.proxy_loads = {s(0)};
    auto& blue = facts.containers["blue-blue-1"];
    blue.host_port = 3000;
    blue.sigterm = "exit_immediately";
    blue.created = blue.started = {s(1)};
    blue.ready = {s(3)};
    auto& green = facts.containers["green-green-1"];
    green.host_port = 3001;
    green.sigterm = "exit_immediately";
    green.created = green.started = {s(15)};
    SwapSummary w;
    w.deployment = 1;
    w.succeeded = true;
    w.old_container = "blue-blue-1";
    w.new_container = "green-green-1";
    w.pushed = s(10);
    w.started = s(11);
    w.new_started = s(15);
    w.finished = s(30);
    result.swaps.push_back(w);
    result.verdict = bg::core::Verdict::violated;
    result.invariants.push_back({"no_failed_requests", false, 1, "", {}});
  }
  SwapSummary& swap() { return result.swaps[0]; }
  void ready(double at) {
    facts.containers["green-green-1"].ready = {s(at)};
    swap().new_ready = s(at);
  }
  void stop_blue(double at, double exit_at, int code = 0) {
    facts.containers["blue-blue-1"].stop_requested = {s(at)};
    facts.containers["blue-blue-1"].exits = {{s(exit_at), code}};
    swap().old_stop_requested = s(at);
    swap().old_stopped = s(exit_at);
  }
  void lose(double start, double end, const char* cause, const char* peer, bool post = false) {
    facts.lost.push_back({s(start), s(end), s(end), post, cause, peer});
  }
  std::vector<Diagnosis> diagnoses() { return diagnose(facts, result); }
};

std::vector<std::string> races(const std::vector<Diagnosis>& all) {
  std::vector<std::string> out;
  for (const auto& d : all) out.push_back(d.race.empty() ? "none" : d.race);
  return out;
}

// Goal: a run that lost nothing and broke no invariant is given no diagnosis.
TEST(Diagnosis, GivesNoneWhenNothingWasLost) {
  World w;
  w.ready(18);
  w.stop_blue(25, 25.1);
  w.result.invariants[0].held = true;
  EXPECT_TRUE(w.diagnoses().empty());
}

// Goal: the old color downed before the new one was ready is R01, with the script's sleep named and
// a diff for its line; once the new color is ready and nginx still holds its peer failed, R03.
TEST(Diagnosis, TellsSleepIsNotReadinessFromBothPeersMarkedFailed) {
  World w;
  w.ready(22);
  w.stop_blue(20, 20.1);
  w.facts.calls.push_back({s(10), s(20), 1, "sleep", {"10"}, 0, "scripts/switch.sh", 24});
  w.facts.peer_downs.push_back({s(20.5), 0, "localhost:3001"});
  w.lose(20.5, 20.5, "502 no live upstreams", "");
  w.lose(23, 23, "502 no live upstreams", "");
  w.lose(23.5, 23.5, "502 no live upstreams", "");
  const auto all = w.diagnoses();
  ASSERT_EQ(races(all), (std::vector<std::string>{"R03", "R01"}));
  EXPECT_EQ(all[0].requests, 2);
  EXPECT_EQ(all[1].requests, 1);
  EXPECT_NE(all[1].mechanism.find("`sleep 10` (scripts/switch.sh:24)"), std::string::npos) << all[1].mechanism;
  EXPECT_EQ(all[1].snippet.rfind("--- scripts/switch.sh:24\n-sleep 10\n+until curl", 0), 0u) << all[1].snippet;
}

// Goal: with no peer marked failed, "no live upstreams" after a ready new color is not R03: the
// diagnosis says nothing matched rather than guessing.
TEST(Diagnosis, SaysSoWhenNoRaceMatches) {
  World w;
  w.ready(18);
  w.stop_blue(25, 25.1);
  w.lose(26, 26, "502 no live upstreams", "");
  const auto all = w.diagnoses();
  ASSERT_EQ(races(all), (std::vector<std::string>{"none"}));
  EXPECT_NE(all[0].mechanism.find("match no race"), std::string::npos);
}

// Goal: a request cut at the old color's exit is R05 when a reload had taken the color out (too
// short a drain), R04 when it was still in the upstream, R06 when it was killed after the grace period.
TEST(Diagnosis, TellsTheThreeWaysAStopCutsARequest) {
  {
    World w;
    w.ready(18);
    w.stop_blue(25, 25.01);
    w.facts.proxy_loads.push_back(s(24));  // the script's reload, before the stop
    w.lose(23, 25.02, "502 upstream prematurely closed", "localhost:3000", true);
    EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"R05"}));
  }
  {
    World w;
    w.ready(18);
    w.stop_blue(25, 25.01);
    w.lose(23, 25.02, "502 upstream prematurely closed", "localhost:3000", true);
    EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"R04"}));
  }
  {
    World w;
    w.ready(18);
    w.stop_blue(25, 35, 137);
    w.facts.containers["blue-blue-1"].sigterm = "ignore";
    w.lose(34, 35.01, "502 upstream prematurely closed", "localhost:3000", true);
    const auto all = w.diagnoses();
    ASSERT_EQ(races(all), (std::vector<std::string>{"R06"}));
    EXPECT_NE(all[0].mechanism.find("killed (exit 137)"), std::string::npos);
  }
}

// Goal: a failed `up` followed by the old color's stop explains the whole swap as R11, and the
// diff adds `set -euo pipefail` at the script's first line.
TEST(Diagnosis, NamesAFailedUpThenDown) {
  World w;
  w.swap().new_container.clear();
  w.swap().new_started.reset();
  w.stop_blue(25, 25.1);
  w.facts.calls.push_back({s(12), s(13), 1, "docker-compose", {"-p", "green", "up", "-d"}, 1, "switch.sh", 21});
  for (int i = 0; i < 5; ++i) w.lose(26 + i, 26 + i, "502 connection refused", "localhost:3000");
  const auto all = w.diagnoses();
  ASSERT_EQ(races(all), (std::vector<std::string>{"R11"}));
  EXPECT_EQ(all[0].requests, 5);
  EXPECT_NE(all[0].mechanism.find("`docker-compose -p green up -d` (switch.sh:21) failed (exit 1)"), std::string::npos);
  EXPECT_EQ(all[0].snippet,
            "--- switch.sh:1\n+set -euo pipefail   # a failed step stops the swap before it downs the old color\n");
}

// Goal: with several workers, each marking the same peer failed for itself, the loss is R17; one
// worker marking it is not.
TEST(Diagnosis, NamesPerWorkerFailureStateOnlyForSeveralWorkers) {
  World w;
  w.ready(18);
  w.stop_blue(25, 25.1);
  w.facts.proxy_workers = 4;
  w.facts.peer_downs = {{s(16), 0, "localhost:3001"}};
  w.lose(26, 26, "502 no live upstreams", "");
  EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"R03"}));
  w.facts.peer_downs.push_back({s(17), 2, "localhost:3001"});
  EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"R17"}));
}

// Goal: a refused deployment is R12 even though it lost no request.
TEST(Diagnosis, NamesARefusedDeployment) {
  World w;
  SwapSummary refused;
  refused.deployment = 2;
  refused.deployment_error =
      "DeploymentLimitExceededException: The Deployment Group 'g' already has an active Deployment";
  w.result.swaps.push_back(refused);
  const auto all = w.diagnoses();
  ASSERT_EQ(races(all), (std::vector<std::string>{"R12"}));
  EXPECT_EQ(all[0].swap, 2);
  EXPECT_EQ(all[0].requests, 0);
}

// Goal: `up` that failed and was retried successfully before the stop is not R11 (a color was left
// serving); the same failure without the retry is.
TEST(Diagnosis, AFailedUpRetriedBeforeTheStopIsNotR11) {
  World w;
  w.ready(18);
  w.stop_blue(25, 25.1);
  w.facts.calls.push_back({s(12), s(13), 1, "docker", {"compose", "-p", "green", "up", "-d"}, 1, "switch.sh", 21});
  w.lose(26, 26, "502 no live upstreams", "");
  EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"R11"})) << "compose v2 (`docker compose`) is compose";
  w.facts.calls.push_back({s(14), s(15), 1, "docker", {"compose", "-p", "green", "up", "-d"}, 0, "switch.sh", 22});
  EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"none"}));
}

// Goal: a swap that recreated the serving color is R10 whether the script called compose v1 or v2,
// and the diff adds the precise state check right after `ps`, as the user wrote the line.
TEST(Diagnosis, NamesAMisreadPsForComposeV2WithTheFixAfterPs) {
  World w;
  w.swap().new_container = "blue-blue-1";  // the swap recreated blue, which was serving
  w.swap().pushed = s(10);
  w.facts.calls.push_back({s(11), s(11.2), 1, "docker", {"compose", "-p", "blue", "ps", "-q"}, 0, "switch.sh", 7});
  w.lose(12, 12, "502 connection refused", "localhost:3000");
  const auto all = w.diagnoses();
  ASSERT_EQ(races(all), (std::vector<std::string>{"R10"}));
  EXPECT_EQ(all[0].snippet,
            "--- switch.sh:7\n-docker compose -p blue ps -q\n+docker compose -p blue ps --status running -q\n");
}

// Goal: R03 needs the new color's peer marked failed since it last went down (while it was down,
// the mechanism, or since it started): a mark from an earlier life says nothing of the proxy's view now.
TEST(Diagnosis, R03OnlyFromMarksSinceTheNewColorLastWentDown) {
  World w;
  w.ready(18);
  w.stop_blue(25, 25.1);
  auto& green = w.facts.containers["green-green-1"];
  green.created = green.started = {s(2), s(15)};
  green.exits = {{s(6), 0}};
  w.facts.peer_downs = {{s(4), 0, "localhost:3001"}};  // green's earlier life, before its exit at 6
  w.lose(26, 26, "502 no live upstreams", "");
  EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"none"}));
  w.facts.peer_downs.push_back({s(8), 0, "localhost:3001"});  // while it was down: the mechanism
  EXPECT_EQ(races(w.diagnoses()), (std::vector<std::string>{"R03"}));
}

// Goal: a peer named by container and recreated after nginx resolved it is R18 from the moment the
// resolved instance went down: the mark made in the gap before the recreation is of the same stale
// address (CI once saw exactly that diagnosed as R03). A mark from before the instance went down, or
// a recreation nginx learned of by a reload, is not R18.
TEST(Diagnosis, R18FromAMarkOfTheStaleAddressEvenBeforeTheRecreation) {
  const auto with_green = [](double mark_at) {
    World w;
    w.ready(18);
    w.stop_blue(25, 25.1);
    auto& green = w.facts.containers["green-green-1"];
    green.created = green.started = {s(1), s(15)};  // the first deployment, then the swap's recreation
    green.exits = {{s(14), 0}};                     // the force-recreate stops the first instance
    w.facts.peer_downs = {{s(mark_at), 0, "green-green-1:3000"}};
    w.lose(26, 26, "502 no live upstreams", "");
    return w;
  };
  EXPECT_EQ(races(with_green(14.5).diagnoses()), (std::vector<std::string>{"R18"}));  // in the gap
  EXPECT_EQ(races(with_green(16).diagnoses()), (std::vector<std::string>{"R18"}));    // after it
  EXPECT_EQ(races(with_green(13).diagnoses()), (std::vector<std::string>{"none"}));   // before the stop
  auto reloaded = with_green(16);
  reloaded.facts.proxy_loads.push_back(s(17));  // nginx resolved the names again after the recreation
  EXPECT_NE(races(reloaded.diagnoses()), (std::vector<std::string>{"R18"}));
}

// Goal: a POST executed twice is R09 in the stretch of the swap where its second execution ran, not
// "before the first swap"; a broken post_at_most_once with no POST run twice (answered, never
// executed) is not R09.
TEST(Diagnosis, R09BelongsToTheSwapThatRanThePostTwice) {
  World w;
  w.ready(18);
  w.stop_blue(25, 25.1);
  w.result.invariants = {{"post_at_most_once", false, 1, "", {}}};
  EXPECT_TRUE(w.diagnoses().empty());
  w.facts.duplicate_posts = {s(25.05), s(25.07)};
  const auto all = w.diagnoses();
  ASSERT_EQ(races(all), (std::vector<std::string>{"R09"}));
  EXPECT_EQ(all[0].swap, 1);
  EXPECT_NE(all[0].mechanism.find("2 POSTs"), std::string::npos) << all[0].mechanism;
}

// Goal: DiagnosisFacts counts a POST's second execution (as the app logs them), and only that.
TEST(DiagnosisFacts, RecordsEachPostsSecondExecution) {
  DiagnosisFacts f;
  auto exec = [&](double at, uint64_t id) {
    core::AppEvent a;
    a.at = s(at);
    a.container = "blue-blue-1";
    a.what = core::AppWhat::execution;
    a.request_id = id;
    f.observe(core::Entry{0, a});
  };
  exec(1, 7);
  exec(1.5, 8);
  EXPECT_TRUE(f.duplicate_posts.empty());
  exec(2, 7);
  EXPECT_EQ(f.duplicate_posts, (std::vector<core::Time>{s(2)}));
}

}  // namespace
}  // namespace bg::judge
