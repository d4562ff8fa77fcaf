// ComposeCli's commands on existing containers: down, stop, start, restart, rm (docker/compose
// v2.5.0 cmd/compose/{down,stop,start,restart,remove}.go and pkg/compose/ of the same names;
// docker-compose 1.29.2 compose/cli/main.py and compose/project.py).
#include <algorithm>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_cli_context.h"

namespace bg::fakes {
namespace {

std::vector<std::string> names_of(const std::vector<ContainerRecord>& containers) {
  std::vector<std::string> names;
  for (const auto& c : containers) names.push_back(c.name);
  return names;
}

}  // namespace

void ComposeCli::each(Context& ctx, ComposeStep step, const std::vector<std::string>& names,
                      const std::function<void(const std::string&)>& op) {
  std::string& err = ctx.result.err;
  if (dialect_->batches_progress()) {
    for (const auto& n : names) err += dialect_->step_begin(step, n);
    for (const auto& n : names) {
      op(n);
      err += dialect_->step_done(step, n);
    }
    return;
  }
  for (const auto& n : names) {
    err += dialect_->step_begin(step, n);
    op(n);
    err += dialect_->step_done(step, n);
  }
}

// v1 validates the services named against the files (project.py validate_service_names); v2 reads
// the project from its containers and ignores names it does not find (stop, rm: actualState).
bool ComposeCli::known_services(Context& ctx, const std::vector<std::string>& services) {
  if (services.empty() || dialect_->major() != 1) return true;
  ComposeProject project = load(ctx);
  for (const auto& s : services)
    if (!project.config.find(s)) {
      fail(ctx, dialect_->no_such_service(s));
      return false;
    }
  return true;
}

// `down`: stop (-t, default 10 s) then remove each container, then the networks; returns only
// after removal, so the host port is free afterwards (v2.5.0 down.go; v1 project.down). With the
// files loaded, containers of services they no longer have are orphans: left (with a warning in v1)
// unless --remove-orphans. With -p alone (v2) the project is what its containers say.
void ComposeCli::down(Context& ctx, const CliArgs& flags) {
  core::CommandResult& r = ctx.result;
  auto timeout = timeout_flag(flags);
  std::optional<ComposeProject> project;
  std::string name;
  if (!ctx.options.project_name.empty() && !dialect_->project_needs_file()) {
    name = ComposeLoader::normalize_project_name(ctx.options.project_name, false);
  } else {
    project = load(ctx);
    name = project->name;
  }
  std::vector<ContainerRecord> all = containers(name, {}), owned, orphans;
  for (const auto& c : all) {
    bool orphan = project && !project->config.find(c.service) &&
                  std::find(project->disabled.begin(), project->disabled.end(), c.service) == project->disabled.end();
    (orphan ? orphans : owned).push_back(c);
  }
  // v2's down removes orphans with --remove-orphans and says nothing otherwise; v1's project.down
  // warns about them (find_orphan_containers).
  if (project && !orphans.empty() && (flags.has("remove-orphans") || dialect_->major() == 1))
    remove_orphans(ctx, *project, flags.has("remove-orphans"), timeout);
  std::vector<std::string> networks = {dialect_->network_name(name)};
  if (project)
    for (const auto& n : project->config.networks)
      if (!n.external && n.key != "default")
        networks.push_back(resource_name(*project, project->config.networks, n.key));
  bool any_network =
      std::any_of(networks.begin(), networks.end(), [&](const auto& n) { return engine_.network_exists(n); });
  if (owned.empty() && !any_network && orphans.empty()) {
    r.err += dialect_->nothing_to_remove(name);
    return;
  }
  std::vector<ContainerRecord> to_stop;
  for (const auto& c : owned)  // v1 stops the running ones; v2 every one (stopping a stopped one is a no-op)
    if (c.state == ContainerState::running || !dialect_->merges_create_and_start()) to_stop.push_back(c);
  each(ctx, ComposeStep::stop, names_of(to_stop), [&](const std::string& c) { engine_.stop(c, timeout, ctx.stop); });
  each(ctx, ComposeStep::remove, names_of(owned), [&](const std::string& c) { engine_.remove(c, ctx.stop); });
  for (const auto& n : networks) {
    if (!engine_.network_exists(n)) continue;
    r.err += dialect_->network_removed(n);
    engine_.remove_network(n);
  }
}

// `stop [SERVICE...]`: only the services named (all when none); v2 reports every container of
// them, v1 only the running ones (project.py stop: containers(stopped=False)).
void ComposeCli::stop(Context& ctx, const CliArgs& flags) {
  auto timeout = timeout_flag(flags);
  if (!known_services(ctx, flags.positional)) return;
  std::vector<ContainerRecord> list;
  for (const auto& c : containers(project_name(ctx), flags.positional))
    if (c.state == ContainerState::running || dialect_->major() == 2) list.push_back(c);
  // Reverse dependency order is what compose follows; by name in reverse stands in for it here
  // (the engine keeps no depends_on label; simplification).
  std::reverse(list.begin(), list.end());
  each(ctx, ComposeStep::stop, names_of(list), [&](const std::string& c) { engine_.stop(c, timeout, ctx.stop); });
}

// `start [SERVICE...]`: the stopped containers of the services named and their dependencies.
// v2 (start.go projectFromName, convergence.go startService) fails for a project without
// containers, an unknown service, or a service without a container; v1 reports per service and
// fails only when the project has no container at all ("No containers to start").
void ComposeCli::start(Context& ctx, const CliArgs& flags) {
  if (!known_services(ctx, flags.positional)) return;
  std::string name = project_name(ctx);
  std::vector<ContainerRecord> all = containers(name, {});
  if (dialect_->major() == 1) {
    std::vector<std::string> services = flags.positional;
    if (services.empty())
      for (const auto& c : all)
        if (std::find(services.begin(), services.end(), c.service) == services.end()) services.push_back(c.service);
    if (containers(name, flags.positional).empty()) return fail(ctx, dialect_->nothing_to_start(""));
    each(ctx, ComposeStep::start, services, [&](const std::string& s) {
      for (const auto& c : containers(name, {s}))
        if (c.state != ContainerState::running) engine_.start(c.name);
    });
    return;
  }
  if (all.empty()) return fail(ctx, fmt::format("no container found for project \"{}\": not found", name));
  std::vector<std::string> services = flags.positional;
  for (const auto& s : services)
    if (containers(name, {s}).empty()) return fail(ctx, fmt::format("no such service: \"{}\": not found", s));
  if (services.empty())
    for (const auto& c : all)
      if (std::find(services.begin(), services.end(), c.service) == services.end()) services.push_back(c.service);
  for (const auto& s : services) {
    std::vector<ContainerRecord> list;
    for (const auto& c : containers(name, {s}))
      if (c.state != ContainerState::running) list.push_back(c);
    each(ctx, ComposeStep::start, names_of(list), [&](const std::string& c) { engine_.start(c); });
  }
}

// `restart [SERVICE...]`: every container of the services, running or not, stopped (-t, default
// 10 s) and started again (restart.go: Restarting, then Started; project.py restart).
void ComposeCli::restart(Context& ctx, const CliArgs& flags) {
  auto timeout = timeout_flag(flags).value_or(std::chrono::seconds(10));
  if (!known_services(ctx, flags.positional)) return;
  std::string name = project_name(ctx);
  if (dialect_->major() == 2 && containers(name, {}).empty())
    return fail(ctx, fmt::format("no container found for project \"{}\": not found", name));
  for (const auto& s : flags.positional)
    if (dialect_->major() == 2 && containers(name, {s}).empty())
      return fail(ctx, fmt::format("no such service: \"{}\": not found", s));
  std::vector<ContainerRecord> list = containers(name, flags.positional);
  if (list.empty()) return fail(ctx, "No containers to restart");
  each(ctx, ComposeStep::restart, names_of(list), [&](const std::string& c) {
    engine_.stop(c, timeout, ctx.stop);
    engine_.start(c);
  });
}

// `rm [-s] [-v] -f [SERVICE...]`: the stopped containers of the services (after stopping them with
// -s). Without -f compose asks on the terminal; a deploy script has none: not modelled.
void ComposeCli::rm(Context& ctx, const CliArgs& flags) {
  if (!flags.has("force")) {
    ctx.result = core::not_modelled_result(ctx.program + " rm without -f (it asks for confirmation)");
    return;
  }
  if (flags.has("stop")) {
    stop(ctx, CliArgs{{}, flags.positional});
    if (ctx.result.exit_code != 0) return;
  } else if (!known_services(ctx, flags.positional)) {
    return;
  }
  std::vector<ContainerRecord> stopped;
  for (const auto& c : containers(project_name(ctx), flags.positional))
    if (c.state != ContainerState::running) stopped.push_back(c);
  if (stopped.empty()) return dialect_->no_stopped_containers(ctx.result);
  ctx.result.out += dialect_->going_to_remove(names_of(stopped));
  each(ctx, ComposeStep::remove, names_of(stopped), [&](const std::string& c) { engine_.remove(c, ctx.stop); });
}

}  // namespace bg::fakes
