#pragma once
// ComposeCli: `docker-compose ...` (v1, or standalone v2) and `docker compose ...` (the v2 CLI plugin)
// over the fake DockerEngine, with compose's own output, messages and exit codes (semantics.md §3).
// A project is loaded as the version loads it (compose_loader.h: the caller's environment, .env,
// several -f, the override file, profiles); the commands act on the services named (with their
// dependencies where compose includes them): up, down, stop, start, restart, rm, pull, build, ps,
// config, version. The words come from a ComposeDialect, so other compose versions are a dialect
// away. A command, flag or file key the fakes do not model answers "not modelled"
// (core::not_modelled_result), never a guess.
// Paths: the cwd and every path argument are host paths of the run's sandbox; files are opened
// through the PathMap and named as the host names them.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/command_result.h"
#include "core/path_map.h"
#include "fakes/docker/cli_args.h"
#include "fakes/docker/compose_dialect.h"
#include "fakes/docker/compose_file.h"
#include "fakes/docker/compose_loader.h"
#include "fakes/docker/docker_engine.h"

namespace bg::fakes {

class ComposeCli {
 public:
  explicit ComposeCli(DockerEngine& engine, std::unique_ptr<ComposeDialect> dialect = make_compose_dialect("2.5.0"));
  ComposeCli(DockerEngine& engine, const core::PathMap& paths,
             std::unique_ptr<ComposeDialect> dialect = make_compose_dialect("2.5.0"));
  // The dialect by version, as a scenario's `docker.compose` names it ("1.29.2", "2.5.0", "v2.20.2").
  // Throws std::invalid_argument for a version no dialect models.
  ComposeCli(DockerEngine& engine, const core::PathMap& paths, std::string_view compose_version);
  void set_dialect(std::string_view compose_version);

  // args exclude the program name: {"-p", "blue", "-f", "docker-compose-blue.yml", "up", "-d"}.
  // `cwd` is the caller's working directory and `env` its environment (interpolation, COMPOSE_*).
  // Blocking (stop waits on the grace period, `up --wait` on health): call from a shim server thread.
  core::CommandResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env, std::stop_token stop);
  // The same with an empty environment (callers that do not pass the script's yet).
  core::CommandResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd, std::stop_token stop);

  const ComposeDialect& dialect() const { return *dialect_; }

 private:
  struct Context;  // one invocation: global flags, environment, output
  struct PendingStart {
    std::string container;
    std::string service;
    ComposeStep step;  // create, recreate, or start (an existing stopped container)
  };

  core::CommandResult dispatch(Context& ctx, const std::vector<std::string>& rest);
  // compose_cli_up.cc
  void up(Context& ctx, const CliArgs& flags);
  void converge_service(Context& ctx, const ComposeProject& project, const ServiceConfig& service, const CliArgs& flags,
                        std::vector<PendingStart>& to_start);
  ContainerSpec container_spec(const ComposeProject& project, const ServiceConfig& service) const;
  bool ensure_networks(Context& ctx, const ComposeProject& project, const std::vector<const ServiceConfig*>& services);
  std::string resource_name(const ComposeProject& project, const std::vector<ProjectResource>& resources,
                            const std::string& key) const;
  void remove_orphans(Context& ctx, const ComposeProject& project, bool remove, std::optional<core::Duration> timeout);
  bool ensure_image(Context& ctx, const ComposeProject& project, const ServiceConfig& service, bool build);
  void wait_healthy(Context& ctx, const std::string& project, const std::vector<const ServiceConfig*>& services,
                    core::Duration limit);
  bool wait_dependencies(Context& ctx, const ComposeProject& project, const ServiceConfig& service);
  // compose_cli_lifecycle.cc
  // Runs `op` on each container with its progress lines (ComposeDialect::batches_progress).
  void each(Context& ctx, ComposeStep step, const std::vector<std::string>& names,
            const std::function<void(const std::string&)>& op);
  bool known_services(Context& ctx, const std::vector<std::string>& services);
  void down(Context& ctx, const CliArgs& flags);
  void stop(Context& ctx, const CliArgs& flags);
  void start(Context& ctx, const CliArgs& flags);
  void restart(Context& ctx, const CliArgs& flags);
  void rm(Context& ctx, const CliArgs& flags);
  // compose_cli_images.cc
  void pull(Context& ctx, const CliArgs& flags);
  void build(Context& ctx, const CliArgs& flags);
  bool build_service(Context& ctx, const ComposeProject& project, const ServiceConfig& service);
  // compose_cli_exec.cc: `words` is SERVICE COMMAND [ARG...].
  void exec(Context& ctx, const CliArgs& flags, const std::vector<std::string>& words);
  // compose_cli_ps.cc
  void ps(Context& ctx, const CliArgs& flags);
  void config(Context& ctx, const CliArgs& flags);

  // compose_cli.cc: the project of this invocation and its containers.
  ComposeProject load(Context& ctx) const;
  std::string project_name(Context& ctx) const;
  std::vector<ContainerRecord> containers(const std::string& project, const std::vector<std::string>& services) const;
  // The selected services (all when none) and, unless `no_deps`, their dependencies, dependencies
  // first; an unknown name is compose's "no such service".
  // nullopt when a name is unknown (the error is in ctx).
  std::optional<std::vector<const ServiceConfig*>> with_dependencies(Context& ctx, const ComposeProject& project,
                                                                     const std::vector<std::string>& names,
                                                                     bool no_deps) const;
  void flush_warnings(Context& ctx, std::vector<std::string>& warnings) const;
  std::string image_of(const ComposeProject& project, const ServiceConfig& service) const;
  void fail(Context& ctx, const std::string& message, int exit_code = 1) const;

  DockerEngine& engine_;
  const core::PathMap* paths_ = nullptr;
  std::unique_ptr<ComposeDialect> dialect_;
};

}  // namespace bg::fakes
