#pragma once
// ScriptRunner: runs one hook script as a real child process the way the CodeDeploy agent does
// (hook_executor.rb: the script file itself is executed, in its own process group, stdin closed,
// stdout/stderr captured, the group signalled on timeout), inside the run's sandboxed host when one
// is given. What it keeps of a script's output is bounded, however much the script writes.
#include <filesystem>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/virtual_clock.h"
#include "core/process_spawn.h"
#include "core/time.h"

namespace bg::fakes {

struct ScriptRequest {
  std::filesystem::path script;   // the script file, as seen where it runs; executed directly (its #! decides)
  std::vector<std::string> args;  // arguments after the script's path (none for a hook script)
  std::filesystem::path cwd;      // the deployment archive folder, as for the agent
  std::string stdin_data;         // what the program reads on stdin (a hook's stdin is empty)
  // The whole environment of the script (nothing is inherited from this process).
  std::map<std::string, std::string> env;
  core::Duration timeout = std::chrono::seconds(3600);  // scenario time
  // Where stdout/stderr are also written as they arrive (up to a bound); empty: not written.
  std::filesystem::path stdout_file;
  std::filesystem::path stderr_file;
  // The sandboxed host to run in (its namespaces); nullptr: on this machine (unit tests only).
  const core::NamespaceEntry* host = nullptr;
};

// Output kept of one stream: its first and last kKept bytes, and how much was written in all.
struct CapturedOutput {
  static constexpr size_t kKept = 64 * 1024;
  std::string head;  // the first kKept bytes
  std::string tail;  // the last kKept bytes after the head (a ring, unrolled on read)
  size_t total = 0;  // bytes the script wrote

  void append(const char* data, size_t n);
  // Everything kept, with a line saying how much was left out between head and tail.
  std::string text() const;
  bool truncated() const { return total > head.size() + tail.size(); }
};

struct ScriptResult {
  int exit_code = -1;      // the script's exit status; 128+signal when a signal ended it; -1 when unknown
  bool timed_out = false;  // the timeout passed before the script exited and closed its output
  bool stopped = false;    // the stop token ended it
  std::string out;         // kept output (bounded: CapturedOutput::text())
  std::string err;
  size_t out_bytes = 0;  // what the script wrote in all
  size_t err_bytes = 0;
  std::string spawn_error;  // non-empty when the script could not be started (exec failed)
  core::Time start{};
  core::Time end{};
};

class ScriptRunner {
 public:
  // `kill_grace`: scenario time between SIGTERM to the group and SIGKILL. On a VirtualClock the
  // script holds time still while it runs between shim calls (core/script_turns.h), and one that
  // runs the clock's ScriptTurns::spin_limit() of real time without a call is stopped as not
  // runnable there: the ScriptTurns is told, and the result says `stopped`.
  explicit ScriptRunner(core::Clock& clock, core::Duration kill_grace = std::chrono::seconds(2));

  // Runs the script to completion, timeout or stop. The event is held until the script has exited
  // *and* its stdout/stderr are closed: a child backgrounded with `&` that keeps them open holds it
  // until that child exits or the timeout passes (semantics.md §4 "Scripts"). A child that closed
  // them (`./deploy.sh > /dev/null 2>&1 &`) outlives the hook, as on an instance, and dies with the
  // sandboxed host; without a host (tests) whatever is left of the group is killed here.
  ScriptResult run(const ScriptRequest& request, std::stop_token stop = {});

 private:
  ScriptResult run_on_virtual_clock(core::VirtualClock& clock, const ScriptRequest& request, std::stop_token stop);

  core::Clock& clock_;
  core::Duration kill_grace_;
};

}  // namespace bg::fakes
