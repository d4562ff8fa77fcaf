#pragma once
// World: everything one run needs, wired together and torn down in order. It owns the clock, the
// history, the ports of the run, the run's folder and its sandboxed host (the EC2-like instance the
// deploy scripts run on: StagedHost), the Asio threads, the real proxy, the fake Docker engine
// (whose containers run fake Next.js apps), the shims the deploy scripts call (HostCommands), the
// fake CodeDeploy agent with the pipeline in front of it (a swap is a push -> workflow run ->
// CodeDeploy deployment -> hooks), and the traffic. run_scenario (run.h) takes it through the run's
// phases. Its jobs each have a file of their own: what the seed draws (drawn_parameters.h), staging
// the run's folder and host (staged_host.h), the scenario's settings as each component's options
// (scenario_options.h), the shims' routing (host_commands.h), the pipeline and agent a swap goes
// through (world_deployments.cc), the faults a test injects (world_faults.cc); world.cc wires the
// rest and tears everything down.
#include <filesystem>
#include <map>
#include <memory>
#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/path_map.h"
#include "core/port_map.h"
#include "core/rng.h"
#include "core/virtual_clock.h"
#include "net/network.h"
#include "proxy/nginx_config.h"
#include "scenarios/scenario.h"
#include "sim/drawn_parameters.h"
#include "sim/engine.h"
#include "sim/live_progress.h"

namespace bg::proxy {
class ProxyControl;
}
namespace bg::net {
class SimNetwork;
}
namespace bg::fakes {
class DockerEngine;
class ContainerProcess;
class RealNextBuilds;
struct ProcessSpec;
class ComposeCli;
class DockerCli;
class ShimServer;
class CodeDeployAgent;
class Pipeline;
struct ShimRequest;
struct ShimReply;
struct DeploymentResult;
struct WorkflowRun;
}  // namespace bg::fakes

namespace bg::sim {

class DeployHost;
class HostCommands;
class StagedHost;
class TrafficGenerator;

// Why `s` cannot run on the deterministic engine (the real nginx or the real Next.js: processes on
// real time), or nothing when it can. A World on sim throws this message; `check` says it up front.
std::optional<std::string> why_not_simulable(const scenarios::Scenario& s);

struct WorldOptions {
  uint64_t seed = 1;
  // live: time_scale real seconds per scenario second. sim: a VirtualClock and the in-memory network;
  // the World's thread is then the clock's actor from its making to its shutdown, and must be the
  // one that calls every member.
  Engine engine = Engine::live;
  double time_scale = 0.1;
  bool bind_declared_ports = false;  // use the ports the files declare instead of free ones
  bool keep_run_dir = false;         // leave the run folder (scripts' cwd, logs) for inspection
  // sim: the real time a deploy script may compute without calling a shim before the run stops with
  // an error (core/script_turns.h).
  std::chrono::nanoseconds script_spin_limit = std::chrono::seconds(20);
};

class World {
 public:
  World(const scenarios::Scenario& scenario, WorldOptions options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Every parameter drawn from the seed, by name, known before anything runs.
  const std::map<std::string, std::string>& drawn() const { return drawn_.shown; }
  // The traffic before swap `n` (1-based) is pushed: run.swap_interval, drawn for this swap.
  core::Duration swap_interval(int n) const { return drawn_.swap_interval(n); }

  // Starts the Asio threads, the shims' server and the proxy (on the scenario's nginx.conf; with
  // proxy.start after_initial_deployment, deploy() starts it). Throws on bad input (nginx.conf,
  // appspec) with file and line.
  void start();
  // Runs deployment `number` of the scenario folder through the CodeDeploy agent, to its end: the
  // initial deployment, which sets the instance up before the pipeline is used. Starts a deferred
  // proxy once it has succeeded (throws as start() does when the proxy cannot start).
  fakes::DeploymentResult deploy(int number);
  // One swap through the pipeline: the scenario's pushes (pipeline.pushes as drawn for this swap,
  // the world's swaps counted from 1; from now), each a new sha, a workflow run and (unless refused
  // or cancelled) a CodeDeploy deployment numbered as the run; returns once every run and deployment
  // has ended, or the run was stopped. The runs of this swap, in push order.
  std::vector<fakes::WorkflowRun> swap();
  void start_traffic(LiveProgress* live = nullptr);
  // Ends arrivals and waits (bounded) for requests in flight.
  void stop_traffic();
  // Requests the traffic generator sent more than 1 ms (real) after their scheduled time.
  int64_t late_sends() const;
  // `nginx -s reload` from outside the deploy script (an operator, a config-management run): the
  // proxy rereads its config from disk. nullopt once taken, else nginx's message.
  std::optional<std::string> reload_proxy();
  // --- Faults a test injects between the scenario's own steps (the state-machine property,
  // property_tests/swap_state_machine_test.cc), each through the real fakes.
  //
  // A push, and another one `after_start` after the first push's CodeDeploy deployment started, as
  // a quick second commit does (races.md R12); returns as swap() does, with both runs.
  std::vector<fakes::WorkflowRun> push_while_deploying(core::Duration after_start);
  // The app in `color`'s running container dies as on SIGKILL or the OOM killer: Docker reports it
  // exited (137), its connections are reset, the endpoint goes, nothing restarts it. Returns the
  // container's name, or nullopt when that compose project has none running.
  std::optional<std::string> crash_container(const std::string& color);
  // The next container that starts listens `extra` later than drawn (a cold cache, a slow volume).
  void slow_start(core::Duration extra);
  // A stray container of another compose project, running `image`, publishes `declared_port` (the
  // idle color's host port): that color's `up` then fails with Docker's "port is already allocated"
  // and the container stays created (semantics.md §3 "Port already bound") until release_port().
  // nullopt once held, else the daemon's error.
  std::optional<std::string> hold_port(uint16_t declared_port, const std::string& image);
  // Stops and removes the stray container; the port is free when this returns.
  void release_port();
  // Arrivals at `rate` per scenario second for `duration` from now, then the scenario's rate again.
  void burst_traffic(double rate, core::Duration duration);
  // Requests the traffic has sent so far; each is in the history once it has ended.
  int64_t requests_sent() const;

  // Lets scenario time pass. Returns false when the run was stopped meanwhile.
  bool wait(core::Duration d);
  // Marks a phase of the run in the history (traffic_started, swap_started, ...); `drawn`, when not
  // empty, follows the phase's name in the detail: what the seed drew for it.
  void phase(core::HarnessPhase what, int deployment = 0, const std::string& drawn = "");
  // Stops everything the run started, in dependency order; idempotent. Never hangs: every step has
  // a deadline.
  void shutdown();
  // Asks every blocking step (scripts, sleeps) to end now: for the run's overall deadline.
  void request_stop() { stop_.request_stop(); }
  // Set when a script called something the simulation does not model (the run was stopped then):
  // the message names the script, its line and the command. The run's verdict is then an error.
  std::optional<std::string> not_modelled() const;
  // Set when a part of the harness failed while the run went on (a workflow runner's sandboxed host
  // could not start); the run was stopped then, and its verdict is an error naming this.
  std::optional<std::string> harness_failure() const;

  core::Clock& clock() { return *clock_; }
  core::History& history() { return history_; }
  const std::filesystem::path& run_dir() const;

 private:
  // The host's files as the harness reaches them (StagedHost's).
  core::PathMap& paths();
  std::unique_ptr<fakes::CodeDeployAgent> make_agent();
  std::unique_ptr<fakes::Pipeline> make_pipeline();
  fakes::DeploymentResult deploy_through_workflow(int number);
  std::optional<std::string> start_host_proxy();
  std::string next_sha();
  // Waits for the pipeline to be idle (bounded by the run's deadline); the runs `numbers`, in order.
  std::vector<fakes::WorkflowRun> runs_when_idle(const std::vector<int>& numbers);
  void start_proxy();
  // start_proxy at the run's own start (not a script's `systemctl start`): what the proxy refuses
  // ends the run, named by the user's files (StagedHost::users_files_named).
  void start_run_proxy();
  std::unique_ptr<fakes::ContainerProcess> make_container_nginx(const fakes::ProcessSpec& spec);
  std::unique_ptr<fakes::ContainerProcess> make_real_app(const fakes::ProcessSpec& spec, core::Duration listen);
  proxy::HostResolver resolve_container_names();
  // A script's shim call (HostCommands); on the sim engine an actor of the clock (core/script_turns.h).
  fakes::ShimReply handle_shim(const fakes::ShimRequest& request, std::stop_token stop);

  // A copy: callers may pass a temporary (ASan found one in the tests, read after its scope ended).
  const scenarios::Scenario scenario_;
  WorldOptions options_;
  std::unique_ptr<core::Clock> clock_;
  core::VirtualClock* virtual_clock_ = nullptr;  // clock_, on the sim engine
  // sim: the World's thread as the clock's actor (time passes only while it waits), until shutdown.
  std::optional<core::VirtualClock::Actor> run_actor_;
  core::History history_;
  core::Rng rng_;
  core::PortMap ports_;
  core::Rng sha_rng_;
  const DrawnParameters drawn_;
  int swaps_ = 0;  // swap() calls so far
  std::stop_source stop_;
  // The run's folder (the revision pushed, the host's layers) and the host; the last thing to go.
  std::unique_ptr<StagedHost> staged_;
  size_t containers_made_ = 0;
  // app.engine real: the run's real Next.js builds (after staged_, whose folder holds them; before
  // docker_, whose containers run them).
  std::unique_ptr<fakes::RealNextBuilds> real_builds_;
  // app.shared_static with the fake app: the builds on the shared static volume (each app holds it).
  struct PublishedBuilds {
    void add(const std::string& id) {
      std::lock_guard lock(mutex);
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    std::vector<std::string> all() const {
      std::lock_guard lock(mutex);
      return ids;
    }
    mutable std::mutex mutex;
    std::vector<std::string> ids;
  };
  std::shared_ptr<PublishedBuilds> published_ = std::make_shared<PublishedBuilds>();
  mutable std::mutex mutex_;
  int current_deployment_ = -1;
  std::string current_hook_;
  std::string current_script_;  // the running hook script, as the appspec names it
  // The deploy host as a workflow's ssh-action reaches it (a folder that deploys through GitHub Actions).
  std::unique_ptr<DeployHost> deploy_host_;
  std::string workflow_not_modelled_;  // guarded by mutex_
  std::string harness_failure_;        // guarded by mutex_

  // sim: the in-memory network, before the io_context (sockets its queued handlers hold need it).
  std::unique_ptr<net::SimNetwork> sim_network_;
  net::Network network_;  // the kernel's loopback (live) or sim_network_
  // sim: one thread at a time runs it (the clock's), which a concurrency hint of 1 tells Asio.
  boost::asio::io_context io_{options_.engine == Engine::sim ? 1 : BOOST_ASIO_CONCURRENCY_HINT_DEFAULT};
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
  // bluegreen's ProxyServer or the real nginx (RealNginx), as scenario.proxy.engine says.
  std::unique_ptr<proxy::ProxyControl> proxy_;
  std::unique_ptr<fakes::DockerEngine> docker_;
  std::unique_ptr<fakes::ComposeCli> compose_cli_;
  std::unique_ptr<fakes::DockerCli> docker_cli_;
  std::unique_ptr<HostCommands> host_commands_;
  std::unique_ptr<fakes::ShimServer> shims_;
  std::unique_ptr<fakes::CodeDeployAgent> agent_;
  // After the agent: its deployment threads call the agent, so it goes first at teardown.
  std::unique_ptr<fakes::Pipeline> pipeline_;
  std::unique_ptr<TrafficGenerator> traffic_;
  bool shut_down_ = false;
  // Injected faults (see slow_start, hold_port).
  core::Duration slow_start_extra_{};  // guarded by mutex_; taken by the next container made
  std::string stray_container_;        // holding a color's port, "" when none
};

}  // namespace bg::sim
