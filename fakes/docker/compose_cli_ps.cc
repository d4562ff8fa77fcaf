// ComposeCli's reading commands: `ps` (docker/compose v2.5.0 and v2.20.2 cmd/compose/ps.go;
// docker-compose 1.29.2 compose/cli/main.py ps) and `config` (v2 cmd/compose/convert.go, v1
// main.py config).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_cli_context.h"
#include "fakes/docker/compose_config_output.h"

namespace bg::fakes {
namespace {

// `--status X` (v2) and `--filter status=X`: v2 matches the engine state; v1's
// has_container_with_state knows running, stopped, paused, restarting.
bool status_matches(const ContainerRecord& c, const std::string& status) {
  if (status == "stopped") return c.state != ContainerState::running && c.state != ContainerState::paused;
  return status == state_name(c.state);
}

}  // namespace

void ComposeCli::ps(Context& ctx, const CliArgs& flags) {
  core::CommandResult& r = ctx.result;
  const bool v1 = dialect_->major() == 1;
  auto values = [&](const char* flag) {
    auto it = flags.values.find(flag);
    return it == flags.values.end() ? std::vector<std::string>{} : it->second;
  };
  std::vector<std::string> statuses = values("status");
  for (const auto& f : values("filter")) {
    if (f.find('=') == std::string::npos)
      return fail(ctx, v1 ? "Arguments to --filter should be in form KEY=VAL" : fmt::format("Invalid filter: {}", f));
    if (f.rfind("status=", 0) != 0) return fail(ctx, fmt::format("Invalid filter: {}", f.substr(0, f.find('='))));
    statuses.push_back(f.substr(7));
  }
  if (v1) {
    if (flags.has("quiet") && flags.has("services")) return fail(ctx, "--quiet and --services cannot be combined");
    ComposeProject project = load(ctx);  // v1 always reads the files, and validates the names
    for (const auto& s : flags.positional)
      if (!project.config.find(s)) return fail(ctx, dialect_->no_such_service(s));
    if (flags.has("services")) {
      // main.py ps --services: the configured services, filtered by --filter only here.
      std::vector<std::string> names;
      for (const auto& s : project.config.services) {
        auto cs = containers(project.name, {s.name});
        bool keep = std::all_of(statuses.begin(), statuses.end(), [&](const std::string& st) {
          return std::any_of(cs.begin(), cs.end(), [&](const auto& c) { return status_matches(c, st); });
        });
        if (keep) names.push_back(s.name);
      }
      r.out = fmt::format("{}\n", fmt::join(names, "\n"));
      return;
    }
    // The container list ignores --filter (main.py applies it to --services only).
    auto list = containers(project.name, flags.positional);
    r.out = flags.has("quiet") ? dialect_->ps_quiet(list) : dialect_->ps_table(list, engine_.clock().now());
    return;
  }
  std::optional<ComposeProject> project;
  std::string name;
  // v2.15+ (projectOrName) loads the files when there are any or no -p; v2.5.0 needs the name only.
  if (dialect_->ps_lists_stopped() || (!ctx.options.project_name.empty() && ctx.options.files.empty())) {
    name = project_name(ctx);
  } else {
    project = load(ctx);
    name = project->name;
  }
  if (project)
    for (const auto& s : flags.positional)
      if (!project->config.find(s)) return fail(ctx, dialect_->no_such_service(s));
  // A status filter implies all containers (v2.15+ would otherwise hide the stopped ones).
  bool all = flags.has("all") || dialect_->ps_lists_stopped() || !statuses.empty();
  std::vector<ContainerRecord> shown;
  for (auto& c : containers(name, flags.positional))
    if (all || c.state == ContainerState::running) shown.push_back(c);
  // v2.5.0 runPs: a service named with no container (of those listed) is "no such service".
  if (!project)
    for (const auto& s : flags.positional)
      if (std::none_of(shown.begin(), shown.end(), [&](const auto& c) { return c.service == s; }))
        return fail(ctx, dialect_->no_such_service(s));
  if (!statuses.empty())
    shown.erase(std::remove_if(shown.begin(), shown.end(),
                               [&](const ContainerRecord& c) {
                                 return std::none_of(statuses.begin(), statuses.end(),
                                                     [&](const std::string& s) { return status_matches(c, s); });
                               }),
                shown.end());
  core::Time now = engine_.clock().now();
  if (flags.has("quiet")) {
    r.out = dialect_->ps_quiet(shown);
  } else if (flags.has("services")) {
    std::vector<std::string> services;
    for (const auto& c : shown)
      if (std::find(services.begin(), services.end(), c.service) == services.end()) services.push_back(c.service);
    r.out = fmt::format("{}\n", fmt::join(services, "\n"));  // fmt.Println(strings.Join(...)): "\n" when none
  } else if (flags.has("format")) {
    try {
      r.out = dialect_->ps_format(shown, now, flags.value("format"));
    } catch (const std::invalid_argument& e) {
      fail(ctx, e.what());
    }
  } else {
    r.out = dialect_->ps_table(shown, now);
  }
}

// `config`: the project as compose resolved it (variables, merged files, absolute paths), or
// only its service, volume or profile names; -q only validates.
void ComposeCli::config(Context& ctx, const CliArgs& flags) {
  ComposeProject project = load(ctx);
  core::CommandResult& r = ctx.result;
  if (flags.has("quiet")) return;
  if (flags.has("services")) {
    for (const auto& s : project.config.services) r.out += s.name + "\n";
  } else if (flags.has("volumes")) {
    for (const auto& v : project.config.volumes) r.out += v.key + "\n";
  } else if (flags.has("profiles")) {
    std::set<std::string> profiles;
    for (const auto& s : project.config.services) profiles.insert(s.profiles.begin(), s.profiles.end());
    for (const auto& p : profiles) r.out += p + "\n";
  } else {
    std::string format = flags.value("format", "yaml");
    if (format != "yaml") {
      ctx.result = core::not_modelled_result(ctx.program + " config --format " + format);
      return;
    }
    r.out = render_compose_config(project, dialect_->major() == 1, dialect_->network_name(project.name));
  }
}

}  // namespace bg::fakes
