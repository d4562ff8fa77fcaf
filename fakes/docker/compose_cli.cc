#include "fakes/docker/compose_cli.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/compose_cli_context.h"
#include "fakes/docker/compose_flags.h"

namespace bg::fakes {
namespace fs = std::filesystem;
namespace {

// Commands compose has that the fakes do not model: said so, never silently ignored. (`logs`
// would print what the app wrote; the engine keeps no container output yet.)
const std::set<std::string> kUnmodelledV2 = {"convert", "cp",    "create", "events", "images", "kill", "logs",
                                             "ls",      "pause", "port",   "push",   "run",    "top",  "unpause"};
const std::set<std::string> kUnmodelledV1 = {"create", "events", "help", "images", "kill", "logs",   "pause",
                                             "port",   "push",   "run",  "scale",  "top",  "unpause"};

// docker-compose 1.x: these commands load the project with the environment's warnings silenced
// (compose/cli/command.py SILENT_COMMANDS).
const std::set<std::string> kV1Silent = {"events",  "exec", "kill",  "logs", "pause", "ps",
                                         "restart", "rm",   "start", "stop", "top",   "unpause"};

int minor_version(const ComposeDialect& d) {
  int major = 0, minor = 0;
  std::sscanf(d.version().c_str(), "%d.%d", &major, &minor);
  return minor;
}

}  // namespace

ComposeCli::ComposeCli(DockerEngine& engine, std::unique_ptr<ComposeDialect> dialect)
    : engine_(engine), dialect_(std::move(dialect)) {}

ComposeCli::ComposeCli(DockerEngine& engine, const core::PathMap& paths, std::unique_ptr<ComposeDialect> dialect)
    : engine_(engine), paths_(&paths), dialect_(std::move(dialect)) {}

ComposeCli::ComposeCli(DockerEngine& engine, const core::PathMap& paths, std::string_view compose_version)
    : ComposeCli(engine, paths, make_compose_dialect(compose_version)) {}

void ComposeCli::set_dialect(std::string_view compose_version) { dialect_ = make_compose_dialect(compose_version); }

core::CommandResult ComposeCli::run(const std::vector<std::string>& args, const fs::path& cwd, std::stop_token stop) {
  static const std::map<std::string, std::string> kNoEnvironment;
  return run(args, cwd, kNoEnvironment, stop);
}

core::CommandResult ComposeCli::run(const std::vector<std::string>& args, const fs::path& cwd,
                                    const std::map<std::string, std::string>& env, std::stop_token stop_token) {
  Context ctx{cwd.lexically_normal(), env, stop_token};
  ctx.program = dialect_->major() == 1 ? "docker-compose" : "docker compose";
  try {
    size_t pos = 0;
    ctx.global = parse_flags(args, pos, compose_global_flags(dialect_->major(), minor_version(*dialect_)), true);
    if (auto flag = unmodelled_compose_flag(ctx.program, "", ctx.global); !flag.empty())
      return core::not_modelled_result(flag);
    if (ctx.global.has("version")) return {0, dialect_->version_line(), ""};
    if (pos == args.size() || ctx.global.has("help")) return {0, dialect_->usage(), ""};
    ctx.command = args[pos];
    ctx.options.files = ctx.global.values["file"];
    ctx.options.project_name = ctx.global.value("project-name");
    ctx.options.project_directory = ctx.global.value("project-directory", ctx.global.value("workdir"));
    ctx.options.env_files = ctx.global.values["env-file"];
    ctx.options.profiles = ctx.global.values["profile"];
    ctx.options.silent_variables = dialect_->major() == 1 && kV1Silent.count(ctx.command) > 0;
    return dispatch(ctx, std::vector<std::string>(args.begin() + static_cast<long>(pos) + 1, args.end()));
  } catch (const UsageError& e) {
    core::CommandResult usage = dialect_->bad_flag(ctx.command, e.what());
    usage.err = ctx.result.err + usage.err;
    return usage;
  } catch (const ComposeFileError& e) {
    ctx.result.err += dialect_->error(e.what());
    ctx.result.exit_code = dialect_->load_failure_exit(e.kind == ComposeFileError::Kind::not_found);
  } catch (const DockerError& e) {
    ctx.result.err += dialect_->daemon_error(e.what());
    ctx.result.exit_code = 1;
  } catch (const core::NotModelled& e) {
    core::CommandResult r = core::not_modelled_result(e.subject());
    r.err = ctx.result.err + r.err;
    return r;
  }
  return ctx.result;
}

core::CommandResult ComposeCli::dispatch(Context& ctx, const std::vector<std::string>& rest) {
  const std::string& command = ctx.command;
  const bool v1 = dialect_->major() == 1;
  // v2.5.0 names its `config` command `convert` (alias `config`); v1 and later v2 `config`.
  bool is_config = command == "config" || (command == "convert" && !v1 && minor_version(*dialect_) < 17);
  const std::vector<FlagSpec>* specs = dialect_->command_flags(is_config ? "config" : command);
  if (!specs || (command == "convert" && !is_config)) {
    if ((v1 ? kUnmodelledV1 : kUnmodelledV2).count(command))
      return core::not_modelled_result(ctx.program + " " + command);
    return dialect_->unknown_command(command);
  }
  size_t pos = 0;
  // exec's flags end at its SERVICE: what follows is the command, flags and all.
  if (command == "exec") {
    CliArgs flags = parse_flags(rest, pos, *specs, true);
    if (auto flag = unmodelled_compose_flag(ctx.program, command, flags); !flag.empty())
      return core::not_modelled_result(flag);
    // `exec -T -- nginx nginx -s reload`: parse_flags put what follows `--` in positional.
    std::vector<std::string> words = flags.positional;
    words.insert(words.end(), rest.begin() + static_cast<long>(pos), rest.end());
    exec(ctx, flags, words);
    return ctx.result;
  }
  CliArgs flags = parse_flags(rest, pos, *specs, false);
  if (command == "logs") return core::not_modelled_result(ctx.program + " logs");
  if (auto flag = unmodelled_compose_flag(ctx.program, is_config ? "config" : command, flags); !flag.empty())
    return core::not_modelled_result(flag);
  ctx.options.services = flags.positional;
  if (command == "version") {
    if (!flags.positional.empty()) return dialect_->bad_flag(command, "accepts at most 0 arg(s)");
    if (flags.value("format") == "json") return {0, fmt::format("{{\"version\":\"v{}\"}}\n", dialect_->version()), ""};
    return {0, dialect_->version_command(flags.has("short")), ""};
  }
  if (command == "up")
    up(ctx, flags);
  else if (command == "down")
    down(ctx, flags);
  else if (command == "stop")
    stop(ctx, flags);
  else if (command == "start")
    start(ctx, flags);
  else if (command == "restart")
    restart(ctx, flags);
  else if (command == "rm")
    rm(ctx, flags);
  else if (command == "pull")
    pull(ctx, flags);
  else if (command == "build")
    build(ctx, flags);
  else if (command == "ps")
    ps(ctx, flags);
  else if (is_config)
    config(ctx, flags);
  return ctx.result;
}

void ComposeCli::flush_warnings(Context& ctx, std::vector<std::string>& warnings) const {
  for (const auto& w : warnings) ctx.result.err += dialect_->warning(w, engine_.clock().now());
  warnings.clear();
}

ComposeProject ComposeCli::load(Context& ctx) const {
  std::vector<std::string> warnings;
  ComposeLoader loader(*dialect_, paths_, ctx.cwd, ctx.env);
  try {
    ComposeProject project = loader.load(ctx.options, warnings);
    flush_warnings(ctx, warnings);
    return project;
  } catch (...) {
    flush_warnings(ctx, warnings);
    throw;
  }
}

std::string ComposeCli::project_name(Context& ctx) const {
  std::vector<std::string> warnings;
  ComposeLoader loader(*dialect_, paths_, ctx.cwd, ctx.env);
  std::string name = loader.project_name(ctx.options, warnings);
  flush_warnings(ctx, warnings);
  return name;
}

std::vector<ContainerRecord> ComposeCli::containers(const std::string& project,
                                                    const std::vector<std::string>& services) const {
  std::vector<ContainerRecord> out;
  for (auto& c : engine_.containers(project)) {
    if (c.state == ContainerState::removing) continue;
    if (!services.empty() && std::find(services.begin(), services.end(), c.service) == services.end()) continue;
    out.push_back(c);
  }
  return out;
}

std::optional<std::vector<const ServiceConfig*>> ComposeCli::with_dependencies(Context& ctx,
                                                                               const ComposeProject& project,
                                                                               const std::vector<std::string>& names,
                                                                               bool no_deps) const {
  std::vector<const ServiceConfig*> order;
  std::set<std::string> seen;
  // Depth first, dependencies before dependents (compose's InDependencyOrder, v1 sort_service_dicts).
  std::function<void(const ServiceConfig&)> visit = [&](const ServiceConfig& s) {
    if (!seen.insert(s.name).second) return;
    if (!no_deps)
      for (const auto& d : s.depends_on)
        if (const ServiceConfig* dep = project.config.find(d.service)) visit(*dep);
    order.push_back(&s);
  };
  for (const auto& name : names) {
    const ServiceConfig* s = project.config.find(name);
    if (!s) {
      fail(ctx, dialect_->no_such_service(name));
      return std::nullopt;
    }
    visit(*s);
  }
  if (names.empty())
    for (const auto& s : project.config.services) visit(s);
  return order;
}

// The image a service runs: `image:`, else the one compose builds, named <project>_<service>
// (v1, v2 before 2.8: create.go getImageName) or <project>-<service> (v2.8 on: api.Separator).
std::string ComposeCli::image_of(const ComposeProject& project, const ServiceConfig& service) const {
  if (!service.image.empty()) return service.image;
  bool underscore = dialect_->major() == 1 || minor_version(*dialect_) < 8;
  return project.name + (underscore ? "_" : "-") + service.name;
}

void ComposeCli::fail(Context& ctx, const std::string& message, int exit_code) const {
  ctx.result.err += dialect_->error(message);
  ctx.result.exit_code = exit_code;
}

}  // namespace bg::fakes
