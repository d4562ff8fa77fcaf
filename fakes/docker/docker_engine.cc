#include "fakes/docker/docker_engine.h"

#include <csignal>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "fakes/docker/health_probe.h"
#include "fakes/docker/health_tracker.h"
#include "fakes/docker/port_publisher.h"
#include "fakes/docker/signal_delivery.h"

namespace bg::fakes {
namespace {

constexpr std::chrono::seconds kKillDeadline{2};      // SIGKILL ends a process at once; a bound anyway
constexpr std::chrono::seconds kTeardownSlack{2};     // when the io_context is slow to tear down
constexpr std::chrono::milliseconds kCloseDeadline{500};

struct SignalName {
  int number;
  const char* name;
};
constexpr SignalName kSignals[] = {{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},
                                   {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},
                                   {SIGTERM, "SIGTERM"}};

// A held port nothing ever listens on, mapped to itself: where a container name asked for with a
// port its app does not listen on leads (ContainerNetwork).
uint16_t closed_port(core::PortMap& ports) {
  uint16_t port = ports.reserve_anonymous();
  ports.map_to_itself(port);
  return port;
}

// The port the app listens on inside its container: PORT from the image's ENV and the compose
// environment, else Next.js's default 3000 (semantics.md §5).
uint16_t app_port(const Image& image, const ContainerSpec& spec) {
  auto env = image.dockerfile.env;
  for (const auto& [k, v] : spec.env) env[k] = v;
  auto it = env.find("PORT");
  if (it != env.end() && !it->second.empty() && it->second.find_first_not_of("0123456789") == std::string::npos &&
      it->second.size() <= 5 && std::stoi(it->second) <= 65535)
    return static_cast<uint16_t>(std::stoi(it->second));
  return 3000;
}

std::string port_text(const PortMapping& p) {
  return fmt::format("{}:{}->{}/{}", p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.published, p.target, p.protocol);
}

}  // namespace

int signal_number(const std::string& name) {
  for (const auto& s : kSignals)
    if (name == s.name || name == s.name + 3 || name == std::to_string(s.number)) return s.number;
  return -1;
}

std::string signal_name(int signo) {
  for (const auto& s : kSignals)
    if (s.number == signo) return s.name;
  return std::to_string(signo);
}

struct DockerEngine::Live {
  ContainerSpec spec;
  Image image;
  uint16_t container_port = 0;
  std::vector<uint16_t> allocated;  // declared host ports this container holds
  std::vector<std::shared_ptr<PortPublisher>> publishers;
  std::shared_ptr<ContainerProcess> process;  // shared: signals are delivered outside the lock
  uint64_t generation = 0;                    // one per start, so a stale exit is ignored
  bool exited = true;
  int exit_code = 0;
  bool torn_down = true;
  std::shared_ptr<boost::asio::steady_timer> teardown_timer;
  std::jthread health;  // the healthcheck loop of the current run; joined outside mutex_
};

// Processes and timers call back from their own threads, possibly after the engine is gone: they
// go through the guard, which the destructor empties under its mutex.
struct DockerEngine::Guard {
  std::mutex mutex;
  DockerEngine* engine = nullptr;
};

DockerEngine::DockerEngine(boost::asio::io_context& io, core::Clock& clock, core::History& history,
                           core::PortMap& ports, core::Rng rng, EngineOptions options, ProcessFactory factory)
    : io_(io),
      clock_(clock),
      history_(history),
      ports_(ports),
      ids_rng_(rng.child("ids")),
      build_rng_(rng.child("builds")),
      options_(options),
      factory_(std::move(factory)),
      guard_(std::make_shared<Guard>()),
      network_(closed_port(ports)) {
  guard_->engine = this;
}

DockerEngine::~DockerEngine() {
  shutdown();
  std::lock_guard lock(guard_->mutex);
  guard_->engine = nullptr;
}

void DockerEngine::append(const ContainerRecord& c, const std::string& what, const std::string& detail, int exit_code) {
  history_.append(core::ContainerEvent{clock_.now(), c.name, c.project, c.service, what, exit_code, detail});
}

BuildResult DockerEngine::build(const Dockerfile& dockerfile, const std::string& tag, std::stop_token stop) {
  if (!clock_.sleep_for(options_.build_duration, stop)) throw DockerError("context canceled");
  std::lock_guard lock(mutex_);
  BuildResult result = images_.add_build(dockerfile, tag, clock_.now(), build_rng_);
  history_.append(core::DeployEvent{clock_.now(), "image_built", 0, "", "", 0,
                                    fmt::format("{} {} build_id={}", result.image.ref, result.image.id.substr(0, 12),
                                                result.image.build_id)});
  return result;
}

std::optional<Image> DockerEngine::image(const std::string& ref) const {
  std::lock_guard lock(mutex_);
  return images_.find(ref);
}

void DockerEngine::tag(const Image& image, const std::string& tag) {
  std::lock_guard lock(mutex_);
  images_.tag(image, tag);
}

void DockerEngine::pull(const std::string& ref) {
  throw DockerError(fmt::format(
      "pull access denied for {}, repository does not exist or may require 'docker login': denied: requested "
      "access to the resource is denied",
      ImageStore::repository(ref)));
}

bool DockerEngine::network_exists(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return networks_.count(name) > 0;
}

void DockerEngine::create_network(const std::string& name) {
  std::lock_guard lock(mutex_);
  networks_[name] = true;
}

void DockerEngine::remove_network(const std::string& name) {
  std::lock_guard lock(mutex_);
  networks_.erase(name);
}

ContainerRecord DockerEngine::create(const ContainerSpec& spec) {
  std::lock_guard lock(mutex_);
  if (shut_down_) throw DockerError("the engine is shutting down");
  auto image = images_.find(spec.image);
  if (!image) throw DockerError("No such image: " + ImageStore::normalize_ref(spec.image));
  if (!spec.stop_signal.empty() && signal_number(spec.stop_signal) < 0)
    throw DockerError("Invalid signal: " + spec.stop_signal);
  ContainerRecord record;
  record.id = ImageStore::random_hex(ids_rng_, 64);
  record.name = spec.name;
  record.project = spec.project;
  record.service = spec.service;
  record.image = spec.image;
  record.image_id = image->id;
  record.config_hash = spec.config_hash;
  record.command = image->dockerfile.display_command(spec.command);
  record.ports = spec.ports;
  if (spec.healthcheck && HealthTracker::active(*spec.healthcheck)) record.health = "starting";
  const ContainerRecord* created = nullptr;
  try {
    created = &runtime_.create(record, clock_.now());
  } catch (const std::invalid_argument& e) {
    throw DockerError(e.what());
  }
  auto live = std::make_shared<Live>();
  live->spec = spec;
  live->image = *image;
  // The instance's own address (ContainerNetwork): fresh per instance, held for the rest of the run.
  live->container_port = ports_.reserve_anonymous();
  ports_.map_to_itself(live->container_port);
  network_.attach(created->name, created->service, live->container_port, app_port(*image, spec));
  live_[created->name] = live;
  append(*created, "created", image->ref);
  return *created;
}

void DockerEngine::start(const std::string& name) {
  std::shared_ptr<Live> live;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    if (rec->state == ContainerState::running || shut_down_) return;
    live = live_.at(name);
    teardown_locked(*live, name);  // a restart before the last endpoint was torn down
    for (const auto& p : rec->ports) {
      auto holder = allocated_.find(p.published);
      if (p.published == 0 || holder == allocated_.end() || holder->second == name) continue;
      // semantics.md §3 "Port already bound": the container stays created.
      std::string message = fmt::format(
          "driver failed programming external connectivity on endpoint {} ({}): Bind for {}:{} failed: port is "
          "already allocated",
          name, ImageStore::random_hex(ids_rng_, 64), p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.published);
      append(*rec, "start_failed", message);
      throw DockerError(message);
    }
    publish(name, live);
  }
  launch(name, live);
}

// Under mutex_: docker-proxy listens on every published port before the process starts.
void DockerEngine::publish(const std::string& name, const std::shared_ptr<Live>& live) {
  const ContainerRecord& rec = *runtime_.find(name);
  live->torn_down = false;
  PortPublisher::Options options;
  options.userland_proxy = options_.userland_proxy;
  options.probe_interval = std::max<std::chrono::nanoseconds>(clock_.to_real(std::chrono::milliseconds(20)),
                                                              std::chrono::milliseconds(1));
  for (const auto& p : live->spec.ports) {
    if (p.published == 0) continue;  // simplification: an ephemeral host port is not published
    allocated_[p.published] = name;
    live->allocated.push_back(p.published);
    auto publisher = PortPublisher::create(io_, ports_, ports_.map(p.published), live->container_port, options);
    try {
      publisher->start();
    } catch (const std::exception& e) {
      // A host port held outside Docker (moby#42653).
      std::string message = fmt::format(
          "driver failed programming external connectivity on endpoint {} ({}): Error starting userland proxy: "
          "listen tcp4 0.0.0.0:{}: bind: address already in use",
          name, ImageStore::random_hex(ids_rng_, 64), p.published);
      teardown_locked(*live, name);
      append(rec, "start_failed", message);
      throw DockerError(message);
    }
    live->publishers.push_back(publisher);
    append(rec, "port_published", port_text(p));
  }
}

void DockerEngine::launch(const std::string& name, const std::shared_ptr<Live>& live) {
  ProcessSpec spec;
  spec.container = name;
  spec.image = live->spec.image;
  spec.build_id = live->image.build_id;
  spec.container_port = live->container_port;
  spec.env = live->image.dockerfile.env;
  for (const auto& [k, v] : live->spec.env) spec.env[k] = v;
  // PID 1: ENTRYPOINT + CMD, compose's `command:` replacing CMD (R06: who gets the stop signal).
  spec.argv = live->image.dockerfile.entrypoint;
  const auto& cmd = live->spec.command.empty() ? live->image.dockerfile.cmd : live->spec.command;
  spec.argv.insert(spec.argv.end(), cmd.begin(), cmd.end());
  spec.init = live->spec.init;
  std::shared_ptr<ContainerProcess> process;
  try {
    process = factory_(spec);
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    teardown_locked(*live, name);
    append(*runtime_.find(name), "start_failed", e.what());
    throw DockerError(e.what());
  }
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    generation = ++live->generation;
    live->process = process;
    live->exited = false;
    live->exit_code = 0;
    runtime_.transition(name, ContainerState::running, clock_.now());
    append(*runtime_.find(name), "started", live->image.ref);
  }
  std::jthread previous_health;  // a finished run's loop, joined outside the lock
  if (live->spec.healthcheck && HealthTracker::active(*live->spec.healthcheck)) {
    std::lock_guard lock(mutex_);
    previous_health = std::move(live->health);
    live->health = std::jthread([this, name, generation, check = *live->spec.healthcheck,
                                 port = live->container_port](std::stop_token stop) {
      run_healthcheck(name, generation, check, port, stop);
    });
  }
  process->on_exit = [guard = guard_, name, generation](int code) {
    std::lock_guard lock(guard->mutex);
    if (guard->engine) guard->engine->on_process_exit(name, generation, code);
  };
  process->start();
}

void DockerEngine::on_process_exit(const std::string& name, uint64_t generation, int exit_code) {
  std::shared_ptr<boost::asio::steady_timer> timer;
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(name);
    if (it == live_.end() || it->second->generation != generation || it->second->exited) return;
    Live& live = *it->second;
    live.exited = true;
    live.exit_code = exit_code;
    live.health.request_stop();  // joined later, outside the lock (remove, start, shutdown)
    runtime_.transition(name, ContainerState::exited, clock_.now(), exit_code);
    append(*runtime_.find(name), "exited", "", exit_code);
    if (!shut_down_) {
      // The endpoint (and docker-proxy) goes away a little after the process: until then the host
      // port accepts and closes (semantics.md §3 [inference]; race R04).
      timer = std::make_shared<boost::asio::steady_timer>(io_, clock_.to_real(options_.teardown_delay));
      live.teardown_timer = timer;
    }
  }
  changed_.notify_all();
  if (timer)
    timer->async_wait([guard = guard_, name, generation](const boost::system::error_code& ec) {
      if (ec) return;
      std::lock_guard lock(guard->mutex);
      if (guard->engine) guard->engine->teardown(name, generation);
    });
}

void DockerEngine::teardown(const std::string& name, uint64_t generation) {
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(name);
    if (it == live_.end() || it->second->generation != generation) return;
    teardown_locked(*it->second, name);
  }
  changed_.notify_all();
}

void DockerEngine::teardown_locked(Live& live, const std::string& name) {
  if (live.torn_down) return;
  live.torn_down = true;
  const ContainerRecord* rec = runtime_.find(name);
  for (size_t i = 0; i < live.publishers.size(); ++i) {
    live.publishers[i]->stop();
    if (rec) append(*rec, "port_unpublished", fmt::format("{}", live.publishers[i]->host_port()));
  }
  live.publishers.clear();
  for (uint16_t port : live.allocated)
    if (auto it = allocated_.find(port); it != allocated_.end() && it->second == name) allocated_.erase(it);
  live.allocated.clear();
}

void DockerEngine::deliver(const std::string& name, const std::shared_ptr<Live>& live, int signo) {
  std::shared_ptr<ContainerProcess> process;
  {
    std::lock_guard lock(mutex_);
    process = live->process;
    std::string detail = signal_name(signo);
    if (signo != SIGKILL) {
      // Say in the history when PID 1 will swallow it (R06), so a report can explain the 137.
      std::vector<std::string> argv = live->image.dockerfile.entrypoint;
      const auto& cmd = live->spec.command.empty() ? live->image.dockerfile.cmd : live->spec.command;
      argv.insert(argv.end(), cmd.begin(), cmd.end());
      SignalDelivery delivery = signal_delivery(argv, live->spec.init);
      if (!delivery.reaches_app) detail += "; " + delivery.why;
    }
    if (const ContainerRecord* rec = runtime_.find(name)) append(*rec, "signal", detail);
  }
  if (process) process->signal(signo);
}

bool DockerEngine::wait_exited(const std::shared_ptr<Live>& live, std::chrono::nanoseconds real, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, stop, real, [&] { return live->exited; });
}

int DockerEngine::stop(const std::string& name, std::optional<core::Duration> timeout, std::stop_token stop) {
  std::shared_ptr<Live> live;
  int signo = SIGTERM;
  core::Duration grace{};
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    live = live_.at(name);
    if (live->exited) return rec->exit_code;
    grace = timeout.value_or(live->spec.stop_grace_period.value_or(options_.default_stop_timeout));
    if (!live->spec.stop_signal.empty()) signo = signal_number(live->spec.stop_signal);
    generation = live->generation;
    append(*rec, "stop_requested", fmt::format("timeout {}", core::format_seconds(grace)));
  }
  deliver(name, live, signo);
  if (!wait_exited(live, clock_.to_real(grace), stop)) {
    {
      std::lock_guard lock(mutex_);
      append(*runtime_.find(name), "killed", fmt::format("grace period {} expired", core::format_seconds(grace)));
    }
    deliver(name, live, SIGKILL);
    // A process that ignores SIGKILL breaks the ContainerProcess contract; record it as killed.
    if (!wait_exited(live, kKillDeadline, {})) on_process_exit(name, generation, 128 + SIGKILL);
  }
  std::lock_guard lock(mutex_);
  return live->exit_code;
}

bool DockerEngine::kill(const std::string& name) {
  std::shared_ptr<Live> live;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    live = live_.at(name);
    if (live->exited) return false;
  }
  deliver(name, live, SIGKILL);
  return true;
}

void DockerEngine::remove(const std::string& name, std::stop_token stop) {
  std::shared_ptr<Live> live;  // released after the lock, so the process is destroyed outside it
  std::jthread health;         // likewise joined after the lock
  std::unique_lock lock(mutex_);
  const ContainerRecord* rec = runtime_.find(name);
  if (!rec) throw DockerError("No such container: " + name);
  if (rec->state == ContainerState::running || rec->state == ContainerState::paused ||
      rec->state == ContainerState::restarting)
    throw DockerError(fmt::format("You cannot remove a running container {}. Stop the container before attempting "
                                  "removal or force remove",
                                  rec->id));
  runtime_.transition(name, ContainerState::removing, clock_.now());
  live = live_.at(name);
  health = std::move(live->health);
  health.request_stop();
  // The endpoint is released before the container is gone: once `down` returns the port refuses.
  changed_.wait_for(lock, stop, clock_.to_real(options_.teardown_delay) + kTeardownSlack,
                    [&] { return live->torn_down; });
  teardown_locked(*live, name);
  ContainerRecord removed = *runtime_.find(name);
  runtime_.erase(name);
  live_.erase(name);
  // The name stops resolving; the address stays held (map_to_itself), so a proxy still holding it
  // is refused rather than reaching whatever later binds the port.
  network_.detach(name);
  append(removed, "removed");
  lock.unlock();
}

std::optional<ContainerRecord> DockerEngine::inspect(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const ContainerRecord* rec = runtime_.find(name);
  return rec ? std::optional<ContainerRecord>(*rec) : std::nullopt;
}

std::vector<ContainerRecord> DockerEngine::containers(const std::string& project) const {
  std::lock_guard lock(mutex_);
  return runtime_.list(project);
}

void DockerEngine::shutdown() {
  std::vector<std::pair<std::string, std::shared_ptr<Live>>> lives;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    lives.assign(live_.begin(), live_.end());
  }
  for (auto& [name, live] : lives) {
    uint64_t generation = 0;
    {
      std::lock_guard lock(mutex_);
      if (live->exited) continue;
      generation = live->generation;
    }
    deliver(name, live, SIGKILL);
    if (!wait_exited(live, kKillDeadline, {})) on_process_exit(name, generation, 128 + SIGKILL);
  }
  std::vector<std::shared_ptr<PortPublisher>> publishers;
  std::vector<std::jthread> health;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, live] : lives) {
      live->health.request_stop();
      health.push_back(std::move(live->health));
      publishers.insert(publishers.end(), live->publishers.begin(), live->publishers.end());
      teardown_locked(*live, name);
    }
  }
  // Connections are closed on the io_context; when nobody runs it any more, its destruction does.
  health.clear();  // joins: each loop ends at its stop token (a probe is bounded by its timeout)
  for (auto& p : publishers)
    if (io_.stopped() || !p->wait_closed(kCloseDeadline)) break;
}

// Docker runs the first probe one interval after start, then every interval (semantics.md §3
// `up --wait`; HealthTracker). The probe goes to the app's own port: the port in the test's URL is
// the container port, which here is the app's held loopback port whatever number it names.
void DockerEngine::run_healthcheck(const std::string& name, uint64_t generation, Healthcheck check, uint16_t port,
                                   std::stop_token stop) {
  HealthTracker tracker(check, clock_.now());
  HealthProbe probe = HealthTracker::probe_for(check);
  auto timeout = std::max<std::chrono::nanoseconds>(clock_.to_real(tracker.timeout()), std::chrono::milliseconds(1));
  while (clock_.sleep_for(tracker.interval(), stop)) {
    bool passed = run_health_probe(probe, port, timeout);
    {
      std::lock_guard lock(mutex_);
      auto it = live_.find(name);
      if (stop.stop_requested() || it == live_.end() || it->second->generation != generation) return;
      if (auto status = tracker.on_probe(clock_.now(), passed)) {
        runtime_.set_health(name, *status);
        append(*runtime_.find(name), "health_status", *status);
      }
    }
    changed_.notify_all();
  }
}

}  // namespace bg::fakes
