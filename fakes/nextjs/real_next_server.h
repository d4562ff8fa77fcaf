#pragma once
// RealNextServer: a container's process that is a real Next.js server (`app: {engine: real}`): `node
// server.js` of a standalone build (apps/next, one build per pinned version; RealNextBuilds makes the
// container's build id), on the container's held loopback port, behind the same seam as the fake
// (fakes::ContainerProcess), so Docker, the proxy, traffic, history and checkers do not know which.
//
// What stays the real app's own: when it listens (never before the scenario's listen delay, which the
// preload holds listen() to), when it is ready, what it answers, keep-alive (Node's, its timeout
// scaled to scenario time by the preload), and what SIGTERM does (12.2 and 13.4 exit at once, 14.1
// drains). The history gets the fake's events, from the lines the preload prints (real_next_protocol.h):
// starting (at spawn), listening, ready, draining, execution, and at exit a `cut` for every request
// the app had begun and not finished, then `exited`.
//
// Like a container's PID 1: a stop signal reaches node only when it would in Docker (signal_delivery:
// `npm start` or `sh -c` as PID 1 swallow it); SIGKILL ends every process of the container; when
// node exits, the processes it started (13.4's render workers) are killed, as the kernel does when a
// PID namespace's init exits. The process runs in the run's sandboxed host's process tree when one is
// given, so it dies with the host whatever happens to the harness.
//
// Simplifications (each said where it matters, apps/next/README.md): the command is always `node
// server.js`, whatever the Dockerfile's CMD runs (only whether the signal reaches node follows it);
// API latency is drawn by the app with Math.random, not from the run's seed; Node's other server
// timeouts (headersTimeout 60 s, requestTimeout 300 s) are not scaled.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "core/clock.h"
#include "core/duration_range.h"
#include "core/history.h"
#include "core/process_spawn.h"
#include "fakes/docker/container_process.h"

namespace bg::fakes {

struct RealNextSettings {
  std::filesystem::path standalone;  // the container's build (RealNextBuilds::standalone_for)
  std::string node = "/usr/bin/node";
  std::string version;                               // app.next_version: "12.2", "13.4", "14.1"
  double time_scale = 1.0;                           // real seconds per scenario second
  core::Duration listen_delay{};                     // container start -> listen, at the earliest (scenario time)
  core::DurationRange listen_delay_drawn_from;       // as NextAppProfile's: named in the starting event
  std::optional<core::Duration> keep_alive_timeout;  // app.keep_alive_timeout (scenario time)
  core::Duration api_latency_min{}, api_latency_max{};
  const core::NamespaceEntry* enter = nullptr;  // the sandboxed host's process tree, when there is one
};

// node's environment: the container's (image ENV, compose environment) with, on top, the port and
// address it listens on (the container's held loopback port), the preload and its settings
// (apps/next/src/bluegreen-preload.js). `listen_at_epoch_ms`: the earliest wall-clock time it listens.
std::map<std::string, std::string> real_next_environment(const RealNextSettings& settings, const ProcessSpec& spec,
                                                         int64_t listen_at_epoch_ms);

class RealNextServer final : public ContainerProcess {
 public:
  // Whether `node` can be executed (runs with app.engine real refuse to start without it).
  static bool node_available(const std::string& node);

  RealNextServer(core::Clock& clock, core::History& history, RealNextSettings settings, ProcessSpec spec);
  // Kills every process of the container if it still runs and waits for the watcher (bounded); does
  // not call on_exit. Safe from on_exit itself.
  ~RealNextServer() override;
  RealNextServer(const RealNextServer&) = delete;
  RealNextServer& operator=(const RealNextServer&) = delete;

  // Spawns node; a spawn that fails (no node) exits the container with the shell's code (127, 126).
  void start() override;
  void signal(int signo) override;
  core::CommandResult exec(const ExecRequest& request, std::stop_token stop) override;

  struct Watch;  // the watcher thread's state, shared with it (real_next_server.cc)

 private:
  std::shared_ptr<Watch> watch_;
  RealNextSettings settings_;
  ProcessSpec spec_;
};

}  // namespace bg::fakes
