#include "sim/world.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <optional>

#include "core/install_layout.h"
#include "core/not_modelled.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/codedeploy/appspec.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_file.h"
#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/host/host_layout.h"
#include "fakes/host/sandbox_host.h"
#include "fakes/nextjs/next_server.h"
#include "fakes/shim/shim_catalog.h"
#include "fakes/shim/shim_server.h"
#include "fakes/pipeline/git_origin.h"
#include "fakes/pipeline/pipeline.h"
#include "fakes/pipeline/workflow_file.h"
#include "proxy/nginx_cli.h"
#include "proxy/proxy_server.h"
#include "proxy/real_nginx.h"
#include "sim/container_nginx.h"
#include "sim/host_commands.h"
#include "sim/run_folder.h"
#include "sim/traffic_generator.h"
#include "sim/workflow_hosts.h"

#ifndef BG_SHIM_BINARY
#error "BG_SHIM_BINARY must name the bluegreen-shim executable"
#endif
#ifndef BG_HOST_BINARY
#error "BG_HOST_BINARY must name the bluegreen-host executable"
#endif
#ifndef BG_SOURCE_DIR
#error "BG_SOURCE_DIR must name the source tree (the stock host files live in it)"
#endif

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

constexpr const char* kNginxDir = "/etc/nginx";
constexpr const char* kDeploymentRoot = "/opt/codedeploy-agent/deployment-root";
// The branch every push of a run goes to.
constexpr const char* kBranch = "main";
// Where every host of the run sees the run's GitHub repositories.
constexpr const char* kOriginsInside = "/run/bluegreen-github";
// bluegreen's own files, installed beside it or in the trees it was built from (core/install_layout.h).
fs::path own_data(const std::string& relative) {
  return core::installed_or_built("share/bluegreen/" + relative, std::string(BG_SOURCE_DIR) + "/" + relative);
}
fs::path own_program(const std::string& name, const char* built) {
  return core::installed_or_built("libexec/bluegreen/" + name, built);
}
// Debian 12's nginx package layout (nginx-common 1.22.1), the host's /etc/nginx with `host.nginx: stock`.
fs::path stock_nginx() { return own_data("proxy/data/debian-12/etc/nginx"); }
fs::path stock_www() { return own_data("proxy/data/debian-12/var/www"); }
// The nginx:alpine image's /etc/nginx (nginx 1.25), what a registry image that `runs: nginx` brings.
fs::path alpine_nginx() { return own_data("proxy/data/nginx-alpine/etc/nginx"); }

core::Duration draw(core::Rng& rng, const scenarios::DurationRange& r) {
  return r.fixed() ? r.min : rng.uniform_duration(r.min, r.max);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Copies a file or a folder's tree onto the host (through the harness's view of it). `.keep` files
// only hold empty folders in the repository; the host has none.
void copy_onto_host(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  if (fs::is_directory(from)) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks);
    std::vector<fs::path> keeps;
    for (const auto& entry : fs::recursive_directory_iterator(to))
      if (entry.path().filename() == ".keep") keeps.push_back(entry.path());
    for (const auto& k : keeps) fs::remove(k);
  } else {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  }
}

// proxy.engine: nginx (or --proxy nginx) runs the machine's nginx binary; a run without it cannot start.
void require_real_nginx() {
  if (!proxy::RealNginx::available())
    throw std::runtime_error(fmt::format("proxy.engine is nginx but {} is not installed or not executable "
                                         "(tools/setup.sh installs nginx-light)",
                                         proxy::RealNginx::kDefaultBinary));
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
  // Bad input ends the run before anything starts; the half-made run folder goes with the folder_
  // member (the host, if it started, is stopped first).
  folder_ = std::make_unique<RunFolder>(scenario_);
  folder_->keep(options_.keep_run_dir);
  check_inputs();
  start_host();
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

const fs::path& World::run_dir() const { return folder_->dir(); }

// Bad input is found before anything starts, and named by the user's file and line: the appspec,
// and every compose file of the deployment (the scripts would only meet a broken one mid-swap).
void World::check_inputs() {
  auto checked = [&](const fs::path& file, const auto& parse) {
    try {
      parse(file);
    } catch (const std::exception& e) {
      throw std::runtime_error(replace_all(e.what(), file.string(), folder_->shown(file).string()));
    }
  };
  if (fs::exists(folder_->bundle() / scenario_.appspec))
    checked(folder_->bundle() / scenario_.appspec,
            [this](const fs::path& f) { appspec_files_ = fakes::parse_appspec(f).files; });
  // A folder with a workflow that a push to main runs deploys through it, as written (GitHub Actions:
  // its run steps on a runner, ssh-action on the host, `aws deploy` through CodeDeploy).
  std::vector<fakes::Workflow> workflows;
  try {
    workflows = fakes::read_workflows(folder_->bundle());
  } catch (const std::exception& e) {
    throw std::runtime_error(replace_all(e.what(), folder_->bundle().string() + "/", scenario_.dir.string() + "/"));
  }
  for (auto& w : workflows) {
    if (!fakes::push_triggers_branch(w.push, kBranch)) continue;
    if (workflow_)
      throw core::NotModelled(fmt::format("two workflows run on a push to {} ({} and {})", kBranch, workflow_->file, w.file));
    workflow_ = std::make_unique<fakes::Workflow>(std::move(w));
  }
  if (!workflow_ && !fs::exists(folder_->bundle() / scenario_.appspec))
    throw std::runtime_error(fmt::format("{}: the folder deploys neither through CodeDeploy ({} at its root) nor "
                                         "through a workflow that a push to {} runs (.github/workflows/)",
                                         scenario_.dir.string(), scenario_.appspec.string(), kBranch));
  for (const auto& entry : fs::directory_iterator(folder_->bundle())) {
    const std::string name = entry.path().filename().string();
    const bool yaml = entry.path().extension() == ".yml" || entry.path().extension() == ".yaml";
    if (entry.is_regular_file() && yaml && name.find("compose") != std::string::npos)
      checked(entry.path(), [&](const fs::path& f) {
        fakes::parse_compose_file(f, fakes::template_syntax_for(scenario_.docker.compose));
      });
  }
}

// The instance the scripts run on: a sandboxed host (fakes/host) with the shims at the real
// programs' paths; the harness sees its files through PathMap's "/".
void World::start_host() {
  fakes::HostLayoutOptions o;
  o.run_dir = folder_->dir();
  o.os = fakes::parse_host_os(scenario_.host.os);
  o.shim_binary = own_program("bluegreen-shim", BG_SHIM_BINARY);
  for (const auto& p : fakes::shimmed_programs()) o.shims.push_back({p.name, p.paths});
  o.real_programs = fakes::real_programs_for_shims();
  o.user_namespace = ::geteuid() != 0;
  if (workflow_) {
    fs::create_directories(folder_->dir() / "github");
    o.extra_binds.emplace_back(kOriginsInside, folder_->dir() / "github");
  }
  layout_ = std::make_unique<fakes::HostLayout>(o);
  const fakes::MountPlan plan = layout_->prepare();
  set_up_nginx_folder();
  write_bash_env();
  host_ = std::make_unique<fakes::SandboxHost>(plan, folder_->dir() / "host-plan.json",
                                               own_program("bluegreen-host", BG_HOST_BINARY));
  paths_.add("/", host_->root());
  for (const auto& folder : fakes::HostLayout::own_folders()) own_paths_.add(folder, layout_->own_folder(folder));
  place_host_files();
  if (workflow_) set_up_github();
}

// The run's GitHub: a repository holding the folder as first committed, and the admin's clones of
// it on the host (scenario.yaml host.repos), which `git pull` there brings up to date.
void World::set_up_github() {
  fakes::GitOriginOptions o;
  o.dir = folder_->dir() / "github" / "acme" / "web.git";
  o.branch = kBranch;
  origin_ = std::make_unique<fakes::GitOrigin>(o);
  origin_->commit(folder_->bundle(), 0, "initial: the repository as cloned before the first deployment");
  for (const auto& [at, branch] : scenario_.host.repos) {
    if (branch != kBranch)
      throw core::NotModelled(fmt::format("host.repos {} on branch {} (the run pushes to {})", at, branch, kBranch));
    // git cannot clone straight through /proc/<init>/root (it canonicalises the path and lands on
    // the machine's own): clone beside, then lay the clone onto the host.
    const fs::path staged = folder_->dir() / "github" / "clones" / fs::path(at).relative_path();
    origin_->clone_into(staged);
    copy_onto_host(staged, paths_.resolve(at));
  }
}

// /etc/nginx as the host has it before the first deployment (scenario.yaml host.nginx).
void World::set_up_nginx_folder() {
  const fs::path etc_nginx = layout_->own_folder(kNginxDir);
  if (scenario_.host.nginx == "stock") {
    if (!fs::is_directory(stock_nginx()))
      throw std::runtime_error(fmt::format("host.nginx is stock but the stock layout is missing at {}", stock_nginx().string()));
    copy_onto_host(stock_nginx(), etc_nginx);
    if (fs::is_directory(stock_www())) copy_onto_host(stock_www(), layout_->own_folder("/var/www"));
  }
  // Without a `host.nginx`, the scenario's nginx.conf (and the files it includes) is the host's.
  if (scenario_.host.nginx.empty() || scenario_.proxy_config_given) {
    const fs::path conf = scenarios::deployment_file(scenario_, scenario_.proxy.config);
    fs::copy_file(conf, etc_nginx / "nginx.conf", fs::copy_options::overwrite_existing);
    placed_[fmt::format("{}/nginx.conf", kNginxDir)] = conf;
    for (const auto& f : scenario_.proxy.files) {
      fs::copy_file(scenarios::deployment_file(scenario_, f), etc_nginx / f.filename(),
                    fs::copy_options::overwrite_existing);
      placed_[fmt::format("{}/{}", kNginxDir, f.filename().string())] = scenarios::deployment_file(scenario_, f);
    }
  }
}

// scenario.yaml host.files and host.symlinks: what an admin set up by hand.
void World::place_host_files() {
  for (const auto& [at, file] : scenario_.host.files) {
    const fs::path from = scenarios::deployment_file(scenario_, file);
    if (!fs::exists(from))
      throw std::runtime_error(fmt::format("{}: host.files names {}, which does not exist",
                                           (scenario_.dir / "scenario.yaml").string(), from.string()));
    const bool folder = !at.empty() && at.back() == '/';
    copy_onto_host(from, paths_.resolve(folder ? at.substr(0, at.size() - 1) : at));
  }
  for (const auto& [at, target] : scenario_.host.symlinks) {
    const fs::path link = paths_.resolve(fs::path(at).parent_path()) / fs::path(at).filename();
    fs::create_directories(link.parent_path());
    std::error_code ignored;
    fs::remove(link, ignored);
    fs::create_symlink(target, link);
  }
}

// BASH_ENV: every bash script on the host reads it first. It only tells the shims which script and
// line is running (a DEBUG trap, inherited by functions and subshells), so that a command the
// simulation does not model is named with where it was called; it changes nothing else. /bin/sh
// scripts do not read it: their calls are named by the hook script only.
void World::write_bash_env() {
  std::ofstream out(folder_->dir() / "ctl/bash_env.sh", std::ios::trunc);
  out << "# Written by bluegreen: tells the shims which script line calls them. Changes nothing else.\n"
         "case $0 in\n"
         "  bash|sh|-bash|/bin/bash|/bin/sh|/usr/bin/bash) ;;\n"
         "  /*) export BLUEGREEN_SCRIPT=\"$0\" ;;\n"
         "  *) export BLUEGREEN_SCRIPT=\"$PWD/$0\" ;;\n"
         "esac\n"
         "set -o functrace\n"
         "trap 'BLUEGREEN_LINE=$LINENO; export BLUEGREEN_LINE' DEBUG\n";
  if (!out) throw std::runtime_error("cannot write the run's BASH_ENV file");
}

void World::start() {
  work_ = std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
      io_.get_executor());
  for (int i = 0; i < 2; ++i) io_threads_.emplace_back([this] { io_.run(); });

  fakes::EngineOptions engine_options;
  engine_options.build_duration = scenario_.docker.build_duration;
  engine_options.teardown_delay = scenario_.docker.teardown_delay;
  engine_options.userland_proxy = scenario_.docker.userland_proxy;
  // docker pull fetches what the scenario's registry names; containers' layers live in the run folder
  // and bind-mount sources are host paths.
  for (const auto& image : scenario_.docker.registry) {
    fakes::RegistryImage r{image.image, image.runs};
    if (image.runs == fakes::kRunsNginx) r.files = alpine_nginx(), r.files_at = "/etc/nginx";
    engine_options.registry.push_back(r);
  }
  engine_options.containers_root = folder_->dir() / "containers";
  engine_options.host_paths = &paths_;
  engine_options.host_linkable = &own_paths_;
  fakes::ProcessFactory make_process = [this](const fakes::ProcessSpec& spec) {
    // nginx in a container: the run's proxy engine on the container's own /etc/nginx and address.
    if (spec.runs == fakes::kRunsNginx) return make_container_nginx(spec);
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

  // nginx on the host runs from the start, like the service it is (unless the host has none, or the
  // scenario starts it once the containers it names exist).
  if (!scenario_.proxy.start_after_initial_deployment && scenario_.host.nginx != "none") start_run_proxy();

  HostCommandsWiring wiring{*clock_, history_, ports_, paths_, *host_, *docker_cli_, *compose_cli_};
  wiring.time_scale = options_.time_scale;
  wiring.amazon_linux = scenario_.host.os == "amazon-linux-2";
  wiring.nginx_conf = std::string(kNginxDir) + "/nginx.conf";
  wiring.proxy = [this] { return proxy_.get(); };
  wiring.start_proxy = [this] { return start_host_proxy(); };
  wiring.resolve_names = resolve_container_names();
  wiring.current_hook = [this] {
    std::lock_guard lock(mutex_);
    return std::make_pair(current_deployment_, current_hook_);
  };
  wiring.user_file = [this](const std::string& on_host) { return user_file(on_host); };
  wiring.on_not_modelled = [this](const std::string&) { stop_.request_stop(); };
  wiring.origin = origin_.get();
  wiring.origin_in_host = std::string(kOriginsInside) + "/acme/web.git";
  host_commands_ = std::make_unique<HostCommands>(std::move(wiring));
  shims_ = std::make_unique<fakes::ShimServer>(
      layout_->shim_socket(), [this](const fakes::ShimRequest& r, std::stop_token st) { return handle_shim(r, st); });
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
  return std::make_unique<ContainerNginx>(io_, *clock_, history_, ports_, resolve_container_names(), engine, spec);
}

// The run's proxy on the scenario's nginx.conf: bluegreen's own, or the real nginx binary so that a
// verdict can be checked against nginx itself (proxy.engine; the differential test runs both).
void World::start_proxy() {
  if (scenario_.proxy.engine == "nginx") {
    require_real_nginx();
    auto nginx = std::make_unique<proxy::RealNginx>(io_, *clock_, history_, ports_, paths_);
    nginx->set_resolver(resolve_container_names());
    nginx->start(fmt::format("{}/nginx.conf", kNginxDir));
    proxy_ = std::move(nginx);
    return;
  }
  auto own = std::make_unique<proxy::ProxyServer>(io_, *clock_, history_, ports_, paths_);
  own->set_resolver(resolve_container_names());
  own->start(fmt::format("{}/nginx.conf", kNginxDir));
  proxy_ = std::move(own);
}

void World::start_run_proxy() {
  try {
    start_proxy();
  } catch (const core::NotModelled& e) {
    throw core::NotModelled(users_files_named(e.subject()));
  } catch (const std::exception& e) {
    throw std::runtime_error(users_files_named(e.what()));
  }
}

std::string World::users_files_named(std::string message) const {
  auto text_of = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  for (const auto& [host_path, users] : placed_) {
    if (message.find(host_path + ":") == std::string::npos) continue;
    if (text_of(paths_.resolve(host_path)) == text_of(users))
      message = replace_all(message, host_path + ":", users.string() + ":");
  }
  return message;
}

// `systemctl start nginx` (or restart): nullopt once serving, else what nginx says (the host's
// paths, as nginx itself prints them).
std::optional<std::string> World::start_host_proxy() {
  try {
    if (proxy_) proxy_->start(fmt::format("{}/nginx.conf", kNginxDir));
    else start_proxy();
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

// The user's own file for a script path on the host: the deployment archive CodeDeploy unpacked,
// or where the appspec's `files` copied the revision; "" for anything else.
std::string World::user_file(const std::string& on_host) const {
  const fs::path p = fs::path(on_host).lexically_normal();
  std::optional<fs::path> relative;
  // <root>/<group id>/<deployment id>/deployment-archive/<file>
  const fs::path under_root = p.lexically_relative(kDeploymentRoot);
  if (!under_root.empty() && *under_root.begin() != "..") {
    auto it = under_root.begin();
    for (int skip = 0; skip < 3 && it != under_root.end(); ++skip) ++it;
    fs::path rest;
    for (; it != under_root.end(); ++it) rest /= *it;
    relative = rest;
  }
  if (!relative)
    for (const auto& f : appspec_files_) {
      const fs::path under = p.lexically_relative(f.destination);
      if (!under.empty() && *under.begin() != "..") relative = fs::path(f.source).relative_path() / under;
    }
  if (!relative) return "";
  if (auto origin = folder_->origin(relative->lexically_normal())) return origin->string();
  return "";
}

// Upstream host names resolve on the run's container network (races.md R18).
proxy::HostResolver World::resolve_container_names() {
  return [this](const std::string& host, uint16_t port) { return docker_->network().resolve(host, port); };
}

std::unique_ptr<fakes::CodeDeployAgent> World::make_agent() {
  fakes::AgentOptions o;
  // The agent's deployment root is the host's /opt/codedeploy-agent/deployment-root, a folder of the
  // run's own that the harness writes directly and the scripts see at its host path.
  o.deployment_root = layout_->own_folder(kDeploymentRoot);
  o.deployment_root_on_host = kDeploymentRoot;
  o.host = &host_->whole_host();
  // The agent runs as root under systemd: root's environment, the shims' socket and the BASH_ENV
  // that names script lines for them.
  o.environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  o.environment["HOME"] = "/root";
  o.environment["USER"] = "root";
  o.environment["LANG"] = "C.UTF-8";
  o.environment[fakes::kShimSocketEnv] = fakes::HostLayout::kShimSocketInside;
  o.environment["BASH_ENV"] = "/run/bluegreen/bash_env.sh";
  o.on_event = [this](const core::DeployEvent& e) {
    {
      std::lock_guard lock(mutex_);
      if (e.kind == core::DeployEventKind::deployment_started) current_deployment_ = e.deployment;
      if (e.kind == core::DeployEventKind::hook_started) {
        current_hook_ = e.hook;
        current_script_ = e.script;
      }
    }
    // The deploy step of a workflow run ends once CodeDeploy has started its deployment.
    if (pipeline_) pipeline_->on_codedeploy_event(e);
  };
  return std::make_unique<fakes::CodeDeployAgent>(*clock_, history_, paths_, o);
}

std::unique_ptr<fakes::Pipeline> World::make_pipeline() {
  fakes::PipelineOptions o;
  o.source_dir = folder_->bundle();
  o.s3_root = folder_->dir() / "s3";
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
  if (workflow_) {
    fakes::WorkflowMode w;
    w.workflow = *workflow_;
    w.push.branch = kBranch;
    w.push.repository = origin_->repository();
    w.origin = origin_.get();
    w.hosts.new_runner = [this](int run, const std::string& job) -> std::unique_ptr<fakes::WorkflowHost> {
      RunnerWiring r{*clock_, folder_->dir() / "runners" / fmt::format("{}-{}", run, job),
                     own_program("bluegreen-shim", BG_SHIM_BINARY), own_program("bluegreen-host", BG_HOST_BINARY)};
      r.aws = pipeline_ ? pipeline_->aws_cli() : nullptr;
      r.origin = origin_.get();
      r.time_scale = options_.time_scale;
      r.run = run;
      r.job = job;
      return std::make_unique<RunnerHost>(std::move(r));
    };
    deploy_host_ = std::make_unique<DeployHost>(
        *clock_, *host_, paths_,
        std::map<std::string, std::string>{{fakes::kShimSocketEnv, fakes::HostLayout::kShimSocketInside},
                                           {"BASH_ENV", "/run/bluegreen/bash_env.sh"}},
        [this] { return not_modelled(); });
    w.hosts.deploy_host = deploy_host_.get();
    w.hosts.docker_build_push = [this](const fakes::DockerBuildPushAction& a, fakes::WorkflowHost& runner,
                                       std::stop_token stop) { return build_push_on_runner(*docker_, a, runner, stop); };
    w.hosts.deploy_default_user = layout_->default_user();
    w.hosts.deploy_amazon_linux = scenario_.host.os == "amazon-linux-2";
    w.start_deployment = [this](const fakes::DeploymentRequest& r, std::stop_token stop) {
      return agent_->deploy(r.number, r.bundle_dir, stop);
    };
    o.workflow = std::move(w);
    o.first_run = 0;  // the initial deployment is the first push's run
  }
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

// The initial deployment of a folder that deploys through its workflow: the first push's run.
fakes::DeploymentResult World::deploy_through_workflow(int number) {
  fakes::DeploymentResult result;
  result.number = number;
  const auto runs = runs_when_idle({pipeline_->push(next_sha())});
  if (runs.empty()) {
    result.error = "the workflow run did not end";
    return result;
  }
  const fakes::WorkflowRun& run = runs.front();
  if (run.deployment) result = *run.deployment;  // `aws deploy create-deployment`: CodeDeploy's outcome
  result.number = number;
  result.succeeded = run.state == fakes::RunState::succeeded && (!run.deployment || run.deployment->succeeded);
  if (!result.succeeded && result.error.empty())
    result.error = fmt::format("workflow run {} {}: {}", run.number, fakes::to_string(run.state), run.detail);
  return result;
}

std::vector<fakes::WorkflowRun> World::runs_when_idle(const std::vector<int>& numbers) {
  // Bounded in real time by the run's deadline: the watchdog's stop ends the deployments, and this
  // wait then gives up on runs still in their build step.
  while (!pipeline_->wait_idle(std::chrono::milliseconds(50)))
    if (stop_.stop_requested()) break;
  std::vector<fakes::WorkflowRun> out;
  for (auto& run : pipeline_->runs())
    if (std::find(numbers.begin(), numbers.end(), run.number) != numbers.end()) out.push_back(std::move(run));
  // A workflow run that asked for something not modelled ends the run, as a script's call does.
  for (const auto& run : out)
    if (!run.not_modelled.empty() && !not_modelled()) {
      std::lock_guard lock(mutex_);
      workflow_not_modelled_ = fmt::format("{}: {}", workflow_->file, run.not_modelled);
      stop_.request_stop();
    }
  return out;
}

fakes::DeploymentResult World::deploy(int number) {
  {
    std::lock_guard lock(mutex_);
    current_deployment_ = number;
  }
  auto result = workflow_ ? deploy_through_workflow(number) : agent_->deploy(number, folder_->bundle(), stop_.get_token());
  // proxy.start: after_initial_deployment. A name that does not resolve fails it here, as nginx's
  // start would (host not found in upstream), and ends the run with that message. nginx in a
  // container (proxy.container) is started by the scripts, as any container is.
  if (!proxy_ && result.succeeded && scenario_.proxy.container.empty()) start_run_proxy();
  return result;
}

fakes::ShimReply World::handle_shim(const fakes::ShimRequest& request, std::stop_token stop) {
  // A shim call ends when either the shims' server or the whole run stops.
  std::stop_source either;
  std::stop_callback on_server_stop(stop, [&] { either.request_stop(); });
  std::stop_callback on_run_stop(stop_.get_token(), [&] { either.request_stop(); });
  return host_commands_->handle(request, either.get_token());
}

void World::start_traffic(LiveProgress* live) {
  TrafficOptions t;
  if (!scenario_.traffic.port && !proxy_) throw std::runtime_error("no proxy is running to send traffic to");
  t.port = proxy_ ? proxy_->listen_port() : 0;
  t.rate = scenario_.traffic.rate;
  t.clients = scenario_.traffic.clients;
  t.post_ratio = scenario_.traffic.post_ratio;
  t.timeout = scenario_.traffic.timeout;
  t.arrivals = scenario_.traffic.arrivals == "poisson" ? Arrivals::poisson : Arrivals::constant;
  t.keepalive = scenario_.traffic.keepalive;
  t.browser = scenario_.traffic.browser;
  t.api_get_ratio = scenario_.traffic.api_get_ratio;
  t.host = scenario_.traffic.host;
  if (scenario_.traffic.port) t.port = ports_.map(*scenario_.traffic.port);
  t.live = live;
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
  history_.append(core::DeployEvent{clock_->now(), core::DeployEventKind::phase, deployment, "", "", 0, what});
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
  // Ends every process the host still runs (daemons the scripts left, a backgrounded deploy.sh).
  if (host_) host_->stop();
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
  host_commands_.reset();
  host_.reset();
  folder_.reset();  // the run folder goes, unless kept
}

}  // namespace bg::sim
