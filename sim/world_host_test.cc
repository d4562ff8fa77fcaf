// The run's sandboxed host as a deploy script meets it: what is not modelled ends the run naming the
// script and line, what a script writes stays in the run, and what it leaves running dies with it.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <fstream>

#include <fmt/format.h>

#include "core/sanitizer_slowdown.h"
#include "scenarios/scenario_loader.h"
#include "judge/judge.h"
#include "sim/process_census.h"
#include "sim/run.h"
#include "sim/world.h"
#include "fakes/codedeploy/agent.h"
#include "test_support/loopback.h"
#include "test_support/wait.h"

namespace bg::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A deployment folder whose ApplicationStart hook is `script` (no Docker), with the seed's nginx.conf.
class HookScenario {
 public:
  explicit HookScenario(const std::string& script, const std::string& shebang = "#!/bin/bash") {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("bg-world-host-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_ / "scripts");
    std::ofstream(dir_ / "appspec.yml") << "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: "
                                           "/home/ec2-user/app\nhooks:\n  ApplicationStart:\n"
                                        << "    - location: scripts/start.sh\n      timeout: 60\n";
    std::ofstream(dir_ / "scripts/start.sh") << shebang << "\n" << script << "\n";
    fs::permissions(dir_ / "scripts/start.sh", fs::perms::owner_all);
    fs::copy_file(fs::path(BG_SOURCE_DIR) / "scenarios/data/seed/nginx.conf", dir_ / "nginx.conf");
    std::ofstream(dir_ / "scenario.yaml") << "seed: 1\ntime_scale: " << 0.02 * core::kSanitizerSlowdown
                                          << "\nrun: {swaps: 0, warmup: 1s, liveness: 1s}\n"
                                             "traffic: {rate: 5}\n";
  }
  ~HookScenario() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  scenarios::Scenario load() const { return scenarios::load_scenario(dir_); }
  fs::path script() const { return dir_ / "scripts/start.sh"; }

 private:
  fs::path dir_;
};

reports::RunResult run(const HookScenario& folder) {
  RunOptions o;
  return run_scenario(folder.load(), o);
}

// Whether a deploy script's call of `program` through the shims is in the history (it is once the
// call has ended).
bool shim_call_of(World& world, const std::string& program) {
  for (const auto& e : world.history().entries())
    if (auto* shim = std::get_if<core::ShimEvent>(&e.event); shim && shim->program == program) return true;
  return false;
}

}  // namespace

// Goal: a command the simulation does not model ends the run as an error naming the user's script
// (not the run's copy of it), the line, the command and "not modelled" — never a verdict.
TEST(WorldHost, NotModelledCommandEndsTheRunNamingScriptAndLine) {
  HookScenario folder("echo starting\n\nnc -z localhost 3000 || true\necho after");
  auto r = run(folder);
  EXPECT_EQ(r.verdict, bg::core::Verdict::error);
  EXPECT_NE(r.error.find(folder.script().string() + ":4: `nc -z localhost 3000`"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("not modelled"), std::string::npos) << r.error;
}

// Goal: the same for an unmodelled unit, a curl to an address outside the run, and an unmodelled
// flag of a modelled command; each names its own line.
TEST(WorldHost, NotModelledUnitsAddressesAndFlags) {
  struct Case {
    std::string line;
    std::string expect;
  };
  for (const auto& c : std::vector<Case>{{"sudo systemctl restart myapp", "the myapp service"},
                                         {"curl -fsS https://hooks.slack.com/services/T0/B0", "hooks.slack.com:443"},
                                         {"curl --resolve api:80:10.0.0.1 http://api/", "curl option --resolve"},
                                         {"sudo -i whoami", "sudo option -i"}}) {
    HookScenario folder("set -e\n" + c.line);
    auto r = run(folder);
    EXPECT_EQ(r.verdict, bg::core::Verdict::error) << c.line;
    EXPECT_NE(r.error.find(folder.script().string() + ":3:"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find(c.expect), std::string::npos) << r.error;
  }
}

// Goal: a /bin/sh script is named too; its line is not traced, and the message says so.
TEST(WorldHost, NotModelledInAShScriptNamesTheScript) {
  HookScenario folder("apt-get install -y jq", "#!/bin/sh");
  auto r = run(folder);
  EXPECT_EQ(r.verdict, bg::core::Verdict::error);
  EXPECT_NE(r.error.find("apt-get"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("installs packages"), std::string::npos) << r.error;
}

// Goal: everything a script writes — with sudo tee into /etc/nginx, into home folders, /usr/local,
// /etc, /usr — lands in the run; the machine's files are byte-identical afterwards, and nothing the
// script started keeps running (a setsid'd daemon, a nohup'd job).
TEST(WorldHost, WritesStayInTheRunAndLeftoversDieWithIt) {
  const fs::path probe = "/etc/bg-world-host-probe";
  HookScenario folder(
      "echo 'server {}' | sudo tee /etc/nginx/conf.d/app.conf\n"
      "echo x > /home/ec2-user/note && echo y > /usr/local/bin/tool && echo z | sudo tee " +
      probe.string() +
      "\n"
      "sudo ln -sfn /etc/nginx/conf.d/app.conf /etc/nginx/linked.conf\n"
      "setsid /bin/sh -c 'exec tail -f /dev/null' >/dev/null 2>&1 < /dev/null &\n"
      "nohup tail -f /dev/null >/dev/null 2>&1 &\n"
      "echo done");
  const auto before = ProcessCensus::take();
  auto r = run(folder);
  EXPECT_TRUE(judge::ran_to_its_end(r)) << r.error;
  EXPECT_FALSE(fs::exists(probe));
  EXPECT_FALSE(fs::exists("/usr/local/bin/tool"));
  EXPECT_FALSE(fs::exists("/home/ec2-user/note"));
  EXPECT_FALSE(fs::exists("/etc/nginx/linked.conf"));
  const auto after = ProcessCensus::take();
  EXPECT_EQ(after.children, 0) << after.children_detail;
  EXPECT_EQ(after.threads, before.threads);
}

// Goal: the shims' binary and the real programs they hand work back to are the machine's own files,
// bound into the host read-only: a script running as root opens neither for writing (an open for
// append writes nothing, so the check is harmless to the machine even when it fails).
TEST(WorldHost, TheShimsAndTheRealProgramsCannotBeWritten) {
  HookScenario folder(
      ": >> /run/bluegreen/real/timeout 2>/dev/null && { echo 'real timeout writable' >&2; exit 3; }\n"
      ": >> /run/bluegreen/bluegreen-shim 2>/dev/null && { echo 'shim writable' >&2; exit 4; }\n"
      "test -x /run/bluegreen/real/timeout || exit 5\n"
      "/run/bluegreen/real/timeout 5 true || exit 6\n"
      "echo done");
  auto r = run(folder);
  EXPECT_TRUE(judge::ran_to_its_end(r)) << r.error;
}

// Goal: the documented CodeDeploy idiom — start the swap in the background with its output
// redirected — keeps running after the hook returns, as on an instance: its docker commands reach the
// fakes after the deployment has succeeded.
TEST(WorldHost, BackgroundedChildWithRedirectedOutputOutlivesItsHook) {
  HookScenario folder(
      "cat > /home/ec2-user/later.sh <<'EOF'\n#!/bin/bash\nsleep 1\ndocker ps -a > /home/ec2-user/ps.out\nEOF\n"
      "chmod +x /home/ec2-user/later.sh\n"
      "/home/ec2-user/later.sh > /dev/null 2>&1 < /dev/null &\n"
      "echo hook-done");
  World world(folder.load(), WorldOptions{.seed = 1, .time_scale = 0.02 * core::kSanitizerSlowdown});
  world.start();
  auto d = world.deploy(0);
  ASSERT_TRUE(d.succeeded) << d.error;
  // The hook has returned; the background job's `docker ps` comes one scenario second later.
  EXPECT_TRUE(test_support::wait_until(
      world.clock(), [&] { return shim_call_of(world, "docker"); }, 20s, "the background job's docker call"));
  world.shutdown();
}

// Goal: a script's own connections cannot reach the machine's ports: a listener on this machine's
// loopback receives nothing, whatever the script tries (bash's /dev/tcp, curl through the shim).
TEST(WorldHost, AListenerOnTheMachineReceivesNothing) {
  test_support::LoopbackListener listener;
  const int port = listener.port();
  HookScenario folder(
      fmt::format("(exec 3<>/dev/tcp/127.0.0.1/{}) 2>/dev/null && echo reached || echo refused\n"
                  "curl -s -m 2 http://127.0.0.1:{}/ || echo curl-refused $?",
                  port, port));
  auto r = run(folder);
  EXPECT_TRUE(judge::ran_to_its_end(r)) << r.error;
  // Nothing is waiting to be accepted: no connection ever arrived.
  EXPECT_FALSE(listener.has_pending_connection());
}

}  // namespace bg::sim

namespace bg::sim {

// Goal: a `sleep` whose script was killed at its hook's timeout ends with it: the harness does not
// keep sleeping for a caller that is gone (it would hold one of the shims' workers for the rest of
// the run).
TEST(WorldHost, AShimCallEndsWhenItsCallerIsKilled) {
  HookScenario folder("echo sleeping\nsleep 100000");
  {
    std::ofstream appspec(fs::path(folder.script()).parent_path().parent_path() / "appspec.yml");
    appspec << "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n"
               "      timeout: 30\n";
  }
  World world(folder.load(), WorldOptions{.seed = 1, .time_scale = 0.02 * core::kSanitizerSlowdown});
  world.start();
  auto d = world.deploy(0);
  EXPECT_FALSE(d.succeeded);
  // The shim call for `sleep 100000` ended (its event is in the history) soon after the kill.
  EXPECT_TRUE(test_support::wait_until(
      world.clock(), [&] { return shim_call_of(world, "sleep"); }, 40s, "the shim call of `sleep 100000` to end",
      200ms))
      << d.error;
  world.shutdown();
}

}  // namespace bg::sim
