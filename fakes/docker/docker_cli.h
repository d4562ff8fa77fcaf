#pragma once
// DockerCli: the `docker` command of the article's host (Docker 20.10 on Amazon Linux 2) over the
// fake DockerEngine, with docker/cli@v20.10.17's output, messages and exit codes: pflag errors exit
// 125, daemon errors "Error response from daemon: ..." exit 1, `docker run` failures 125/126/127.
// `docker compose ...` goes to ComposeCli. A command docker does not have gets docker's refusal; one
// it has that the simulation does not model answers core::not_modelled_result naming it.
//
// The commands are split by role: dispatch and build (docker_cli.cc), run/create (docker_run_cmd.cc),
// the container verbs (docker_container_cmds.cc), exec and cp (docker_exec_cp_cmds.cc), inspect
// (docker_inspect_cmd.cc), ps (docker_ps_cmd.cc), images and the registry (docker_image_cmds.cc),
// networks and volumes (docker_network_cmds.cc).
#include <filesystem>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "core/command_result.h"
#include "core/path_map.h"
#include "fakes/docker/cli_args.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/docker_engine.h"

namespace bg::fakes {

// One `docker` invocation as the shim forwards it.
struct DockerCall {
  std::vector<std::string> args;           // without the program name: {"ps", "-a"}
  std::filesystem::path cwd;               // the script's working directory (a host path)
  std::map<std::string, std::string> env;  // the script's environment
  std::string stdin;                       // what was piped in
};

class DockerCli {
 public:
  DockerCli(DockerEngine& engine, ComposeCli& compose) : engine_(engine), compose_(compose) {}
  // With the run's PathMap: host paths (cwd, files) are opened through it and printed as host paths.
  DockerCli(DockerEngine& engine, ComposeCli& compose, const core::PathMap& paths)
      : engine_(engine), compose_(compose), paths_(&paths) {}

  // Blocking (`build` takes build_duration of scenario time, `stop` a grace period, `wait` until an
  // exit): call from a shim server thread.
  core::CommandResult run(const DockerCall& call, std::stop_token stop);
  core::CommandResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                          std::stop_token stop) {
    return run(DockerCall{args, cwd, {}, {}}, stop);
  }

  // go-units HumanSize: "2.048kB", "512B", "1.5MB" (decimal units, 4 significant digits).
  static std::string human_size(double bytes);

 private:
  using Args = std::vector<std::string>;
  using Result = core::CommandResult;

  Result dispatch(const std::string& command, const Args& rest, const DockerCall& call, std::stop_token stop);
  Result container_group(const Args& rest, const DockerCall& call, std::stop_token stop);
  Result image_group(const Args& rest, const DockerCall& call);

  Result build(const Args& args, const std::filesystem::path& cwd, std::stop_token stop);
  Result run_container(const Args& args, const DockerCall& call, bool create, std::stop_token stop);
  Result rm(const Args& args, std::stop_token stop);
  Result stop(const Args& args, std::stop_token stop);
  Result start(const Args& args);
  Result restart(const Args& args, std::stop_token stop);
  Result kill(const Args& args);
  Result logs(const Args& args);
  Result rename(const Args& args);
  Result wait(const Args& args, std::stop_token stop);
  Result port(const Args& args);
  Result exec(const Args& args, const DockerCall& call, std::stop_token stop);
  Result cp(const Args& args, const DockerCall& call);
  Result inspect(const Args& args, const std::string& forced_type);
  Result ps(const Args& args);
  Result images(const Args& args);
  Result pull(const Args& args);
  Result push(const Args& args);
  Result tag(const Args& args);
  Result rmi(const Args& args);
  Result image_prune(const Args& args, const DockerCall& call);
  Result login(const Args& args, const DockerCall& call);
  Result logout(const Args& args);
  Result network(const Args& args);
  Result volume(const Args& args);

  // "Unable to find image..." / `docker pull`'s progress lines for a pull that downloads.
  static std::string pull_progress(const std::string& ref, const PullResult& pulled);
  // Host path -> real path, and back for messages.
  std::filesystem::path real_path(const std::filesystem::path& host) const;
  std::string host_text(const std::filesystem::path& real) const;

  DockerEngine& engine_;
  ComposeCli& compose_;
  const core::PathMap* paths_ = nullptr;
};

}  // namespace bg::fakes
