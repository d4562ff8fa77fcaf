// ComposeCli::up and what it needs: images (pulled or built), networks, the recreate rule, start
// order with depends_on conditions, --wait, orphans (docker/compose v2.5.0 pkg/compose/create.go,
// convergence.go, up.go; docker-compose 1.29.2 compose/project.py up, service.py).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_cli_context.h"

namespace bg::fakes {
void ComposeCli::up(Context& ctx, const CliArgs& flags) {
  core::CommandResult& r = ctx.result;
  if (!flags.has("detach") && !flags.has("wait")) {
    // Attached `up` streams the containers' logs until they stop; a deploy script would hang on it.
    r = core::not_modelled_result(ctx.program + " up without -d (attached to the containers' logs)");
    return;
  }
  if (flags.has("force-recreate") && flags.has("no-recreate"))
    return fail(ctx, "--force-recreate and --no-recreate are incompatible");
  if (flags.has("pull") && flags.value("pull") != "missing") {
    r = core::not_modelled_result(ctx.program + " up --pull " + flags.value("pull"));
    return;
  }
  ComposeProject project = load(ctx);
  auto selected = with_dependencies(ctx, project, flags.positional, flags.has("no-deps"));
  if (!selected) return;
  bool build = flags.has("build") && !flags.has("no-build");
  for (const ServiceConfig* s : *selected)
    if (!ensure_image(ctx, project, *s, build)) return;
  if (!ensure_networks(ctx, project, *selected)) return;
  remove_orphans(ctx, project, flags.has("remove-orphans"), timeout_flag(flags));
  std::vector<PendingStart> to_start;
  for (const ServiceConfig* s : *selected) converge_service(ctx, project, *s, flags, to_start);
  if (flags.has("no-start")) return;
  std::set<std::string> waited;
  for (const auto& p : to_start) {
    const ServiceConfig* service = project.config.find(p.service);
    if (waited.insert(p.service).second && !wait_dependencies(ctx, project, *service)) return;
    bool merged = dialect_->merges_create_and_start() && p.step != ComposeStep::start;
    if (!merged) r.err += dialect_->step_begin(ComposeStep::start, p.container);
    try {
      engine_.start(p.container);
    } catch (const DockerError& e) {
      // semantics.md §3 "Port already bound": the container stays created, compose exits 1.
      r.err += dialect_->step_error(merged ? p.step : ComposeStep::start, p.container);
      r.err += dialect_->start_failed(p.service, p.container, e.what());
      r.exit_code = 1;
      return;
    }
    r.err += dialect_->step_done(merged ? p.step : ComposeStep::start, p.container);
  }
  if (flags.has("wait")) {
    core::Duration limit = std::chrono::hours(1);
    if (flags.has("wait-timeout")) limit = std::chrono::seconds(std::stoi(flags.value("wait-timeout")));
    wait_healthy(ctx, project.name, *selected, limit);
  }
}

// What compose asks the daemon to create for a service (v2 create.go getCreateOptions): the
// project's network names, the service name as an alias on each, compose's labels.
ContainerSpec ComposeCli::container_spec(const ComposeProject& project, const ServiceConfig& service) const {
  ContainerSpec spec;
  spec.project = project.name;
  spec.service = service.name;
  spec.image = image_of(project, service);
  spec.ports = service.ports;
  spec.env = service.environment;
  spec.stop_signal = service.stop_signal;
  spec.stop_grace_period = service.stop_grace_period;
  spec.command = service.command;
  spec.config_hash = service.config_hash();
  spec.init = service.init;
  if (service.healthcheck && !service.healthcheck->disable) spec.healthcheck = service.healthcheck;
  for (BindMount m : service.volumes) {
    if (m.named && !m.source.empty()) m.source = resource_name(project, project.config.volumes, m.source);
    spec.mounts.push_back(m);
  }
  spec.labels = service.labels;
  spec.labels["com.docker.compose.project"] = project.name;
  spec.labels["com.docker.compose.service"] = service.name;
  spec.labels["com.docker.compose.oneoff"] = "False";
  spec.labels["com.docker.compose.config-hash"] = spec.config_hash;
  spec.labels["com.docker.compose.project.working_dir"] = project.working_dir;
  spec.labels["com.docker.compose.project.config_files"] = fmt::format("{}", fmt::join(project.files, ","));
  std::vector<ServiceNetwork> networks = service.networks;
  if (networks.empty()) networks.push_back({"default", {}});
  for (const auto& n : networks) {
    spec.networks.push_back(resource_name(project, project.config.networks, n.key));
    for (const auto& a : n.aliases)
      if (std::find(spec.aliases.begin(), spec.aliases.end(), a) == spec.aliases.end()) spec.aliases.push_back(a);
  }
  spec.aliases.insert(spec.aliases.begin(), service.name);  // getAliases: the service name first
  spec.restart = service.restart;
  spec.hostname = service.hostname;
  spec.extra_hosts = service.extra_hosts;
  return spec;
}

// A network's or volume's Docker name: `name:` or (external) the key as is, else <project>_<key>;
// the default network is the dialect's <project>_default.
std::string ComposeCli::resource_name(const ComposeProject& project, const std::vector<ProjectResource>& resources,
                                      const std::string& key) const {
  for (const auto& r : resources)
    if (r.key == key) {
      if (!r.name.empty()) return r.name;
      if (r.external) return key;
    }
  if (key == "default" && &resources == &project.config.networks) return dialect_->network_name(project.name);
  return project.name + "_" + key;
}

bool ComposeCli::ensure_networks(Context& ctx, const ComposeProject& project,
                                 const std::vector<const ServiceConfig*>& services) {
  std::vector<std::string> keys;
  for (const ServiceConfig* s : services) {
    if (s->networks.empty() && std::find(keys.begin(), keys.end(), "default") == keys.end()) keys.push_back("default");
    for (const auto& n : s->networks)
      if (std::find(keys.begin(), keys.end(), n.key) == keys.end()) keys.push_back(n.key);
  }
  for (const auto& key : keys) {
    std::string name = resource_name(project, project.config.networks, key);
    bool external = std::any_of(project.config.networks.begin(), project.config.networks.end(),
                                [&](const ProjectResource& r) { return r.key == key && r.external; });
    if (engine_.network_exists(name)) continue;
    if (external) {
      fail(ctx, dialect_->external_network_missing(name));
      return false;
    }
    ctx.result.err += dialect_->network_created(name);
    engine_.create_network(name);
  }
  return true;
}

// A missing image is pulled (v2 pullRequiredImages, exit 18 on failure) or, with `build:`, built;
// `up --build` builds every service that has `build:`.
bool ComposeCli::ensure_image(Context& ctx, const ComposeProject& project, const ServiceConfig& s, bool build) {
  std::string image = image_of(project, s);
  bool present = engine_.image(image).has_value();
  if (s.build && (build || !present)) {
    if (!build_service(ctx, project, s)) return false;
    if (!build && !dialect_->built_because_missing(s.name).empty())
      ctx.result.err += dialect_->warning(dialect_->built_because_missing(s.name), engine_.clock().now());
    return true;
  }
  if (present) return true;
  ctx.result.err += dialect_->pull_begin(s.name, image);
  try {
    engine_.pull(image);
  } catch (const DockerError& e) {
    ctx.result.err += dialect_->pull_failed(s.name, e.what());
    ctx.result.exit_code = dialect_->pull_failure_exit();
    return false;
  }
  return true;
}

// Containers of the project whose service the files no longer have (create.go: a warning, or
// stopped and removed with --remove-orphans; project.py find_orphan_containers).
void ComposeCli::remove_orphans(Context& ctx, const ComposeProject& project, bool remove,
                                std::optional<core::Duration> timeout) {
  std::vector<ContainerRecord> orphans;
  for (const auto& c : containers(project.name, {}))
    if (!project.config.find(c.service) &&
        std::find(project.disabled.begin(), project.disabled.end(), c.service) == project.disabled.end())
      orphans.push_back(c);
  if (orphans.empty()) return;
  if (!remove) {
    std::vector<std::string> names;
    for (const auto& c : orphans) names.push_back(c.name);
    ctx.result.err += dialect_->warning(dialect_->orphans_found(names), engine_.clock().now());
    return;
  }
  for (const auto& c : orphans) {
    if (dialect_->major() == 1) {
      // project.py find_orphan_containers: log.info, then kill and force-remove (no grace period).
      ctx.result.err += fmt::format("Removing orphan container \"{}\"\n", c.name);
      engine_.kill(c.name);
    } else {
      // down.go removeContainers: Stopping, then stopContainers' Stopping/Stopped, Removing, Removed.
      ctx.result.err += dialect_->step_begin(ComposeStep::stop, c.name);
      ctx.result.err += dialect_->step_begin(ComposeStep::stop, c.name);
      engine_.stop(c.name, timeout, ctx.stop);
      ctx.result.err += dialect_->step_done(ComposeStep::stop, c.name);
      ctx.result.err += dialect_->step_begin(ComposeStep::remove, c.name);
    }
    engine_.remove(c.name, ctx.stop);
    if (dialect_->major() != 1) ctx.result.err += dialect_->step_done(ComposeStep::remove, c.name);
  }
}

// compose convergence (v2 pkg/compose/convergence.go, v1 service.py): recreate on --force-recreate
// or a changed config hash or image; otherwise a running container is left as it is (race R13).
void ComposeCli::converge_service(Context& ctx, const ComposeProject& project, const ServiceConfig& service,
                                  const CliArgs& flags, std::vector<PendingStart>& to_start) {
  core::CommandResult& r = ctx.result;
  bool merged = dialect_->merges_create_and_start();
  ContainerSpec spec = container_spec(project, service);
  auto image = engine_.image(spec.image);
  std::vector<ContainerRecord> existing = containers(project.name, {service.name});
  if (existing.empty()) {
    spec.name = service.container_name.empty() ? dialect_->container_name(project.name, service.name, 1)
                                               : service.container_name;
    r.err += dialect_->step_begin(ComposeStep::create, spec.name);
    engine_.create(spec);
    if (!merged) r.err += dialect_->step_done(ComposeStep::create, spec.name);
    to_start.push_back({spec.name, service.name, ComposeStep::create});
    return;
  }
  for (const auto& c : existing) {
    bool stale = c.config_hash != spec.config_hash || (image && c.image_id != image->id);
    if (flags.has("force-recreate") || (stale && !flags.has("no-recreate"))) {
      r.err += dialect_->step_begin(ComposeStep::recreate, c.name);
      engine_.stop(c.name, timeout_flag(flags), ctx.stop);
      engine_.remove(c.name, ctx.stop);
      spec.name = service.container_name.empty() ? c.name : service.container_name;
      engine_.create(spec);
      if (!merged) r.err += dialect_->step_done(ComposeStep::recreate, spec.name);
      to_start.push_back({spec.name, service.name, ComposeStep::recreate});
    } else if (c.state == ContainerState::running) {
      r.err += dialect_->up_to_date(c.name);
    } else {
      to_start.push_back({c.name, service.name, ComposeStep::start});
    }
  }
}

// convergence.go waitDependencies: before a service starts, each dependency with a condition is
// polled every 500 ms: service_healthy until healthy (unhealthy, or no healthcheck, fails `up`),
// service_completed_successfully until exited (non-zero fails). service_started needs no wait.
bool ComposeCli::wait_dependencies(Context& ctx, const ComposeProject& project, const ServiceConfig& service) {
  constexpr core::Duration kPoll = std::chrono::milliseconds(500);
  for (const auto& d : service.depends_on) {
    if (d.condition == "service_started") continue;
    std::vector<ContainerRecord> deps = containers(project.name, {d.service});
    for (const auto& c : deps) ctx.result.err += dialect_->dependency_event(c.name, "Waiting");
    core::Time end = engine_.clock().now() + std::chrono::hours(1);
    while (true) {
      std::optional<DependencyFailure> failure;
      const ContainerRecord* failed = nullptr;
      bool done = !deps.empty();
      for (const auto& c : deps) {
        auto now = engine_.inspect(c.name);
        if (d.condition == "service_healthy") {
          if (!now || now->health.empty())
            failure = DependencyFailure::no_healthcheck;
          else if (now->health == "unhealthy")
            failure = DependencyFailure::unhealthy;
          else
            done &= now->health == "healthy";
        } else if (!now || now->state != ContainerState::exited) {
          done = false;
        } else if (now->exit_code != 0) {
          failure = DependencyFailure::exited;
        }
        if (failure && !failed) failed = &c;
      }
      if (failure) {
        if (*failure != DependencyFailure::exited)
          for (const auto& c : deps) ctx.result.err += dialect_->dependency_event(c.name, "Error");
        auto now = engine_.inspect(failed->name);
        ctx.result.err +=
            dialect_->dependency_error(service.name, d.service, *failed, *failure, now ? now->exit_code : 0);
        ctx.result.exit_code = 1;
        return false;
      }
      if (done) {
        const char* event = d.condition == "service_healthy" ? "Healthy" : "Exited";
        for (const auto& c : deps) ctx.result.err += dialect_->dependency_event(c.name, event);
        break;
      }
      if (engine_.clock().now() >= end || !engine_.clock().sleep_for(kPoll, ctx.stop)) {
        fail(ctx, "context canceled");
        return false;
      }
    }
  }
  return true;
}

// `up --wait` (v2.2.0+, semantics.md §3): waits for every selected service's container to be
// running and, with a healthcheck, healthy. An exited or unhealthy container fails `up` (exit 1).
// Compose waits without limit before --wait-timeout (2.17); the harness bounds it at an hour of
// scenario time and at the run's stop.
void ComposeCli::wait_healthy(Context& ctx, const std::string& project,
                              const std::vector<const ServiceConfig*>& services, core::Duration limit) {
  constexpr core::Duration kPoll = std::chrono::milliseconds(500);
  core::CommandResult& r = ctx.result;
  std::vector<std::string> waiting;
  for (const ServiceConfig* s : services)
    for (const auto& c : containers(project, {s->name})) waiting.push_back(c.name);
  for (const auto& name : waiting) r.err += dialect_->dependency_event(name, "Waiting");
  core::Time end = engine_.clock().now() + limit;
  while (!waiting.empty()) {
    for (auto it = waiting.begin(); it != waiting.end();) {
      auto c = engine_.inspect(*it);
      std::string failure;
      if (!c || c->state == ContainerState::exited || c->state == ContainerState::dead)
        failure = fmt::format("container {} exited ({})", *it, c ? c->exit_code : 0);
      else if (c->health == "unhealthy")
        failure = fmt::format("container {} is unhealthy", *it);
      if (!failure.empty()) return fail(ctx, failure);
      if (c->state == ContainerState::running && (c->health.empty() || c->health == "healthy")) {
        r.err += dialect_->dependency_event(*it, c->health.empty() ? "Started" : "Healthy");
        it = waiting.erase(it);
      } else {
        ++it;
      }
    }
    if (waiting.empty()) break;
    if (engine_.clock().now() >= end || !engine_.clock().sleep_for(kPoll, ctx.stop))
      return fail(ctx, "context canceled");
  }
}

}  // namespace bg::fakes
