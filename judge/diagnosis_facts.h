#pragma once
// DiagnosisFacts: what diagnosis (judge/diagnosis.h) needs from a history, read in one pass: each
// container's life and host port, how its app answers SIGTERM, the proxy's workers, loads and peer
// verdicts, the deploy scripts' compose, sleep and nginx calls, and every lost request with the peer
// the proxy last tried for it. Memory grows with the swaps, the proxy's peer verdicts and the lost
// requests, not with the requests that succeeded.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/history.h"
#include "reports/failed_request_join.h"

namespace bg::judge {

struct ContainerLife {
  int host_port = 0;    // the host port its published port is bound to (0: none)
  std::string sigterm;  // the app's SIGTERM behaviour: exit_immediately, graceful, ignore
  std::vector<core::Time> created, started, stop_requested, ready;
  std::vector<std::pair<core::Time, int>> exits;  // (when, exit code)
};

struct PeerDown {
  core::Time at{};
  int worker = 0;
  std::string peer;  // as the config names it: localhost:3001, green-green-1:3000
};

struct ScriptCall {
  core::Time start{}, end{};
  int deployment = 0;
  std::string program;  // docker-compose, docker, sleep, nginx
  std::vector<std::string> args;
  int exit_code = 0;
  std::string script;  // as the user names it
  int line = 0;
  // "docker-compose -p green -f docker-compose-green.yml up -d", as the script wrote it (near enough).
  std::string command() const;
  // Compose, v1 (`docker-compose ...`) or v2 (`docker compose ...`).
  bool is_compose() const;
  bool has_arg(const char* word) const;
  // The command with `words` after its first `after` argument ("ps" -> "ps --status running -q").
  std::string command_with(const char* after, const std::string& words) const;
  // The command without the argument `word`.
  std::string command_without(const char* word) const;
};

struct LostFact {
  core::Time start{}, end{}, at{};  // at: reports::lost_at
  bool post = false;
  std::string cause;  // the failure class without the method: "502 no live upstreams"
  std::string peer;   // the last peer the proxy tried for it ("" none: no live upstreams)
};

class DiagnosisFacts {
 public:
  void observe(const core::Entry& entry);
  void failed(const reports::JoinedFailure& f);

  std::map<std::string, ContainerLife> containers;
  int proxy_workers = 1;
  std::vector<core::Time> proxy_loads;  // its start and every reload that applied a configuration
  std::vector<PeerDown> peer_downs;
  std::vector<ScriptCall> calls;
  std::vector<LostFact> lost;
  std::vector<core::Time> duplicate_posts;  // each POST's second execution (post_at_most_once broken)

 private:
  // Each POST's first execution, until it is too old for a retry to run it again.
  std::unordered_map<uint64_t, core::Time> post_executions_;
  uint64_t observed_ = 0;
};

}  // namespace bg::judge
