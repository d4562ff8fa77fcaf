#include "fakes/docker/compose_cli.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

// compose v2's exit code for flag and command syntax errors (CommandSyntaxFailure).
constexpr int kSyntaxFailure = 16;

const std::vector<FlagSpec> kGlobalFlags = {
    {'p', "project-name", true}, {'f', "file", true},         {0, "project-directory", true},
    {0, "env-file", true},       {0, "profile", true},        {0, "ansi", true},
    {0, "no-ansi", false},       {0, "compatibility", false}, {'v', "version", false},
    {0, "verbose", false},       {'h', "help", false}};
const std::vector<FlagSpec> kUpFlags = {
    {'d', "detach", false},         {0, "force-recreate", false}, {0, "no-recreate", false},
    {0, "wait", false},             {0, "remove-orphans", false}, {0, "build", false},
    {0, "no-build", false},         {0, "no-start", false},       {'t', "timeout", true},
    {0, "quiet-pull", false},       {0, "no-deps", false},        {0, "always-recreate-deps", false},
    {'V', "renew-anon-volumes", false}, {0, "no-color", false},   {0, "no-log-prefix", false},
    {0, "abort-on-container-exit", false}, {0, "attach-dependencies", false}};
const std::vector<FlagSpec> kDownFlags = {
    {'t', "timeout", true}, {0, "remove-orphans", false}, {'v', "volumes", false}, {0, "rmi", true}};
const std::vector<FlagSpec> kPsFlags = {{'a', "all", false},    {'q', "quiet", false}, {0, "services", false},
                                        {0, "status", true},    {0, "filter", true},   {0, "format", true}};
const std::vector<FlagSpec> kStopFlags = {{'t', "timeout", true}};

// Compose commands that exist but the simulation does not model: said so, never silently ignored.
const std::set<std::string> kUnmodelled = {"build", "convert", "cp", "create", "events", "exec", "images", "kill",
                                           "logs", "ls", "pause", "port", "pull", "push", "restart", "rm", "run",
                                           "top", "unpause"};

const char* kUsage =
    "\nUsage:  docker compose [OPTIONS] COMMAND\n\nDocker Compose\n\nOptions:\n"
    "      --ansi string                Control when to print ANSI control characters (\"never\"|\"always\"|\"auto\") "
    "(default \"auto\")\n"
    "      --compatibility              Run compose in backward compatibility mode\n"
    "      --env-file string            Specify an alternate environment file.\n"
    "  -f, --file stringArray           Compose configuration files\n"
    "      --profile stringArray        Specify a profile to enable\n"
    "      --project-directory string   Specify an alternate working directory\n"
    "                                   (default: the path of the Compose file)\n"
    "  -p, --project-name string        Project name\n\n"
    "Commands:\n"
    "  down        Stop and remove containers, networks\n"
    "  ps          List containers\n"
    "  start       Start services\n"
    "  stop        Stop services\n"
    "  up          Create and start containers\n"
    "  version     Show the Docker Compose version information\n\n"
    "Run 'docker compose COMMAND --help' for more information on a command.\n";

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
  core::CommandResult result;
};

ComposeCli::ComposeCli(DockerEngine& engine, std::unique_ptr<ComposeDialect> dialect)
    : engine_(engine), dialect_(std::move(dialect)) {}

ComposeCli::ComposeCli(DockerEngine& engine, const core::PathMap& paths, std::unique_ptr<ComposeDialect> dialect)
    : engine_(engine), paths_(&paths), dialect_(std::move(dialect)) {}

std::string ComposeCli::shown(const fs::path& real) const {
  return paths_ ? paths_->to_virtual(real).value_or(real).string() : real.string();
}

core::CommandResult ComposeCli::run(const std::vector<std::string>& args, const fs::path& cwd,
                                    std::stop_token stop_token) {
  Context ctx{cwd, stop_token, {}, {}};
  try {
    size_t pos = 0;
    ctx.global = parse_flags(args, pos, kGlobalFlags, true);
    if (ctx.global.has("version")) {
      ctx.result.out = fmt::format("Docker Compose version v{}\n", dialect_->version());
      return ctx.result;
    }
    if (pos == args.size() || ctx.global.has("help")) {
      ctx.result.out = kUsage;
      return ctx.result;
    }
    const std::string& command = args[pos];
    std::vector<std::string> rest(args.begin() + static_cast<long>(pos) + 1, args.end());
    if (command == "up") return up(ctx, rest);
    if (command == "down") return down(ctx, rest);
    if (command == "ps") return ps(ctx, rest);
    if (command == "stop") return stop(ctx, rest);
    if (command == "start") return start(ctx, rest);
    if (command == "version") {
      ctx.result.out = fmt::format("Docker Compose version v{}\n", dialect_->version());
      return ctx.result;
    }
    if (kUnmodelled.count(command)) {
      ctx.result.err = fmt::format("bluegreen: `docker compose {}` is not modelled by the simulation\n", command);
      ctx.result.exit_code = 1;
      return ctx.result;
    }
    // cobra prints the help, then compose's own error (cmd/compose/compose.go RootCommand).
    ctx.result.out = kUsage;
    ctx.result.err = fmt::format("unknown docker command: \"compose {}\"\n", command);
    ctx.result.exit_code = kSyntaxFailure;
  } catch (const UsageError& e) {
    ctx.result.err += std::string(e.what()) + "\n";
    ctx.result.exit_code = kSyntaxFailure;
  } catch (const ComposeFileError& e) {
    ctx.result.err += std::string(e.what()) + "\n";
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
    if (files.empty()) throw ComposeFileError("no configuration file provided: not found");
  }
  Project project;
  fs::path dir;
  for (const auto& f : files) {
    fs::path path = fs::path(f).is_absolute() ? fs::path(f) : (ctx.cwd / f).lexically_normal();
    if (dir.empty()) dir = path.parent_path();
    if (!fs::exists(path)) throw ComposeFileError(fmt::format("open {}: no such file or directory", shown(path)));
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

// compose v2.5.0 toProjectName: -p needs no compose file (so `-p blue down` works without one).
std::string ComposeCli::project_name(Context& ctx) const {
  if (ctx.global.has("project-name")) return normalize_project(ctx.global.value("project-name"));
  return load_project(ctx).name;
}

core::CommandResult ComposeCli::up(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kUpFlags, false);
  core::CommandResult& r = ctx.result;
  if (!flags.has("detach") && !flags.has("wait")) {
    // Attached `up` streams logs until interrupted; a deploy script using it would hang.
    r.err = "bluegreen: `docker compose up` without -d (attached to logs) is not modelled by the simulation\n";
    r.exit_code = 1;
    return r;
  }
  if (flags.has("force-recreate") && flags.has("no-recreate")) {
    r.err = "--force-recreate and --no-recreate are incompatible\n";
    r.exit_code = 1;
    return r;
  }
  Project project = load_project(ctx);
  std::vector<const ServiceConfig*> selected;
  for (const auto& name : flags.positional) {
    const ServiceConfig* s = project.file.find(name);
    if (!s) {
      r.err = fmt::format("no such service: {}\n", name);
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
    r.err += dialect_->progress("", s->name, "Pulling");
    try {
      engine_.pull(s->image);
    } catch (const DockerError&) {
      r.err += dialect_->progress("", s->name, "Error");
      throw;
    }
  }
  std::string network = dialect_->network_name(project.name);
  if (!engine_.network_exists(network)) {
    r.err += dialect_->progress("Network", network, "Creating");
    engine_.create_network(network);
    r.err += dialect_->progress("Network", network, "Created");
  }
  std::vector<std::string> to_start;
  for (const ServiceConfig* s : selected) converge_service(ctx, project, *s, flags, to_start);
  if (flags.has("no-start")) return r;
  for (const auto& name : to_start) {
    r.err += dialect_->progress("Container", name, "Starting");
    engine_.start(name);  // a DockerError (port already allocated) ends `up` with exit 1
    r.err += dialect_->progress("Container", name, "Started");
  }
  return r;
}

// compose v2 convergence (pkg/compose/convergence.go): recreate on --force-recreate or a changed
// config hash or image; otherwise a running container is left "Running" (race R13).
void ComposeCli::converge_service(Context& ctx, const Project& project, const ServiceConfig& service,
                                  const CliArgs& flags, std::vector<std::string>& to_start) {
  core::CommandResult& r = ctx.result;
  auto image = engine_.image(service.image);
  ContainerSpec spec{project.name, service.name, service.image, service.ports, service.environment,
                     service.stop_signal, service.stop_grace_period, service.command, service.config_hash(), ""};
  std::vector<ContainerRecord> existing;
  for (auto& c : engine_.containers(project.name))
    if (c.service == service.name && c.state != ContainerState::removing) existing.push_back(c);
  if (existing.empty()) {
    spec.name = dialect_->container_name(project.name, service.name, 1);
    r.err += dialect_->progress("Container", spec.name, "Creating");
    engine_.create(spec);
    r.err += dialect_->progress("Container", spec.name, "Created");
    to_start.push_back(spec.name);
    return;
  }
  for (const auto& c : existing) {
    bool stale = c.config_hash != spec.config_hash || (image && c.image_id != image->id);
    if (flags.has("force-recreate") || (stale && !flags.has("no-recreate"))) {
      r.err += dialect_->progress("Container", c.name, "Recreate");
      engine_.stop(c.name, timeout_flag(flags), ctx.stop);
      engine_.remove(c.name, ctx.stop);
      spec.name = c.name;
      engine_.create(spec);
      r.err += dialect_->progress("Container", c.name, "Recreated");
      to_start.push_back(c.name);
    } else if (c.state == ContainerState::running) {
      r.err += dialect_->progress("Container", c.name, "Running");
    } else {
      if (c.state == ContainerState::exited) r.err += dialect_->progress("Container", c.name, "Created");
      to_start.push_back(c.name);
    }
  }
}

// compose v2.5.0 down: per container stop (-t, default 10 s) then force-remove, then the network.
core::CommandResult ComposeCli::down(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kDownFlags, false);
  core::CommandResult& r = ctx.result;
  std::string name = project_name(ctx);
  std::string network = dialect_->network_name(name);
  auto containers = engine_.containers(name);
  bool has_network = engine_.network_exists(network);
  if (containers.empty() && !has_network) {
    r.err = dialect_->nothing_to_remove(name);
    return r;
  }
  auto timeout = timeout_flag(flags);
  for (const auto& c : containers) {
    if (c.state == ContainerState::removing) continue;
    r.err += dialect_->progress("Container", c.name, "Stopping");
    engine_.stop(c.name, timeout, ctx.stop);
    r.err += dialect_->progress("Container", c.name, "Stopped");
    r.err += dialect_->progress("Container", c.name, "Removing");
    engine_.remove(c.name, ctx.stop);
    r.err += dialect_->progress("Container", c.name, "Removed");
  }
  if (has_network) {
    r.err += dialect_->progress("Network", network, "Removing");
    engine_.remove_network(network);
    r.err += dialect_->progress("Network", network, "Removed");
  }
  return r;
}

core::CommandResult ComposeCli::ps(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kPsFlags, false);
  if (flags.has("format") || flags.has("filter")) {
    ctx.result.err = "bluegreen: `docker compose ps --format/--filter` is not modelled by the simulation\n";
    ctx.result.exit_code = 1;
    return ctx.result;
  }
  std::vector<ContainerRecord> shown;
  const auto& statuses = flags.values["status"];
  for (auto& c : engine_.containers(project_name(ctx))) {
    if (!dialect_->ps_lists_stopped() && !flags.has("all") && c.state != ContainerState::running) continue;
    if (!statuses.empty() && std::find(statuses.begin(), statuses.end(), state_name(c.state)) == statuses.end())
      continue;
    if (!flags.positional.empty() &&
        std::find(flags.positional.begin(), flags.positional.end(), c.service) == flags.positional.end())
      continue;
    shown.push_back(c);
  }
  if (flags.has("quiet")) {
    for (const auto& c : shown) ctx.result.out += c.id + "\n";
  } else if (flags.has("services")) {
    std::set<std::string> services;
    for (const auto& c : shown)
      if (services.insert(c.service).second) ctx.result.out += c.service + "\n";
  } else {
    ctx.result.out = dialect_->ps_table(shown, engine_.clock().now());
  }
  return ctx.result;
}

core::CommandResult ComposeCli::stop(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kStopFlags, false);
  auto timeout = timeout_flag(flags);
  for (const auto& c : engine_.containers(project_name(ctx))) {
    if (c.state != ContainerState::running) continue;
    ctx.result.err += dialect_->progress("Container", c.name, "Stopping");
    engine_.stop(c.name, timeout, ctx.stop);
    ctx.result.err += dialect_->progress("Container", c.name, "Stopped");
  }
  return ctx.result;
}

core::CommandResult ComposeCli::start(Context& ctx, const std::vector<std::string>& args) {
  size_t pos = 0;
  parse_flags(args, pos, {}, false);
  for (const auto& c : engine_.containers(project_name(ctx))) {
    if (c.state == ContainerState::running) continue;
    ctx.result.err += dialect_->progress("Container", c.name, "Starting");
    engine_.start(c.name);
    ctx.result.err += dialect_->progress("Container", c.name, "Started");
  }
  return ctx.result;
}

}  // namespace bg::fakes
