#pragma once
// ComposeCli: `docker-compose ...` (standalone v2) and `docker compose ...` (the CLI plugin) over the
// fake DockerEngine — project loading, `up -d` with compose's recreate rule, `down`, `ps`, `stop`,
// `start`, `version` — with compose's own output, messages and exit codes (semantics.md §3). The
// words come from a ComposeDialect, so other compose versions are a dialect away.
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
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

  // args exclude the program name: {"-p", "blue", "-f", "docker-compose-blue.yml", "up", "-d"}.
  // `cwd` resolves relative -f paths and gives the default project name. Blocking (stop waits on
  // the grace period): call from a shim server thread.
  core::CommandResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                          std::stop_token stop);

  const ComposeDialect& dialect() const { return *dialect_; }

 private:
  struct Project;   // the loaded project (compose_cli.cc)
  struct Context;   // one invocation: global flags, output

  core::CommandResult up(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult down(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult ps(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult stop(Context& ctx, const std::vector<std::string>& args);
  core::CommandResult start(Context& ctx, const std::vector<std::string>& args);

  Project load_project(Context& ctx) const;
  std::string project_name(Context& ctx) const;
  void converge_service(Context& ctx, const Project& project, const ServiceConfig& service, const CliArgs& flags,
                        std::vector<std::string>& to_start);

  std::string shown(const std::filesystem::path& real) const;

  DockerEngine& engine_;
  const core::PathMap* paths_ = nullptr;
  std::unique_ptr<ComposeDialect> dialect_;
};

}  // namespace bg::fakes
