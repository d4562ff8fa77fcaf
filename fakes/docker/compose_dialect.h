#pragma once
// ComposeDialect: what differs between compose versions in what a script sees — container names,
// progress lines, the `ps` table and its flags, error wording, usage errors and exit codes
// (semantics.md §3). ComposeCli decides; the dialect words it. Three dialects exist:
// ComposeV1Dialect (docker-compose 1.29.x, Python), ComposeV2Dialect (v2.0.0–v2.14.x, the seed's
// standalone v2.5.0) and ComposeV215Dialect (v2.15.0 onward); make_compose_dialect picks one from a
// version string.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/command_result.h"
#include "core/time.h"
#include "fakes/docker/cli_args.h"
#include "fakes/docker/container_runtime.h"

namespace bg::fakes {

// One container operation of up/down/stop/start, as compose reports it.
enum class ComposeStep { create, recreate, start, stop, remove };

class ComposeDialect {
 public:
  virtual ~ComposeDialect() = default;
  virtual std::string version() const = 0;  // "2.5.0"
  int major() const;                        // 1 or 2
  // `docker-compose version` / `--version`.
  virtual std::string version_line() const;
  // Whether `docker compose` (the CLI plugin) exists: v2 only; v1 is a separate program.
  virtual bool is_cli_plugin() const { return true; }

  virtual std::string container_name(const std::string& project, const std::string& service, int number) const;
  virtual std::string network_name(const std::string& project) const { return project + "_default"; }

  // --- progress (stderr), each with its newline(s)
  virtual std::string step_begin(ComposeStep step, const std::string& container) const;
  virtual std::string step_done(ComposeStep step, const std::string& container) const;
  // The step failed (v1 "Creating x ... error"; v2 prints nothing before the daemon's error).
  virtual std::string step_error(ComposeStep, const std::string&) const { return ""; }
  // v1 creates and starts a container in one reported step ("Creating x ... done" after start);
  // v2 reports Created, then Starting/Started.
  virtual bool merges_create_and_start() const { return false; }
  // A container that is up to date and running (v2 "Running", v1 "is up-to-date").
  virtual std::string up_to_date(const std::string& container) const;
  virtual std::string network_created(const std::string& network) const;
  virtual std::string network_removed(const std::string& network) const;
  virtual std::string pull_begin(const std::string& service, const std::string& image) const;
  virtual std::string pull_failed(const std::string& service, const std::string& message) const;
  // `up` could not start a container (port already allocated, ...): the whole stderr tail.
  virtual std::string start_failed(const std::string& service, const std::string& container,
                                   const std::string& message) const;
  // stderr of `down` on a project with nothing to remove.
  virtual std::string nothing_to_remove(const std::string& project) const;
  // A daemon error as the CLI prints it (with its newline).
  virtual std::string daemon_error(const std::string& message) const;
  // Any other error the CLI reports (missing file, bad flag value...), with its newline.
  virtual std::string error(const std::string& message) const { return message + "\n"; }

  // --- usage errors: the whole result (exit code, stdout, stderr)
  virtual core::CommandResult unknown_command(const std::string& command) const;
  virtual core::CommandResult bad_flag(const std::string& command, const std::string& message) const;
  virtual std::string usage() const;  // top-level help (stdout)

  // --- flags each command accepts (anything else is a usage error)
  virtual const std::vector<FlagSpec>& up_flags() const;
  virtual const std::vector<FlagSpec>& ps_flags() const;
  // v1 needs a compose file for every command; v2 takes `-p name` alone for down/ps/stop/start.
  virtual bool project_needs_file() const { return false; }
  // The error when no compose file is found in the working directory.
  virtual std::string no_config_file() const { return "no configuration file provided: not found"; }
  // The error for a -f file that does not exist: `absolute` as the script's paths show it, and
  // the argument as given.
  virtual std::string missing_file(const std::string& absolute, const std::string&) const {
    return "open " + absolute + ": no such file or directory";
  }

  // --- ps
  // Whether `ps` without -a lists stopped containers (v2 < 2.15 and v1 do: race R10).
  virtual bool ps_lists_stopped() const { return true; }
  // The `ps` table for the containers shown (already sorted by name).
  virtual std::string ps_table(const std::vector<ContainerRecord>& containers, core::Time now) const;
  // `ps --format X`: json or (v2.15+) a Go template. Throws std::invalid_argument with the CLI's
  // message for a format this version cannot parse.
  virtual std::string ps_format(const std::vector<ContainerRecord>& containers, core::Time now,
                                const std::string& format) const;
  // `ps -q`: v1 and v2 print full ids.
  virtual std::string ps_quiet(const std::vector<ContainerRecord>& containers) const;
};

class ComposeV2Dialect : public ComposeDialect {
 public:
  explicit ComposeV2Dialect(std::string version = "2.5.0") : version_(std::move(version)) {}
  std::string version() const override { return version_; }

  // STATUS column: `running`, `running (healthy)`, `exited (0)`, `dead (1)`, else the raw state.
  static std::string status(const ContainerRecord& c);
  // PORTS column: "0.0.0.0:3000->3000/tcp" for a running container, "" otherwise.
  static std::string ports(const ContainerRecord& c);

 private:
  std::string version_;
};

// The engine's human status as `docker ps` and compose 2.15+ print it (moby State.String()):
// "Up 5 seconds", "Up 5 seconds (healthy)", "Exited (0) 3 seconds ago", "Created", "Dead".
std::string engine_status(const ContainerRecord& c, core::Time now);

// The dialect for a compose version string ("2.5.0", "v2.5", "1.29.2", "2.20.2"). Throws
// std::invalid_argument for a version no dialect models.
std::unique_ptr<ComposeDialect> make_compose_dialect(std::string_view version);

}  // namespace bg::fakes
