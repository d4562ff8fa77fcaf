#include "proxy/real_nginx.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/run_folder.h"
#include "proxy/nginx_config_error.h"

namespace bg::proxy {
namespace fs = std::filesystem;
namespace {

// Real-time bounds on waiting for the nginx process; they guard against a stuck binary only.
constexpr int kStartDeadlineMs = 5000;
constexpr int kStopDeadlineMs = 5000;
constexpr int kCheckDeadlineMs = 10000;
constexpr auto kTailInterval = std::chrono::milliseconds(20);

void pause_ms(int ms) { ::poll(nullptr, 0, ms); }

// nginx stamps its logs with wall time; this is the one reading of the wall clock, taken at start
// next to Clock::now() to convert $msec into scenario time. It never decides anything.
double wall_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The child in its own process group, stdout and stderr to `out`, no descriptor of ours inherited
// (a backend's listening socket kept open in nginx would keep a stopped port accepting).
pid_t spawn(const std::vector<std::string>& args, const fs::path& out) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::string out_path = out.string();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    // bluegreen's CLI blocks SIGINT/SIGTERM/SIGHUP for its signal thread, and a mask survives exec:
    // nginx must get its stop and reload signals whatever mode it runs in.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (pid > 0) ::setpgid(pid, pid);  // also from the parent, so a signal to the group never misses
  return pid;
}

// The exit status once `pid` ended within `deadline_ms`, else nullopt (still running).
std::optional<int> wait_exit(pid_t pid, int deadline_ms) {
  for (int waited = 0;; waited += 5) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -1;
    if (waited >= deadline_ms) return std::nullopt;
    pause_ms(5);
  }
}

// nginx's stderr lines without the "nginx: " prefix, as NginxConfigError's what() reads.
std::string without_prefix(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("nginx: ", 0) == 0) line = line.substr(7);
    if (line.empty()) continue;
    if (!out.empty()) out += "\n";
    out += line;
  }
  return out;
}

// Complete lines of `p` from `offset` on; advances `offset` past them.
std::vector<std::string> new_lines(const fs::path& p, size_t& offset) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(offset));
  std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto end = chunk.rfind('\n');
  if (end == std::string::npos) return {};
  offset += end + 1;
  std::vector<std::string> lines;
  std::istringstream s(chunk.substr(0, end));
  for (std::string line; std::getline(s, line);) lines.push_back(line);
  return lines;
}

}  // namespace

bool RealNginx::available(const std::string& binary) { return ::access(binary.c_str(), X_OK) == 0; }

RealNginx::RealNginx(boost::asio::io_context&, core::Clock& clock, core::History& history, core::PortMap& ports,
                     const core::PathMap& paths, std::string binary)
    : clock_(clock), history_(history), ports_(ports), paths_(paths), binary_(std::move(binary)) {
  // With an owner file: a run killed before it could remove it leaves it to the next run to remove.
  prefix_ = core::make_run_folder(fs::temp_directory_path(), "bg_nginx_");
  ::chmod(prefix_.c_str(), 0755);  // nginx's workers (user nobody when started as root) use its temp paths
  double scale = std::chrono::duration<double>(clock_.to_real(std::chrono::seconds(1))).count();
  time_scale_ = scale > 0 ? scale : 1.0;  // a ManualClock has no real time: run nginx at 1:1
}

RealNginx::~RealNginx() {
  stop();
  core::remove_run_folder(prefix_);
}

ScaledConfig RealNginx::write_scaled_copy(const fs::path& target) const {
  ScaleOptions o{time_scale_, prefix_, [this](uint16_t declared) { return ports_.map(declared); }, resolve_};
  ScaledConfig scaled = scale_nginx_config(config_path_, paths_, o);
  std::ofstream(target, std::ios::trunc) << scaled.text;
  return scaled;
}

// `nginx -t` on the scaled copy, with the real binary.
std::optional<std::string> RealNginx::check_config(const fs::path& conf) const {
  fs::path out = prefix_ / "check.out";
  std::error_code ignored;
  fs::remove(out, ignored);
  pid_t pid = spawn(
      {binary_, "-t", "-q", "-p", prefix_.string() + "/", "-e", (prefix_ / "check.log").string(), "-c", conf.string()},
      out);
  if (pid < 0) return std::string("[alert] fork() failed");
  auto code = wait_exit(pid, kCheckDeadlineMs);
  if (!code) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return std::string("[alert] nginx -t did not finish");
  }
  if (*code == 0) return std::nullopt;
  std::string text = without_prefix(read_all(out));
  return text.empty() ? fmt::format("[alert] nginx -t exited with {}", *code) : text;
}

void RealNginx::start(const std::string& config_path) {
  std::lock_guard control(control_mutex_);
  if (pid_ > 0) throw std::logic_error("nginx already running");
  config_path_ = config_path;
  ScaledConfig scaled = write_scaled_copy(prefix_ / "nginx.conf");  // throws NginxConfigError
  notes_ = scaled.notes;
  first_listen_ = scaled.listen_ports.empty() ? 80 : scaled.listen_ports.front();
  for (const char* f : {"error.log", "access.log", "nginx.pid", "stderr.log"}) fs::remove(prefix_ / f);
  {
    std::lock_guard lock(log_mutex_);
    error_offset_ = access_offset_ = 0;
    double wall0 = wall_seconds();
    core::Time scenario0 = clock_.now();
    double scale = time_scale_;
    translator_ = std::make_unique<NginxLogTranslator>(
        [this](uint16_t actual) { return ports_.declared_for(actual); }, scaled.peers,
        [=](double wall) { return scenario0 + core::from_seconds((wall - wall0) / scale); });
  }
  pid_ = spawn({binary_, "-p", prefix_.string() + "/", "-e", (prefix_ / "error.log").string(), "-c",
                (prefix_ / "nginx.conf").string()},
               prefix_ / "stderr.log");
  if (pid_ < 0) throw std::runtime_error("fork() failed for nginx");
  std::string failure;
  if (!wait_until_listening(failure)) {
    reap_or_kill();
    pid_ = -1;
    if (failure.find("[emerg]") != std::string::npos) throw NginxConfigError(failure);
    throw std::runtime_error("nginx did not start: " + failure);
  }
  tail_stop_ = false;
  tail_ = std::thread([this] { tail_logs(); });
  lifecycle(
      core::ProxyEventKind::started, "notice",
      fmt::format("nginx pid {} from {} (scaled copy {})", pid_, config_path_, (prefix_ / "nginx.conf").string()));
}

// The master writes its pid file after it opened the listen sockets (ngx_init_cycle, then
// ngx_create_pidfile), so the pid file means "listening".
bool RealNginx::wait_until_listening(std::string& failure) {
  for (int waited = 0; waited < kStartDeadlineMs; waited += 10) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      failure = without_prefix(read_all(prefix_ / "stderr.log"));
      if (failure.empty()) failure = fmt::format("nginx exited with status {}", status);
      return false;
    }
    std::string pid_text = read_all(prefix_ / "nginx.pid");
    if (!pid_text.empty() && std::atoi(pid_text.c_str()) == pid_) return true;
    pause_ms(10);
  }
  failure = "nginx did not write its pid file within the deadline";
  return false;
}

// SIGQUIT is nginx's graceful shutdown; a master still there after the deadline gets SIGKILL, as
// does anything left in its process group. The master is reaped.
void RealNginx::reap_or_kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGQUIT);
  if (!wait_exit(pid_, kStopDeadlineMs)) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::kill(-pid_, SIGKILL);  // workers the master did not wait for (ESRCH when none: the usual case)
}

std::optional<std::string> RealNginx::reload() {
  std::lock_guard control(control_mutex_);
  if (pid_ <= 0) return std::string("nginx is not running");
  fs::path next = prefix_ / "nginx.conf.next";
  ScaledConfig scaled;
  try {
    scaled = write_scaled_copy(next);
  } catch (const std::exception& e) {
    lifecycle(core::ProxyEventKind::reload_failed, "emerg", e.what());
    return std::string(e.what());
  }
  if (auto err = check_config(next)) {
    lifecycle(core::ProxyEventKind::reload_failed, "emerg", *err);
    return err;
  }
  fs::rename(next, prefix_ / "nginx.conf");
  notes_ = scaled.notes;
  first_listen_ = scaled.listen_ports.empty() ? 80 : scaled.listen_ports.front();
  {
    std::lock_guard lock(log_mutex_);
    translator_->set_peers(scaled.peers);
  }
  ::kill(pid_, SIGHUP);  // nginx -s reload: the master re-reads the file, new workers take over
  lifecycle(core::ProxyEventKind::reload, "notice",
            fmt::format("SIGHUP to nginx pid {}: reconfiguring from {}", pid_, config_path_));
  return std::nullopt;
}

std::optional<std::string> RealNginx::test() const {
  std::lock_guard control(control_mutex_);
  fs::path conf = prefix_ / "nginx.conf.test";
  try {
    write_scaled_copy(conf);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  return check_config(conf);
}

void RealNginx::stop() {
  std::lock_guard control(control_mutex_);
  if (pid_ <= 0) return;
  reap_or_kill();
  {
    std::lock_guard lock(tail_mutex_);
    tail_stop_ = true;
  }
  tail_wake_.notify_all();
  if (tail_.joinable()) tail_.join();
  collect_logs();
  {
    std::lock_guard lock(log_mutex_);
    for (auto& e : translator_->flush()) history_.append(std::move(e));
  }
  lifecycle(core::ProxyEventKind::stopped, "notice", fmt::format("nginx pid {} exited", pid_));
  pid_ = -1;
}

bool RealNginx::running() const {
  std::lock_guard control(control_mutex_);
  return pid_ > 0;
}

uint16_t RealNginx::listen_port() const {
  std::lock_guard control(control_mutex_);
  return pid_ > 0 ? ports_.map(first_listen_) : 0;
}

std::vector<std::string> RealNginx::notes() const {
  std::lock_guard control(control_mutex_);
  return notes_;
}

void RealNginx::collect_logs() {
  std::lock_guard lock(log_mutex_);
  if (!translator_) return;
  // The access log first: an error line precedes its request's access line, so every access line
  // read now has its error lines in the error log read just after.
  auto access = new_lines(prefix_ / "access.log", access_offset_);
  for (const auto& line : new_lines(prefix_ / "error.log", error_offset_))
    for (auto& e : translator_->error_line(line, clock_.now())) history_.append(std::move(e));
  for (const auto& line : access)
    for (auto& e : translator_->access_line(line)) history_.append(std::move(e));
}

void RealNginx::tail_logs() {
  std::unique_lock lock(tail_mutex_);
  while (!tail_stop_) {
    tail_wake_.wait_for(lock, kTailInterval, [this] { return tail_stop_; });
    lock.unlock();
    collect_logs();
    lock.lock();
  }
}

void RealNginx::lifecycle(core::ProxyEventKind kind, const std::string& level, const std::string& message) {
  core::ProxyEvent e;
  e.at = clock_.now();
  e.kind = kind;
  e.level = level;
  e.message = message;
  history_.append(std::move(e));
}

}  // namespace bg::proxy
