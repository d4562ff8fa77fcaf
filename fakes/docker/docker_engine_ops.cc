// DockerEngine: what scripts ask of a container besides its life — kill -s, restart, wait, rename,
// logs, exec, lookups by name or id, inspect's view — and the restart policy's restarts and the
// healthcheck loop. Daemon messages from moby daemon/errors.go, rename.go, exec.go@v20.10.17.
#include <algorithm>
#include <cctype>
#include <csignal>

#include <fmt/format.h>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/docker_engine_live.h"
#include "fakes/docker/health_probe.h"
#include "net/blocking_probe.h"
#include "fakes/docker/health_tracker.h"

namespace bg::fakes {
namespace {

struct SignalName {
  int number;
  const char* name;
};
constexpr SignalName kSignals[] = {{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},     {SIGQUIT, "SIGQUIT"},
                                   {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},   {SIGUSR2, "SIGUSR2"},
                                   {SIGTERM, "SIGTERM"}, {SIGALRM, "SIGALRM"},   {SIGCONT, "SIGCONT"},
                                   {SIGSTOP, "SIGSTOP"}, {SIGWINCH, "SIGWINCH"}, {SIGPIPE, "SIGPIPE"}};

// moby pkg/signal ParseSignal: a number, or a name with or without SIG, any case.
std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// moby daemon/names.go validContainerNamePattern: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a leading "/" is dropped).
bool valid_name(const std::string& name) {
  if (name.size() < 2 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

int signal_number(const std::string& name) {
  std::string n = upper(name);
  if (!n.empty() && n.find_first_not_of("0123456789") == std::string::npos && n.size() < 4) return std::stoi(n);
  for (const auto& s : kSignals)
    if (n == s.name || n == s.name + 3) return s.number;
  return -1;
}

std::string signal_name(int signo) {
  for (const auto& s : kSignals)
    if (s.number == signo) return s.name;
  return std::to_string(signo);
}

// moby pkg/namesgenerator: "<adjective>_<scientist>", never "boring_wozniak" (simplification: a
// sample of its lists).
std::string DockerEngine::random_name() {
  static const char* left[] = {"admiring", "brave", "clever", "eager",  "elegant", "festive",  "gifted",
                               "happy",    "jolly", "keen",   "loving", "nifty",   "peaceful", "quirky",
                               "relaxed",  "sharp", "stoic",  "tender", "vibrant", "zealous"};
  static const char* right[] = {"albattani", "babbage", "curie",  "darwin",   "einstein", "feynman", "galileo",
                                "hopper",    "hypatia", "kepler", "lovelace", "mccarthy", "noether", "pasteur",
                                "ritchie",   "shannon", "tesla",  "turing",   "wozniak",  "yalow"};
  std::lock_guard lock(mutex_);
  for (;;) {
    std::string name = std::string(left[ids_rng_.uniform_int(0, 19)]) + "_" + right[ids_rng_.uniform_int(0, 19)];
    if (name != "boring_wozniak" && !runtime_.find(name)) return name;
  }
}

std::string DockerEngine::resolve(const std::string& term) const {
  std::lock_guard lock(mutex_);
  std::string t = term.rfind('/', 0) == 0 ? term.substr(1) : term;
  if (runtime_.find(t)) return t;
  // moby daemon.GetContainer: a full id, a name, then a unique id prefix.
  std::string found;
  for (const auto& c : runtime_.list()) {
    if (c.id == t) return c.name;
    if (!t.empty() && c.id.rfind(t, 0) == 0) {
      if (!found.empty()) throw DockerError("multiple IDs found with provided prefix: " + t);
      found = c.name;
    }
  }
  if (found.empty()) throw DockerError("No such container: " + term);
  return found;
}

ContainerInfo DockerEngine::info_locked(const ContainerRecord& rec) const {
  const Live& live = *live_.at(rec.name);
  ContainerInfo info;
  info.record = rec;
  info.spec = live.spec;
  info.image = live.image;
  info.networks = networks_.endpoints_of(rec.id);
  info.restart_count = live.restarts.restart_count();
  info.hostname = live.hostname;
  info.filesystem = live.filesystem;
  info.layer = live.layer;
  return info;
}

std::optional<ContainerInfo> DockerEngine::info(const std::string& term) const {
  std::string name;
  try {
    name = resolve(term);
  } catch (const DockerError&) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  const ContainerRecord* rec = runtime_.find(name);
  if (!rec) return std::nullopt;
  return info_locked(*rec);
}

std::vector<ContainerInfo> DockerEngine::infos() const {
  std::lock_guard lock(mutex_);
  std::vector<ContainerInfo> out;
  for (const auto& rec : runtime_.list()) out.push_back(info_locked(rec));
  return out;
}

void DockerEngine::kill_signal(const std::string& name, int signo) {
  std::shared_ptr<Live> live;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    live = live_.at(name);
    if (rec->state != ContainerState::running && rec->state != ContainerState::restarting)
      throw DockerError(fmt::format("Container {} is not running", rec->id));
    // moby daemon/kill.go killWithSignal: the stop signal, SIGKILL, or any signal when no stop
    // signal is set makes this exit final (ExitOnNext), and marks the container stopped by hand.
    bool final = signo == SIGKILL || live->spec.stop_signal.empty() || signal_number(live->spec.stop_signal) == signo;
    if (final) live->restarts.cancel_next();
    live->manually_stopped = true;
    append(*rec, core::ContainerWhat::kill, signal_name(signo));
    if (rec->state == ContainerState::restarting) {
      if (final) {
        ++live->generation;
        runtime_.transition(name, ContainerState::exited, clock_.now(), rec->exit_code);
        changed_.notify_all();
      }
      return;
    }
  }
  deliver(name, live, signo);
}

void DockerEngine::restart(const std::string& name, std::optional<core::Duration> timeout, std::stop_token stop) {
  this->stop(name, timeout, stop);
  start(name);
}

int DockerEngine::wait(const std::string& name, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  const ContainerRecord* rec = runtime_.find(name);
  if (!rec) throw DockerError("No such container: " + name);
  const std::string id = rec->id;
  int code = rec->exit_code;
  // moby's "not-running" condition: a restarting container is waited on until it has exited for good.
  changed_.wait(lock, stop, [&] {
    const ContainerRecord* c = runtime_.find_by_id(id);
    if (!c) return true;
    code = c->exit_code;
    return c->state != ContainerState::running && c->state != ContainerState::restarting &&
           c->state != ContainerState::paused;
  });
  return code;
}

void DockerEngine::rename(const std::string& name, const std::string& new_name_in) {
  std::lock_guard lock(mutex_);
  std::string new_name = new_name_in.rfind('/', 0) == 0 ? new_name_in.substr(1) : new_name_in;
  if (name.empty() || new_name.empty()) throw DockerError("Neither old nor new names may be empty");
  const ContainerRecord* rec = runtime_.find(name);
  if (!rec) throw DockerError("No such container: " + name);
  if (!valid_name(new_name))
    throw DockerError(fmt::format("Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", new_name));
  if (new_name == name) throw DockerError("Renaming a container with the same name as its current name");
  try {
    runtime_.rename(name, new_name);
  } catch (const std::invalid_argument& e) {
    throw DockerError(e.what());
  }
  auto node = live_.extract(name);
  node.key() = new_name;
  live_.insert(std::move(node));
  for (auto& [port, holder] : allocated_)
    if (holder == name) holder = new_name;
  network_.rename(name, new_name);
  const ContainerRecord* renamed = runtime_.find(new_name);
  networks_.rename(renamed->id, new_name);
  append(*renamed, core::ContainerWhat::renamed, name);
}

std::vector<LogLine> DockerEngine::logs(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = live_.find(name);
  if (it == live_.end()) throw DockerError("No such container: " + name);
  return it->second->logs;
}

void DockerEngine::on_log(const std::string& id, const std::string& line, bool is_stderr) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(name_of(id));
  if (it != live_.end()) it->second->logs.push_back({clock_.now(), is_stderr, line});
}

core::CommandResult DockerEngine::exec(const std::string& name, ExecRequest request, std::stop_token stop) {
  std::shared_ptr<ContainerProcess> process;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    const Live& live = *live_.at(name);
    if (rec->state == ContainerState::restarting)
      throw DockerError(fmt::format("Container {} is restarting, wait until the container is running", rec->id));
    if (rec->state == ContainerState::paused)
      throw DockerError(fmt::format("Container {} is paused, unpause the container before exec", rec->id));
    if (rec->state != ContainerState::running || live.exited || !live.process)
      throw DockerError(fmt::format("Container {} is not running", rec->id));
    std::map<std::string, std::string> env = live.image.dockerfile.env;
    for (const auto& [k, v] : live.spec.env) env[k] = v;
    env["HOSTNAME"] = live.hostname;
    for (const auto& [k, v] : request.env) env[k] = v;
    request.env = std::move(env);
    request.image = live.image.ref.empty() ? live.spec.image : live.image.ref;
    if (request.workdir.empty()) request.workdir = live.spec.workdir.empty() ? live.image.workdir : live.spec.workdir;
    process = live.process;
    append(*rec, core::ContainerWhat::exec, fmt::format("{}", fmt::join(request.argv, " ")));
  }
  return process->exec(request, stop);
}

void DockerEngine::restart_after_backoff(const std::string& id, uint64_t generation) {
  std::lock_guard lock(mutex_);
  std::string name = name_of(id);
  auto it = live_.find(name);
  if (it == live_.end() || it->second->generation != generation) return;
  const ContainerRecord* rec = runtime_.find(name);
  if (!rec || rec->state != ContainerState::restarting) return;
  // Not on the io_context's thread: a start launches a process and joins the last healthcheck loop.
  spawn([this, name] {
    try {
      start_container(name, false);
    } catch (const DockerError& e) {
      std::lock_guard relock(mutex_);
      if (const ContainerRecord* r = runtime_.find(name); r && r->state == ContainerState::restarting) {
        runtime_.transition(name, ContainerState::exited, clock_.now(), r->exit_code);
        append(*r, core::ContainerWhat::restart_failed, e.what());
      }
    }
  });
}

// Docker runs the first probe one interval after start, then every interval (semantics.md §3
// `up --wait`; HealthTracker). The probe goes to the app's own port: the port in the test's URL is
// the container port, which here is the app's held loopback port whatever number it names.
void DockerEngine::run_healthcheck(const std::string& id, uint64_t generation, Healthcheck check, uint16_t port,
                                   std::stop_token stop) {
  HealthTracker tracker(check, clock_.now());
  HealthProbe probe = HealthTracker::probe_for(check);
  auto timeout = std::max<std::chrono::nanoseconds>(clock_.to_real(tracker.timeout()), std::chrono::milliseconds(1));
  while (clock_.sleep_for(tracker.interval(), stop)) {
    // Live: a blocking client on the machine's loopback. In memory: the same probe as handlers on
    // the run's io_context, this actor waiting for them in scenario time.
    const net::Network& network = options_.network;
    bool passed = false;
    if (!network.is_sim()) {
      passed = run_health_probe(probe, port, timeout);
    } else if (probe.http) {
      auto status =
          net::blocking_http_get(network, io_.get_executor(), clock_, port, probe.path, tracker.timeout(), stop);
      passed = status && *status < 400;
    } else {
      passed = net::blocking_connect(network, io_.get_executor(), clock_, port, tracker.timeout(), stop);
    }
    {
      std::lock_guard lock(mutex_);
      std::string name = name_of(id);
      auto it = live_.find(name);
      if (stop.stop_requested() || it == live_.end() || it->second->generation != generation) return;
      if (auto status = tracker.on_probe(clock_.now(), passed)) {
        runtime_.set_health(name, *status);
        append(*runtime_.find(name), core::ContainerWhat::health_status, *status);
      }
    }
    changed_.notify_all();
  }
}

}  // namespace bg::fakes
