#pragma once
// HostCommands: what happens when a deploy script on the run's sandboxed host calls one of the
// programs the shims stand in for (fakes/shim/shim_catalog.cc). Each call is routed to the fake
// behind it — docker and compose to the fake engine, nginx, systemctl and service to the run's
// proxy, sleep to the scenario clock — or run for real under the harness's control (curl and wget
// on the run's own addresses, sudo's and timeout's command inside the host), recorded in the
// History as a ShimEvent with the user's script and line. The first call that asks for something
// not modelled ends the run: it is recorded and the run is told to stop.
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/command_result.h"
#include "core/history.h"
#include "core/path_map.h"
#include "core/port_map.h"
#include "net/network.h"
#include "fakes/shim/shim_protocol.h"
#include "proxy/nginx_config.h"
#include "sim/caller_watch.h"

namespace bg::proxy {
class ProxyControl;
}
namespace bg::fakes {
class GitOrigin;
class DockerCli;
class ComposeCli;
class SandboxHost;
}  // namespace bg::fakes

namespace bg::sim {

struct HostCommandsWiring {
  core::Clock& clock;
  core::History& history;
  core::PortMap& ports;
  const core::PathMap& paths;  // the host's files
  const fakes::SandboxHost& host;
  fakes::DockerCli& docker;
  fakes::ComposeCli& compose;
  double time_scale = 1;
  bool amazon_linux = true;
  std::string nginx_conf = "/etc/nginx/nginx.conf";
  // The run's proxy on the host (null before it starts or with no nginx on the host).
  std::function<proxy::ProxyControl*()> proxy;
  // Starts the host's proxy on its config (systemctl start nginx); nullopt when it started, else
  // the message nginx would log.
  std::function<std::optional<std::string>()> start_proxy;
  proxy::HostResolver resolve_names;
  // Which deployment and hook script is running now (for a /bin/sh script, which is not traced).
  std::function<std::pair<int, std::string>()> current_hook;
  // The user's file for a script path on the host ("" when it is none of theirs).
  std::function<std::string(const std::string&)> user_file;
  // The run's GitHub repository (workflow deployments; `git pull` on the host reaches it), where the
  // host sees it; null: git's remote commands are not modelled.
  const fakes::GitOrigin* origin = nullptr;
  std::string origin_in_host;
  // The whole run's stop (its deadline, a signal): it ends every call in flight, as the shims'
  // server's own stop does.
  std::stop_token run_stop;
  // Told once, with the message, when a call asks for something not modelled.
  std::function<void(const std::string&)> on_not_modelled;
  // The deterministic engine's network and the io_context's executor: there curl and wget are
  // answered by the harness over it (sim/emulated_http_client.h). Null on a live run.
  const net::Network* sim_network = nullptr;
  boost::asio::any_io_executor executor;
};

class HostCommands {
 public:
  explicit HostCommands(HostCommandsWiring wiring);

  // One shim call, to its end (blocking: sleep, compose down, curl...). `stop` (the shims' server
  // stopping), the run's stop or the caller's exit ends it early.
  fakes::ShimReply handle(const fakes::ShimRequest& request, std::stop_token stop);

  // The first not-modelled call's message, naming script, line and command; nullopt when none.
  std::optional<std::string> not_modelled() const;

 private:
  core::CommandResult dispatch(const fakes::ShimRequest& request, fakes::ShimReply& exec, std::stop_token stop);
  core::CommandResult http_client(const fakes::ShimRequest& request, std::stop_token stop);
  core::CommandResult service(const fakes::ShimRequest& request);
  core::CommandResult sudo(const fakes::ShimRequest& request, fakes::ShimReply& exec);
  core::CommandResult git(const fakes::ShimRequest& request, fakes::ShimReply& exec);
  std::optional<uint16_t> owned_address(const std::string& host, uint16_t port);

  HostCommandsWiring w_;
  uint16_t refused_port_;
  CallerWatch callers_;
  mutable std::mutex mutex_;
  std::optional<std::string> not_modelled_;
};

}  // namespace bg::sim
