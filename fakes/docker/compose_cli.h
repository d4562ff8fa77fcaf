#pragma once
// ComposeCli: `docker-compose ...` (v1, or standalone v2) and `docker compose ...` (the v2 CLI plugin)
// over the fake DockerEngine — project loading, `up -d` with compose's recreate rule, `down`, `ps`, `stop`,
// `start`, `version` — with compose's own output, messages and exit codes (semantics.md §3). The
// words come from a ComposeDialect, so other compose versions are a dialect away.
#include <filesystem>
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
#include "fakes/docker/docker_engine.h"

namespace bg::fakes {

class ComposeCli {
 public:
  explicit ComposeCli(DockerEngine& engine, std::unique_ptr<ComposeDialect> dialect = make_compose_dialect("2.5.0"));
  // With the run's PathMap, paths in messages are printed as the script wrote them (virtual).
  ComposeCli(DockerEngine& engine, const core::PathMap& paths,
             std::unique_ptr<ComposeDialect> dialect = make_compose_dialect("2.5.0"));
  // The dialect by version, as a scenario's `docker.compose` names it ("1.29.2", "2.5.0", "v2.20.2").
  // Throws std::invalid_argument for a version no dialect models.
  ComposeCli(DockerEngine& engine, const core::PathMap& paths, std::string_view compose_version);
  void set_dialect(std::string_view compose_version);

  // args exclude the program name: {"-p", "blue", "-f", "docker-compose-blue.yml", "up", "-d"}.
  // `cwd` resolves relative -f paths and gives the default project name. Blocking (stop waits on
  // the grace period, `up --wait` on health): call from a shim server thread.
  core::CommandResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                          std::stop_token stop);

  const ComposeDialect& dialect() const { return *dialect_; }

 private:
  struct Project;   // the loaded project (compose_cli.cc)
  struct Context;   // one invocation: global flags, output
  struct PendingStart {
    std::string container;
    std::string service;
    ComposeStep step;  // create, recreate, or start (an existing stopped container)
  };

  core::CommandResult up(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult down(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult ps(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult stop(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult start(Context& ctx, const std::vector<std::string>& args);

  Project load_project(Context& ctx) const;
  std::string project_name(Context& ctx) const;
  void converge_service(Context& ctx, const Project& project, const ServiceConfig& service, const CliArgs& flags,
                        std::vector<PendingStart>& to_start);
  bool status_matches(const ContainerRecord& c, const std::string& status) const;
  // `up --wait`: until every selected service's container is running and, with a healthcheck,
  // healthy; an unhealthy or exited one fails `up` (exit 1).
  void wait_healthy(Context& ctx, const Project& project, const std::vector<const ServiceConfig*>& services);

  std::string shown(const std::filesystem::path& real) const;

  DockerEngine& engine_;
  const core::PathMap* paths_ = nullptr;
  std::unique_ptr<ComposeDialect> dialect_;
};

}  // namespace bg::fakes
