#include "proxy/nginx_config_loader.h"
#include "proxy/proxy_server.h"

#include <future>
#include <set>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "core/scenario_timer.h"

#include "proxy/client_session.h"
#include "proxy/proxy_generation.h"
#include "proxy/proxy_listener.h"
#include "proxy/server_state.h"

namespace bg::proxy {
namespace {

// Real time stop() waits for connections to wind down; an io_context that is running does it in
// microseconds, so this is only a guard against a stuck run.
constexpr auto kStopDeadline = std::chrono::seconds(5);
// For every session to be gone at a stop, in scenario time (5 s real at 0.1; on a virtual clock the
// sessions close as handlers the clock runs while this waits).
constexpr core::Duration kQuietDeadline = std::chrono::seconds(50);
// How long nginx's old workers keep serving after a reload before the master shuts them down.
constexpr core::Duration kOldWorkersLinger = std::chrono::milliseconds(100);

std::set<uint16_t> listen_ports(const NginxConfig& config) {
  std::set<uint16_t> ports;
  for (const auto& s : config.servers) ports.insert(s.listen.begin(), s.listen.end());
  return ports;
}

}  // namespace

ProxyServer::ProxyServer(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
                         const core::PathMap& paths, net::Network network)
    : state_(std::make_shared<ServerState>(io, clock, history, ports, network)), paths_(paths) {}

ProxyServer::~ProxyServer() { stop(); }

void ProxyServer::start(const std::string& config_path) {
  std::lock_guard control(control_mutex_);
  if (running_) throw std::logic_error("proxy already running");
  auto config = std::make_shared<const NginxConfig>(parse_nginx_config(config_path, paths_, resolve_));
  config_path_ = config_path;
  auto generation = std::make_shared<ProxyGeneration>(config, ++generations_, paths_, resolve_);
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = false;
    ++state_->runs;
    state_->current = generation;
  }
  try {
    sync_listeners(*config);
  } catch (...) {
    for (auto port : listen_ports(*config)) close_listener(port);
    std::lock_guard lock(state_->mutex);
    state_->current.reset();
    throw;
  }
  running_ = true;
  state_->log.lifecycle(core::ProxyEventKind::started, "notice",
                        fmt::format("start worker processes ({}), config {}", config->worker_processes, config->path));
}

// Opens listeners for new ports (first, so a port that cannot be opened leaves the old ones
// serving), then closes those the config no longer lists.
void ProxyServer::sync_listeners(const NginxConfig& config) {
  std::set<uint16_t> wanted = listen_ports(config);
  for (uint16_t port : wanted) {
    if (listeners_.count(port)) continue;
    auto listener = std::make_shared<ProxyListener>(state_, port);
    listeners_[port] = listener;
    listener->start_accepting();
  }
  std::vector<uint16_t> unwanted;
  for (const auto& [port, listener] : listeners_)
    if (!wanted.count(port)) unwanted.push_back(port);
  for (uint16_t port : unwanted) close_listener(port);
  first_listen_ = 0;
  for (const auto& s : config.servers)
    if (!s.listen.empty()) {
      first_listen_ = s.listen.front();
      break;
    }
}

void ProxyServer::close_listener(uint16_t declared_port) {
  auto it = listeners_.find(declared_port);
  if (it == listeners_.end()) return;
  std::future<void> done = it->second->close();
  listeners_.erase(it);
  // In sim the port refuses from the close() call (ProxyListener), and the clock runs the rest
  // before time passes; a real-time wait here would only hold the clock still.
  if (state_->network.is_sim()) return;
  if (!state_->io.get_executor().running_in_this_thread() && !state_->io.stopped()) done.wait_for(kStopDeadline);
}

std::optional<std::string> ProxyServer::reload() {
  std::lock_guard control(control_mutex_);
  if (!running_) return std::string("proxy is not running");
  std::shared_ptr<const NginxConfig> config;
  try {
    config = std::make_shared<const NginxConfig>(parse_nginx_config(config_path_, paths_, resolve_));
    sync_listeners(*config);
  } catch (const core::NotModelled&) {
    throw;  // not a failed reload: the run ends as ERROR (the old config keeps running until then)
  } catch (const std::exception& e) {
    // nginx's master rolls back and keeps the old cycle (control.html).
    state_->log.lifecycle(core::ProxyEventKind::reload_failed, "emerg", e.what());
    return std::string(e.what());
  }
  // nginx's master starts the new workers, sleeps 100 ms "to allow new processes to start", and only
  // then tells the old ones to shut down (src/os/unix/ngx_process_cycle.c, ngx_master_process_cycle:
  // ngx_msleep(100) before NGX_SHUTDOWN_SIGNAL). Until then the old workers, already waiting in
  // accept, take the new connections too: behind nginx 1.22 every request of 02's swap in that window
  // (connection per request, 100 req/s) was answered with the old config. So the new generation
  // takes over 100 ms of scenario time after the reload returns.
  auto generation = std::make_shared<ProxyGeneration>(config, ++generations_, paths_, resolve_);
  const uint64_t run = state_->runs;
  auto linger = std::make_shared<core::ScenarioTimer>(state_->io.get_executor(), state_->clock);
  linger->expires_after(kOldWorkersLinger);
  linger->async_wait([state = state_, generation, run, linger](const boost::system::error_code&) {
    std::shared_ptr<ProxyGeneration> old;
    {
      std::lock_guard lock(state->mutex);
      if (state->stopping || state->runs != run) return;  // stopped (and maybe started again) meanwhile
      old = std::exchange(state->current, generation);
    }
    if (old) retire(*state, *old);
  });
  state_->log.lifecycle(core::ProxyEventKind::reload, "notice",
                        fmt::format("reconfiguring: generation {} from {}", generation->number(), config->path));
  return std::nullopt;
}

std::optional<std::string> ProxyServer::test() const {
  try {
    parse_nginx_config(config_path_, paths_, resolve_);
  } catch (const NginxConfigError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

// The old generation's workers shut down gracefully: their cached upstream connections close, each
// session finishes its request in flight and closes (an idle keep-alive one at once).
void ProxyServer::retire(ServerState& state, ProxyGeneration& old) {
  old.retired = true;
  old.close_idle_connections();
  retire_sessions(state, &old, false);
}

void ProxyServer::retire_sessions_of(const void* generation, bool stop_now) {
  retire_sessions(*state_, generation, stop_now);
}

void ProxyServer::retire_sessions(ServerState& state, const void* generation, bool stop_now) {
  std::vector<std::shared_ptr<ClientSession>> sessions;
  {
    std::lock_guard lock(state.mutex);
    for (const auto& w : state.sessions)
      if (auto s = w.lock(); s && (!generation || s->generation() == generation)) sessions.push_back(s);
  }
  for (auto& s : sessions) stop_now ? s->shutdown() : s->retire();
}

void ProxyServer::stop() {
  std::lock_guard control(control_mutex_);
  stop_now();
}

// nginx's graceful shutdown (ngx_process_cycle.c: on ngx_quit the master closes its listening
// sockets and signals the workers to shut down; each worker closes its idle connections and exits
// when its last request is done), under systemd's stop: SIGTERM, our stop_now(), after `drain`.
void ProxyServer::quit(core::Duration drain) {
  std::lock_guard control(control_mutex_);
  if (!running_) return;
  while (!listeners_.empty()) close_listener(listeners_.begin()->first);
  std::shared_ptr<ProxyGeneration> current;
  {
    std::lock_guard lock(state_->mutex);
    current = state_->current;
  }
  if (current) retire(*state_, *current);
  wait_for_sessions(drain);
  stop_now();
}

void ProxyServer::stop_now() {
  if (!running_) return;
  running_ = false;
  std::shared_ptr<ProxyGeneration> last;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    last = std::exchange(state_->current, nullptr);
  }
  if (last) last->close_idle_connections();
  while (!listeners_.empty()) close_listener(listeners_.begin()->first);
  retire_sessions_of(nullptr, true);
  if (wait_for_sessions(kQuietDeadline)) {
    std::lock_guard lock(state_->mutex);
    state_->sessions.clear();
  }
  state_->log.lifecycle(core::ProxyEventKind::stopped, "notice", "exit");
}

bool ProxyServer::wait_for_sessions(core::Duration deadline) {
  if (state_->io.get_executor().running_in_this_thread() || state_->io.stopped()) return false;
  std::unique_lock lock(state_->mutex);
  state_->changed.wait_for(lock, deadline, {}, [&] { return state_->live_sessions == 0; });
  return true;
}

void ProxyServer::set_log_sink(std::function<void(const core::ProxyEvent&)> sink) {
  state_->log.set_sink(std::move(sink));
}

void ProxyServer::connect_upstreams_as_declared(bool on) { state_->upstreams_as_declared = on; }
void ProxyServer::run_on_one_thread(bool on) { state_->one_thread = on; }

bool ProxyServer::running() const {
  std::lock_guard control(control_mutex_);
  return running_;
}

uint16_t ProxyServer::listen_port() const {
  std::lock_guard control(control_mutex_);
  auto it = listeners_.find(first_listen_);
  return running_ && it != listeners_.end() ? it->second->actual_port() : 0;
}

std::shared_ptr<const NginxConfig> ProxyServer::config() const {
  std::lock_guard lock(state_->mutex);
  return state_->current ? state_->current->shared_config() : nullptr;
}

std::vector<PeerSnapshot> ProxyServer::peer_states(const std::string& upstream, int worker) const {
  std::shared_ptr<ProxyGeneration> generation;
  {
    std::lock_guard lock(state_->mutex);
    generation = state_->current;
  }
  if (!generation || worker >= generation->worker_count()) return {};
  auto& w = generation->worker(worker);
  std::lock_guard lock(w.mutex);
  auto it = w.pools.find(upstream);
  return it == w.pools.end() ? std::vector<PeerSnapshot>{} : it->second.snapshot(state_->clock.now());
}

}  // namespace bg::proxy
