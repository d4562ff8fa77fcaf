#pragma once
// The typed events of a run. Everything observable is one of these, appended to core::History.
// Checkers and reports read only these, so a saved history (JSONL) can be judged again later.
// Times are scenario time since the run began. Their JSON form (history.jsonl) is core/events_json.h,
// kept apart so that the many files that use events but never JSON do not parse nlohmann/json.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/event_kinds.h"
#include "core/time.h"

namespace bg::core {

// Jepsen's outcome classes: ok; fail (definitely did not take effect or definitely failed: refused,
// 5xx from the proxy); info (indeterminate: reset or timed out after the request was sent).
enum class Outcome { ok, fail, info };

// One client request through the proxy, as the client saw it.
struct RequestEvent {
  uint64_t id = 0;  // also sent as X-Request-Id, so proxy and app events can name it
  int client = 0;
  std::string method;  // GET, POST
  std::string path;
  Time intended{};    // when the open-loop schedule wanted it sent
  Time start{};       // when the client began connecting
  Time end{};         // when the response was complete or the failure was seen
  int status = 0;     // HTTP status; 0 when no response arrived
  std::string error;  // "" or the failure class: connect_refused, reset, eof, timeout, bad_response
  Outcome outcome = Outcome::ok;
  std::string served_by;     // container name from X-Served-By ("" when no app answered)
  std::string build_id;      // from X-Build-Id
  std::string execution_id;  // from X-Execution-Id (POST /api/echo)
};

// A container's life as the fake Docker runtime sees it. what: core/event_kinds.h lists them.
struct ContainerEvent {
  Time at{};
  std::string container;  // e.g. blue-blue-1
  std::string project;    // compose project (-p)
  std::string service;
  ContainerWhat what = ContainerWhat::created;  // every writer sets it; a history record must name it
  int exit_code = 0;                            // for exited
  std::string detail;                           // signal name, image, published ports, error text
};

// The Next.js process inside a container: starting, listening, ready, draining, exited,
// execution (a POST handler ran), cut (an in-flight request dropped at exit); see core/event_kinds.h.
struct AppEvent {
  Time at{};
  std::string container;
  std::string build_id;
  AppWhat what = AppWhat::starting;  // every writer sets it; a history record must name it
  uint64_t request_id = 0;           // for execution and cut
  std::string execution_id;          // for execution
  std::string detail;
};

// One call of a shimmed command (docker, docker-compose, sleep, nginx, curl) by a deploy script.
struct ShimEvent {
  Time start{};
  Time end{};
  std::string program;
  std::vector<std::string> args;
  std::string cwd;
  int exit_code = 0;
  std::string out;  // stdout as returned to the script
  std::string err;  // stderr as returned to the script
  int deployment = 0;
  std::string hook;
  std::string script;        // the user's script that made the call, as the user names it ("" unknown)
  int line = 0;              // its line (0: unknown, e.g. a /bin/sh script, which is not traced)
  std::string not_modelled;  // what the call asked for that the simulation does not model ("" none)
};

// What the proxy logs: error-log lines in nginx's wording, access-log lines, peer state changes and
// reloads. kind: error_log, access_log, peer_down, peer_up, reload, reload_failed, started, stopped,
// unowned_address_refused (core/event_kinds.h).
struct ProxyEvent {
  Time at{};
  ProxyEventKind kind = ProxyEventKind::error_log;  // every writer sets it; a history record must name it
  std::string level;                                // nginx log level for error_log: error, warn, notice
  std::string message;
  std::string peer;  // upstream address as written in the config (localhost:3001)
  uint64_t request_id = 0;
  int worker = 0;
  int status = 0;               // access_log: status sent to the client
  int attempts = 0;             // access_log: upstream attempts made
  std::string upstream_status;  // access_log: nginx's $upstream_status, e.g. "502, 200"
};

// The deployment's own timeline. kind: deployment_started, hook_started, hook_finished,
// hook_timed_out, deployment_succeeded, deployment_failed, phase (harness phases: traffic_started,
// swap_started, swap_finished, liveness_started, traffic_stopped), image_built, and the pipeline's
// steps (core/event_kinds.h lists them all).
struct DeployEvent {
  Time at{};
  DeployEventKind kind = DeployEventKind::phase;  // every writer sets it; a history record must name it
  int deployment = 0;                             // 0 is the initial deployment before traffic; swaps are 1..K
  std::string hook;
  std::string script;
  int exit_code = 0;
  std::string detail;
};

using Event = std::variant<RequestEvent, ContainerEvent, AppEvent, ShimEvent, ProxyEvent, DeployEvent>;

// The time an event is ordered by (for a request, its end: when its outcome became known).
Time event_time(const Event& e);
// "request", "container", "app", "shim", "proxy", "deploy".
const char* event_type_name(const Event& e);
// The same name by the variant's index (Event::index()).
const char* event_type_name_at(size_t index);

}  // namespace bg::core
