#include "sim/world.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <future>

#include "core/run_folder.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/codedeploy/appspec.h"
#include "fakes/codedeploy/bash_env.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_file.h"
#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/docker/shim/shim_server.h"
#include "fakes/nextjs/next_server.h"
#include "fakes/pipeline/pipeline.h"
#include "proxy/nginx_cli.h"
#include "proxy/proxy_server.h"
#include "proxy/real_nginx.h"
#include "sim/shim_commands.h"
#include "sim/traffic_generator.h"

#ifndef BG_SHIM_BINARY
#error "BG_SHIM_BINARY must name the bluegreen-shim executable"
#endif

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

constexpr const char* kNginxDir = "/etc/nginx";
// Programs the deploy scripts reach through the shims; everything else on PATH is the real one.
constexpr const char* kShimmed[] = {"docker", "docker-compose", "sleep", "nginx", "curl", "wget"};

core::Duration draw(core::Rng& rng, const scenarios::DurationRange& r) {
  return r.fixed() ? r.min : rng.uniform_duration(r.min, r.max);
}

// The real program behind a shimmed name, found on the harness's own PATH.
std::string real_program(const std::string& name, const fs::path& shim_dir) {
  const char* path = ::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    fs::path dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    fs::path candidate = dir / name;
    if (!dir.empty() && dir != shim_dir && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

}  // namespace

World::World(const scenarios::Scenario& scenario, WorldOptions options)
    : scenario_(scenario),
      options_(options),
      clock_(std::make_unique<core::ScaledClock>(options.time_scale)),
      rng_(options.seed),
      ports_(options.bind_declared_ports),
      sha_rng_(rng_.child("pipeline.sha")) {
  draw_parameters();
  try {
    lay_out_run_dir();
  } catch (...) {
    // Bad input (a malformed appspec or compose file) ends the run before the destructor could
    // clean up: the half-made run folder goes now.
    if (!run_dir_.empty()) core::remove_run_folder(run_dir_);
    throw;
  }
}

World::~World() { shutdown(); }

void World::draw_parameters() {
  // Containers are numbered in start order; enough for the initial deployment, every swap, and a
  // retry or two, drawn now so that the run can print them before it starts.
  core::Rng app = rng_.child("app");
  const size_t n = static_cast<size_t>(scenario_.run.swaps) * 2 + 4;
  for (size_t i = 0; i < n; ++i) {
    listen_delays_.push_back(draw(app, scenario_.app.listen_delay));
    prepare_delays_.push_back(draw(app, scenario_.app.prepare_delay));
  }
  drawn_["seed"] = std::to_string(options_.seed);
  drawn_["time_scale"] = fmt::format("{}", options_.time_scale);
  for (size_t i = 0; i < static_cast<size_t>(scenario_.run.swaps) + 1; ++i) {
    drawn_[fmt::format("app.listen_delay[{}]", i)] = core::format_seconds(listen_delays_[i]);
    if (!scenario_.app.prepare_delay.fixed() || scenario_.app.prepare_delay.min.count())
      drawn_[fmt::format("app.prepare_delay[{}]", i)] = core::format_seconds(prepare_delays_[i]);
  }
}

void World::lay_out_run_dir() {
  // Short: the shims' Unix socket path must fit 108 bytes. With an owner file, so that the next run
  // removes it if this one is killed before it can (core/run_folder.h).
  run_dir_ = core::make_run_folder("/tmp", "bluegreen-");
  fs::create_directories(run_dir_ / "host");
  fs::create_directories(run_dir_ / "codedeploy");
  fs::create_directories(run_dir_ / "shims");
  fs::create_directories(run_dir_ / "s3");

  // Bad input is found before anything starts, and named by file and line: the appspec, and every
  // compose file of the deployment (the scripts would only meet a broken one mid-swap).
  stage_bundle();
  const auto appspec = fakes::parse_appspec(bundle_dir_ / scenario_.appspec);
  for (const auto& entry : fs::directory_iterator(bundle_dir_)) {
    const std::string name = entry.path().filename().string();
    const bool yaml = entry.path().extension() == ".yml" || entry.path().extension() == ".yaml";
    if (entry.is_regular_file() && yaml && name.find("compose") != std::string::npos)
      fakes::parse_compose_file(entry.path());
  }

  // Every destination the appspec copies files to lives in the run folder.
  for (const auto& f : appspec.files) {
    fs::path real = run_dir_ / "host" / fs::path(f.destination).relative_path();
    fs::create_directories(real);
    paths_.add(f.destination, real);
  }
  // The proxy's configuration folder, with the scenario's nginx.conf and the files it includes.
  fs::path nginx_dir = run_dir_ / "host/etc/nginx";
  fs::create_directories(nginx_dir);
  paths_.add(kNginxDir, nginx_dir);
  nginx_conf_ = nginx_dir / "nginx.conf";
  fs::copy_file(scenarios::deployment_file(scenario_, scenario_.proxy.config), nginx_conf_);
  for (const auto& f : scenario_.proxy.files)
    fs::copy_file(scenarios::deployment_file(scenario_, f), nginx_dir / f.filename());

  for (const char* name : kShimmed) fs::create_symlink(BG_SHIM_BINARY, run_dir_ / "shims" / name);
  shim_socket_ = run_dir_ / "shim.sock";
  fakes::write_bash_env(run_dir_ / "bash_env.sh", paths_);
}

// The revision that is pushed: the scenario folder, laid over the folder it extends. scenario.yaml
// is the harness's, not the deployment's, and stays out.
void World::stage_bundle() {
  bundle_dir_ = run_dir_ / "bundle";
  fs::create_directories(bundle_dir_);
  auto lay = [&](const fs::path& from) {
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
      const auto rel = entry.path().lexically_relative(from);
      if (rel == "scenario.yaml") continue;
      if (entry.is_directory()) fs::create_directories(bundle_dir_ / rel);
      else fs::copy_file(entry.path(), bundle_dir_ / rel, fs::copy_options::overwrite_existing);
    }
  };
  for (auto it = scenario_.extends.rbegin(); it != scenario_.extends.rend(); ++it) lay(*it);
  lay(scenario_.dir);
}

void World::start() {
  work_ = std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
      io_.get_executor());
  for (int i = 0; i < 2; ++i) io_threads_.emplace_back([this] { io_.run(); });

  fakes::EngineOptions engine_options;
  engine_options.build_duration = scenario_.docker.build_duration;
  engine_options.teardown_delay = scenario_.docker.teardown_delay;
  engine_options.userland_proxy = scenario_.docker.userland_proxy;
  fakes::ProcessFactory make_process = [this](const fakes::ProcessSpec& spec) {
    std::lock_guard lock(mutex_);
    size_t k = std::min(containers_made_++, listen_delays_.size() - 1);
    fakes::NextAppProfile profile;
    profile.version = scenario_.app.next_version;
    profile.listen_delay = listen_delays_[k] + std::exchange(slow_start_extra_, core::Duration{});
    profile.prepare_delay = prepare_delays_[k];
    if (!scenario_.app.sigterm.empty()) profile.sigterm = fakes::parse_sigterm_mode(scenario_.app.sigterm);
    profile.api_latency_min = scenario_.app.api_latency.min;
    profile.api_latency_max = scenario_.app.api_latency.max;
    if (scenario_.app.keep_alive_timeout) profile.keep_alive_timeout = *scenario_.app.keep_alive_timeout;
    profile.shared_static = scenario_.app.shared_static;
    profile = fakes::apply_env(profile, spec.env);
    return std::unique_ptr<fakes::ContainerProcess>(std::make_unique<fakes::NextServer>(
        io_, *clock_, history_, ports_, rng_.child("app.process." + spec.container), profile, spec));
  };
  docker_ = std::make_unique<fakes::DockerEngine>(io_, *clock_, history_, ports_, rng_.child("docker"), engine_options,
                                                  make_process);
  // The compose the scripts meet: v1 (1.29), v2 before 2.15, or v2 from 2.15 (semantics.md §3).
  compose_cli_ = std::make_unique<fakes::ComposeCli>(*docker_, paths_, scenario_.docker.compose);
  docker_cli_ = std::make_unique<fakes::DockerCli>(*docker_, *compose_cli_, paths_);

  if (!scenario_.proxy.start_after_initial_deployment) start_proxy();

  shims_ = std::make_unique<fakes::ShimServer>(
      shim_socket_, [this](const fakes::ShimRequest& r, std::stop_token st) { return handle_shim(r, st); });
  shims_->start();
  agent_ = make_agent();
  pipeline_ = make_pipeline();
}

// The run's proxy on the scenario's nginx.conf: bluegreen's own, or the real nginx binary so that a
// verdict can be checked against nginx itself (proxy.engine; the differential test runs both).
void World::start_proxy() {
  if (scenario_.proxy.engine == "nginx") {
    if (!proxy::RealNginx::available())
      throw std::runtime_error(fmt::format("proxy.engine is nginx but {} is not installed or not executable "
                                           "(tools/setup.sh installs nginx-light)",
                                           proxy::RealNginx::kDefaultBinary));
    auto nginx = std::make_unique<proxy::RealNginx>(io_, *clock_, history_, ports_, paths_);
    nginx->set_resolver(resolve_container_names());
    nginx->start(fmt::format("{}/nginx.conf", kNginxDir));
    proxy_ = std::move(nginx);
    return;
  }
  auto own = std::make_unique<proxy::ProxyServer>(io_, *clock_, history_, ports_, paths_);
  own->set_resolver(resolve_container_names());
  own->start(nginx_conf_);
  proxy_ = std::move(own);
}

// Upstream host names resolve on the run's container network (races.md R18).
proxy::HostResolver World::resolve_container_names() {
  return [this](const std::string& host, uint16_t port) { return docker_->network().resolve(host, port); };
}

std::unique_ptr<fakes::CodeDeployAgent> World::make_agent() {
  fakes::AgentOptions o;
  o.deployment_root = run_dir_ / "codedeploy";
  const char* path = ::getenv("PATH");
  o.environment["PATH"] = (run_dir_ / "shims").string() + ":" + (path ? path : "/usr/local/bin:/usr/bin:/bin");
  o.environment["BASH_ENV"] = (run_dir_ / "bash_env.sh").string();
  o.environment["BLUEGREEN_SHIM_SOCKET"] = shim_socket_.string();
  o.environment["HOME"] = (run_dir_ / "host").string();
  o.environment["LANG"] = "C.UTF-8";
  o.on_event = [this](const core::DeployEvent& e) {
    {
      std::lock_guard lock(mutex_);
      if (e.kind == "deployment_started") current_deployment_ = e.deployment;
      if (e.kind == "hook_started") current_hook_ = e.hook;
    }
    // The deploy step of a workflow run ends once CodeDeploy has started its deployment.
    if (pipeline_) pipeline_->on_codedeploy_event(e);
  };
  return std::make_unique<fakes::CodeDeployAgent>(*clock_, history_, paths_, o);
}

std::unique_ptr<fakes::Pipeline> World::make_pipeline() {
  fakes::PipelineOptions o;
  o.source_dir = bundle_dir_;
  o.s3_root = run_dir_ / "s3";
  o.build_duration = scenario_.pipeline.build_duration;
  o.concurrency = {scenario_.pipeline.concurrency_group, scenario_.pipeline.cancel_in_progress};
  o.wait_for_deployment = scenario_.pipeline.wait_for_deployment;
  // The deployment runs on the pipeline's service thread; it ends early when the pipeline shuts
  // down or the whole run is stopped (its deadline), whichever comes first.
  o.create_deployment = [this](int number, const fs::path& bundle, std::stop_token service) {
    std::stop_source either;
    std::stop_callback on_service(service, [&] { either.request_stop(); });
    std::stop_callback on_run(stop_.get_token(), [&] { either.request_stop(); });
    return agent_->deploy(number, bundle, either.get_token());
  };
  return std::make_unique<fakes::Pipeline>(*clock_, history_, o);
}

// A commit id drawn from the seed: the same run pushes the same shas.
std::string World::next_sha() {
  std::string sha;
  for (int i = 0; i < 40; ++i) sha += "0123456789abcdef"[sha_rng_.uniform_int(0, 15)];
  return sha;
}

std::vector<fakes::WorkflowRun> World::swap() {
  const core::Time begin = clock_->now();
  std::vector<int> numbers;
  for (const auto at : scenario_.pipeline.pushes) {
    const core::Duration elapsed = clock_->now() - begin;
    if (at > elapsed && !clock_->sleep_for(at - elapsed, stop_.get_token())) break;
    numbers.push_back(pipeline_->push(next_sha()));
  }
  return runs_when_idle(numbers);
}

std::vector<fakes::WorkflowRun> World::runs_when_idle(const std::vector<int>& numbers) {
  // Bounded in real time by the run's deadline: the watchdog's stop ends the deployments, and this
  // wait then gives up on runs still in their build step.
  while (!pipeline_->wait_idle(std::chrono::milliseconds(50)))
    if (stop_.stop_requested()) break;
  std::vector<fakes::WorkflowRun> out;
  for (auto& run : pipeline_->runs())
    if (std::find(numbers.begin(), numbers.end(), run.number) != numbers.end()) out.push_back(std::move(run));
  return out;
}

fakes::DeploymentResult World::deploy(int number) {
  {
    std::lock_guard lock(mutex_);
    current_deployment_ = number;
  }
  auto result = agent_->deploy(number, bundle_dir_, stop_.get_token());
  // proxy.start: after_initial_deployment. A name that does not resolve fails it here, as nginx's
  // start would (host not found in upstream), and ends the run with that message.
  if (!proxy_ && result.succeeded) start_proxy();
  return result;
}

fakes::ShimReply World::handle_shim(const fakes::ShimRequest& request, std::stop_token stop) {
  core::ShimEvent event;
  event.start = clock_->now();
  event.program = request.program;
  event.args = request.args;
  event.cwd = paths_.to_virtual(request.cwd).value_or(fs::path(request.cwd)).string();
  {
    std::lock_guard lock(mutex_);
    event.deployment = current_deployment_;
    event.hook = current_hook_;
  }
  // A shim call ends when either the shims' server or the whole run stops.
  std::stop_source either;
  std::stop_callback on_server_stop(stop, [&] { either.request_stop(); });
  std::stop_callback on_run_stop(stop_.get_token(), [&] { either.request_stop(); });
  fakes::ShimReply reply = dispatch_shim(request, either.get_token());
  event.end = clock_->now();
  event.exit_code = reply.exit_code;
  event.out = reply.out;
  event.err = reply.err;
  if (!reply.exec.empty()) event.out = "exec: " + fmt::format("{}", fmt::join(reply.exec, " "));
  history_.append(event);
  return reply;
}

fakes::ShimReply World::dispatch_shim(const fakes::ShimRequest& request, std::stop_token stop) {
  auto from = [](const core::CommandResult& r) {
    fakes::ShimReply reply;
    reply.exit_code = r.exit_code;
    reply.out = r.out;
    reply.err = r.err;
    return reply;
  };
  const fs::path cwd = request.cwd;
  if (request.program == "docker") return from(docker_cli_->run(request.args, cwd, stop));
  if (request.program == "docker-compose") return from(compose_cli_->run(request.args, cwd, stop));
  if (request.program == "nginx")
    return from(proxy::run_nginx_command(proxy_.get(), request.args, kNginxDir + std::string("/nginx.conf"), paths_,
                                         resolve_container_names()));
  if (request.program == "sleep") {
    auto parsed = parse_sleep_args(request.args);
    if (!parsed.total) return from(parsed.error);
    // Killed by the run's teardown: as a real sleep killed by SIGTERM, exit 143.
    return from(clock_->sleep_for(*parsed.total, stop) ? core::CommandResult{0, "", ""} : core::CommandResult{143, "", ""});
  }
  if (request.program == "curl" || request.program == "wget") {
    fakes::ShimReply reply;
    const std::string real = real_program(request.program, run_dir_ / "shims");
    if (real.empty()) {
      reply.exit_code = 127;
      reply.err = request.program + ": command not found\n";
      return reply;
    }
    reply.exec.push_back(real);
    for (auto& a : rewrite_http_client_args(request.program, request.args,
                                            [this](uint16_t p) { return ports_.map(p); }, options_.time_scale))
      reply.exec.push_back(a);
    return reply;
  }
  fakes::ShimReply reply;
  reply.exit_code = 127;
  reply.err = request.program + ": command not found\n";
  return reply;
}

void World::start_traffic() {
  TrafficOptions t;
  t.port = proxy_->listen_port();
  t.rate = scenario_.traffic.rate;
  t.clients = scenario_.traffic.clients;
  t.post_ratio = scenario_.traffic.post_ratio;
  t.timeout = scenario_.traffic.timeout;
  t.arrivals = scenario_.traffic.arrivals == "poisson" ? Arrivals::poisson : Arrivals::constant;
  t.keepalive = scenario_.traffic.keepalive;
  t.browser = scenario_.traffic.browser;
  t.api_get_ratio = scenario_.traffic.api_get_ratio;
  traffic_ = std::make_unique<TrafficGenerator>(io_, *clock_, history_, rng_.child("traffic"), t);
  traffic_->start();
}

void World::stop_traffic() {
  if (!traffic_) return;
  traffic_->stop();
  traffic_->wait_idle(clock_->to_real(scenario_.traffic.timeout) + std::chrono::seconds(5));
}

int64_t World::late_sends() const { return traffic_ ? traffic_->late() : 0; }

std::optional<std::string> World::reload_proxy() {
  if (!proxy_) return "the proxy is not running";
  return proxy_->reload();
}

std::vector<fakes::WorkflowRun> World::push_while_deploying(core::Duration after_start) {
  std::vector<int> numbers{pipeline_->push(next_sha())};
  // The first push's deployment starts after the workflow's build step; bounded all the same.
  const core::Time deadline = clock_->now() + scenario_.pipeline.build_duration + std::chrono::seconds(60);
  while (!agent_->active_deployment() && clock_->now() < deadline)
    if (!clock_->sleep_for(std::chrono::milliseconds(100), stop_.get_token())) break;
  if (clock_->sleep_for(after_start, stop_.get_token())) numbers.push_back(pipeline_->push(next_sha()));
  return runs_when_idle(numbers);
}

std::optional<std::string> World::crash_container(const std::string& color) {
  for (const auto& c : docker_->containers(color))
    if (c.state == fakes::ContainerState::running && docker_->kill(c.name)) return c.name;
  return std::nullopt;
}

void World::slow_start(core::Duration extra) {
  std::lock_guard lock(mutex_);
  slow_start_extra_ += extra;
}

std::optional<std::string> World::hold_port(uint16_t declared_port, const std::string& image) {
  if (!stray_container_.empty()) return "a stray container already holds a port: " + stray_container_;
  fakes::ContainerSpec spec;
  spec.project = "stray";
  spec.service = "stray";
  spec.name = "stray-stray-1";
  spec.image = image;
  fakes::PortMapping port;
  port.published = declared_port;
  port.target = 3000;
  spec.ports.push_back(port);
  try {
    docker_->create_network("stray_default");
    docker_->create(spec);
    stray_container_ = spec.name;
    docker_->start(spec.name);
  } catch (const fakes::DockerError& e) {
    return e.what();
  }
  return std::nullopt;
}

void World::release_port() {
  if (stray_container_.empty()) return;
  // `docker rm -f`: no grace, SIGKILL, then the container and its endpoint go.
  docker_->stop(stray_container_, core::Duration{}, stop_.get_token());
  docker_->remove(stray_container_, stop_.get_token());
  docker_->remove_network("stray_default");
  stray_container_.clear();
}

void World::burst_traffic(double rate, core::Duration duration) {
  if (traffic_) traffic_->burst(rate, duration);
}

int64_t World::requests_sent() const { return traffic_ ? traffic_->sent() : 0; }

bool World::wait(core::Duration d) { return clock_->sleep_for(d, stop_.get_token()); }

void World::phase(const std::string& what, int deployment) {
  history_.append(core::DeployEvent{clock_->now(), "phase", deployment, "", "", 0, what});
}

void World::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  stop_.request_stop();
  if (traffic_) stop_traffic();
  // Ends workflow runs and deployments (their scripts are killed through the stopped token) before
  // the shims, the engine and the agent they use go.
  if (pipeline_) pipeline_->shutdown();
  if (shims_) shims_->stop();          // ends shim calls in flight; scripts are already ended
  if (proxy_) proxy_->stop();
  if (docker_) docker_->shutdown();
  traffic_.reset();
  // Let the closing handlers run to the end; stop the io_context only if they do not within 5 s.
  work_.reset();
  auto joined = std::async(std::launch::async, [this] {
    for (auto& t : io_threads_) t.join();
  });
  if (joined.wait_for(std::chrono::seconds(5)) != std::future_status::ready) io_.stop();
  joined.wait();
  io_threads_.clear();
  // Handlers still queued hold sockets; destroying them now, before the engine and proxy objects go.
  proxy_.reset();
  docker_cli_.reset();
  compose_cli_.reset();
  docker_.reset();
  pipeline_.reset();
  agent_.reset();
  shims_.reset();
  if (options_.keep_run_dir) core::keep_run_folder(run_dir_);
  else core::remove_run_folder(run_dir_);
}

}  // namespace bg::sim
