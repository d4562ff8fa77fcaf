#include "fakes/codedeploy/agent.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "fakes/codedeploy/codedeploy_test_support.h"

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;
using test_support::read_file;
using test_support::TempDir;
using test_support::write_file;
using Kind = core::DeployEventKind;

// Each hook script appends "<revision> <event> <deployment id>" to $HOOK_LOG.
std::string log_line_script(const std::string& revision, const std::string& extra = "") {
  return "#!/usr/bin/env bash\n" + extra + "echo \"" + revision +
         " $LIFECYCLE_EVENT $DEPLOYMENT_ID\" >> \"$HOOK_LOG\"\n";
}

class AgentTest : public ::testing::Test {
 protected:
  AgentTest() {
    std::filesystem::create_directories(run_dir_);
    paths_.add("/home/ec2-user/temp", run_dir_);
  }

  // A bundle with appspec.yml, index.html and one logging script per scriptable event.
  std::filesystem::path make_bundle(const std::string& revision, const std::string& appspec_extra = "",
                                    const std::map<std::string, std::string>& script_override = {}) {
    auto b = dir_ / ("bundle-" + revision);
    std::string appspec = "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /home/ec2-user/temp\n" +
                          appspec_extra + "hooks:\n";
    for (const char* event :
         {"ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService"}) {
      std::string name = std::string("scripts/") + event + ".sh";
      appspec += std::string("  ") + event + ":\n    - location: /" + name +
                 "\n      timeout: " + std::to_string(hook_timeout_) + "\n";
      auto it = script_override.find(event);
      write_file(b / name, it != script_override.end() ? it->second : log_line_script(revision), true);
    }
    write_file(b / "appspec.yml", appspec);
    write_file(b / "index.html", "page of " + revision + "\n");
    return b;
  }

  CodeDeployAgent make_agent(const std::filesystem::path& revisions_root = {}) {
    AgentOptions o;
    o.revisions_root = revisions_root;
    o.deployment_root = dir_ / "deployment-root";
    o.application_name = "app";
    o.deployment_group_name = "group";
    o.deployment_group_id = "gid-1";
    o.environment = {{"PATH", "/usr/bin:/bin"}, {"HOOK_LOG", (dir_ / "hooks.log").string()}};
    o.kill_grace = 1s;
    o.on_event = [this](const core::DeployEvent& e) {
      std::lock_guard lock(observed_mutex_);  // a refused concurrent deploy emits on its own thread
      observed_.push_back(e.kind);
    };
    return CodeDeployAgent(clock_, history_, paths_, o);
  }

  std::string hook_log() { return read_file(dir_ / "hooks.log"); }

  TempDir dir_;
  std::filesystem::path run_dir_ = dir_ / "run";
  core::PathMap paths_;
  core::ScaledClock clock_{0.01};
  // 60 s is 0.6 real s at this scale: room for a one-line hook script even when the agent runs
  // under ASan or TSan (their fork is slower) on a busy machine; 5 s (50 ms) failed there.
  int hook_timeout_ = 60;
  core::History history_;
  std::mutex observed_mutex_;
  std::vector<Kind> observed_;
};

std::vector<Kind> kinds(const core::History& h) {
  std::vector<Kind> out;
  for (const auto& e : h.all<core::DeployEvent>()) out.push_back(e.kind);
  return out;
}

// Goal: deployment ids are "d-" + 9 characters, stable per number and distinct across numbers.
TEST(DeploymentId, IsDeterministicAndShapedLikeCodeDeploys) {
  std::string a = CodeDeployAgent::deployment_id_for(1);
  EXPECT_EQ(a.size(), 11u);
  EXPECT_EQ(a.substr(0, 2), "d-");
  EXPECT_EQ(a, CodeDeployAgent::deployment_id_for(1));
  EXPECT_NE(a, CodeDeployAgent::deployment_id_for(2));
}

// Goal: two deployments run their hooks in order; the second's ApplicationStop runs the first's script.
TEST_F(AgentTest, HooksRunInOrderAndApplicationStopUsesPreviousRevision) {
  CodeDeployAgent agent = make_agent();
  DeploymentResult d1 = agent.deploy(1, make_bundle("rev1"));
  ASSERT_TRUE(d1.succeeded) << d1.error;
  DeploymentResult d2 = agent.deploy(2, make_bundle("rev2"));
  ASSERT_TRUE(d2.succeeded) << d2.error;
  const std::string id1 = d1.deployment_id, id2 = d2.deployment_id;
  EXPECT_EQ(hook_log(), "rev1 BeforeInstall " + id1 + "\nrev1 AfterInstall " + id1 + "\nrev1 ApplicationStart " + id1 +
                            "\nrev1 ValidateService " + id1 + "\nrev1 ApplicationStop " + id2 +
                            "\nrev2 BeforeInstall " + id2 + "\nrev2 AfterInstall " + id2 + "\nrev2 ApplicationStart " +
                            id2 + "\nrev2 ValidateService " + id2 + "\n");
  EXPECT_EQ(d1.hooks.size(), 8u);  // no ApplicationStop on the first deployment
  ASSERT_EQ(d2.hooks.size(), 9u);
  EXPECT_EQ(d2.hooks[1].event, LifecycleEvent::ApplicationStop);
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "deployment-root/gid-1" / id2 / "deployment-archive"));
  EXPECT_EQ(read_file(run_dir_ / "index.html"), "page of rev2\n");  // Install went through the PathMap
  EXPECT_EQ(agent.last_successful_deployment_dir(), dir_ / "deployment-root/gid-1" / id2);
  auto k = kinds(history_);
  EXPECT_EQ(k.front(), Kind::deployment_started);
  EXPECT_EQ(k.back(), Kind::deployment_succeeded);
  EXPECT_EQ(observed_, k);  // the observer saw every event, in order
}

// Goal: the history names a revision under the run's folder relative to it, so two runs of one seed
// (each in its own temporary folder) record the same words; one elsewhere by its full path.
TEST_F(AgentTest, DeploymentStartedNamesTheRevisionRelativeToTheRunFolder) {
  const auto detail_of_last_start = [this] {
    std::string detail;
    for (const auto& e : history_.all<core::DeployEvent>())
      if (e.kind == Kind::deployment_started) detail = e.detail;
    return detail;
  };
  const auto inside = make_bundle("rev1");
  ASSERT_TRUE(make_agent(dir_.path()).deploy(1, inside).succeeded);
  EXPECT_EQ(detail_of_last_start(), CodeDeployAgent::deployment_id_for(1) + " of bundle-rev1 to group");
  ASSERT_TRUE(make_agent(dir_ / "elsewhere").deploy(2, inside).succeeded);
  EXPECT_EQ(detail_of_last_start(), CodeDeployAgent::deployment_id_for(2) + " of " + inside.string() + " to group");
}

// Goal: scripts see CodeDeploy's variables for their deployment and event.
TEST_F(AgentTest, ScriptsSeeCodeDeployEnvironment) {
  CodeDeployAgent agent = make_agent();
  std::string env_dump =
      "#!/usr/bin/env bash\necho \"$APPLICATION_NAME|$DEPLOYMENT_ID|$DEPLOYMENT_GROUP_NAME|$DEPLOYMENT_GROUP_ID|"
      "$LIFECYCLE_EVENT|$BG_DEPLOYMENT|$(pwd)\" >> \"$HOOK_LOG\"\n";
  DeploymentResult d = agent.deploy(7, make_bundle("rev1", "", {{"AfterInstall", env_dump}}));
  ASSERT_TRUE(d.succeeded) << d.error;
  std::string archive = (dir_ / "deployment-root/gid-1" / d.deployment_id / "deployment-archive").string();
  EXPECT_NE(hook_log().find("app|" + d.deployment_id + "|group|gid-1|AfterInstall|7|" + archive + "\n"),
            std::string::npos)
      << hook_log();
}

// Goal: a failing hook fails the deployment, later hooks do not run, and the next ApplicationStop runs
// the last *successful* revision's script, not the failed one's.
TEST_F(AgentTest, FailureStopsLaterHooksAndNextStopUsesLastGoodRevision) {
  CodeDeployAgent agent = make_agent();
  ASSERT_TRUE(agent.deploy(1, make_bundle("rev1")).succeeded);
  std::string failing = log_line_script("rev2", "echo building >&1\necho broken >&2\nexit 1\n");
  DeploymentResult d2 = agent.deploy(2, make_bundle("rev2", "", {{"AfterInstall", failing}}));
  EXPECT_FALSE(d2.succeeded);
  EXPECT_EQ(d2.failed_event, LifecycleEvent::AfterInstall);
  EXPECT_EQ(d2.hooks.back().event, LifecycleEvent::AfterInstall);
  EXPECT_NE(d2.error.find("Script at specified location: /scripts/AfterInstall.sh failed with exit code 1"),
            std::string::npos)
      << d2.error;
  EXPECT_EQ(read_file(run_dir_ / "index.html"), "page of rev2\n");  // Install is not undone
  auto failed = history_.all<core::DeployEvent>().back();
  EXPECT_EQ(failed.kind, Kind::deployment_failed);
  EXPECT_NE(failed.detail.find("[stderr]broken"), std::string::npos) << failed.detail;
  EXPECT_EQ(hook_log().find("rev2 ApplicationStart"), std::string::npos);

  DeploymentResult d3 = agent.deploy(3, make_bundle("rev3"));
  ASSERT_TRUE(d3.succeeded) << d3.error;
  EXPECT_NE(hook_log().find("rev1 ApplicationStop " + d3.deployment_id), std::string::npos) << hook_log();
  EXPECT_EQ(hook_log().find("rev2 ApplicationStop"), std::string::npos);
}

// Goal: a script past its timeout fails the event with CodeDeploy's message and a hook_timed_out event.
TEST_F(AgentTest, TimedOutHookFailsTheDeployment) {
  hook_timeout_ = 5;
  CodeDeployAgent agent = make_agent();
  DeploymentResult d =
      agent.deploy(1, make_bundle("rev1", "", {{"BeforeInstall", "#!/usr/bin/env bash\nsleep 1000\n"}}));
  EXPECT_FALSE(d.succeeded);
  EXPECT_NE(d.error.find("Script at specified location: /scripts/BeforeInstall.sh failed to complete in 5 seconds"),
            std::string::npos)
      << d.error;
  auto k = kinds(history_);
  EXPECT_NE(std::find(k.begin(), k.end(), Kind::hook_timed_out), k.end());
  EXPECT_FALSE(std::filesystem::exists(run_dir_ / "index.html"));  // Install never ran
}

// Goal: with DISALLOW (default) a file at the destination not from the previous deployment fails Install.
TEST_F(AgentTest, DisallowFailsInstallOnAStrayFile) {
  write_file(run_dir_ / "index.html", "stray\n");
  CodeDeployAgent agent = make_agent();
  DeploymentResult d = agent.deploy(1, make_bundle("rev1"));
  EXPECT_FALSE(d.succeeded);
  EXPECT_EQ(d.failed_event, LifecycleEvent::Install);
  EXPECT_NE(d.error.find("The deployment failed because a specified file already exists at this location: "
                         "/home/ec2-user/temp/index.html"),
            std::string::npos)
      << d.error;
  EXPECT_EQ(read_file(run_dir_ / "index.html"), "stray\n");
  EXPECT_EQ(hook_log().find("AfterInstall"), std::string::npos);    // no later hook ran
  EXPECT_FALSE(std::filesystem::exists(run_dir_ / "appspec.yml"));  // nothing was copied
}

// Goal: OVERWRITE replaces a stray file; RETAIN keeps it; both deployments succeed.
TEST_F(AgentTest, OverwriteReplacesAndRetainKeeps) {
  write_file(run_dir_ / "index.html", "stray\n");
  CodeDeployAgent agent = make_agent();
  ASSERT_TRUE(agent.deploy(1, make_bundle("retain", "file_exists_behavior: RETAIN\n")).succeeded);
  EXPECT_EQ(read_file(run_dir_ / "index.html"), "stray\n");
  ASSERT_TRUE(agent.deploy(2, make_bundle("over", "file_exists_behavior: OVERWRITE\n")).succeeded);
  EXPECT_EQ(read_file(run_dir_ / "index.html"), "page of over\n");
  // A file of the previous deployment never conflicts: deployment 3 with DISALLOW succeeds.
  ASSERT_TRUE(agent.deploy(3, make_bundle("again")).succeeded);
  EXPECT_EQ(read_file(run_dir_ / "index.html"), "page of again\n");
}

// Goal: a non-executable script is made executable (as the agent does); a missing one fails the event.
TEST_F(AgentTest, NonExecutableScriptRunsAndMissingScriptFails) {
  CodeDeployAgent agent = make_agent();
  auto bundle = make_bundle("rev1");
  std::filesystem::permissions(
      bundle / "scripts/AfterInstall.sh",
      std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec | std::filesystem::perms::others_exec,
      std::filesystem::perm_options::remove);
  ASSERT_TRUE(agent.deploy(1, bundle).succeeded);
  EXPECT_NE(hook_log().find("rev1 AfterInstall"), std::string::npos);
  auto broken = make_bundle("rev2");
  std::filesystem::remove(broken / "scripts/ApplicationStart.sh");
  DeploymentResult d = agent.deploy(2, broken);
  EXPECT_NE(d.error.find("Script does not exist at specified location: /scripts/ApplicationStart.sh"),
            std::string::npos)
      << d.error;
}

// Goal: a second deploy() while one is active is refused with DeploymentLimitExceededException and never runs.
TEST_F(AgentTest, ConcurrentDeployIsRefused) {
  CodeDeployAgent agent = make_agent();
  // AfterInstall of deployment 1 waits (bounded) until the test has tried deployment 2.
  std::string waiter =
      "#!/usr/bin/env bash\nfor i in $(seq 1 500); do [ -f \"$HOOK_LOG.release\" ] && exit 0; "
      "sleep 0.01; done\nexit 1\n";
  auto b1 = make_bundle("rev1", "", {{"AfterInstall", waiter}});
  auto b2 = make_bundle("rev2");
  DeploymentResult d1;
  std::jthread first([&] { d1 = agent.deploy(1, b1); });
  ASSERT_TRUE(test_support::wait_until(
      clock_, [&] { return agent.active_deployment().has_value(); }, 50s, "deployment 1 to be active"));
  DeploymentResult d2 = agent.deploy(2, b2);
  write_file(dir_ / "hooks.log.release", "");
  first.join();
  EXPECT_TRUE(d2.refused);
  EXPECT_FALSE(d2.succeeded);
  EXPECT_EQ(d2.error,
            "DeploymentLimitExceededException: The Deployment Group 'group' already has an active "
            "Deployment '" +
                d1.deployment_id + "'");
  EXPECT_TRUE(d1.succeeded) << d1.error;
  EXPECT_EQ(hook_log().find("rev2"), std::string::npos);  // deployment 2 never ran
  EXPECT_FALSE(std::filesystem::exists(dir_ / "deployment-root/gid-1" / d2.deployment_id));
  EXPECT_FALSE(agent.active_deployment().has_value());
}

// Goal: a stop request ends the running hook script, fails the deployment and runs no later hook.
TEST_F(AgentTest, StopEndsTheRunningHookAndTheDeployment) {
  CodeDeployAgent agent = make_agent();
  std::string slow = "#!/usr/bin/env bash\ntouch \"$HOOK_LOG.started\"\nsleep 1000\n";
  auto bundle = make_bundle("rev1", "", {{"AfterInstall", slow}});
  std::stop_source stop;
  std::jthread stopper([&] {
    EXPECT_TRUE(test_support::wait_until(
        clock_, [&] { return std::filesystem::exists(dir_ / "hooks.log.started"); }, 50s,
        "the AfterInstall script to start"));
    stop.request_stop();
  });
  DeploymentResult d = agent.deploy(1, bundle, stop.get_token());
  stopper.join();
  EXPECT_FALSE(d.succeeded);
  EXPECT_EQ(d.failed_event, LifecycleEvent::AfterInstall);
  ASSERT_FALSE(d.hooks.back().scripts.empty());
  EXPECT_TRUE(d.hooks.back().scripts.back().result.stopped);
  EXPECT_EQ(hook_log().find("ApplicationStart"), std::string::npos);
}

// Goal: like the agent with its default :max_revisions: 5, the group's folder keeps the current
// deployment's and the 4 newest others, and never removes the last successful one, whose archive the
// next ApplicationStop runs from; a long run's deployment root stays bounded.
TEST_F(AgentTest, KeepsTheLastMaxRevisionsFoldersAndTheLastSuccessfulOne) {
  EXPECT_EQ(AgentOptions{}.max_revisions, 5);
  CodeDeployAgent agent = make_agent();
  const auto group = dir_ / "deployment-root/gid-1";
  // Their modification times a minute apart, oldest first: the agent removes by mtime, and a
  // filesystem's coarse clock must not make the order vary.
  const auto base = std::filesystem::file_time_type::clock::now() - 1h;
  std::map<int, std::string> ids;
  auto deploy = [&](int n, const std::filesystem::path& bundle) {
    DeploymentResult d = agent.deploy(n, bundle);
    ids[n] = d.deployment_id;
    std::filesystem::last_write_time(group / d.deployment_id, base + n * 1min);
    return d.succeeded;
  };
  auto folders = [&] {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(group)) names.insert(e.path().filename().string());
    return names;
  };
  auto of = [&](std::initializer_list<int> numbers) {
    std::set<std::string> names;
    for (int n : numbers) names.insert(ids.at(n));
    return names;
  };
  ASSERT_TRUE(deploy(1, make_bundle("rev1")));
  const std::string failing = log_line_script("bad", "exit 1\n");
  for (int n = 2; n <= 5; ++n) ASSERT_FALSE(deploy(n, make_bundle("bad", "", {{"AfterInstall", failing}})));
  EXPECT_EQ(folders(), of({1, 2, 3, 4, 5}));
  for (int n = 6; n <= 8; ++n) ASSERT_FALSE(deploy(n, make_bundle("bad", "", {{"AfterInstall", failing}})));
  EXPECT_EQ(folders(), of({1, 6, 7, 8, 5}));  // 2, 3, 4 went; 1 is the last successful
  ASSERT_TRUE(deploy(9, make_bundle("rev9")));
  EXPECT_NE(hook_log().find("rev1 ApplicationStop " + ids[9]), std::string::npos) << hook_log();
  EXPECT_EQ(folders(), of({1, 6, 7, 8, 9}));
  ASSERT_TRUE(deploy(10, make_bundle("rev10")));  // 9 is now the last successful: 1 goes
  EXPECT_NE(hook_log().find("rev9 ApplicationStop " + ids[10]), std::string::npos) << hook_log();
  EXPECT_EQ(folders(), of({6, 7, 8, 9, 10}));
}

}  // namespace
}  // namespace bg::fakes
