#include "sim/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <optional>

#include "core/actor_thread.h"
#include "core/not_modelled.h"
#include "core/script_turns.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/host/host_layout.h"
#include "fakes/host/sandbox_host.h"
#include "fakes/nextjs/next_server.h"
#include "fakes/nextjs/real_next_builds.h"
#include "fakes/nextjs/real_next_server.h"
#include "fakes/pipeline/pipeline.h"
#include "fakes/shim/shim_server.h"
#include "net/sim_network.h"
#include "proxy/proxy_server.h"
#include "proxy/real_nginx.h"
#include "sim/container_nginx.h"
#include "sim/host_commands.h"
#include "sim/real_app.h"
#include "sim/run_folder.h"
#include "sim/scenario_options.h"
#include "sim/staged_host.h"
#include "sim/traffic_generator.h"
#include "sim/workflow_hosts.h"

namespace bg::sim {
namespace fs = std::filesystem;

// The deterministic engine runs bluegreen's own proxy and the fake Next.js: the real nginx and the
// real Next.js are processes of the machine on real time, which a VirtualClock cannot hold.
std::optional<std::string> why_not_simulable(const scenarios::Scenario& s) {
  if (s.proxy.engine == "nginx")
    return "proxy.engine nginx (--proxy nginx) runs the real nginx, a process on real time, which --engine sim "
           "cannot hold still: run it with --engine live, or with bluegreen's own proxy";
  if (s.app.engine == "real")
    return "app.engine real (--app real) runs real Next.js servers, processes on real time, which --engine sim "
           "cannot hold still: run it with --engine live, or with the fake app";
  return std::nullopt;
}

namespace {

// What starting a program costs on a real host before it does anything, in scenario time: the Docker
// CLI and Compose (a Go binary, and its API round trip to dockerd) about 100 ms, a small program such
// as curl or sleep about 5 ms. Live runs pay the shims' real round trip instead, scaled up by the time
// scale; on the deterministic engine a script's own computing costs no scenario time at all, so without
// this a swap's `up`, health check and `down` would land in one instant, sooner than on any instance
// (simplified: a fixed cost per program, not drawn).
core::Duration program_start_cost(const std::string& program) {
  if (program == "docker" || program == "docker-compose") return std::chrono::milliseconds(100);
  return std::chrono::milliseconds(5);
}

std::unique_ptr<core::Clock> make_clock(const WorldOptions& o) {
  if (o.engine == Engine::sim) return std::make_unique<core::VirtualClock>();
  return std::make_unique<core::ScaledClock>(o.time_scale);
}

// proxy.engine: nginx (or --proxy nginx) runs the machine's nginx binary; a run without it cannot start.
void require_real_nginx() {
  if (!proxy::RealNginx::available())
    throw std::runtime_error(
        fmt::format("proxy.engine is nginx but {} is not installed or not executable "
                    "(tools/setup.sh installs nginx-light)",
                    proxy::RealNginx::kDefaultBinary));
}

}  // namespace

World::World(const scenarios::Scenario& scenario, WorldOptions options)
    : scenario_(scenario),
      options_(options),
      clock_(make_clock(options)),
      virtual_clock_(dynamic_cast<core::VirtualClock*>(clock_.get())),
      rng_(options.seed),
      ports_(virtual_clock_ ? core::PortMap(core::PortMap::InMemory{}) : core::PortMap(options.bind_declared_ports)),
      sha_rng_(rng_.child("pipeline.sha")),
      drawn_(draw_parameters(scenario_, rng_, options.time_scale)),
      // Bad input ends the run here, before anything starts.
      staged_(std::make_unique<StagedHost>(scenario_, options.keep_run_dir)) {
  if (virtual_clock_) {
    if (auto refused = why_not_simulable(scenario_)) throw std::runtime_error(*refused);
    run_actor_.emplace(*virtual_clock_, core::order_key("run"));
    sim_network_ = std::make_unique<net::SimNetwork>(*virtual_clock_, rng_.child("network"));
    network_ = net::Network(*sim_network_);
    virtual_clock_->attach(io_);  // the clock runs the io_context's handlers: no io threads
    virtual_clock_->script_turns().set_spin_limit(options_.script_spin_limit);
    virtual_clock_->script_turns().set_on_spin([this](const std::string& message) {
      {
        std::lock_guard lock(mutex_);
        if (harness_failure_.empty()) harness_failure_ = message;
      }
      stop_.request_stop();
    });
  }
  // app.engine real: every container's app is a real Next.js server, each build id made from the
  // version's template build in the run's folder.
  if (scenario_.app.engine == "real")
    real_builds_ = std::make_unique<fakes::RealNextBuilds>(require_real_app(scenario_), staged_->dir() / "next",
                                                           scenario_.app.shared_static);
}

World::~World() { shutdown(); }

const fs::path& World::run_dir() const { return staged_->dir(); }

core::PathMap& World::paths() { return staged_->paths(); }

void World::start() {
  if (!virtual_clock_) {
    work_ =
        std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(io_.get_executor());
    for (int i = 0; i < 2; ++i) io_threads_.emplace_back([this] { io_.run(); });
  }

  // docker pull fetches what the scenario's registry names; containers' layers live in the run folder
  // and bind-mount sources are host paths.
  fakes::EngineOptions engine = engine_options(scenario_);
  engine.containers_root = staged_->dir() / "containers";
  engine.host_paths = &paths();
  engine.host_linkable = &staged_->own_paths();
  engine.network = network_;
  fakes::ProcessFactory make_process = [this](const fakes::ProcessSpec& spec) {
    // nginx in a container: the run's proxy engine on the container's own /etc/nginx and address.
    if (spec.runs == fakes::kRunsNginx) return make_container_nginx(spec);
    std::unique_lock lock(mutex_);
    const size_t k = containers_made_++;
    const core::Duration listen = drawn_.listen_delay(k) + std::exchange(slow_start_extra_, core::Duration{});
    if (real_builds_) {
      lock.unlock();  // making a build copies files: not under the run's lock
      return make_real_app(spec, listen);
    }
    fakes::NextAppProfile profile = app_profile(scenario_, listen, drawn_.prepare_delay(k), spec.env);
    // app.shared_static: a build's files are on the shared volume once it has run in a container (the
    // real engine's builds appear there when RealNextBuilds makes them, at the same moment).
    if (profile.shared_static) {
      published_->add(spec.build_id);
      profile.published_builds = [published = published_] { return published->all(); };
    }
    return std::unique_ptr<fakes::ContainerProcess>(std::make_unique<fakes::NextServer>(
        io_, *clock_, history_, ports_, rng_.child("app.process." + spec.container), profile, spec, network_));
  };
  docker_ =
      std::make_unique<fakes::DockerEngine>(io_, *clock_, history_, ports_, rng_.child("docker"), engine, make_process);
  // The compose the scripts meet: v1 (1.29), v2 before 2.15, or v2 from 2.15 (semantics.md §3).
  compose_cli_ = std::make_unique<fakes::ComposeCli>(*docker_, paths(), scenario_.docker.compose);
  docker_cli_ = std::make_unique<fakes::DockerCli>(*docker_, *compose_cli_, paths());

  // nginx on the host runs from the start, like the service it is (unless the host has none, or the
  // scenario starts it once the containers it names exist).
  if (!scenario_.proxy.start_after_initial_deployment && scenario_.host.nginx != "none") start_run_proxy();

  HostCommandsWiring wiring{*clock_, history_, ports_, paths(), staged_->host(), *docker_cli_, *compose_cli_};
  wiring.time_scale = options_.time_scale;
  if (sim_network_) {
    wiring.sim_network = &network_;
    wiring.executor = io_.get_executor();
  }
  wiring.amazon_linux = scenario_.host.os == "amazon-linux-2";
  wiring.nginx_conf = std::string(kNginxDir) + "/nginx.conf";
  wiring.proxy = [this] { return proxy_.get(); };
  wiring.start_proxy = [this] { return start_host_proxy(); };
  wiring.resolve_names = resolve_container_names();
  wiring.current_hook = [this] {
    std::lock_guard lock(mutex_);
    return std::make_pair(current_deployment_, current_hook_);
  };
  wiring.user_file = [this](const std::string& on_host) { return staged_->user_file(on_host); };
  wiring.run_stop = stop_.get_token();
  wiring.on_not_modelled = [this](const std::string&) { stop_.request_stop(); };
  wiring.origin = staged_->origin();
  wiring.origin_in_host = std::string(kOriginsInside) + "/acme/web.git";
  host_commands_ = std::make_unique<HostCommands>(std::move(wiring));
  shims_ = std::make_unique<fakes::ShimServer>(
      staged_->layout().shim_socket(),
      [this](const fakes::ShimRequest& r, std::stop_token st) { return handle_shim(r, st); });
  shims_->start();
  agent_ = make_agent();
  pipeline_ = make_pipeline();
}

// A container of an image that runs nginx (proxy.container names the one the traffic reaches
// through its published port): the same engine as a host's nginx would be.
std::unique_ptr<fakes::ContainerProcess> World::make_container_nginx(const fakes::ProcessSpec& spec) {
  ProxyEngine engine = ProxyEngine::builtin;
  if (scenario_.proxy.engine == "nginx") {
    require_real_nginx();
    engine = ProxyEngine::real_nginx;
  }
  return std::make_unique<ContainerNginx>(io_, *clock_, history_, ports_, resolve_container_names(), engine, spec,
                                          network_);
}

fakes::ShimReply World::handle_shim(const fakes::ShimRequest& request, std::stop_token stop) {
  return core::as_shim_call(*clock_, request.env, request.pid, stop, [&] {
    if (virtual_clock_ && !clock_->sleep_for(program_start_cost(request.program), stop)) {
      fakes::ShimReply stopped;
      stopped.exit_code = 143;  // as a program the run's teardown ended with SIGTERM
      return stopped;
    }
    return host_commands_->handle(request, stop);
  });
}

// A real Next.js server of the container's build (app.engine real), in the sandboxed host's process
// tree so that it dies with the host.
std::unique_ptr<fakes::ContainerProcess> World::make_real_app(const fakes::ProcessSpec& spec, core::Duration listen) {
  if (spec.build_id.empty())
    throw core::NotModelled(
        fmt::format("app.engine real for image {}, which no `docker build` of the run made", spec.image));
  fakes::RealNextSettings settings = real_app_settings(scenario_, listen, options_.time_scale);
  settings.standalone = real_builds_->standalone_for(spec.build_id);
  settings.enter = &staged_->host().process_tree_only();
  return std::make_unique<fakes::RealNextServer>(*clock_, history_, std::move(settings), spec);
}

// The run's proxy on the scenario's nginx.conf: bluegreen's own, or the real nginx binary so that a
// verdict can be checked against nginx itself (proxy.engine; the differential test runs both).
void World::start_proxy() {
  if (scenario_.proxy.engine == "nginx") {
    require_real_nginx();
    auto nginx = std::make_unique<proxy::RealNginx>(io_, *clock_, history_, ports_, paths());
    nginx->set_resolver(resolve_container_names());
    nginx->start(fmt::format("{}/nginx.conf", kNginxDir));
    proxy_ = std::move(nginx);
    return;
  }
  auto own = std::make_unique<proxy::ProxyServer>(io_, *clock_, history_, ports_, paths(), network_);
  own->set_resolver(resolve_container_names());
  own->start(fmt::format("{}/nginx.conf", kNginxDir));
  proxy_ = std::move(own);
}

void World::start_run_proxy() {
  try {
    start_proxy();
  } catch (const core::NotModelled& e) {
    throw core::NotModelled(staged_->users_files_named(e.subject()));
  } catch (const std::exception& e) {
    throw std::runtime_error(staged_->users_files_named(e.what()));
  }
}

// `systemctl start nginx` (or restart): nullopt once serving, else what nginx says (the host's
// paths, as nginx itself prints them).
std::optional<std::string> World::start_host_proxy() {
  try {
    if (proxy_)
      proxy_->start(fmt::format("{}/nginx.conf", kNginxDir));
    else
      start_proxy();
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

std::optional<std::string> World::not_modelled() const {
  if (auto from_host = host_commands_ ? host_commands_->not_modelled() : std::nullopt) return from_host;
  std::lock_guard lock(mutex_);
  if (!workflow_not_modelled_.empty()) return workflow_not_modelled_;
  return std::nullopt;
}

std::optional<std::string> World::harness_failure() const {
  std::lock_guard lock(mutex_);
  if (harness_failure_.empty()) return std::nullopt;
  return harness_failure_;
}

// Upstream host names resolve on the run's container network (races.md R18).
proxy::HostResolver World::resolve_container_names() {
  return [this](const std::string& host, uint16_t port) { return docker_->network().resolve(host, port); };
}

void World::start_traffic(LiveProgress* live) {
  if (!scenario_.traffic.port && !proxy_) throw std::runtime_error("no proxy is running to send traffic to");
  TrafficOptions t = traffic_options(scenario_);
  t.port = scenario_.traffic.port ? ports_.map(*scenario_.traffic.port) : proxy_->listen_port();
  t.live = live;
  t.network = network_;
  traffic_ = std::make_unique<TrafficGenerator>(io_, *clock_, history_, rng_.child("traffic"), t);
  traffic_->start();
}

void World::stop_traffic() {
  if (!traffic_) return;
  traffic_->stop();
  traffic_->wait_idle(scenario_.traffic.timeout + std::chrono::seconds(50));
}

int64_t World::late_sends() const { return traffic_ ? traffic_->late() : 0; }

std::optional<std::string> World::reload_proxy() {
  if (!proxy_) return "the proxy is not running";
  return proxy_->reload();
}

int64_t World::requests_sent() const { return traffic_ ? traffic_->sent() : 0; }

bool World::wait(core::Duration d) { return clock_->sleep_for(d, stop_.get_token()); }

void World::phase(core::HarnessPhase what, int deployment, const std::string& drawn) {
  std::string detail(core::harness_phase_name(what));
  if (!drawn.empty()) detail += " " + drawn;  // core::parse_harness_phase_detail reads the name alone
  history_.append(core::DeployEvent{clock_->now(), core::DeployEventKind::phase, deployment, "", "", 0, detail});
}

void World::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  stop_.request_stop();
  if (traffic_) stop_traffic();
  // Ends workflow runs and deployments (their scripts are killed through the stopped token) before
  // the shims, the engine and the agent they use go.
  if (pipeline_) pipeline_->shutdown();
  if (shims_) shims_->stop();  // ends shim calls in flight; scripts are already ended
  // Ends every process the host still runs (daemons the scripts left, a backgrounded deploy.sh).
  if (staged_) staged_->host().stop();
  // What scripts left running has ended with the host: nothing is left to hold a turn, and nothing
  // may report into this World once it goes.
  if (virtual_clock_) virtual_clock_->script_turns().stop_leftovers(true);
  if (proxy_) proxy_->stop();
  if (docker_) docker_->shutdown();
  traffic_.reset();
  if (virtual_clock_) {
    // The closing handlers run while this thread waits: a scenario second is far more than they need.
    clock_->sleep_for(std::chrono::seconds(1));
  } else {
    // Let the closing handlers run to the end; stop the io_context only if they do not within 5 s.
    work_.reset();
    auto joined = std::async(std::launch::async, [this] {
      for (auto& t : io_threads_) t.join();
    });
    if (joined.wait_for(std::chrono::seconds(5)) != std::future_status::ready) io_.stop();
    joined.wait();
    io_threads_.clear();
  }
  // Handlers still queued hold sockets; destroying them now, before the engine and proxy objects go.
  proxy_.reset();
  docker_cli_.reset();
  compose_cli_.reset();
  docker_.reset();
  pipeline_.reset();
  agent_.reset();
  shims_.reset();
  host_commands_.reset();
  staged_.reset();  // the host's last processes, then the run folder, unless kept
  if (virtual_clock_) {
    // Nothing of the world is left to act: what still waits on the clock is dropped unrun, then this
    // thread stops being its actor.
    virtual_clock_->discard();
    run_actor_.reset();
  }
}

}  // namespace bg::sim
