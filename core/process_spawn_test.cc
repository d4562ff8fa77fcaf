// spawn_process without namespaces: what a started program gets (its arguments and environment
// exactly, its folder, its descriptors and no others, default signals, a session of its own), and
// how a program that cannot start is reported. The sandbox's side (entering namespaces, the staying
// relay) is fakes/host/sandbox_host_test.cc's.
#include "core/process_spawn.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/sanitizer_logs.h"

namespace bg::core {
namespace {

namespace fs = std::filesystem;

class ProcessSpawn : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bg-spawn-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `script` in /bin/sh with stdout to a file (and `stdin_fd` as stdin, -1 for none); returns
  // the exit status and what it printed.
  std::pair<int, std::string> run(const std::string& script, std::map<std::string, std::string> env = {},
                                  int stdin_fd = -1) {
    const int out = ::open((dir_ / "out.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    SpawnRequest r;
    r.argv = {"/bin/sh", "-c", script, "name-zero", "one two"};
    r.env = std::move(env);
    r.cwd = dir_;
    r.stdin_fd = stdin_fd;
    r.stdout_fd = out;
    Spawned s = spawn_process(r);
    ::close(out);
    EXPECT_TRUE(s.ok()) << s.error;
    int status = 0;
    ::waitpid(s.pid, &status, 0);
    std::ifstream in(dir_ / "out.txt");
    std::stringstream text;
    text << in.rdbuf();
    return {status, text.str()};
  }

  fs::path dir_;
};

// Goal: the program gets its arguments and environment exactly (nothing of ours but, in a sanitized
// build, the sanitizer's options: sanitizer_logs.h), and its folder.
TEST_F(ProcessSpawn, ArgumentsEnvironmentAndFolderAreExactlyTheRequests) {
  const std::map<std::string, std::string> env = {{"A", "1"}, {"PATH", "/usr/bin:/bin"}};
  auto [status, out] =
      run("echo \"$0|$1|$(pwd)\"; env | grep -v '^PWD=' | grep -v '^SHLVL=' | grep -v '^_=' | sort", env);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::vector<std::string> expected = sanitizer_environment(env);
  for (const auto& [k, v] : env) expected.push_back(k + "=" + v);
  std::sort(expected.begin(), expected.end());
  std::string lines = "name-zero|one two|" + dir_.string() + "\n";
  for (const auto& e : expected) lines += e + "\n";
  EXPECT_EQ(out, lines);
}

// Goal: a descriptor the harness holds without close-on-exec, a blocked signal and an ignored
// SIGPIPE do not reach the program; it leads a session and process group of its own.
TEST_F(ProcessSpawn, NothingOfTheHarnessLeaksIn) {
  const int leaky = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC, as another thread might open
  ASSERT_GE(leaky, 3);
  sigset_t usr1, before;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, &before);
  struct sigaction ignore {
  }, old_pipe{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe);

  auto [status, out] =
      run("ls /proc/self/fd | sort -n | tr '\\n' ' '; echo; grep -E '^(SigBlk|SigIgn)' /proc/self/status;"
          " awk '{print ($1 == $5 && $5 == $6)}' /proc/$$/stat",
          {{"PATH", "/usr/bin:/bin"}});

  sigaction(SIGPIPE, &old_pipe, nullptr);
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  ::close(leaky);
  ASSERT_TRUE(WIFEXITED(status));
  std::istringstream lines(out);
  std::string fds, blocked, ignored, session_leader;
  std::getline(lines, fds);
  std::getline(lines, blocked);
  std::getline(lines, ignored);
  std::getline(lines, session_leader);
  // 0, 1, 2, and the descriptor `ls` itself opens for /proc/self/fd.
  EXPECT_EQ(fds, "0 1 2 3 ");
  EXPECT_EQ(blocked, "SigBlk:\t0000000000000000");
  EXPECT_EQ(ignored, "SigIgn:\t0000000000000000");
  EXPECT_EQ(session_leader, "1");
}

// Goal: a program that cannot start is reported as a shell would report it (127 not found, 126 not
// executable), with what failed; so is a folder that does not exist.
TEST_F(ProcessSpawn, AProgramThatCannotStartIsReportedLikeAShell) {
  SpawnRequest missing;
  missing.argv = {(dir_ / "nope").string()};
  Spawned a = spawn_process(missing);
  EXPECT_FALSE(a.ok());
  EXPECT_EQ(a.error_exit_code, 127);
  EXPECT_EQ(a.error, "cannot execute " + (dir_ / "nope").string() + ": No such file or directory");

  std::ofstream(dir_ / "plain.txt") << "echo hi\n";
  SpawnRequest not_executable;
  not_executable.argv = {(dir_ / "plain.txt").string()};
  Spawned b = spawn_process(not_executable);
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.error_exit_code, 126);
  EXPECT_EQ(b.error_number, EACCES);

  SpawnRequest no_folder;
  no_folder.argv = {"/bin/true"};
  no_folder.cwd = dir_ / "gone";
  Spawned c = spawn_process(no_folder);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.error, "cannot change to " + (dir_ / "gone").string() + ": No such file or directory");
}

// Goal: the program's own stdin is the one given; without one it reads /dev/null (EOF at once).
TEST_F(ProcessSpawn, StdinIsTheGivenDescriptorOrEmpty) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  ASSERT_EQ(::write(pipe_fds[1], "piped\n", 6), 6);
  ::close(pipe_fds[1]);
  EXPECT_EQ(run("cat", {}, pipe_fds[0]).second, "piped\n");
  ::close(pipe_fds[0]);
  EXPECT_EQ(run("cat; echo end").second, "end\n");
}

}  // namespace
}  // namespace bg::core
