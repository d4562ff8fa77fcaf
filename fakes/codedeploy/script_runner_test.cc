#include "fakes/codedeploy/script_runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "fakes/codedeploy/codedeploy_test_support.h"

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;
using test_support::TempDir;
using test_support::write_file;

const std::map<std::string, std::string> kEnv{{"PATH", "/usr/bin:/bin"}};

// Whether process `pid` still runs (a zombie waiting for its reaper does not count).
bool process_alive(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto close = line.rfind(')');
  char state = close == std::string::npos || close + 2 >= line.size() ? 'Z' : line[close + 2];
  return state != 'Z' && state != 'X';
}

long read_pid(const std::filesystem::path& p) {
  std::string text = test_support::read_file(p);
  return text.empty() ? -1 : std::stol(text);
}

class ScriptRunnerTest : public ::testing::Test {
 protected:
  ScriptRequest request(const std::string& body, core::Duration timeout = 3600s) {
    write_file(dir_ / "script.sh", "#!/usr/bin/env bash\n" + body, true);
    return ScriptRequest{.script = dir_ / "script.sh", .cwd = dir_.path(), .env = kEnv, .timeout = timeout};
  }
  TempDir dir_;
  core::ScaledClock clock_{0.01};
  ScriptRunner runner_{clock_};
};

// Goal: the script's exit status is returned and a normal exit is neither timed out nor stopped.
TEST_F(ScriptRunnerTest, ReturnsTheExitCode) {
  ScriptResult r = runner_.run(request("exit 3\n"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.stopped);
  EXPECT_TRUE(r.spawn_error.empty());
  EXPECT_LE(r.start, r.end);
}

// Goal: the script sees exactly the given environment (nothing inherited from the harness).
TEST_F(ScriptRunnerTest, EnvironmentIsExactlyTheGivenMap) {
  ScriptRequest req = request("echo \"$DEPLOYMENT_ID $LIFECYCLE_EVENT ${HOME-unset}\"\n");
  req.env["DEPLOYMENT_ID"] = "d-ABC";
  req.env["LIFECYCLE_EVENT"] = "AfterInstall";
  ScriptResult r = runner_.run(req);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "d-ABC AfterInstall unset\n");
}

// Goal: stdout and stderr are captured apart, returned and written to the given files.
TEST_F(ScriptRunnerTest, CapturesStdoutAndStderrToFiles) {
  ScriptRequest req = request("echo to-out\necho to-err >&2\n");
  req.stdout_file = dir_ / "logs/out";
  req.stderr_file = dir_ / "logs/err";
  std::filesystem::create_directories(dir_ / "logs");
  ScriptResult r = runner_.run(req);
  EXPECT_EQ(r.out, "to-out\n");
  EXPECT_EQ(r.err, "to-err\n");
  EXPECT_EQ(test_support::read_file(dir_ / "logs/out"), "to-out\n");
  EXPECT_EQ(test_support::read_file(dir_ / "logs/err"), "to-err\n");
}

// Goal: the script runs in the given folder with stdin at end of file, in its own session.
TEST_F(ScriptRunnerTest, RunsInCwdWithEmptyStdinAndOwnSession) {
  std::filesystem::create_directories(dir_ / "archive");
  ScriptRequest req = request("pwd\nread -r line || echo stdin-eof\nps -o sid= -p $$ | tr -d ' '\necho $$\n");
  req.cwd = dir_ / "archive";
  ScriptResult r = runner_.run(req);
  std::istringstream lines(r.out);
  std::string cwd, eof, sid, pid;
  std::getline(lines, cwd), std::getline(lines, eof), std::getline(lines, sid), std::getline(lines, pid);
  EXPECT_EQ(cwd, (dir_ / "archive").string());
  EXPECT_EQ(eof, "stdin-eof");
  EXPECT_EQ(sid, pid);  // session leader: setsid ran
}

// Goal: a timeout kills the script and its backgrounded `sleep 1000`; nothing is left in /proc.
TEST_F(ScriptRunnerTest, TimeoutKillsTheWholeGroup) {
  ScriptResult r = runner_.run(request("sleep 1000 &\necho $! > bg.pid\nwait\n", 50s));
  EXPECT_TRUE(r.timed_out);
  long pid = read_pid(dir_ / "bg.pid");
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(process_alive(pid));
}

// Goal: a backgrounded child keeping stdout open holds the event until the timeout, as in CodeDeploy.
TEST_F(ScriptRunnerTest, BackgroundChildHoldingOutputHoldsUntilTimeout) {
  // 50 s of scenario time is 0.5 s real: long enough for bash to write bg.pid on a loaded machine.
  ScriptResult r = runner_.run(request("sleep 1000 &\necho $! > bg.pid\nexit 0\n", 50s));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);  // the script itself had exited
  long pid = read_pid(dir_ / "bg.pid");
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(process_alive(pid));
}

// Goal: the runner waits for a short-lived background child that holds stdout before returning.
TEST_F(ScriptRunnerTest, WaitsForBackgroundChildThatHoldsOutput) {
  ScriptResult r = runner_.run(request("(sleep 0.2; echo late; touch child.done) &\nexit 0\n"));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "late\n");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "child.done"));
}

// Goal: a background child that closed its output does not hold the event, yet does not outlive the run.
TEST_F(ScriptRunnerTest, DetachedLeftoverDoesNotHoldButIsKilled) {
  ScriptResult r = runner_.run(request("sleep 1000 >/dev/null 2>&1 &\necho $! > bg.pid\n"));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  long pid = read_pid(dir_ / "bg.pid");
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(process_alive(pid));
}

// Goal: a group that ignores SIGTERM is SIGKILLed after the grace period.
TEST_F(ScriptRunnerTest, IgnoredSigtermEscalatesToSigkill) {
  ScriptResult r = runner_.run(request("trap '' TERM\nsleep 1000 &\necho $! > bg.pid\nwait\n", 50s));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  long pid = read_pid(dir_ / "bg.pid");
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(process_alive(pid));
}

// Goal: a stop request ends a long script promptly (stopped, not timed out) and kills its children.
TEST_F(ScriptRunnerTest, StopTokenEndsALongScript) {
  std::stop_source stop;
  std::jthread stopper([&] {
    // Stop once the script has started (bounded wait: at most 100 s scenario = 1 s real).
    EXPECT_TRUE(test_support::wait_until(
        clock_, [&] { return std::filesystem::exists(dir_ / "bg.pid"); }, 100s,
        "the script to start its background job"));
    stop.request_stop();
  });
  ScriptResult r = runner_.run(request("sleep 1000 &\necho $! > bg.pid\nwait\n"), stop.get_token());
  stopper.join();
  EXPECT_TRUE(r.stopped);
  EXPECT_FALSE(r.timed_out);
  long pid = read_pid(dir_ / "bg.pid");
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(process_alive(pid));
}

// Goal: a file that cannot be executed is reported as a spawn error with a shell-like exit code.
TEST_F(ScriptRunnerTest, NonExecutableScriptIsASpawnError) {
  write_file(dir_ / "plain.sh", "#!/usr/bin/env bash\nexit 0\n", false);
  ScriptResult r = runner_.run({.script = dir_ / "plain.sh", .cwd = dir_.path(), .env = kEnv});
  EXPECT_EQ(r.exit_code, 126);
  EXPECT_NE(r.spawn_error.find("cannot execute"), std::string::npos) << r.spawn_error;
  EXPECT_NE(r.spawn_error.find("Permission denied"), std::string::npos) << r.spawn_error;
}

}  // namespace
// Goal: a script that writes without end costs bounded memory: the first and last 64 KiB of each
// stream are kept, the summary says how much was left out, and the count is exact.
TEST_F(ScriptRunnerTest, OutputIsKeptToABoundedHeadAndTail) {
  ScriptResult r = runner_.run(request("echo first; head -c 20000000 /dev/zero | tr '\\0' x; echo; echo last\n"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out_bytes, 6u + 20000000u + 1u + 5u);
  EXPECT_LT(r.out.size(), 2 * CapturedOutput::kKept + 200);
  EXPECT_EQ(r.out.rfind("first\n", 0), 0u);
  EXPECT_EQ(r.out.substr(r.out.size() - 5), "last\n");
  EXPECT_NE(r.out.find("bytes of output not kept"), std::string::npos);
}

// Goal: output within the bound is kept whole, with no note.
TEST(CapturedOutput, KeepsEverythingUnderTheBoundAndHeadPlusTailOverIt) {
  CapturedOutput small;
  small.append("abc", 3);
  EXPECT_EQ(small.text(), "abc");
  EXPECT_FALSE(small.truncated());
  CapturedOutput big;
  const std::string chunk(1000, 'y');
  for (int i = 0; i < 1000; ++i) big.append(chunk.data(), chunk.size());
  EXPECT_TRUE(big.truncated());
  EXPECT_EQ(big.total, 1000000u);
  EXPECT_NE(big.text().find("[... 868928 bytes of output not kept"), std::string::npos);
}

}  // namespace bg::fakes
