#pragma once
// ComposeV1Dialect: the Python docker-compose 1.27–1.29 (the article's era; 1.29.2 is the last)
// as semantics.md §3 describes it: names `<project>_<service>_<n>`, one progress line pair per
// container ("Creating blue_blue_1 ... " then "Creating blue_blue_1 ... done"), `ps` as a texttable
// (`Name Command State Ports`, a dashes line, `Up`, `Exit 0`, stopped containers listed), errors
// and warnings logged without a level prefix on a non-TTY stderr (exit 1), docopt usage errors
// that print the command's help (exit 1), and no `--status`/`--format` on `ps`, no `--wait` on `up`.
// Simplification: v1 ends each progress line with "\r\n" on a non-TTY (ParallelStreamWriter) and
// pads names to the widest in a batch; here lines end with "\n" and are not padded.
#include <string>

#include "fakes/docker/compose_dialect.h"

namespace bg::fakes {

class ComposeV1Dialect : public ComposeDialect {
 public:
  explicit ComposeV1Dialect(std::string version = "1.29.2") : version_(std::move(version)) {}
  std::string version() const override { return version_; }
  std::string version_line() const override;
  bool is_cli_plugin() const override { return false; }

  std::string container_name(const std::string& project, const std::string& service, int number) const override;

  std::string step_begin(ComposeStep step, const std::string& container) const override;
  std::string step_done(ComposeStep step, const std::string& container) const override;
  std::string step_error(ComposeStep step, const std::string& container) const override;
  bool merges_create_and_start() const override { return true; }
  std::string up_to_date(const std::string& container) const override;
  std::string network_created(const std::string& network) const override;
  std::string network_removed(const std::string& network) const override;
  std::string pull_begin(const std::string& service, const std::string& image) const override;
  std::string pull_failed(const std::string& service, const std::string& message) const override;
  std::string start_failed(const std::string& service, const std::string& container,
                           const std::string& message) const override;
  std::string nothing_to_remove(const std::string& project) const override;
  // Logged errors carry no "ERROR: " prefix on a non-TTY stderr (see warning()).
  std::string daemon_error(const std::string& message) const override { return message + "\n"; }
  std::string error(const std::string& message) const override { return message + "\n"; }

  core::CommandResult unknown_command(const std::string& command) const override;
  core::CommandResult bad_flag(const std::string& command, const std::string& message) const override;
  std::string usage() const override;

  const std::vector<FlagSpec>* command_flags(const std::string& command) const override;
  std::string unset_variable(const std::string& name) const override;
  std::string warning(const std::string& message, core::Time now) const override;
  int load_failure_exit(bool) const override { return 1; }
  int pull_failure_exit() const override { return 1; }
  int build_failure_exit() const override { return 1; }
  std::string no_such_service(const std::string& service) const override { return "No such service: " + service; }
  std::string version_command(bool short_form) const override;
  void no_stopped_containers(core::CommandResult& r) const override;
  std::string pull_command_begin(const std::string& service) const override;
  std::string pull_command_done(const std::string& service) const override;
  std::string pull_skipped(const std::string& service, bool exists) const override;
  bool starts_by_service() const override { return true; }
  std::string nothing_to_start(const std::string& service) const override;
  std::string dependency_event(const std::string&, const std::string&) const override { return ""; }
  core::CommandResult build_output(const std::string& service, const std::string& image, const Dockerfile& dockerfile,
                                   const BuildResult& built) const override;
  std::string built_because_missing(const std::string& service) const override;
  bool batches_progress() const override { return true; }
  std::string dependency_error(const std::string& dependent, const std::string& dependency,
                               const ContainerRecord& container, DependencyFailure why, int exit_code) const override;
  std::string external_network_missing(const std::string& network) const override;
  std::string orphans_found(const std::vector<std::string>& containers) const override;
  bool project_needs_file() const override { return true; }
  std::string no_config_file() const override;
  std::string missing_file(const std::string& absolute, const std::string& as_given) const override;

  std::string ps_table(const std::vector<ContainerRecord>& containers, core::Time now) const override;

  // State column (compose/container.py human_readable_state): Up, Up (healthy), Up (health:
  // starting), Exit N (also for created), Paused, Restarting.
  static std::string state(const ContainerRecord& c);
  // Command column: entrypoint + cmd, cut to 26 characters + " ..." when longer than 30.
  static std::string command(const ContainerRecord& c);

 private:
  std::string version_;
};

}  // namespace bg::fakes
