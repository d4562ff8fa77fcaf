#pragma once
// RunArgs: `docker run` / `docker create` flags turned into a ContainerSpec, as docker/cli's
// cli/command/container/opts.go@v20.10.17 (addFlags, parse) reads them, with its errors: pflag's
// (exit 125), and parse()'s, which `docker run` reports as "docker: <error>.\nSee 'docker run
// --help'." (run.go reportError, exit 125).
//
// Modelled: -d --name -e --env-file -p --network --network-alias --restart --health-* --no-healthcheck
// -v --mount (bind, volume) --label --add-host -h --rm --init --stop-signal --stop-timeout -w -u
// --entrypoint -i -t --expose --pull --log-driver (json-file, local).
// Accepted because they do not change what the verdict depends on (resource limits, capabilities,
// DNS, logging options, content trust, platform): listed in kHarmless in the .cc. Every other flag
// docker has is "not modelled" by name. Relative -v sources (./x) are resolved against the cwd as
// Docker 23+ does (20.10 refused them as volume names): deploy scripts are written for both.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/docker_engine.h"

namespace bg::fakes {

struct RunArgs {
  ContainerSpec spec;
  bool detach = false;
  std::string pull = "missing";  // --pull missing|always|never
};

// The script's side of a call: where it runs and what it has.
struct RunContext {
  std::filesystem::path cwd;                                // host path
  const core::PathMap* paths = nullptr;                     // host path -> real path (nullptr: the same)
  const std::map<std::string, std::string>* env = nullptr;  // the script's environment
};

const CommandSpec& run_command_spec(bool create);

// `args` are what follows `docker run`. Throws CliFailure.
RunArgs parse_run_args(const std::vector<std::string>& args, bool create, const RunContext& context);

// docker/cli reportError: "docker: <error>." (one trailing dot) and, with help, the pointer to --help.
core::CommandResult report_error(const std::string& command, std::string error, bool with_help, int code = 125);

}  // namespace bg::fakes
