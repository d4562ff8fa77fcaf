#include "core/process_spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
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

#include "core/sanitizer_logs.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace bg::core {
namespace {

// One record on the report pipe (close-on-exec, so an exec that works leaves it silent).
struct Report {
  char kind;  // 'p': the program's pid (from the relay); 's' setns, 'f' fork, 'c' chdir, 'e' exec failed
  int value;  // the pid, or errno
};

void write_report(int fd, char kind, int value) {
  Report r{kind, value};
  ssize_t ignored = ::write(fd, &r, sizeof r);
  (void)ignored;
}

// Signal state survives exec: undo what the harness's threads may have blocked or ignored (SIGPIPE
// is commonly ignored by network code), so the program sees default dispositions.
void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s)
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &dfl, nullptr);
}

struct ChildArgs {
  const char* path;
  char* const* argv;
  char* const* envp;
  const char* cwd;
  int in_fd, out_fd, err_fd, report_fd;
};

// The program's side, in the forked child: async-signal-safe calls only.
[[noreturn]] void exec_program(const ChildArgs& a) {
  setsid();  // its own session and process group, so the whole group can be signalled
  int failure_kind = 'c';
  if (chdir(a.cwd) == 0) {
    dup2(a.in_fd, 0);
    dup2(a.out_fd, 1);
    dup2(a.err_fd, 2);
    // Descriptors other threads opened without O_CLOEXEC must not leak into the program.
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    execve(a.path, a.argv, a.envp);
    failure_kind = 'e';
  }
  const int error = errno;
  write_report(a.report_fd, static_cast<char>(failure_kind), error);
  _exit(error == ENOENT ? 127 : 126);
}

// The relay: joins the namespaces, forks the program into them, and ends as it ends.
[[noreturn]] void relay(const ChildArgs& a, const NamespaceEntry& enter) {
  // Killed with the thread that spawned it, so an ended harness leaves no relay behind (the program,
  // a member of the sandbox's PID namespace, ends with that namespace).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (setns(enter.pidfd, enter.flags) != 0) {
    write_report(a.report_fd, 's', errno);
    _exit(126);
  }
  const pid_t program = fork();
  if (program < 0) {
    write_report(a.report_fd, 'f', errno);
    _exit(126);
  }
  if (program == 0) exec_program(a);
  write_report(a.report_fd, 'p', program);
  // Nothing of the caller's is needed any more; a terminal's Ctrl-C or hangup is for the harness,
  // which decides what happens to the program.
  syscall(SYS_close_range, 0U, ~0U, 0U);
  for (int s : {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU}) signal(s, SIG_IGN);
  int status = 0;
  while (waitpid(program, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  const int signo = WTERMSIG(status);
  signal(signo, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  kill(getpid(), signo);
  _exit(128 + signo);
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

Spawned spawn_process(const SpawnRequest& req) {
  if (req.argv.empty()) throw std::invalid_argument("spawn_process: empty argv");
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : req.env) env_strings.push_back(k + "=" + v);
  for (auto& option : sanitizer_environment(req.env)) env_strings.push_back(std::move(option));
  std::vector<char*> argv, envp;
  for (const auto& a : req.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const std::string cwd = req.cwd.string();

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  Fd report_r(report[0]), report_w(report[1]);
  Fd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  ChildArgs args{argv[0],
                 argv.data(),
                 envp.data(),
                 cwd.c_str(),
                 req.stdin_fd >= 0 ? req.stdin_fd : devnull.get(),
                 req.stdout_fd >= 0 ? req.stdout_fd : devnull.get(),
                 req.stderr_fd >= 0 ? req.stderr_fd : devnull.get(),
                 report_w.get()};

  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    reset_signals();
    if (req.enter) relay(args, *req.enter);
    exec_program(args);
  }
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
    s.error = describe(r, argv[0], cwd);
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
