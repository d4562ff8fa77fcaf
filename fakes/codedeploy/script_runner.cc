#include "fakes/codedeploy/script_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;

// Longest real wait between two looks at the clock and the stop token; shortest, so a tiny time
// scale does not turn the loop into a spin.
constexpr auto kMaxSlice = std::chrono::milliseconds(50);
constexpr auto kMinSlice = std::chrono::milliseconds(1);
// How long (real) to wait for SIGKILLed group members to vanish before giving up on them.
constexpr int kReapChecks = 2000;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept { reset(std::exchange(o.fd_, -1)); return *this; }
  ~Fd() { reset(); }
  void reset(int fd = -1) { if (fd_ >= 0) ::close(fd_); fd_ = fd; }
  int get() const { return fd_; }

 private:
  int fd_;
};

// What the child reports through the close-on-exec pipe when it cannot exec.
struct ChildFailure {
  int stage;  // 'c': chdir, 'e': exec
  int error;
};

// Runs in the forked child: async-signal-safe calls only (the parent may have other threads).
[[noreturn]] void exec_child(const char* path, char* const argv[], char* const envp[], const char* cwd,
                             int in_fd, int out_fd, int err_fd, int report_fd) {
  // Signal state survives exec: undo what the harness's threads may have blocked or ignored
  // (SIGPIPE is commonly ignored by network code), so the script sees default dispositions.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s)
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &dfl, nullptr);
  setsid();  // its own process group, so a timeout can signal everything the script started
  ChildFailure failure{'c', 0};
  if (chdir(cwd) == 0) {
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    // Descriptors other threads opened without O_CLOEXEC must not leak into the script.
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    execve(path, argv, envp);
    failure.stage = 'e';
  }
  failure.error = errno;
  ssize_t ignored = write(report_fd, &failure, sizeof failure);
  (void)ignored;
  _exit(failure.error == ENOENT ? 127 : 126);
}

struct Child {
  pid_t pid = -1;
  Fd pidfd, out, err;
  std::string spawn_error;
  int spawn_exit_code = 0;
};

Child spawn_once(const ScriptRequest& req, int& exec_errno) {
  Child c;
  const std::string path = req.script.string(), cwd = req.cwd.string();
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : req.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv{const_cast<char*>(path.c_str()), nullptr};
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  int out[2], err[2], report[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  Fd out_r(out[0]), out_w(out[1]);
  if (pipe2(err, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  Fd err_r(err[0]), err_w(err[1]);
  if (pipe2(report, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  Fd report_r(report[0]), report_w(report[1]);
  Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));

  pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0)
    exec_child(path.c_str(), argv.data(), envp.data(), cwd.c_str(), devnull.get(), out_w.get(), err_w.get(),
               report_w.get());
  out_w.reset();
  err_w.reset();
  report_w.reset();
  ChildFailure failure{};
  ssize_t n;
  do n = read(report_r.get(), &failure, sizeof failure); while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    int status = 0;
    waitpid(pid, &status, 0);
    exec_errno = failure.error;
    c.spawn_exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 126;
    c.spawn_error = failure.stage == 'c'
                        ? fmt::format("cannot change to {}: {}", cwd, std::strerror(failure.error))
                        : fmt::format("cannot execute {}: {}", path, std::strerror(failure.error));
    return c;
  }
  c.pid = pid;
  c.pidfd.reset(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (c.pidfd.get() < 0) {
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    throw std::system_error(errno, std::generic_category(), "pidfd_open");
  }
  fcntl(out_r.get(), F_SETFL, O_NONBLOCK);
  fcntl(err_r.get(), F_SETFL, O_NONBLOCK);
  c.out = std::move(out_r);
  c.err = std::move(err_r);
  return c;
}

// Spawns the script. A script file just written may still be open for writing in a child another
// thread forked at that instant (ETXTBSY); that clears within milliseconds, so retry a few times.
Child spawn(const ScriptRequest& req) {
  for (int attempt = 0;; ++attempt) {
    int exec_errno = 0;
    Child c = spawn_once(req, exec_errno);
    if (exec_errno != ETXTBSY || attempt == 20) return c;
    timespec pause{0, 5'000'000};
    ppoll(nullptr, 0, &pause, nullptr);
  }
}

// Whether any process in group `pgid` is still running (zombies do not count: they hold nothing).
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

// The live child: its exit (observed without reaping, so its pid, which is also the group id, cannot
// be reused while we still signal the group) and its captured output.
class Watch {
 public:
  Watch(Child& child, const ScriptRequest& req) : child_(child) {
    if (!req.stdout_file.empty()) out_file_.open(req.stdout_file, std::ios::binary | std::ios::trunc);
    if (!req.stderr_file.empty()) err_file_.open(req.stderr_file, std::ios::binary | std::ios::trunc);
  }

  bool finished() const { return exited_ && out_eof_ && err_eof_; }
  bool exited() const { return exited_; }
  int exit_code() const { return exit_code_; }

  // Waits up to `wait` (real) for output or the child's exit, and takes what arrived.
  void poll_once(std::chrono::nanoseconds wait) {
    pollfd fds[3];
    nfds_t n = 0;
    if (!exited_) fds[n++] = {child_.pidfd.get(), POLLIN, 0};
    if (!out_eof_) fds[n++] = {child_.out.get(), POLLIN, 0};
    if (!err_eof_) fds[n++] = {child_.err.get(), POLLIN, 0};
    timespec ts{static_cast<time_t>(wait.count() / 1'000'000'000), static_cast<long>(wait.count() % 1'000'000'000)};
    ppoll(fds, n, &ts, nullptr);
    drain();
    if (!exited_) check_exit();
  }

  // Reads whatever output is buffered now, without waiting.
  void drain() {
    read_available(child_.out, out_, out_file_, out_eof_);
    read_available(child_.err, err_, err_file_, err_eof_);
  }

  void check_exit() {
    siginfo_t info{};
    if (waitid(P_PID, child_.pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    exited_ = true;
    exit_code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
  }

  // Blocks until the (killed) child is reaped.
  void reap() {
    int status = 0;
    while (waitpid(child_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!exited_) exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    exited_ = true;
  }

  std::string take_out() { return std::move(out_); }
  std::string take_err() { return std::move(err_); }

 private:
  static void read_available(const Fd& fd, std::string& into, std::ofstream& file, bool& eof) {
    if (eof) return;
    char buf[65536];
    for (;;) {
      ssize_t n = read(fd.get(), buf, sizeof buf);
      if (n > 0) {
        into.append(buf, static_cast<size_t>(n));
        if (file) file.write(buf, n).flush();
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) eof = true;
      if (n < 0 && errno == EINTR) continue;
      return;
    }
  }

  Child& child_;
  bool exited_ = false, out_eof_ = false, err_eof_ = false;
  int exit_code_ = -1;
  std::string out_, err_;
  std::ofstream out_file_, err_file_;
};

std::chrono::nanoseconds real_slice(const core::Clock& clock, core::Duration remaining) {
  auto real = clock.to_real(std::max(remaining, core::Duration(0)));
  return std::clamp<std::chrono::nanoseconds>(real, kMinSlice, kMaxSlice);
}

}  // namespace

ScriptRunner::ScriptRunner(core::Clock& clock, core::Duration kill_grace) : clock_(clock), kill_grace_(kill_grace) {}

ScriptResult ScriptRunner::run(const ScriptRequest& request, std::stop_token stop) {
  ScriptResult r;
  r.start = clock_.now();
  Child child = spawn(request);
  if (!child.spawn_error.empty()) {
    r.exit_code = child.spawn_exit_code;
    r.spawn_error = child.spawn_error;
    r.err = child.spawn_error + "\n";
    r.end = clock_.now();
    return r;
  }
  Watch watch(child, request);
  const core::Time deadline = r.start + request.timeout;
  while (!watch.finished()) {
    if (stop.stop_requested()) { r.stopped = true; break; }
    const core::Time now = clock_.now();
    if (now >= deadline) { r.timed_out = true; break; }
    watch.poll_once(real_slice(clock_, deadline - now));
  }
  const pid_t group = child.pid;
  if (r.stopped || r.timed_out) {
    // Like the agent (Process.kill('-TERM', pid)): the whole group, so `&` children go too; then a
    // short grace before SIGKILL, which the agent does not send (simplified: nothing may outlive us).
    kill(-group, SIGTERM);
    const core::Time grace_end = clock_.now() + kill_grace_;
    while (clock_.now() < grace_end && (!watch.exited() || group_has_live_members(group)))
      watch.poll_once(real_slice(clock_, grace_end - clock_.now()));
  }
  // Leftovers that closed their output (`cmd >/dev/null &`) did not hold the event; the real agent
  // would leave them running, the harness may not.
  if (group_has_live_members(group)) kill(-group, SIGKILL);
  if (!watch.exited()) kill(-group, SIGKILL);
  for (int i = 0; i < kReapChecks && group_has_live_members(group); ++i) {
    timespec pause{0, 1'000'000};
    ppoll(nullptr, 0, &pause, nullptr);
  }
  watch.drain();
  watch.reap();
  r.exit_code = watch.exit_code();
  r.out = watch.take_out();
  r.err = watch.take_err();
  r.end = clock_.now();
  return r;
}

}  // namespace bg::fakes
