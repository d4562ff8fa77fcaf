#include "fakes/docker/compose_cli.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

const std::vector<FlagSpec> kGlobalFlags = {
    {'p', "project-name", true}, {'f', "file", true},         {0, "project-directory", true},
    {0, "env-file", true},       {0, "profile", true},        {0, "ansi", true},
    {0, "no-ansi", false},       {0, "compatibility", false}, {'v', "version", false},
    {0, "verbose", false},       {'h', "help", false}};
const std::vector<FlagSpec> kDownFlags = {
    {'t', "timeout", true}, {0, "remove-orphans", false}, {'v', "volumes", false}, {0, "rmi", true}};
const std::vector<FlagSpec> kStopFlags = {{'t', "timeout", true}};

// Compose commands that exist but the simulation does not model: said so, never silently ignored.
const std::set<std::string> kUnmodelled = {"build", "convert", "config", "cp", "create", "events", "exec", "images",
                                           "kill", "logs", "ls", "pause", "port", "pull", "push", "restart", "rm",
                                           "run", "scale", "top", "unpause"};

std::optional<core::Duration> timeout_flag(const CliArgs& flags) {
  if (!flags.has("timeout")) return std::nullopt;
  std::string v = flags.value("timeout");
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError(fmt::format("invalid argument \"{}\" for \"-t, --timeout\" flag: strconv.ParseInt: parsing "
                                 "\"{}\": invalid syntax",
                                 v, v));
  return std::chrono::seconds(std::stoi(v));
}

// compose-go's normalisation: lower case, only [a-z0-9_-].
std::string normalize_project(std::string name) {
  std::string out;
  for (char c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') out += c;
  }
  return out;
}

}  // namespace

struct ComposeCli::Project {
  std::string name;
  ComposeFile file;  // the -f files merged: a later file's service replaces an earlier one (simplified)
};

struct ComposeCli::Context {
  fs::path cwd;
  std::stop_token stop;
  CliArgs global;
  std::string command;
  core::CommandResult result;
};

ComposeCli::ComposeCli(DockerEngine& engine, std::unique_ptr<ComposeDialect> dialect)
    : engine_(engine), dialect_(std::move(dialect)) {}

ComposeCli::ComposeCli(DockerEngine& engine, const core::PathMap& paths, std::unique_ptr<ComposeDialect> dialect)
    : engine_(engine), paths_(&paths), dialect_(std::move(dialect)) {}

ComposeCli::ComposeCli(DockerEngine& engine, const core::PathMap& paths, std::string_view compose_version)
    : ComposeCli(engine, paths, make_compose_dialect(compose_version)) {}

void ComposeCli::set_dialect(std::string_view compose_version) { dialect_ = make_compose_dialect(compose_version); }

std::string ComposeCli::shown(const fs::path& real) const {
  return paths_ ? paths_->to_virtual(real).value_or(real).string() : real.string();
}

core::CommandResult ComposeCli::run(const std::vector<std::string>& args, const fs::path& cwd,
                                    std::stop_token stop_token) {
  Context ctx{cwd, stop_token, {}, "", {}};
  try {
    size_t pos = 0;
    ctx.global = parse_flags(args, pos, kGlobalFlags, true);
    if (ctx.global.has("version")) return {0, dialect_->version_line(), ""};
    if (pos == args.size() || ctx.global.has("help")) return {0, dialect_->usage(), ""};
    ctx.command = args[pos];
    std::vector<std::string> rest(args.begin() + static_cast<long>(pos) + 1, args.end());
    if (ctx.command == "up") return up(ctx, rest);
    if (ctx.command == "down") return down(ctx, rest);
    if (ctx.command == "ps") return ps(ctx, rest);
    if (ctx.command == "stop") return stop(ctx, rest);
    if (ctx.command == "start") return start(ctx, rest);
    if (ctx.command == "version") return {0, dialect_->version_line(), ""};
    if (kUnmodelled.count(ctx.command))
      return {1, "", fmt::format("bluegreen: `docker compose {}` is not modelled by the simulation\n", ctx.command)};
    return dialect_->unknown_command(ctx.command);
  } catch (const UsageError& e) {
    core::CommandResult usage = dialect_->bad_flag(ctx.command, e.what());
    usage.err = ctx.result.err + usage.err;
    return usage;
  } catch (const ComposeFileError& e) {
    ctx.result.err += dialect_->error(e.what());
    ctx.result.exit_code = 1;
  } catch (const DockerError& e) {
    ctx.result.err += dialect_->daemon_error(e.what());
    ctx.result.exit_code = 1;
  }
  return ctx.result;
}

ComposeCli::Project ComposeCli::load_project(Context& ctx) const {
  std::vector<std::string> files = ctx.global.values["file"];
  if (files.empty()) {
    for (const char* candidate : {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"})
      if (fs::exists(ctx.cwd / candidate)) {
        files.push_back(candidate);
        break;
      }
    if (files.empty()) throw ComposeFileError(dialect_->no_config_file());
  }
  Project project;
  fs::path dir;
  for (const auto& f : files) {
    fs::path path = fs::path(f).is_absolute() ? fs::path(f) : (ctx.cwd / f).lexically_normal();
    if (dir.empty()) dir = path.parent_path();
    if (!fs::exists(path)) throw ComposeFileError(dialect_->missing_file(shown(path), f));
    ComposeFile file = parse_compose_file(path);
    if (project.file.path.empty()) project.file.path = file.path;
    for (auto& s : file.services) {
      auto it = std::find_if(project.file.services.begin(), project.file.services.end(),
                             [&](const ServiceConfig& e) { return e.name == s.name; });
      if (it != project.file.services.end()) *it = s;
      else project.file.services.push_back(s);
    }
  }
  if (ctx.global.has("project-directory")) dir = ctx.cwd / ctx.global.value("project-directory");
  project.name = ctx.global.has("project-name") ? normalize_project(ctx.global.value("project-name"))
                                                : normalize_project(dir.filename().string());
  return project;
}

// compose v2.5.0 toProjectName: -p needs no compose file (so `-p blue down` works without one);
// v1 always loads the configuration.
std::string ComposeCli::project_name(Context& ctx) const {
  if (ctx.global.has("project-name") && !dialect_->project_needs_file())
    return normalize_project(ctx.global.value("project-name"));
  return load_project(ctx).name;
}

core::CommandResult ComposeCli::up(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, dialect_->up_flags(), false);
  core::CommandResult& r = ctx.result;
  if (!flags.has("detach") && !flags.has("wait")) {
    // Attached `up` streams logs until interrupted; a deploy script using it would hang.
    r.err = "bluegreen: `docker compose up` without -d (attached to logs) is not modelled by the simulation\n";
    r.exit_code = 1;
    return r;
  }
  if (flags.has("force-recreate") && flags.has("no-recreate")) {
    r.err = dialect_->error("--force-recreate and --no-recreate are incompatible");
    r.exit_code = 1;
    return r;
  }
  Project project = load_project(ctx);
  std::vector<const ServiceConfig*> selected;
  for (const auto& name : flags.positional) {
    const ServiceConfig* s = project.file.find(name);
    if (!s) {
      r.err = dialect_->error(fmt::format("no such service: {}", name));
      r.exit_code = 1;
      return r;
    }
    selected.push_back(s);
  }
  if (flags.positional.empty())
    for (const auto& s : project.file.services) selected.push_back(&s);

  // Missing images are pulled before anything is created; there is no registry in a run.
  for (const ServiceConfig* s : selected) {
    if (engine_.image(s->image)) continue;
    r.err += dialect_->pull_begin(s->name, s->image);
    try {
      engine_.pull(s->image);
    } catch (const DockerError& e) {
      r.err += dialect_->pull_failed(s->name, e.what());
      r.exit_code = 1;
      return r;
    }
  }
  std::string network = dialect_->network_name(project.name);
  if (!engine_.network_exists(network)) {
    r.err += dialect_->network_created(network);
    engine_.create_network(network);
  }
  std::vector<PendingStart> to_start;
  for (const ServiceConfig* s : selected) converge_service(ctx, project, *s, flags, to_start);
  if (flags.has("no-start")) return r;
  std::vector<std::string> started;
  for (const auto& p : to_start) {
    bool merged = dialect_->merges_create_and_start() && p.step != ComposeStep::start;
    if (!merged) r.err += dialect_->step_begin(ComposeStep::start, p.container);
    try {
      engine_.start(p.container);
    } catch (const DockerError& e) {
      // semantics.md §3 "Port already bound": the container stays created, compose exits 1.
      r.err += dialect_->step_error(merged ? p.step : ComposeStep::start, p.container);
      r.err += dialect_->start_failed(p.service, p.container, e.what());
      r.exit_code = 1;
      return r;
    }
    r.err += dialect_->step_done(merged ? p.step : ComposeStep::start, p.container);
    started.push_back(p.container);
  }
  if (flags.has("wait")) wait_healthy(ctx, project, selected);
  return r;
}

// compose convergence (v2 pkg/compose/convergence.go, v1 service.py): recreate on --force-recreate
// or a changed config hash or image; otherwise a running container is left as it is (race R13).
void ComposeCli::converge_service(Context& ctx, const Project& project, const ServiceConfig& service,
                                  const CliArgs& flags, std::vector<PendingStart>& to_start) {
  core::CommandResult& r = ctx.result;
  bool merged = dialect_->merges_create_and_start();
  auto image = engine_.image(service.image);
  ContainerSpec spec;
  spec.project = project.name;
  spec.service = service.name;
  spec.image = service.image;
  spec.ports = service.ports;
  spec.env = service.environment;
  spec.stop_signal = service.stop_signal;
  spec.stop_grace_period = service.stop_grace_period;
  spec.command = service.command;
  spec.config_hash = service.config_hash();
  spec.init = service.init;
  spec.healthcheck = service.healthcheck;
  std::vector<ContainerRecord> existing;
  for (auto& c : engine_.containers(project.name))
    if (c.service == service.name && c.state != ContainerState::removing) existing.push_back(c);
  if (existing.empty()) {
    spec.name = dialect_->container_name(project.name, service.name, 1);
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
      spec.name = c.name;
      engine_.create(spec);
      if (!merged) r.err += dialect_->step_done(ComposeStep::recreate, c.name);
      to_start.push_back({c.name, service.name, ComposeStep::recreate});
    } else if (c.state == ContainerState::running) {
      r.err += dialect_->up_to_date(c.name);
    } else {
      to_start.push_back({c.name, service.name, ComposeStep::start});
    }
  }
}

// `up --wait` (v2.2.0+, semantics.md §3): waits for every selected service's container to be
// running and, with a healthcheck, healthy. An exited or unhealthy container fails `up` (exit 1).
// Compose waits without limit (before --wait-timeout); the harness bounds it at an hour of
// scenario time and at the run's stop.
void ComposeCli::wait_healthy(Context& ctx, const Project& project, const std::vector<const ServiceConfig*>& services) {
  constexpr core::Duration kPoll = std::chrono::milliseconds(500);
  constexpr core::Duration kLimit = std::chrono::hours(1);
  core::CommandResult& r = ctx.result;
  std::vector<std::string> waiting;
  for (const auto& c : engine_.containers(project.name))
    for (const ServiceConfig* s : services)
      if (c.service == s->name && c.state != ContainerState::removing) waiting.push_back(c.name);
  for (const auto& name : waiting) r.err += fmt::format(" Container {}  Waiting\n", name);
  core::Time end = engine_.clock().now() + kLimit;
  while (!waiting.empty()) {
    for (auto it = waiting.begin(); it != waiting.end();) {
      auto c = engine_.inspect(*it);
      std::string failure;
      if (!c || c->state == ContainerState::exited || c->state == ContainerState::dead)
        failure = fmt::format("container {} exited ({})", *it, c ? c->exit_code : 0);
      else if (c->health == "unhealthy")
        failure = fmt::format("container {} is unhealthy", *it);
      if (!failure.empty()) {
        r.err += dialect_->error(failure);
        r.exit_code = 1;
        return;
      }
      if (c->state == ContainerState::running && (c->health.empty() || c->health == "healthy")) {
        r.err += fmt::format(" Container {}  {}\n", *it, c->health.empty() ? "Started" : "Healthy");
        it = waiting.erase(it);
      } else {
        ++it;
      }
    }
    if (waiting.empty()) break;
    if (engine_.clock().now() >= end || !engine_.clock().sleep_for(kPoll, ctx.stop)) {
      r.err += dialect_->error("context canceled");
      r.exit_code = 1;
      return;
    }
  }
}

// `down`: stop (-t, default 10 s) then remove each container, then the network; returns only after
// removal, so the host port is free afterwards (v2.5.0 pkg/compose/down.go; v1 project.down).
core::CommandResult ComposeCli::down(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kDownFlags, false);
  core::CommandResult& r = ctx.result;
  std::string name = project_name(ctx);
  std::string network = dialect_->network_name(name);
  std::vector<ContainerRecord> containers;
  for (auto& c : engine_.containers(name))
    if (c.state != ContainerState::removing) containers.push_back(c);
  bool has_network = engine_.network_exists(network);
  if (containers.empty() && !has_network) {
    r.err = dialect_->nothing_to_remove(name);
    return r;
  }
  auto timeout = timeout_flag(flags);
  for (const auto& c : containers) {
    if (c.state != ContainerState::running && dialect_->merges_create_and_start()) continue;  // v1 stops running only
    r.err += dialect_->step_begin(ComposeStep::stop, c.name);
    engine_.stop(c.name, timeout, ctx.stop);
    r.err += dialect_->step_done(ComposeStep::stop, c.name);
  }
  for (const auto& c : containers) {
    r.err += dialect_->step_begin(ComposeStep::remove, c.name);
    engine_.remove(c.name, ctx.stop);
    r.err += dialect_->step_done(ComposeStep::remove, c.name);
  }
  if (has_network) {
    r.err += dialect_->network_removed(network);
    engine_.remove_network(network);
  }
  return r;
}

// `--status X` (v2) and `--filter status=X` (both): v2 matches the engine state; v1's filter knows
// running, stopped, paused, restarting (simplified to a per-container match, v1 filters services).
bool ComposeCli::status_matches(const ContainerRecord& c, const std::string& status) const {
  if (status == "stopped") return c.state != ContainerState::running && c.state != ContainerState::paused;
  return status == state_name(c.state);
}

core::CommandResult ComposeCli::ps(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, dialect_->ps_flags(), false);
  std::vector<std::string> statuses = flags.values["status"];
  for (const auto& f : flags.values["filter"]) {
    if (f.rfind("status=", 0) != 0) {
      ctx.result.err = dialect_->error(fmt::format("Invalid filter: {}", f));
      ctx.result.exit_code = 1;
      return ctx.result;
    }
    statuses.push_back(f.substr(7));
  }
  // A status filter implies all containers (v2.15+ would otherwise hide the stopped ones).
  bool all = flags.has("all") || dialect_->ps_lists_stopped() || !statuses.empty();
  std::vector<ContainerRecord> shown;
  for (auto& c : engine_.containers(project_name(ctx))) {
    if (!all && c.state != ContainerState::running) continue;
    if (!statuses.empty() &&
        std::none_of(statuses.begin(), statuses.end(), [&](const std::string& s) { return status_matches(c, s); }))
      continue;
    if (!flags.positional.empty() &&
        std::find(flags.positional.begin(), flags.positional.end(), c.service) == flags.positional.end())
      continue;
    shown.push_back(c);
  }
  core::Time now = engine_.clock().now();
  if (flags.has("quiet")) {
    ctx.result.out = dialect_->ps_quiet(shown);
  } else if (flags.has("services")) {
    std::set<std::string> services;
    for (const auto& c : shown)
      if (services.insert(c.service).second) ctx.result.out += c.service + "\n";
  } else if (flags.has("format")) {
    try {
      ctx.result.out = dialect_->ps_format(shown, now, flags.value("format"));
    } catch (const std::invalid_argument& e) {
      ctx.result.err = dialect_->error(e.what());
      ctx.result.exit_code = 1;
    }
  } else {
    ctx.result.out = dialect_->ps_table(shown, now);
  }
  return ctx.result;
}

core::CommandResult ComposeCli::stop(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kStopFlags, false);
  auto timeout = timeout_flag(flags);
  for (const auto& c : engine_.containers(project_name(ctx))) {
    if (c.state != ContainerState::running) continue;
    ctx.result.err += dialect_->step_begin(ComposeStep::stop, c.name);
    engine_.stop(c.name, timeout, ctx.stop);
    ctx.result.err += dialect_->step_done(ComposeStep::stop, c.name);
  }
  return ctx.result;
}

core::CommandResult ComposeCli::start(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  parse_flags(args, pos, {}, false);
  for (const auto& c : engine_.containers(project_name(ctx))) {
    if (c.state == ContainerState::running) continue;
    ctx.result.err += dialect_->step_begin(ComposeStep::start, c.name);
    engine_.start(c.name);
    ctx.result.err += dialect_->step_done(ComposeStep::start, c.name);
  }
  return ctx.result;
}

}  // namespace bg::fakes
