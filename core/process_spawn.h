#pragma once
// spawn_process: starts a program as a child process — optionally inside the namespaces of another
// running process (the run's sandboxed host) — with a clean signal state, its own session, chosen
// descriptors and nothing else of ours inherited. Used for deploy scripts, the real nginx and the
// real curl, so every process a run starts goes through one place.
//
// Every spawn starts bluegreen-relay (core/process_relay.c) with posix_spawn, never fork(): a fork
// of the harness copies its page tables and makes its next write to every page fault. Without
// namespaces to enter, the relay becomes the program. Entering a PID namespace only takes effect for
// the caller's children, so for a spawn into a sandbox the relay joins the namespaces, forks the
// program inside and stays outside, waiting for it, and exits as it did (same exit code, same
// signal); the program is a member of the sandbox's PID namespace and dies with that namespace's
// init. Callers watch `pid` (the relay, or the program itself when no namespace is entered) and
// signal `group`.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bg::core {

// The namespaces of a running process to join before exec: `pidfd` of that process and the
// CLONE_NEW* flags (CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, ...) to take from it.
struct NamespaceEntry {
  int pidfd = -1;
  int flags = 0;
};

struct SpawnRequest {
  std::vector<std::string> argv;           // argv[0] is the file executed (a path, no PATH search)
  std::map<std::string, std::string> env;  // the whole environment
  std::filesystem::path cwd = "/";         // as seen inside the namespaces entered
  int stdin_fd = -1;                       // -1: /dev/null
  int stdout_fd = -1;                      // -1: /dev/null
  int stderr_fd = -1;                      // -1: /dev/null
  const NamespaceEntry* enter = nullptr;   // nullptr: stay in the caller's namespaces
};

class Spawned {
 public:
  Spawned() = default;
  Spawned(Spawned&& o) noexcept;
  Spawned& operator=(Spawned&& o) noexcept;
  ~Spawned();  // closes pidfd; does not kill or wait (the caller owns the process's life)

  bool ok() const { return pid > 0; }

  pid_t pid = -1;    // the child to wait for: it ends as the program does
  pid_t group = -1;  // the program's process group (its own pid, in the caller's numbering)
  int pidfd = -1;    // for `pid`: readable when it has exited
  // When the program could not be started: what failed ("cannot execute /x: Permission denied"), and
  // the exit code a shell would give (127 not found, 126 not executable). `pid` is then -1.
  std::string error;
  int error_exit_code = 0;
  int error_number = 0;  // errno of what failed (ETXTBSY: a file still open for writing elsewhere)
};

// Starts the program. Throws std::system_error only when the caller's own resources fail (pipe,
// fork, pidfd); everything that can go wrong with the program is reported in Spawned::error.
Spawned spawn_process(const SpawnRequest& request);

// Whether any process of group `pgid` is still alive (zombies do not count: they hold nothing).
bool group_has_live_members(pid_t pgid);

}  // namespace bg::core
