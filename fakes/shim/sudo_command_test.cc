#include "fakes/shim/sudo_command.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

SudoContext context(bool amazon) {
  SudoContext c;
  c.amazon_linux = amazon;
  c.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
           {"PORT", "3001"},
           {"USER", "root"},
           {"BLUEGREEN_SHIM_SOCKET", "/run/bluegreen/shim.sock"},
           {"LANG", "C.UTF-8"}};
  c.executable = [](const std::string& p) {
    return p == "/usr/bin/docker" || p == "/usr/local/bin/docker-compose" || p == "/usr/bin/tee" || p == "/bin/bash";
  };
  c.harness_variables = {"BLUEGREEN_SHIM_SOCKET"};
  return c;
}

}  // namespace

// Goal: sudo looks the command up on its secure_path and resets the environment: PORT exported by
// the script does not reach the command, the harness's socket does.
TEST(PlanSudo, SecurePathAndResetEnvironment) {
  auto plan = plan_sudo({"tee", "-a", "/etc/nginx/conf.d/active.conf"}, context(false));
  ASSERT_FALSE(plan.refusal);
  EXPECT_EQ(plan.exec, (std::vector<std::string>{"/usr/bin/tee", "-a", "/etc/nginx/conf.d/active.conf"}));
  EXPECT_EQ(plan.env.at("PATH"), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  EXPECT_EQ(plan.env.count("PORT"), 0u);
  EXPECT_EQ(plan.env.at("BLUEGREEN_SHIM_SOCKET"), "/run/bluegreen/shim.sock");
  EXPECT_EQ(plan.env.at("SUDO_COMMAND"), "/usr/bin/tee -a /etc/nginx/conf.d/active.conf");
  EXPECT_EQ(plan.env.at("HOME"), "/root");
}

// Goal: Amazon Linux 2's secure_path has no /usr/local/bin: `sudo docker-compose` installed there is
// "command not found", as on the instance; Ubuntu's finds it.
TEST(PlanSudo, AmazonLinuxSecurePathMissesUsrLocalBin) {
  auto amazon = plan_sudo({"docker-compose", "up", "-d"}, context(true));
  ASSERT_TRUE(amazon.refusal);
  EXPECT_EQ(amazon.refusal->exit_code, 1);
  EXPECT_EQ(amazon.refusal->err, "sudo: docker-compose: command not found\n");
  EXPECT_FALSE(plan_sudo({"docker-compose", "up", "-d"}, context(false)).refusal);
}

// Goal: -E keeps the caller's variables, VAR=value sets one, -u is accepted, -s wraps in a shell.
TEST(PlanSudo, FlagsAndAssignments) {
  auto e = plan_sudo({"-E", "docker", "ps"}, context(false));
  EXPECT_EQ(e.env.at("PORT"), "3001");
  auto assigned = plan_sudo({"-u", "ec2-user", "PORT=3002", "docker", "ps"}, context(false));
  ASSERT_FALSE(assigned.refusal);
  EXPECT_EQ(assigned.env.at("PORT"), "3002");
  auto shell = plan_sudo({"-s", "echo", "a b"}, context(false));
  EXPECT_EQ(shell.exec, (std::vector<std::string>{"/bin/bash", "-c", "echo a\\ b"}));
  EXPECT_EQ(plan_sudo({}, context(false)).refusal->exit_code, 1);
  EXPECT_FALSE(plan_sudo({"-i", "docker"}, context(false)).refusal->not_modelled.empty());
}

}  // namespace bg::fakes
