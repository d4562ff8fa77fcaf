#include "fakes/nextjs/real_next_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/signal_delivery.h"
#include "fakes/nextjs/next_app_profile.h"
#include "fakes/nextjs/next_exec.h"
#include "fakes/nextjs/real_next_protocol.h"

namespace bg::fakes {
namespace {

using Steady = std::chrono::steady_clock;
// Real-time bounds of the watcher: a poll slice, how long output may trail the exit (13.4's workers
// share the pipe until they are killed), and how long teardown waits for a killed process.
constexpr auto kSlice = std::chrono::milliseconds(100);
constexpr auto kOutputAfterExit = std::chrono::seconds(2);
constexpr auto kTeardownDeadline = std::chrono::seconds(3);
constexpr size_t kMaxLine = 64 * 1024;  // a longer line is cut here (docker logs keeps it whole; we need not)

std::string millis_text(core::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

struct RealNextServer::Watch {
  Watch(core::Clock& c, core::History& h, ProcessSpec s) : clock(c), history(h), spec(std::move(s)) {}

  core::Clock& clock;
  core::History& history;
  ProcessSpec spec;
  std::function<void(int)> on_exit;
  std::function<void(const std::string&, bool)> on_log;
  bool signal_reaches_app = true;

  std::mutex mutex;  // guards child's group while signals may be sent, exited, last_signal
  core::Spawned child;
  bool exited = false;
  int last_signal = 0;
  std::array<int, 2> out{-1, -1}, err{-1, -1}, wake{-1, -1};  // [0] read end, [1] write end
  std::atomic<bool> stopping{false};                          // the owner is going: no more callbacks
  std::thread thread;

  RealNextRequests requests;
  std::string out_partial, err_partial;

  ~Watch() {
    for (auto* p : {&out, &err, &wake})
      for (int& fd : *p)
        if (fd >= 0) ::close(std::exchange(fd, -1));
  }

  void log(core::AppWhat what, uint64_t request_id = 0, std::string execution_id = {}, std::string detail = {},
           std::optional<core::Time> at = {}) {
    history.append(core::AppEvent{at.value_or(clock.now()), spec.container, spec.build_id, what, request_id,
                                  std::move(execution_id), std::move(detail)});
  }

  void line(const std::string& text, bool is_stderr) {
    if (!is_stderr)
      if (auto p = parse_protocol_line(text)) {
        if (auto what = requests.take(*p)) log(*what, p->request_id, p->execution_id, p->detail);
        return;
      }
    if (on_log && !stopping) on_log(text, is_stderr);
  }

  // Reads what is there; false at end of file (or an error).
  bool read_from(int fd, std::string& partial, bool is_stderr) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return true;
      if (n <= 0) {
        if (!partial.empty()) line(std::exchange(partial, {}), is_stderr);
        return false;
      }
      partial.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = partial.find('\n')) != std::string::npos;) {
        std::string text = partial.substr(0, nl);
        partial.erase(0, nl + 1);
        line(text, is_stderr);
      }
      if (partial.size() > kMaxLine) line(std::exchange(partial, {}), is_stderr);
    }
  }

  // Whether node (or the relay standing for it) has exited; reaps it and gives its exit code.
  std::optional<int> reaped() {
    int status = 0;
    pid_t r = ::waitpid(child.pid, &status, WNOHANG);
    if (r != child.pid) return std::nullopt;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  void kill_container() {
    if (child.group > 0) ::kill(-child.group, SIGKILL);
  }

  void run() {
    bool out_open = true, err_open = true;
    std::optional<int> code;
    Steady::time_point output_deadline{}, kill_deadline{};
    for (;;) {
      std::array<pollfd, 4> fds{};
      nfds_t n = 0;
      if (!code) fds[n++] = {child.pidfd, POLLIN, 0};
      if (out_open) fds[n++] = {out[0], POLLIN, 0};
      if (err_open) fds[n++] = {err[0], POLLIN, 0};
      fds[n++] = {wake[0], POLLIN, 0};
      ::poll(fds.data(), n, static_cast<int>(kSlice.count()));
      char drained[16];
      while (::read(wake[0], drained, sizeof drained) > 0) {
      }
      if (out_open) out_open = read_from(out[0], out_partial, false);
      if (err_open) err_open = read_from(err[0], err_partial, true);
      if (stopping && kill_deadline == Steady::time_point{}) {
        std::lock_guard lock(mutex);
        if (!exited) kill_container();
        kill_deadline = Steady::now() + kTeardownDeadline;
      }
      if (!code)
        if ((code = reaped())) {
          std::lock_guard lock(mutex);
          exited = true;
          // PID 1 is gone: the kernel ends the rest of its PID namespace (13.4's render workers).
          kill_container();
          output_deadline = Steady::now() + kOutputAfterExit;
        }
      if (code && ((!out_open && !err_open) || Steady::now() > output_deadline)) break;
      if (!code && stopping && Steady::now() > kill_deadline) return;  // not reaped: nothing more to wait for
    }
    if (stopping) return;
    int signo = 0;
    {
      std::lock_guard lock(mutex);
      signo = last_signal;
    }
    const std::string cause = signo ? " signal=" + signal_name(signo) : "";
    // As the fake words it (next_process.cc finish_exit): the signal that ended the process.
    const std::string cut_cause = signo ? "signal=" + signal_name(signo) : "exited";
    for (uint64_t id : requests.cut_at_exit()) log(core::AppWhat::cut, id, {}, cut_cause);
    log(core::AppWhat::exited, 0, {}, fmt::format("code={}{}", *code, cause));
    if (auto cb = std::exchange(on_exit, nullptr); cb && !stopping) cb(*code);
  }
};

bool RealNextServer::node_available(const std::string& node) { return ::access(node.c_str(), X_OK) == 0; }

std::map<std::string, std::string> real_next_environment(const RealNextSettings& settings, const ProcessSpec& spec,
                                                         int64_t listen_at_epoch_ms) {
  // The container's environment (the image's ENV, compose's environment), with what makes node the
  // container's app on the run's loopback port on top.
  std::map<std::string, std::string> env = spec.env;
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["PORT"] = std::to_string(spec.container_port);
  env["HOSTNAME"] = "127.0.0.1";
  env["NODE_ENV"] = "production";
  env["NEXT_TELEMETRY_DISABLED"] = "1";
  env["NODE_OPTIONS"] = "--require " + (settings.standalone / "bluegreen-preload.js").string();
  env["BLUEGREEN_PROTOCOL"] = "1";
  env["BLUEGREEN_CONTAINER"] = spec.container;
  env["BLUEGREEN_LISTEN_HOST"] = "127.0.0.1";
  env["BLUEGREEN_LISTEN_AT_MS"] = std::to_string(listen_at_epoch_ms);
  env["BLUEGREEN_TIME_SCALE"] = fmt::format("{}", settings.time_scale);
  if (settings.keep_alive_timeout) env["BLUEGREEN_KEEP_ALIVE_MS"] = millis_text(*settings.keep_alive_timeout);
  if (settings.api_latency_max > core::Duration::zero())
    env["BLUEGREEN_API_LATENCY_MS"] = millis_text(settings.api_latency_min) + "-" +
                                      millis_text(std::max(settings.api_latency_min, settings.api_latency_max));
  env.erase("BLUEGREEN_CHILD");
  return env;
}

RealNextServer::RealNextServer(core::Clock& clock, core::History& history, RealNextSettings settings, ProcessSpec spec)
    : watch_(std::make_shared<Watch>(clock, history, spec)), settings_(std::move(settings)), spec_(std::move(spec)) {}

RealNextServer::~RealNextServer() {
  auto& w = *watch_;
  w.stopping = true;
  if (!w.thread.joinable()) return;
  if (w.wake[1] >= 0) {
    char c = 0;
    (void)!::write(w.wake[1], &c, 1);
  }
  if (w.thread.get_id() == std::this_thread::get_id()) {
    w.thread.detach();  // destroyed from on_exit: the thread holds its own share of the state
    return;
  }
  w.thread.join();
}

void RealNextServer::start() {
  auto& w = *watch_;
  w.on_exit = on_exit;
  w.on_log = on_log;
  const SignalDelivery delivery = signal_delivery(spec_.argv, spec_.init);
  w.signal_reaches_app = delivery.reaches_app;
  NextAppProfile profile;
  profile.version = settings_.version;
  if (!delivery.reaches_app) profile.sigterm = SigtermMode::ignore;
  const std::string starting =
      fmt::format("next {} sigterm={} before_ready={}{} real node server.js", settings_.version,
                  to_string(profile.sigterm_mode()), to_string(BeforeReady::hold),
                  core::drawn_suffix("listen_delay", settings_.listen_delay, settings_.listen_delay_drawn_from));
  for (auto* p : {&w.out, &w.err, &w.wake})
    if (::pipe2(p->data(), O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  for (int fd : {w.out[0], w.err[0], w.wake[0]}) ::fcntl(fd, F_SETFL, O_NONBLOCK);

  // The container starts now: the listen delay counts from here, as the starting event does.
  const core::Time started = w.clock.now();
  const auto listen_at = std::chrono::system_clock::now() + w.clock.to_real(settings_.listen_delay);
  core::SpawnRequest request;
  request.argv = {settings_.node, "server.js"};
  request.env = real_next_environment(
      settings_, spec_, std::chrono::duration_cast<std::chrono::milliseconds>(listen_at.time_since_epoch()).count());
  request.cwd = settings_.standalone;
  request.stdout_fd = w.out[1];
  request.stderr_fd = w.err[1];
  request.enter = settings_.enter;
  {
    std::lock_guard lock(w.mutex);
    w.child = core::spawn_process(request);
  }
  ::close(std::exchange(w.out[1], -1));
  ::close(std::exchange(w.err[1], -1));
  // The pid (the harness's numbering) lets a test check that nothing of the container outlives it.
  w.log(core::AppWhat::starting, 0, {}, w.child.ok() ? fmt::format("{} pid {}", starting, w.child.group) : starting,
        started);
  if (!w.child.ok()) {
    // What a container whose command cannot start does: it exits with the shell's code at once.
    if (w.on_log) w.on_log(w.child.error, true);
    w.log(core::AppWhat::exited, 0, {}, fmt::format("code={} {}", w.child.error_exit_code, w.child.error));
    {
      std::lock_guard lock(w.mutex);
      w.exited = true;
    }
    if (auto cb = std::exchange(w.on_exit, nullptr)) cb(w.child.error_exit_code);
    return;
  }
  w.thread = std::thread([watch = watch_] { watch->run(); });
}

void RealNextServer::signal(int signo) {
  auto& w = *watch_;
  std::lock_guard lock(w.mutex);
  if (w.exited || !w.child.ok()) return;
  if (signo == SIGKILL) {
    w.last_signal = signo;
    w.kill_container();
    return;
  }
  // A stop signal PID 1 swallows (npm, sh -c) never reaches node (signal_delivery.h).
  if ((signo == SIGTERM || signo == SIGINT) && !w.signal_reaches_app) return;
  w.last_signal = signo;
  ::kill(w.child.group, signo);
}

core::CommandResult RealNextServer::exec(const ExecRequest& request, std::stop_token stop) {
  return next_container_exec(spec_, request, stop);
}

}  // namespace bg::fakes
