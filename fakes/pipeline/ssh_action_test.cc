// appleboy/ssh-action's script handling (drone-ssh plugin.go): the command sent, its lines, envs,
// command_timeout.
#include "fakes/pipeline/ssh_action.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;

// Goal: without script_stop the script goes as one trimmed command, lines kept.
TEST(SshAction, SendsTheScriptAsOneTrimmedCommand) {
  SshCommand c = build_ssh_command("\n  cd /home/ubuntu/web\ngit pull origin main\n./scripts/deploy.sh\n\n", false, {},
                                   false, "", {});
  EXPECT_EQ(c.command, "cd /home/ubuntu/web\ngit pull origin main\n./scripts/deploy.sh");
  EXPECT_EQ(c.script_lines, (std::vector<int>{2, 3, 4}));
}

// Goal: script_stop adds drone-ssh's exit check after each line, except after a continued line.
TEST(SshAction, ScriptStopChecksEveryLine) {
  SshCommand c = build_ssh_command("cd app\n\n  docker build \\\n  -t x .\n", true, {}, false, "", {});
  const std::string check =
      "DRONE_SSH_PREV_COMMAND_EXIT_CODE=$? ; if [ $DRONE_SSH_PREV_COMMAND_EXIT_CODE -ne 0 ]; then exit "
      "$DRONE_SSH_PREV_COMMAND_EXIT_CODE; fi;";
  EXPECT_EQ(c.command, "cd app\n" + check + "\ndocker build \\\n-t x .\n" + check);
  EXPECT_EQ(c.script_lines, (std::vector<int>{1, 0, 3, 4, 0}));
}

// Goal: envs names (upper-cased, comma-separated) that are set become quoted exports first.
TEST(SshAction, EnvsBecomeQuotedExports) {
  const std::map<std::string, std::string> env = {{"TAG", "it's v2"}, {"GITHUB_SHA", "abc"}, {"INPUT_HOST", "h"}};
  SshCommand c = build_ssh_command("./deploy.sh", false, split_string_slice(" tag , missing"), false, "", env);
  EXPECT_EQ(c.command, "export TAG='it'\\''s v2'\n./deploy.sh");
  EXPECT_EQ(c.script_lines, (std::vector<int>{0, 1}));
  c = build_ssh_command("x", false, {}, true, "{NAME}={VALUE}", env);
  EXPECT_EQ(c.command, "GITHUB_SHA='abc'\nINPUT_HOST='h'\nx");
}

// Goal: command_timeout is a Go duration; a number without a unit is rejected as Go rejects it.
TEST(SshAction, CommandTimeoutIsAGoDuration) {
  EXPECT_EQ(parse_go_duration("15m"), core::Duration(15min));
  EXPECT_EQ(parse_go_duration("1h30m"), core::Duration(90min));
  EXPECT_EQ(parse_go_duration("1.5s"), core::Duration(1500ms));
  EXPECT_EQ(parse_go_duration("0"), core::Duration(0));
  EXPECT_FALSE(parse_go_duration("10"));
  EXPECT_FALSE(parse_go_duration("10 minutes"));
  EXPECT_FALSE(parse_go_duration(""));
}

// Goal: sshd's environment names the user and home; the PATH is the host's.
TEST(SshAction, SessionEnvironmentIsTheUsers) {
  auto env = ssh_session_environment("ubuntu", "/home/ubuntu", false);
  EXPECT_EQ(env.at("HOME"), "/home/ubuntu");
  EXPECT_EQ(env.at("USER"), "ubuntu");
  EXPECT_NE(env.at("PATH").find("/usr/bin"), std::string::npos);
  EXPECT_TRUE(env.count("SSH_CONNECTION"));
}

}  // namespace
}  // namespace bg::fakes
