#pragma once
// The flags of each compose command, per version, and which of them the fakes act on. A flag the
// version does not have is compose's own usage error; a flag it has and the fakes do not model is
// "not modelled" (core::not_modelled_result), never silently ignored.
// Sources: docker/compose v2.5.0 and v2.20.2 cmd/compose/*.go (and docs/reference/compose_*.md);
// docker-compose 1.29.2 compose/cli/main.py docstrings (docopt).
#include <string>
#include <vector>

#include "fakes/docker/cli_args.h"

namespace bg::fakes {

// The global flags (before the command). `minor` is the v2 minor version (2.x); 0 for v1.
const std::vector<FlagSpec>& compose_global_flags(int major, int minor);
// The flags of `command`; nullptr when the version has no such command.
const std::vector<FlagSpec>* compose_command_flags(int major, int minor, const std::string& command);
// The first flag given that the fakes do not act on, as "docker compose up --scale"; "" when none.
std::string unmodelled_compose_flag(const std::string& program, const std::string& command, const CliArgs& flags);

}  // namespace bg::fakes
