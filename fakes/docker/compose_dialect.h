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
#include "fakes/docker/compose_interpolation.h"
#include "fakes/docker/container_runtime.h"
#include "fakes/docker/dockerfile.h"
#include "fakes/docker/image_store.h"

namespace bg::fakes {

// Why a depends_on condition failed (convergence.go waitDependencies).
enum class DependencyFailure { no_healthcheck, unhealthy, exited };

// One container operation of up/down/stop/start, as compose reports it.
// restart: v2 reports Restarting, then Started; v1 "Restarting x ... done".
enum class ComposeStep { create, recreate, start, stop, remove, restart };

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
  // One progress event as v2's plain writer prints it (see compose_dialect.cc).
  std::string event(const std::string& id, const std::string& text, const std::string& status) const;
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

  // --- flags each command accepts (anything else is a usage error); nullptr for a command this
  // version does not have.
  virtual const std::vector<FlagSpec>* command_flags(const std::string& command) const;

  // --- loading a project (compose_loader.h)
  // Which compose generation's loader: interpolation, validation and merge rules.
  virtual TemplateSyntax generation() const { return template_syntax_for(version()); }
  // The text of the warning for a variable that is not set (compose-go template.go).
  virtual std::string unset_variable(const std::string& name) const;
  // A warning as compose prints it on a non-TTY stderr, with its newline: logrus's text formatter
  // (`time="..." level=warning msg="..."`); `now` is the scenario time of the call.
  virtual std::string warning(const std::string& message, core::Time now) const;
  // The exit code when the project cannot be loaded: v2 (cmd/compose/compose.go AdaptCmd, metrics.go)
  // 14 for a file not found, 15 for a file compose refuses.
  virtual int load_failure_exit(bool not_found) const { return not_found ? 14 : 15; }
  // The exit code of a failed pull (metrics.go PullFailure).
  virtual int pull_failure_exit() const { return 18; }
  // The exit code of a failed build (metrics.go BuildFailure).
  virtual int build_failure_exit() const { return 17; }
  virtual std::string no_such_service(const std::string& service) const { return "no such service: " + service; }

  // --- the other commands
  // `version` (the command; --version is version_line()).
  virtual std::string version_command(bool short_form) const;
  // `rm` with nothing stopped: v2 says so on stderr, v1 on stdout.
  virtual void no_stopped_containers(core::CommandResult& r) const { r.err += "No stopped containers\n"; }
  // `rm -f` before removing: "Going to remove a, b" on stdout (v1 and v2).
  virtual std::string going_to_remove(const std::vector<std::string>& containers) const;
  // `pull`: the lines around pulling one service's image.
  virtual std::string pull_command_begin(const std::string& service) const { return event(service, "Pulling", ""); }
  virtual std::string pull_command_done(const std::string& service) const { return event(service, "Pulled", ""); }
  virtual std::string pull_skipped(const std::string& service, bool exists) const;
  // `start`: v1 reports per service ("Starting blue ... done"), v2 per container.
  virtual bool starts_by_service() const { return false; }
  // `start` / `restart` when a service has no container: the error.
  virtual std::string nothing_to_start(const std::string& service) const;
  // `up`/`start` waiting on a dependency's condition (v2 progress events; v1 prints nothing).
  virtual std::string dependency_event(const std::string& container, const std::string& event) const;
  // `up` when a dependency's condition fails: the whole stderr tail (with newlines).
  virtual std::string dependency_error(const std::string& dependent, const std::string& dependency,
                                       const ContainerRecord& container, DependencyFailure why, int exit_code) const;
  // An external network that does not exist (create.go ensureNetwork; network.py).
  virtual std::string external_network_missing(const std::string& network) const;
  // Containers of the project whose service is no longer in its files (create.go; project.py).
  virtual std::string orphans_found(const std::vector<std::string>& containers) const;
  // `build`: the builder's output for one service (BuildKit's in v2, the legacy builder's in v1).
  virtual core::CommandResult build_output(const std::string& service, const std::string& image,
                                           const Dockerfile& dockerfile, const BuildResult& built) const;
  // docker-compose 1.x warns when `up` builds an image that was missing; v2 builds silently.
  virtual std::string built_because_missing(const std::string&) const { return ""; }
  // docker-compose 1.x writes every "Verb x ... " of a batch first, then each result (parallel.py
  // parallel_execute); v2 reports each container's pair as it goes.
  virtual bool batches_progress() const { return false; }
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
