#include "fakes/host/sandbox_host.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <nlohmann/json.hpp>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <sstream>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Real time the init has to report ready: mounts and a fork, normally a few milliseconds.
constexpr auto kReadyDeadline = std::chrono::seconds(20);
// Real time the host's processes have to vanish after the init is killed.
constexpr auto kStopDeadline = std::chrono::seconds(10);

// Lines from the init's report descriptor until end of file or the deadline. Two processes write
// it — bluegreen-host its "pid" line, the init it forks "ready" or "error" — in no fixed order, and
// each closes it when done, so only end of file says the report is whole: stopping at "ready" read
// a report whose "pid" line had not come yet, one start in some hundreds on a loaded machine.
std::vector<std::string> read_report(int fd, Clock::time_point deadline) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string unavailable_message(const std::string& error) {
  std::string hint;
  if (error.find("unshare") != std::string::npos || error.find("Operation not permitted") != std::string::npos)
    hint =
        " This machine does not let bluegreen make the namespaces it needs (Linux user, mount, PID and "
        "network namespaces: check kernel.unprivileged_userns_clone and user.max_user_namespaces, or run "
        "as root; inside a container it needs --privileged or a seccomp profile that allows unshare and "
        "mount).";
  return fmt::format(
      "the run's sandboxed host could not be set up: {}.{} bluegreen runs deploy scripts only inside "
      "such a host, so that they cannot change this machine; it never runs them without one.",
      error, hint);
}

}  // namespace

SandboxHost::SandboxHost(const MountPlan& plan, const fs::path& plan_file, const fs::path& init_binary) {
  {
    std::ofstream out(plan_file, std::ios::trunc);
    out << nlohmann::json(plan).dump(1);
    if (!out) throw SandboxUnavailable(unavailable_message("cannot write " + plan_file.string()));
  }
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  std::promise<pid_t> forked;
  auto child = forked.get_future();
  // Started with posix_spawn (a vfork-style clone), not fork(): a fork copies the harness's page
  // tables and makes its next write to every page fault, once a run (core/process_spawn.h says more).
  std::string spawn_error;
  keeper_ = std::thread([&, report_w = report[1]] {
    const std::string bin = init_binary.string(), file = plan_file.string(), parent = std::to_string(::getpid());
    char* argv[] = {const_cast<char*>(bin.c_str()), const_cast<char*>(file.c_str()), const_cast<char*>(parent.c_str()),
                    nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, report_w, 3);
    posix_spawn_file_actions_addclosefrom_np(&actions, 4);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    const int failed = ::posix_spawn(&pid, argv[0], &actions, &attributes, argv, environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0) {
      spawn_error = fmt::format("cannot execute the host's init {}: {}", bin, std::strerror(failed));
      pid = -1;
    }
    forked.set_value(pid);  // spawn_error is the caller's to read once it has the value
    if (pid < 0) return;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  });
  keeper_child_ = child.get();
  ::close(report[1]);
  if (keeper_child_ < 0) {
    ::close(report[0]);
    keeper_.join();
    throw SandboxUnavailable(unavailable_message(spawn_error));
  }
  const auto lines = read_report(report[0], Clock::now() + kReadyDeadline);
  ::close(report[0]);
  std::string error;
  bool ready = false;
  for (const auto& line : lines) {
    if (line.rfind("pid ", 0) == 0)
      init_pid_ = static_cast<pid_t>(std::stol(line.substr(4)));
    else if (line == "ready")
      ready = true;
    else if (line.rfind("error ", 0) == 0)
      error = line.substr(6);
  }
  int pidfd_errno = 0;
  if (ready && init_pid_ > 0) {
    init_pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, init_pid_, 0));
    if (init_pidfd_ < 0) pidfd_errno = errno;
  }
  if (!ready || init_pidfd_ < 0) {
    if (error.empty())
      error = !ready ? "its init did not report ready in time"
              : init_pid_ <= 0
                  ? "bluegreen-host reported its init ready but not its pid"
                  : fmt::format("pidfd_open of its init (pid {}) failed: {}", init_pid_, std::strerror(pidfd_errno));
    stop();
    throw SandboxUnavailable(unavailable_message(error));
  }
  const int user = plan.user_namespace ? CLONE_NEWUSER : 0;
  whole_ = {init_pidfd_, user | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC};
  files_ = {init_pidfd_, user | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC};
  tree_ = {init_pidfd_, user | CLONE_NEWPID};
}

SandboxHost::~SandboxHost() { stop(); }

fs::path SandboxHost::root() const { return fmt::format("/proc/{}/root", init_pid_); }

void SandboxHost::stop() {
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  stopped_ = true;
  // Killing the init ends its PID namespace: the kernel kills every member. The process that made
  // the namespaces is the init's parent: it reaps the init and exits by itself (host_init_main.cc),
  // which ends the keeper's wait. It is killed only when that does not happen in time: killed
  // first, it would leave the init an orphan for the machine's PID 1 to reap, a process of ours
  // outliving the run.
  const auto deadline = Clock::now() + kStopDeadline;
  auto exits_by = [&](int pidfd) {
    pollfd p{pidfd, POLLIN, 0};
    while (Clock::now() < deadline)
      if (::poll(&p, 1, 50) != 0) return true;
    return false;
  };
  const int keeper_pidfd = keeper_child_ > 0 ? static_cast<int>(::syscall(SYS_pidfd_open, keeper_child_, 0)) : -1;
  if (init_pidfd_ >= 0) {
    ::syscall(SYS_pidfd_send_signal, init_pidfd_, SIGKILL, nullptr, 0);
    exits_by(init_pidfd_);
    ::close(init_pidfd_);
    init_pidfd_ = -1;
    if (keeper_pidfd >= 0 && !exits_by(keeper_pidfd)) ::kill(keeper_child_, SIGKILL);
  } else if (keeper_child_ > 0) {
    ::kill(keeper_child_, SIGKILL);
  }
  if (keeper_pidfd >= 0) ::close(keeper_pidfd);
  if (keeper_.joinable()) keeper_.join();
}

}  // namespace bg::fakes
