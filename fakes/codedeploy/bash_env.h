#pragma once
// The BASH_ENV file that lets users' bash scripts run unmodified: bash reads it before running a
// non-interactive script, and the `cd`/`pushd` functions it defines rewrite the deployment's absolute
// paths (`cd /home/ec2-user/temp`) to the run's folders (design.md "Dependencies", BASH_ENV note).
//
// Limits, by design of the mechanism: only bash reads BASH_ENV (a `#!/bin/sh` script, or bash
// started as `sh`, does not, and its `cd` goes to the real path); only `cd` and `pushd` are
// mapped (`cp x /home/ec2-user/temp/` is not), so scripts should `cd` first and use relative paths,
// as the seed's do.
#include <filesystem>
#include <string>

#include "core/path_map.h"

namespace bg::fakes {

// The file's text: a mapping function over the PathMap's prefixes (longest first) and the `cd` and
// `pushd` wrappers that pass every argument through it to the builtins.
std::string bash_env_text(const core::PathMap& paths);

// Writes bash_env_text(paths) to `path` (creating its folder). Throws std::runtime_error on failure.
void write_bash_env(const std::filesystem::path& path, const core::PathMap& paths);

}  // namespace bg::fakes
