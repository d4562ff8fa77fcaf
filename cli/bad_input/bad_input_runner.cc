#include "cli/bad_input/bad_input_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "core/run_folder.h"
#include "core/stopwatch.h"

namespace bg::bad_input {
namespace {

namespace fs = std::filesystem;

// Enough to hold any message; a command printing without end is cut, not kept.
constexpr size_t kMaxOutput = 256 * 1024;

std::set<std::string> run_folders() {
  std::set<std::string> out;
  for (const auto& folder : core::run_folders()) out.insert(folder.string());
  return out;
}

// Reads the child's output until it closes or the deadline passes.
bool drain(int fd, std::string& output, const core::Stopwatch& clock, int deadline_ms) {
  char buf[4096];
  while (true) {
    const int left = deadline_ms - static_cast<int>(clock.seconds() * 1000);
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return true;
    if (output.size() < kMaxOutput) output.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

bool isolate_tmp(const std::vector<fs::path>& keep_visible) {
  // A build or source tree under /tmp (a checkout there) would vanish under the private /tmp.
  for (const auto& p : keep_visible) {
    const auto rel = fs::weakly_canonical(p).lexically_relative("/tmp");
    if (!rel.empty() && *rel.begin() != "..") return false;
  }
  if (::unshare(CLONE_NEWNS) != 0) return false;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
  // /dev/shm too, where a run's world folder goes when it is a tmpfs (core/run_folder.h).
  if (::mount("bg-bad-input-tmp", "/tmp", "tmpfs", 0, "size=256m,mode=1777") != 0) return false;
  return ::mount("bg-bad-input-shm", "/dev/shm", "tmpfs", 0, "size=256m,mode=1777") == 0;
}

Outcome run(const std::string& command, const fs::path& lock, bool isolated, int deadline_seconds) {
  Outcome o;
  o.isolated = isolated;
  const auto before = run_folders();
  int lock_fd = -1;
  if (!lock.empty()) {
    fs::create_directories(lock.parent_path());
    lock_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd >= 0) {
      ::flock(lock_fd, LOCK_EX);
      const std::string holder = "pid " + std::to_string(::getpid()) + ": bad-input runner\n";
      [[maybe_unused]] auto w = ::write(lock_fd, holder.data(), holder.size());
    }
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return o;
  const core::Stopwatch clock;
  const pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(child, child);
  ::close(pipe_fds[1]);
  o.hung = !drain(pipe_fds[0], o.output, clock, deadline_seconds * 1000);
  ::close(pipe_fds[0]);
  if (o.hung) ::kill(-child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  o.seconds = clock.seconds();
  o.exited = WIFEXITED(status);
  o.exit_code = o.exited ? WEXITSTATUS(status) : -1;
  o.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  // Anything of its process group still alive outlived it; it is killed, and reported.
  if (::kill(-child, 0) == 0) {
    o.left_behind.push_back("processes of its group still running");
    ::kill(-child, SIGKILL);
  }
  for (const auto& f : run_folders())
    if (!before.count(f)) o.left_behind.push_back(f);
  if (lock_fd >= 0) ::close(lock_fd);
  return o;
}

}  // namespace bg::bad_input
