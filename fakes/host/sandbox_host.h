#pragma once
// SandboxHost: the run's sandboxed host, live. It starts bluegreen-host on a MountPlan (HostLayout),
// waits until the host's init reports ready, and from then on lets the run spawn processes into the
// host's namespaces (core::spawn_process with one of the entries below) and read and write the
// host's files through root(). stop() kills the init, and with it, by the kernel's PID-namespace
// rule, every process the host ever ran — `setsid` daemons and `nohup` jobs included. If the harness
// dies first, PR_SET_PDEATHSIG does the same.
//
// Where the kernel does not allow the namespaces (no unprivileged user namespaces, a seccomp policy
// that forbids unshare or mount), the constructor throws SandboxUnavailable saying so: a run never
// falls back to running scripts on the machine itself.
#include <sys/types.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/process_spawn.h"
#include "fakes/host/mount_plan.h"

namespace bg::fakes {

class SandboxUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SandboxHost {
 public:
  // Starts the host described by `plan` (written to `plan_file` for the init to read) with the init
  // binary `init_binary`. Blocks until the host is ready, at most a few seconds of real time.
  SandboxHost(const MountPlan& plan, const std::filesystem::path& plan_file, const std::filesystem::path& init_binary);
  ~SandboxHost();  // stop()
  SandboxHost(const SandboxHost&) = delete;
  SandboxHost& operator=(const SandboxHost&) = delete;

  // Kills the host's init and waits until it and its namespace's processes are gone. Idempotent.
  void stop();

  // The host's "/" as the harness sees it (/proc/<init>/root): a core::PathMap entry for "/".
  std::filesystem::path root() const;
  pid_t init_pid() const { return init_pid_; }

  // For deploy scripts: every namespace of the host, its network included (loopback only: the
  // shims are a script's only way out).
  const core::NamespaceEntry& whole_host() const { return whole_; }
  // For the real curl a shim hands a request to: the host's files and processes, the harness's
  // network (it must reach the run's loopback ports).
  const core::NamespaceEntry& files_not_network() const { return files_; }
  // For the real nginx: only the host's process tree (so it dies with the host); the machine's
  // files and the harness's network.
  const core::NamespaceEntry& process_tree_only() const { return tree_; }

 private:
  void keep(const std::filesystem::path& plan_file, const std::filesystem::path& init_binary, int report_fd);

  pid_t keeper_child_ = -1;  // bluegreen-host before its fork: the init's parent
  pid_t init_pid_ = -1;
  int init_pidfd_ = -1;
  core::NamespaceEntry whole_, files_, tree_;
  std::thread keeper_;  // forks bluegreen-host and waits for it: the init's PDEATHSIG parent
  std::mutex mutex_;
  bool stopped_ = false;
};

}  // namespace bg::fakes
