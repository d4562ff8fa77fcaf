#pragma once
// DockerCli: the `docker` command of the article's host (Docker 20.10 on Amazon Linux 2) over the
// fake DockerEngine: `docker build` with the legacy builder's output, `docker ps`, `docker inspect`, and
// `docker compose ...` handed to ComposeCli. Anything else gets docker's own refusal.
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "core/command_result.h"
#include "core/path_map.h"
#include "fakes/docker/cli_args.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/docker_engine.h"

namespace bg::fakes {

class DockerCli {
 public:
  DockerCli(DockerEngine& engine, ComposeCli& compose) : engine_(engine), compose_(compose) {}
  // With the run's PathMap, paths in messages are printed as the script wrote them (virtual).
  DockerCli(DockerEngine& engine, ComposeCli& compose, const core::PathMap& paths)
      : engine_(engine), compose_(compose), paths_(&paths) {}

  // args exclude the program name: {"build", "-t", "docker-image", "."}. Blocking (`build` takes
  // build_duration of scenario time): call from a shim server thread.
  core::CommandResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                          std::stop_token stop);

  // go-units HumanSize: "2.048kB", "512B", "1.5MB" (decimal units, 4 significant digits).
  static std::string human_size(double bytes);

 private:
  core::CommandResult build(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                            std::stop_token stop);
  core::CommandResult ps(const std::vector<std::string>& args);
  core::CommandResult inspect(const std::vector<std::string>& args);

  DockerEngine& engine_;
  ComposeCli& compose_;
  const core::PathMap* paths_ = nullptr;
};

}  // namespace bg::fakes
