#pragma once
// ComposeCli::Context: what one compose invocation carries between its steps (compose_cli*.cc).
#include <filesystem>
#include <optional>
#include <map>
#include <stop_token>
#include <string>

#include <fmt/format.h>

#include "core/command_result.h"
#include "core/time.h"
#include "fakes/docker/cli_args.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_loader.h"

namespace bg::fakes {

struct ComposeCli::Context {
  std::filesystem::path cwd;                      // host path
  const std::map<std::string, std::string>& env;  // the caller's environment
  std::stop_token stop;
  std::string program;  // "docker compose" or "docker-compose", for "not modelled" messages
  CliArgs global;
  std::string command;
  ComposeLoadOptions options;
  core::CommandResult result;
};

// `-t, --timeout` of up/down/stop/restart: whole seconds, pflag's error for anything else.
inline std::optional<core::Duration> timeout_flag(const CliArgs& flags) {
  if (!flags.has("timeout")) return std::nullopt;
  std::string v = flags.value("timeout");
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError(fmt::format(
        "invalid argument \"{}\" for \"-t, --timeout\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", v, v));
  return std::chrono::seconds(std::stoi(v));
}

}  // namespace bg::fakes
