#include "fakes/docker/docker_engine.h"

#include <csignal>
#include <thread>

#include <fmt/format.h>

#include "core/actor_thread.h"
#include "core/not_modelled.h"
#include "fakes/docker/container_fs.h"
#include "fakes/docker/docker_engine_live.h"
#include "fakes/docker/health_tracker.h"
#include "fakes/docker/signal_delivery.h"

namespace bg::fakes {
namespace {

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
  if (image.runs == kRunsNginx) return 80;  // the official image's EXPOSE 80; nginx.conf decides
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

DockerEngine::DockerEngine(boost::asio::io_context& io, core::Clock& clock, core::History& history,
                           core::PortMap& ports, core::Rng rng, EngineOptions options, ProcessFactory factory)
    : io_(io),
      clock_(clock),
      history_(history),
      ports_(ports),
      ids_rng_(rng.child("ids")),
      build_rng_(rng.child("builds")),
      build_duration_rng_(rng.child("build_duration")),
      options_(options),
      factory_(std::move(factory)),
      guard_(std::make_shared<Guard>()),
      changed_(clock),
      networks_(ids_rng_),
      registry_(options_.registry),
      network_(closed_port(ports)) {
  guard_->engine = this;
}

DockerEngine::~DockerEngine() {
  shutdown();
  {
    std::lock_guard lock(guard_->mutex);
    guard_->engine = nullptr;
  }
  std::error_code ec;
  if (!temp_root_.empty()) std::filesystem::remove_all(temp_root_, ec);
}

const std::filesystem::path& DockerEngine::containers_root() {
  if (!options_.containers_root.empty()) return options_.containers_root;
  if (temp_root_.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bg-containers-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw DockerError("cannot create the containers' folder");
    temp_root_ = tmpl;
  }
  return temp_root_;
}

std::string DockerEngine::name_of(const std::string& id) const {
  const ContainerRecord* rec = runtime_.find_by_id(id);
  return rec ? rec->name : "";
}

void DockerEngine::spawn(std::function<void()> work) {
  if (shut_down_) return;
  // Under mutex_ (the caller's): shutdown() joins every worker before the engine goes away.
  // The key: one per worker, in the order they were asked for, which the engine's callers fix.
  workers_.push_back(core::start_actor(clock_, core::order_key(fmt::format("docker worker {}", workers_.size())),
                                       [work = std::move(work)](std::stop_token) { work(); }));
}

void DockerEngine::append(const ContainerRecord& c, core::ContainerWhat what, const std::string& detail,
                          int exit_code) {
  history_.append(core::ContainerEvent{clock_.now(), c.name, c.project, c.service, what, exit_code, detail});
}

ContainerRecord DockerEngine::create(const ContainerSpec& spec) {
  std::lock_guard lock(mutex_);
  if (shut_down_) throw DockerError("the engine is shutting down");
  auto image = images_.find(spec.image);
  if (!image) throw DockerError("No such image: " + ImageStore::normalize_ref(spec.image));
  if (!spec.stop_signal.empty() && signal_number(spec.stop_signal) < 0)
    throw DockerError("Invalid signal: " + spec.stop_signal);
  ParsedRestartPolicy restart = parse_restart_policy(spec.restart);
  if (restart.error.empty()) restart.error = validate_restart_policy(restart.policy);
  if (!restart.error.empty()) throw DockerError(restart.error);
  ContainerRecord record;
  record.id = ImageStore::random_hex(ids_rng_, 64);
  record.name = spec.name;
  record.project = spec.project;
  record.service = spec.service;
  record.image = spec.image;
  record.image_id = image->id;
  record.config_hash = spec.config_hash;
  std::vector<std::string> words = spec.entrypoint.value_or(image->dockerfile.entrypoint);
  const auto& cmd = spec.command.empty() && !spec.entrypoint ? image->dockerfile.cmd : spec.command;
  words.insert(words.end(), cmd.begin(), cmd.end());
  record.command = fmt::format("{}", fmt::join(words, " "));
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
  live->id = created->id;
  live->restarts = RestartManager(restart.policy);
  live->hostname = spec.hostname.empty() ? created->id.substr(0, 12) : spec.hostname;
  try {
    attach_networks(*created, spec);
    live->layer = containers_root() / created->id;
    live->filesystem =
        make_container_fs({live->layer, containers_root() / "volumes", options_.host_paths, options_.host_linkable},
                          *image, spec.mounts, spec.bind_must_exist);
  } catch (const std::exception& e) {
    networks_.forget(created->id);
    runtime_.erase(created->name);
    throw DockerError(e.what());
  }
  // The instance's own address (ContainerNetwork): a fresh one while fewer than kAddressReuseAfter
  // removed instances' addresses wait, else the one released longest ago (serial allocation).
  if (released_addresses_.size() > kAddressReuseAfter) {
    live->container_port = released_addresses_.front();
    released_addresses_.pop_front();
  } else {
    live->container_port = ports_.reserve_anonymous();
    ports_.map_to_itself(live->container_port);
  }
  std::vector<std::string> aliases;
  if (!created->service.empty()) aliases.push_back(created->service);
  aliases.insert(aliases.end(), spec.aliases.begin(), spec.aliases.end());
  network_.attach(created->name, aliases, live->container_port, app_port(*image, spec));
  live_[created->name] = live;
  append(*created, core::ContainerWhat::created, image->ref);
  return *created;
}

void DockerEngine::start(const std::string& name) { start_container(name, true); }

void DockerEngine::start_container(const std::string& name, bool by_hand) {
  std::shared_ptr<Live> live;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    if (rec->state == ContainerState::running || shut_down_) return;
    if (rec->state == ContainerState::restarting && by_hand) return;  // the policy restarts it already
    live = live_.at(name);
    if (by_hand) {
      live->restarts.reset();
      live->manually_stopped = false;
    }
    teardown_locked(*live, name);  // a restart before the last endpoint was torn down
    for (const auto& p : rec->ports) {
      auto holder = allocated_.find(p.published);
      if (p.published == 0 || holder == allocated_.end() || holder->second == name) continue;
      // semantics.md §3 "Port already bound": the container stays created.
      std::string message = fmt::format(
          "driver failed programming external connectivity on endpoint {} ({}): Bind for {}:{} failed: port is "
          "already allocated",
          name, ImageStore::random_hex(ids_rng_, 64), p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.published);
      append(*rec, core::ContainerWhat::start_failed, message);
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
  options.probe_interval =
      std::max<std::chrono::nanoseconds>(clock_.to_real(std::chrono::milliseconds(20)), std::chrono::milliseconds(1));
  options.on_closed = [guard = guard_] {
    std::lock_guard lock(guard->mutex);
    if (guard->engine) guard->engine->changed_.notify_all();
  };
  for (const auto& p : live->spec.ports) {
    if (p.published == 0) continue;  // simplification: an ephemeral host port is not published
    allocated_[p.published] = name;
    live->allocated.push_back(p.published);
    auto publisher =
        PortPublisher::create(io_, ports_, ports_.map(p.published), live->container_port, options, options_.network);
    try {
      publisher->start();
    } catch (const std::exception& e) {
      // A host port held outside Docker (moby#42653).
      std::string message = fmt::format(
          "driver failed programming external connectivity on endpoint {} ({}): Error starting userland proxy: "
          "listen tcp4 0.0.0.0:{}: bind: address already in use",
          name, ImageStore::random_hex(ids_rng_, 64), p.published);
      teardown_locked(*live, name);
      append(rec, core::ContainerWhat::start_failed, message);
      throw DockerError(message);
    }
    live->publishers.push_back(publisher);
    append(rec, core::ContainerWhat::port_published, port_text(p));
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
  spec.argv = live->spec.entrypoint.value_or(live->image.dockerfile.entrypoint);
  const auto& cmd =
      live->spec.command.empty() && !live->spec.entrypoint ? live->image.dockerfile.cmd : live->spec.command;
  spec.argv.insert(spec.argv.end(), cmd.begin(), cmd.end());
  spec.init = live->spec.init;
  spec.runs = live->image.runs;
  spec.hostname = live->hostname;
  spec.workdir = live->spec.workdir.empty() ? live->image.workdir : live->spec.workdir;
  std::string id;
  {
    std::lock_guard lock(mutex_);
    spec.filesystem = live->filesystem;
    id = runtime_.find(name)->id;
  }
  std::shared_ptr<ContainerProcess> process;
  try {
    process = factory_(spec);
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(mutex_);
      teardown_locked(*live, name);
      append(*runtime_.find(name), core::ContainerWhat::start_failed, e.what());
    }
    // A process the run cannot model ends the run as an error naming it, not as a failed start.
    if (dynamic_cast<const core::NotModelled*>(&e)) throw;
    throw DockerError(e.what());
  }
  uint64_t generation = 0;
  // The last run's process, destroyed when this function returns: never under mutex_, since a
  // process's destructor waits for its own threads, which may be calling on_log (that takes mutex_).
  std::shared_ptr<ContainerProcess> previous;
  {
    std::lock_guard lock(mutex_);
    generation = ++live->generation;
    // The callbacks are set before the process is published in live->process: from then on a
    // `docker kill` on another thread may signal it, and its exit calls on_exit (TSan saw the
    // assignment race with that call when it came after).
    process->on_exit = [guard = guard_, id, generation](int code) {
      std::lock_guard lock(guard->mutex);
      if (guard->engine) guard->engine->on_process_exit(id, generation, code);
    };
    process->on_log = [guard = guard_, id](const std::string& line, bool is_stderr) {
      std::lock_guard lock(guard->mutex);
      if (guard->engine) guard->engine->on_log(id, line, is_stderr);
    };
    previous = std::exchange(live->process, process);
    live->exited = false;
    live->exit_code = 0;
    runtime_.transition(name, ContainerState::running, clock_.now());
    networks_.join_all(id, ids_rng_);
    append(*runtime_.find(name), core::ContainerWhat::started, live->image.ref);
  }
  std::jthread previous_health;  // a finished run's loop, joined outside the lock
  if (live->spec.healthcheck && HealthTracker::active(*live->spec.healthcheck)) {
    std::lock_guard lock(mutex_);
    previous_health = std::move(live->health);
    live->health =
        core::start_actor(clock_, core::order_key("health " + id),
                          [this, id, generation, check = *live->spec.healthcheck, port = live->container_port](
                              std::stop_token stop) { run_healthcheck(id, generation, check, port, stop); });
  }
  process->start();
}

void DockerEngine::on_process_exit(const std::string& id, uint64_t generation, int exit_code) {
  std::shared_ptr<core::ScenarioTimer> timer, restart_timer;
  bool remove_after = false;
  std::string name;
  {
    std::lock_guard lock(mutex_);
    name = name_of(id);
    auto it = live_.find(name);
    if (it == live_.end() || it->second->generation != generation || it->second->exited) return;
    Live& live = *it->second;
    live.exited = true;
    live.exit_code = exit_code;
    live.health.request_stop();  // joined later, outside the lock (remove, start, shutdown)
    networks_.leave_all(id);
    const ContainerRecord& rec = *runtime_.find(name);
    auto delay = shut_down_
                     ? std::nullopt
                     : live.restarts.should_restart(exit_code, live.manually_stopped, clock_.now() - rec.started);
    if (delay) {
      // moby daemon/monitor.go: the container is "restarting" from its exit until the policy's
      // delay has passed and it runs again.
      runtime_.transition(name, ContainerState::restarting, clock_.now(), exit_code);
      append(rec, core::ContainerWhat::exited, "", exit_code);
      append(rec, core::ContainerWhat::restarting,
             fmt::format("restart {} in {}", live.restarts.restart_count(), core::format_seconds(*delay)));
      restart_timer = std::make_shared<core::ScenarioTimer>(io_.get_executor(), clock_);
      restart_timer->expires_after(*delay);
      live.restart_timer = restart_timer;
    } else {
      runtime_.transition(name, ContainerState::exited, clock_.now(), exit_code);
      append(rec, core::ContainerWhat::exited, "", exit_code);
      remove_after = live.spec.auto_remove && !shut_down_;
    }
    if (!shut_down_) {
      // The endpoint (and docker-proxy) goes away a little after the process: until then the host
      // port accepts and closes (semantics.md §3 [inference]; race R04).
      timer = std::make_shared<core::ScenarioTimer>(io_.get_executor(), clock_);
      timer->expires_after(options_.teardown_delay);
      live.teardown_timer = timer;
    }
    // --rm: moby removes the container once it has exited (daemon/monitor.go autoRemove).
    if (remove_after)
      spawn([this, name] {
        try {
          remove(name, {});
        } catch (const DockerError&) {
          // removed meanwhile by the script (`docker rm`)
        }
      });
  }
  changed_.notify_all();
  if (timer)
    timer->async_wait([guard = guard_, id, generation](const boost::system::error_code& ec) {
      if (ec) return;
      std::lock_guard lock(guard->mutex);
      if (guard->engine) guard->engine->teardown(id, generation);
    });
  if (restart_timer)
    restart_timer->async_wait([guard = guard_, id, generation](const boost::system::error_code& ec) {
      if (ec) return;
      std::lock_guard lock(guard->mutex);
      if (guard->engine) guard->engine->restart_after_backoff(id, generation);
    });
}

void DockerEngine::teardown(const std::string& id, uint64_t generation) {
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(name_of(id));
    if (it == live_.end() || it->second->generation != generation) return;
    teardown_locked(*it->second, it->first);
  }
  changed_.notify_all();
}

void DockerEngine::teardown_locked(Live& live, const std::string& name) {
  if (live.torn_down) return;
  live.torn_down = true;
  const ContainerRecord* rec = runtime_.find(name);
  for (size_t i = 0; i < live.publishers.size(); ++i) {
    live.publishers[i]->stop();
    // The host port as the compose file declares it, as port_published says it: the loopback port
    // standing for it is the machine's, and differs between two runs of one seed.
    const uint16_t actual = live.publishers[i]->host_port();
    if (rec)
      append(*rec, core::ContainerWhat::port_unpublished,
             fmt::format("{}", ports_.declared_for(actual).value_or(actual)));
  }
  live.publishers.clear();
  for (uint16_t port : live.allocated)
    if (auto it = allocated_.find(port); it != allocated_.end() && it->second == name) allocated_.erase(it);
  live.allocated.clear();
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

}  // namespace bg::fakes
