// Ctrl-C, a CI cancel and a second Ctrl-C during `bluegreen run`, end to end: the executable is run
// as a child, signalled mid-run, and must stop in order (or at once on the second signal), write its
// reports marked interrupted, exit 128+signal, and leave no process, listener or run folder behind.
// This test process is a child subreaper, so anything the run leaves running comes back to it.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/run_folder.h"
#include "sim/process_tree.h"
#include "test_support/wait.h"

namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Child {
  pid_t pid = -1;
  int out = -1;
  std::string output;
};

Child spawn(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  std::vector<std::string> all{BG_CLI_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  c.out = fds[0];
  return c;
}

// Reads the child's output until `needle` appears (true) or the deadline or its end (false).
bool read_until(Child& c, const std::string& needle, std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (c.output.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{c.out, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(c.out, buf, sizeof buf);
    if (n <= 0) return false;
    c.output.append(buf, static_cast<size_t>(n));
  }
  return true;
}

// The child's exit code, or -1 when it has not ended within the deadline (it is then killed).
int wait_exit(Child& c, std::chrono::seconds deadline) {
  read_until(c, "\x01never", deadline);  // drains the output until it closes or the deadline
  int status = 0;
  auto exited = bg::test_support::wait_until([&] { return ::waitpid(c.pid, &status, WNOHANG) != 0; }, 5s,
                                             "bluegreen to exit once its output closed");
  if (!exited) {
    ADD_FAILURE() << exited.message();
    ::kill(c.pid, SIGKILL);
    ::waitpid(c.pid, &status, 0);
    return -1;
  }
  ::close(c.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Processes the run left behind (reparented to this subreaper), after reaping the dead ones; waits a
// little for a forced stop's folder cleaner to finish.
std::vector<pid_t> leftovers() {
  std::vector<pid_t> left;
  // The result is the list itself (the caller compares it with none), so the wait's own verdict
  // is not asserted here.
  (void)bg::test_support::wait_until(
      [&] {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        left = bg::sim::descendants(::getpid());
        return left.empty();
      },
      5s, "the run's processes to end");
  return left;
}

// Run folders (core/run_folder.h) whose owner file names `pid`.
std::vector<fs::path> folders_owned_by(pid_t pid) {
  std::vector<fs::path> out;
  for (const auto& folder : bg::core::run_folders()) {
    std::ifstream owner(folder / "owner");
    pid_t p = 0;
    if (owner >> p && p == pid) out.push_back(folder);
  }
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string last_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

class Signals : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }
  void SetUp() override {
    if (GetParam() == "nginx" && ::access("/usr/sbin/nginx", X_OK) != 0) GTEST_SKIP() << "/usr/sbin/nginx is missing";
    out_ = fs::temp_directory_path() / ("bg-signal-" + std::to_string(::getpid()) + "-" + GetParam());
    fs::remove_all(out_);
  }
  void TearDown() override { fs::remove_all(out_); }

  // seed-fixed behind the proxy of the parameter, signalled once swap 1 has begun.
  Child start_run() {
    Child c = spawn({"run", std::string(BG_SOURCE_DIR) + "/scenarios/data/seed-fixed", "--proxy", GetParam(),
                     "--time-scale", "0.05", "--out", out_.string()});
    EXPECT_TRUE(read_until(c, "swap 1 of", 120s)) << c.output;
    return c;
  }

  void expect_interrupted_reports(const std::string& signal) {
    const auto result = nlohmann::json::parse(read_file(out_ / "result.json"));
    EXPECT_EQ(result.at("verdict"), "error");
    EXPECT_EQ(result.at("interrupted"), true);
    EXPECT_EQ(result.at("signal"), signal);
    EXPECT_NE(read_file(out_ / "summary.md").find("Interrupted by " + signal), std::string::npos);
    EXPECT_NE(read_file(out_ / "report.html").find("id=\"interrupted\""), std::string::npos);
    const auto end = nlohmann::json::parse(last_line(out_ / "history.jsonl"));
    EXPECT_EQ(end.at("kind"), "end");
    EXPECT_EQ(end.at("complete"), true);
    EXPECT_EQ(end.at("signal"), signal);
  }

  void expect_nothing_left(pid_t run) {
    EXPECT_EQ(leftovers(), std::vector<pid_t>{});
    EXPECT_EQ(folders_owned_by(run), std::vector<fs::path>{});
  }

  fs::path out_;
};

}  // namespace

// Goal: Ctrl-C mid-run stops it in order: reports marked interrupted, exit 130, nothing left.
TEST_P(Signals, SigintStopsTheRunInOrder) {
  Child c = start_run();
  ::kill(c.pid, SIGINT);
  EXPECT_EQ(wait_exit(c, 120s), 128 + SIGINT) << c.output;
  EXPECT_NE(c.output.find("interrupted by SIGINT"), std::string::npos) << c.output;
  expect_interrupted_reports("SIGINT");
  expect_nothing_left(c.pid);
}

// Goal: a CI cancel (SIGTERM) does the same, with exit 143.
TEST_P(Signals, SigtermStopsTheRunInOrder) {
  Child c = start_run();
  ::kill(c.pid, SIGTERM);
  EXPECT_EQ(wait_exit(c, 120s), 128 + SIGTERM) << c.output;
  expect_interrupted_reports("SIGTERM");
  expect_nothing_left(c.pid);
}

// Goal: a second signal ends the run at once: the history is closed as it stood and says so, what
// the run started is killed, its folders go, exit 130 well within the first stop's deadlines.
TEST_P(Signals, ASecondSignalStopsItAtOnce) {
  Child c = start_run();
  ::kill(c.pid, SIGINT);
  // The second only once the first was taken (two pending SIGINTs would be one).
  ASSERT_TRUE(read_until(c, "stopping the run in order", 20s)) << c.output;
  ::kill(c.pid, SIGINT);
  EXPECT_EQ(wait_exit(c, 20s), 128 + SIGINT) << c.output;
  EXPECT_NE(c.output.find("second signal"), std::string::npos) << c.output;
  // Closed as it stood when the second signal came, or, when the orderly stop had already written
  // it whole (the sandboxed run stops in tens of ms), as the first stop closed it.
  const auto end = nlohmann::json::parse(last_line(out_ / "history.jsonl"));
  EXPECT_EQ(end.at("kind"), "end");
  EXPECT_NE(end.at("reason").get<std::string>().find("interrupted by SIGINT"), std::string::npos) << end.dump();
  expect_nothing_left(c.pid);
}

INSTANTIATE_TEST_SUITE_P(Proxy, Signals, ::testing::Values("bluegreen", "nginx"));
