#pragma once
// ServerState is what a ProxyServer shares with its listeners and sessions, so that handlers still
// queued in the caller's io_context after stop() touch only objects they keep alive themselves.
#include <utility>  // before Asio under C++20 (design.md)

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "core/scenario_condition.h"
#include "net/network.h"
#include "proxy/proxy_generation.h"
#include "proxy/proxy_log.h"

namespace bg::proxy {

class ClientSession;

struct ServerState {
  ServerState(boost::asio::io_context& io_context, core::Clock& c, core::History& h, core::PortMap& p, net::Network n)
      : io(io_context), clock(c), ports(p), network(n), log(c, h), changed(c) {}

  boost::asio::io_context& io;
  core::Clock& clock;
  core::PortMap& ports;
  net::Network network;  // the kernel's loopback, or the run's in-memory network
  ProxyLog log;
  // `bluegreen proxy --bind-declared-ports`: upstream ports belong to the user's own services, so
  // they are connected to as written and never reserved through the PortMap.
  bool upstreams_as_declared = false;
  // One thread runs the io_context (ProxyServer::run_on_one_thread, and always on the sim network):
  // sessions need no strand (net::SerialExecutor).
  bool one_thread = network.is_sim();

  std::mutex mutex;
  core::ScenarioCondition changed;           // live_sessions went down
  std::shared_ptr<ProxyGeneration> current;  // takes new connections; null when stopped
  std::vector<std::weak_ptr<ClientSession>> sessions;
  int live_sessions = 0;
  bool stopping = false;
  uint64_t runs = 0;  // start() count: a reload's delayed switch belongs to the run it was made in

  std::shared_ptr<ProxyGeneration> current_generation() {
    std::lock_guard lock(mutex);
    return stopping ? nullptr : current;
  }
};

}  // namespace bg::proxy
