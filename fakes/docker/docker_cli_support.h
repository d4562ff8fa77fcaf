#pragma once
// What every `docker` subcommand shares: its cobra description (path, usage line, short text,
// flags), pflag parsing with docker/cli's FlagErrorFunc (exit 125, "See 'docker rm --help'."),
// cobra's argument-count errors (cli/required.go@v20.10.17, exit 1), typed flag values with pflag's
// "invalid argument" errors, the "known to docker but not modelled" check, and the shape of the
// errors commands return (printed on stderr by cmd/docker/docker.go, exit 1).
#include <optional>
#include <string>
#include <vector>

#include "core/go_duration.h"
#include "core/command_result.h"
#include "core/time.h"
#include "fakes/docker/cli_args.h"

namespace bg::fakes {

struct CommandSpec {
  std::string path;   // "docker rm"
  std::string usage;  // "docker rm [OPTIONS] CONTAINER [CONTAINER...]"
  std::string short_text;
  std::vector<FlagSpec> flags;
  bool interspersed = true;  // false: flags end at the first argument (run, exec)
  // Flags docker has for this command that the simulation does not model (long names).
  std::vector<std::string> unmodelled;
};

// A command ends early with this reply (a usage error, a not-modelled flag).
struct CliFailure {
  core::CommandResult result;
};

// Parses the flags (adding --help); throws CliFailure: a pflag error (125), a flag docker has but
// the simulation does not model (not_modelled_result "docker run --cpus"), or `--help` (exit 0 with
// the usage).
CliArgs parse_command(const CommandSpec& spec, const std::vector<std::string>& args);

// cobra's argument checks; throw CliFailure (exit 1) with docker's text.
void require_min(const CommandSpec& spec, const CliArgs& a, size_t n);
void require_exact(const CommandSpec& spec, const CliArgs& a, size_t n);
void require_range(const CommandSpec& spec, const CliArgs& a, size_t min, size_t max);
void require_none(const CommandSpec& spec, const CliArgs& a);

// pflag typed values: throw CliFailure (125) "invalid argument \"x\" for \"-t, --time\" flag: ...".
int int_flag(const CommandSpec& spec, const CliArgs& a, const std::string& name, int fallback);
// Go's time.ParseDuration ("1m30s", "500ms").
core::Duration duration_flag(const CommandSpec& spec, const CliArgs& a, const std::string& name);
using core::parse_go_duration;

// cmd/docker/docker.go: a command's error on stderr, exit 1.
core::CommandResult failed(const std::string& message, int code = 1);
// The daemon's words as the API client returns them.
std::string daemon_error(const std::string& what);

// Docker's clock for what it prints (inspect times, logs -t, images CREATED): scenario time since
// the run began, laid after a fixed date (simplification: 2024-01-01T00:00:00Z) so that scripts
// parsing RFC 3339 get stable, ordered values. Zero (never happened) is Go's zero time.
std::string docker_time(core::Time t, bool nanos = true);
inline constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";
// Seconds since the Unix epoch of a scenario time (ps/images "CreatedAt").
int64_t unix_seconds(core::Time t);

}  // namespace bg::fakes
