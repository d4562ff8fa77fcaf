#pragma once
// ScriptRunner: runs one hook script as a real child process the way the CodeDeploy agent does
// (hook_executor.rb: the script file itself is executed, in its own process group, stdin closed,
// stdout/stderr captured, the group signalled on timeout), and guarantees nothing it started
// outlives the call.
#include <filesystem>
#include <map>
#include <stop_token>
#include <string>

#include "core/clock.h"
#include "core/time.h"

namespace bg::fakes {

struct ScriptRequest {
  std::filesystem::path script;  // real path of the script file; executed directly (its #! line decides)
  std::filesystem::path cwd;     // the deployment archive folder, as for the agent
  // The whole environment of the script (nothing is inherited from this process).
  std::map<std::string, std::string> env;
  core::Duration timeout = std::chrono::seconds(3600);  // scenario time
  // Where stdout/stderr are also written as they arrive; empty: not written.
  std::filesystem::path stdout_file;
  std::filesystem::path stderr_file;
};

struct ScriptResult {
  int exit_code = -1;      // the script's exit status; 128+signal when a signal ended it; -1 when unknown
  bool timed_out = false;  // the timeout passed before the script exited and closed its output
  bool stopped = false;    // the stop token ended it
  std::string out;
  std::string err;
  std::string spawn_error;  // non-empty when the script could not be started (exec failed)
  core::Time start{};
  core::Time end{};
};

class ScriptRunner {
 public:
  // `kill_grace`: scenario time between SIGTERM to the group and SIGKILL.
  explicit ScriptRunner(core::Clock& clock, core::Duration kill_grace = std::chrono::seconds(2));

  // Runs the script to completion, timeout or stop. The event is held until the script has exited
  // *and* its stdout/stderr are closed: a child backgrounded with `&` that keeps them open holds it
  // until that child exits or the timeout passes (semantics.md §4 "Scripts"). Whatever is left in
  // the script's process group when this returns is killed and waited for.
  ScriptResult run(const ScriptRequest& request, std::stop_token stop = {});

 private:
  core::Clock& clock_;
  core::Duration kill_grace_;
};

}  // namespace bg::fakes
