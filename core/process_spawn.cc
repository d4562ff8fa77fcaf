#include "core/process_spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "core/install_layout.h"
#include "core/process_relay.h"
#include "core/sanitizer_logs.h"

#ifndef BG_RELAY_BINARY
#error "BG_RELAY_BINARY must name the bluegreen-relay executable"
#endif

namespace bg::core {
namespace {

using Report = bg_relay_report;

// bluegreen-relay (core/process_relay.c): the small program every spawn goes through.
const std::filesystem::path& relay_program() {
  static const std::filesystem::path path = installed_or_built("libexec/bluegreen/bluegreen-relay", BG_RELAY_BINARY);
  return path;
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

bool read_report(int fd, Report& r) {
  ssize_t n;
  do n = ::read(fd, &r, sizeof r);
  while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof r);
}

std::string describe(const Report& r, const std::string& path, const std::string& cwd) {
  switch (r.kind) {
    case 'c':
      return fmt::format("cannot change to {}: {}", cwd, std::strerror(r.value));
    case 'e':
      return fmt::format("cannot execute {}: {}", path, std::strerror(r.value));
    case 's':
      return fmt::format("cannot enter the sandbox's namespaces: {}", std::strerror(r.value));
    default:
      return fmt::format("cannot fork: {}", std::strerror(r.value));
  }
}

}  // namespace

Spawned::Spawned(Spawned&& o) noexcept
    : pid(std::exchange(o.pid, -1)),
      group(std::exchange(o.group, -1)),
      pidfd(std::exchange(o.pidfd, -1)),
      error(std::move(o.error)),
      error_exit_code(o.error_exit_code),
      error_number(o.error_number) {}

Spawned& Spawned::operator=(Spawned&& o) noexcept {
  if (this != &o) {
    if (pidfd >= 0) ::close(pidfd);
    pid = std::exchange(o.pid, -1);
    group = std::exchange(o.group, -1);
    pidfd = std::exchange(o.pidfd, -1);
    error = std::move(o.error);
    error_exit_code = o.error_exit_code;
    error_number = o.error_number;
  }
  return *this;
}

Spawned::~Spawned() {
  if (pidfd >= 0) ::close(pidfd);
}

namespace {

// posix_spawn's file actions, freed however the spawn ends.
struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};

}  // namespace

Spawned spawn_process(const SpawnRequest& req) {
  if (req.argv.empty()) throw std::invalid_argument("spawn_process: empty argv");
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : req.env) env_strings.push_back(k + "=" + v);
  for (auto& option : sanitizer_environment(req.env)) env_strings.push_back(std::move(option));
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const std::string cwd = req.cwd.string();

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  Fd report_r(report[0]), report_w(report[1]);
  Fd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  const int in_fd = req.stdin_fd >= 0 ? req.stdin_fd : devnull.get();
  const int out_fd = req.stdout_fd >= 0 ? req.stdout_fd : devnull.get();
  const int err_fd = req.stderr_fd >= 0 ? req.stderr_fd : devnull.get();
  const int ns_fd = req.enter ? req.enter->pidfd : -1;

  // The relay's command line (process_relay.h), then the program's.
  std::vector<std::string> words = {relay_program().string(),
                                    std::to_string(in_fd),
                                    std::to_string(out_fd),
                                    std::to_string(err_fd),
                                    std::to_string(report_w.get()),
                                    std::to_string(ns_fd),
                                    std::to_string(req.enter ? req.enter->flags : 0),
                                    std::to_string(::getpid()),
                                    cwd};
  words.insert(words.end(), req.argv.begin(), req.argv.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);

  SpawnActions setup;
  // The descriptors the relay needs survive its exec (posix_spawn clears close-on-exec on a
  // descriptor dup2'ed onto itself); the relay marks them close-on-exec again for the program. The
  // signal state (what the harness's threads block or ignore) is the relay's to reset, first thing.
  std::vector<int> kept = {in_fd, out_fd, err_fd, report_w.get()};
  if (ns_fd >= 0) kept.push_back(ns_fd);
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  for (int fd : kept) posix_spawn_file_actions_adddup2(&setup.actions, fd, fd);

  pid_t pid = -1;
  const int failed_to_start = ::posix_spawn(&pid, argv[0], &setup.actions, nullptr, argv.data(), envp.data());
  if (failed_to_start != 0)
    throw std::system_error(failed_to_start, std::generic_category(), "cannot start " + relay_program().string());
  report_w.reset();

  Spawned s;
  s.pid = pid;
  s.group = pid;
  Report r{};
  bool failed = false;
  while (read_report(report_r.get(), r)) {
    if (r.kind == 'p') {
      s.group = r.value;
      continue;
    }
    failed = true;
    s.error = describe(r, req.argv[0], cwd);
    s.error_number = r.value;
  }
  if (failed) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    s.error_exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 126;
    s.pid = s.group = -1;
    return s;
  }
  s.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (s.pidfd < 0) {
    const int e = errno;
    ::kill(-s.group, SIGKILL);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw std::system_error(e, std::generic_category(), "pidfd_open");
  }
  return s;
}

bool group_has_live_members(pid_t pgid) {
  // No process in the group at all, zombies included: said at once, without reading /proc (a scan
  // reads every process's stat, and every script's end asks).
  if (::kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') return true;
  }
  return false;
}

}  // namespace bg::core
