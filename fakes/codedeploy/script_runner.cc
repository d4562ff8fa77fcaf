#include "fakes/codedeploy/script_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <system_error>
#include <thread>
#include <utility>

#include "core/scenario_condition.h"
#include "core/script_turns.h"

#include <fmt/format.h>

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;

// Longest real wait between two looks at the clock and the stop token; shortest, so a tiny time
// scale does not turn the loop into a spin.
constexpr auto kMaxSlice = std::chrono::milliseconds(50);
constexpr auto kMinSlice = std::chrono::milliseconds(1);
// On the deterministic engine, the real time a script has after SIGTERM before SIGKILL (scenario
// time stands still meanwhile).
constexpr auto kVirtualKillGrace = std::chrono::seconds(2);
// How long (real) to wait for SIGKILLed group members to vanish before giving up on them.
constexpr int kReapChecks = 2000;
// The most of one stream written to its log file: a script writing without end fills neither memory
// nor the disk.
constexpr size_t kFileCap = 16 * 1024 * 1024;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  ~Fd() { reset(); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// One of the script's output streams: read as it arrives, kept bounded, copied to a log file.
class Stream {
 public:
  Stream(int fd, const std::filesystem::path& file) : fd_(fd) {
    if (!file.empty()) file_.open(file, std::ios::binary | std::ios::trunc);
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
  }
  bool eof() const { return eof_; }
  int fd() const { return fd_.get(); }

  void read_available() {
    if (eof_) return;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd_.get(), buf, sizeof buf);
      if (n > 0) {
        captured_.append(buf, static_cast<size_t>(n));
        if (file_ && written_ < kFileCap) {
          const size_t k = std::min(static_cast<size_t>(n), kFileCap - written_);
          file_.write(buf, static_cast<std::streamsize>(k)).flush();
          written_ += k;
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || errno != EAGAIN) eof_ = true;
      return;
    }
  }
  const CapturedOutput& captured() const { return captured_; }

 private:
  Fd fd_;
  bool eof_ = false;
  CapturedOutput captured_;
  std::ofstream file_;
  size_t written_ = 0;
};

// The live script: its exit (observed without reaping, so that the pid, which is also the group's id
// when no relay stands between, cannot be reused while the group is still signalled) and its output.
class Watch {
 public:
  Watch(core::Spawned& child, Stream& out, Stream& err) : child_(child), out_(out), err_(err) {}

  bool finished() const { return exited_ && out_.eof() && err_.eof(); }
  bool exited() const { return exited_; }
  int exit_code() const { return exit_code_; }

  // Waits up to `wait` (real) for output or the child's exit, and takes what arrived.
  void poll_once(std::chrono::nanoseconds wait) {
    pollfd fds[3];
    nfds_t n = 0;
    if (!exited_) fds[n++] = {child_.pidfd, POLLIN, 0};
    if (!out_.eof()) fds[n++] = {out_.fd(), POLLIN, 0};
    if (!err_.eof()) fds[n++] = {err_.fd(), POLLIN, 0};
    timespec ts{static_cast<time_t>(wait.count() / 1'000'000'000), static_cast<long>(wait.count() % 1'000'000'000)};
    ppoll(fds, n, &ts, nullptr);
    drain();
    if (!exited_) check_exit();
  }

  void drain() {
    out_.read_available();
    err_.read_available();
  }

  void check_exit() {
    siginfo_t info{};
    if (waitid(P_PID, child_.pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    exited_ = true;
    exit_code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
  }

  // Blocks until the child is reaped.
  void reap() {
    int status = 0;
    while (waitpid(child_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!exited_) exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    exited_ = true;
  }

 private:
  core::Spawned& child_;
  Stream& out_;
  Stream& err_;
  bool exited_ = false;
  int exit_code_ = -1;
};

std::chrono::nanoseconds real_slice(const core::Clock& clock, core::Duration remaining) {
  auto real = clock.to_real(std::max(remaining, core::Duration(0)));
  return std::clamp<std::chrono::nanoseconds>(real, kMinSlice, kMaxSlice);
}

// Starts the script with its output on two pipes. A script file just written may still be open for
// writing in a child another thread forked at that instant (ETXTBSY); that clears within
// milliseconds, so retry a few times.
core::Spawned spawn(const ScriptRequest& req, Fd& out_r, Fd& err_r) {
  for (int attempt = 0;; ++attempt) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
      throw std::system_error(errno, std::generic_category(), "pipe2");
    Fd out_w(out[1]), err_w(err[1]);
    out_r.reset(out[0]);
    err_r.reset(err[0]);
    core::SpawnRequest s;
    s.argv = {req.script.string()};
    s.argv.insert(s.argv.end(), req.args.begin(), req.args.end());
    // Standard input from memory: a memfd holds it whole, so nothing waits on a pipe being drained.
    Fd in;
    if (!req.stdin_data.empty()) {
      in.reset(::memfd_create("stdin", MFD_CLOEXEC));
      if (in.get() < 0 || ::write(in.get(), req.stdin_data.data(), req.stdin_data.size()) !=
                              static_cast<ssize_t>(req.stdin_data.size()))
        throw std::system_error(errno, std::generic_category(), "memfd for stdin");
      ::lseek(in.get(), 0, SEEK_SET);
      s.stdin_fd = in.get();
    }
    s.env = req.env;
    s.cwd = req.cwd;
    s.stdout_fd = out_w.get();
    s.stderr_fd = err_w.get();
    s.enter = req.host;
    core::Spawned child = core::spawn_process(s);
    if (child.ok() || child.error_number != ETXTBSY || attempt == 20) return child;
    timespec pause{0, 5'000'000};
    ppoll(nullptr, 0, &pause, nullptr);
  }
}

}  // namespace

void CapturedOutput::append(const char* data, size_t n) {
  total += n;
  if (head.size() < kKept) {
    const size_t k = std::min(n, kKept - head.size());
    head.append(data, k);
    data += k;
    n -= k;
  }
  if (n == 0) return;
  tail.append(data, n);
  if (tail.size() > 2 * kKept) tail.erase(0, tail.size() - kKept);  // amortised: trim in big steps
}

std::string CapturedOutput::text() const {
  const std::string last = tail.size() > kKept ? tail.substr(tail.size() - kKept) : tail;
  if (!truncated()) return head + last;
  return head +
         fmt::format("\n[... {} bytes of output not kept: bluegreen keeps the first and last {} KiB ...]\n",
                     total - head.size() - last.size(), kKept / 1024) +
         last;
}

ScriptRunner::ScriptRunner(core::Clock& clock, core::Duration kill_grace) : clock_(clock), kill_grace_(kill_grace) {}

namespace {

// How the script's process ends once it must (a timeout, the run's stop): like the agent
// (Process.kill('-TERM', pid)), the whole group, so `&` children go too; then a short grace before
// SIGKILL, which the agent does not send (simplified: nothing may outlive us). `slice()` is the real
// time to wait at most between two looks, zero once the grace has passed.
template <class Slice>
void end_group(Watch& watch, pid_t group, Slice slice) {
  kill(-group, SIGTERM);
  for (auto wait = slice();
       wait > std::chrono::nanoseconds(0) && (!watch.exited() || core::group_has_live_members(group)); wait = slice())
    watch.poll_once(wait);
  if (core::group_has_live_members(group)) kill(-group, SIGKILL);
}

ScriptResult spawn_failed(ScriptResult& r, const core::Spawned& child, core::Time now) {
  r.exit_code = child.error_exit_code;
  r.spawn_error = child.error;
  r.err = child.error + "\n";
  r.end = now;
  return r;
}

// Once the script's process has exited (or been killed): what it left, its exit and its output.
void finish(ScriptResult& r, const ScriptRequest& request, core::Spawned& child, Watch& watch, Stream& out, Stream& err,
            core::Time now) {
  const pid_t group = child.group;
  // Without a sandboxed host nothing would end what the script left running, so it goes now. In a
  // host, what closed its output (`cmd >/dev/null 2>&1 &`) keeps running, as the real agent leaves
  // it, until the host ends.
  if (!request.host && core::group_has_live_members(group)) kill(-group, SIGKILL);
  if (!watch.exited()) kill(-group, SIGKILL);
  for (int i = 0; i < kReapChecks && !request.host && core::group_has_live_members(group); ++i) {
    timespec pause{0, 1'000'000};
    ppoll(nullptr, 0, &pause, nullptr);
  }
  watch.drain();
  watch.reap();
  r.exit_code = watch.exit_code();
  r.out = out.captured().text();
  r.err = err.captured().text();
  r.out_bytes = out.captured().total;
  r.err_bytes = err.captured().total;
  r.end = now;
}

}  // namespace

ScriptResult ScriptRunner::run(const ScriptRequest& request, std::stop_token stop) {
  if (auto* v = dynamic_cast<core::VirtualClock*>(&clock_)) return run_on_virtual_clock(*v, request, stop);
  ScriptResult r;
  r.start = clock_.now();
  Fd out_r, err_r;
  core::Spawned child = spawn(request, out_r, err_r);
  if (!child.ok()) return spawn_failed(r, child, clock_.now());
  Stream out(out_r.release(), request.stdout_file), err(err_r.release(), request.stderr_file);
  Watch watch(child, out, err);
  const core::Time deadline = r.start + request.timeout;
  while (!watch.finished()) {
    if (stop.stop_requested()) {
      r.stopped = true;
      break;
    }
    const core::Time now = clock_.now();
    if (now >= deadline) {
      r.timed_out = true;
      break;
    }
    watch.poll_once(real_slice(clock_, deadline - now));
  }
  if (r.stopped || r.timed_out) {
    const core::Time grace_end = clock_.now() + kill_grace_;
    end_group(watch, child.group, [&] {
      return clock_.now() >= grace_end ? std::chrono::nanoseconds(0) : real_slice(clock_, grace_end - clock_.now());
    });
  }
  finish(r, request, child, watch, out, err, clock_.now());
  return r;
}

// On the deterministic engine the script holds a turn of the clock while it runs between shim calls
// (core/script_turns.h): time stands still for it. A thread of real time watches the process (its
// exit, its output, how long it has run without a call) and hands the turn to this runner, blocked
// on the clock until the script ends or its timeout comes, in scenario time.
ScriptResult ScriptRunner::run_on_virtual_clock(core::VirtualClock& clock, const ScriptRequest& request,
                                                std::stop_token stop) {
  core::ScriptTurns& turns = clock.script_turns();
  ScriptResult r;
  r.start = clock.now();
  const uint64_t id = turns.begin();
  ScriptRequest held = request;
  held.env[core::kScriptTurnEnv] = std::to_string(id);
  Fd out_r, err_r;
  core::Spawned child = spawn(held, out_r, err_r);
  if (!child.ok()) {
    turns.end(id);
    return spawn_failed(r, child, clock.now());
  }
  Stream out(out_r.release(), request.stdout_file), err(err_r.release(), request.stderr_file);
  Watch watch(child, out, err);
  std::mutex mutex;
  core::ScenarioCondition ended(clock);
  bool finished = false, spun = false;
  const auto spin_limit = turns.spin_limit();
  {
    std::jthread watcher([&](std::stop_token quit) {
      while (!quit.stop_requested() && !watch.finished()) {
        if (turns.running_for(id) > spin_limit) {
          spun = true;
          break;
        }
        watch.poll_once(kMaxSlice);
      }
      {
        std::lock_guard lock(mutex);
        finished = true;
      }
      ended.notify_all();  // the runner runs again before the script's turn goes below
      // In a host, what the script left running in its group goes on computing and calling: it
      // keeps the script's turn until the group is empty. Otherwise (a timeout, a stop, a spin, no
      // host) the group is killed below.
      if (request.host && watch.exited() && !spun && !quit.stop_requested())
        turns.end_with_group(id, child.group, request.script.string());
      else
        turns.end(id);
    });
    std::unique_lock lock(mutex);
    if (!ended.wait_until(lock, r.start + request.timeout, stop, [&] { return finished; })) {
      r.stopped = stop.stop_requested();
      r.timed_out = !r.stopped;
    }
    lock.unlock();
    watcher.request_stop();
  }  // the watcher has ended: the script holds no turn, and this runner runs
  if (spun) {
    r.stopped = true;
    turns.report_spin(fmt::format(
        "{} ran for {} s of real time without calling any program bluegreen stands in for (a busy loop, or a "
        "long computation). The deterministic engine (--engine sim) holds scenario time still while a script "
        "computes, so it cannot run this one; run it with --engine live",
        request.script.string(), std::chrono::duration<double>(spin_limit).count()));
  }
  if (r.stopped || r.timed_out) {
    // The grace is real time here: scenario time stands still while this runner waits, so the
    // script's handling of SIGTERM is seen whatever the machine's load.
    const auto grace_end = std::chrono::steady_clock::now() + kVirtualKillGrace;
    end_group(watch, child.group, [&] {
      return std::clamp<std::chrono::nanoseconds>(grace_end - std::chrono::steady_clock::now(),
                                                  std::chrono::nanoseconds(0), kMaxSlice);
    });
    // Its calls in flight (a `sleep 600` the kill ended) return at this instant too, before the
    // runner records anything more: otherwise when they did would be the machine's to decide.
    turns.wait_for_calls(id, std::chrono::steady_clock::now() + kVirtualKillGrace);
  }
  finish(r, request, child, watch, out, err, clock.now());
  return r;
}

}  // namespace bg::fakes
