#pragma once
// A deploy script's `curl` and `wget` on the deterministic engine: no kernel network is there to hand
// the real programs to, so the harness answers them itself. The command line, the output and the exit
// code are fakes/shim/http_client_emulation.h's (curl 7.88, wget 1.21 as Debian 12 ships them); each
// exchange goes over the run's in-memory network (net/blocking_probe.h) in scenario time; the files
// they write or read (-o, -D, -d @file) are the host's, through its PathMap.
#include <stop_token>

#include <boost/asio/any_io_executor.hpp>

#include "core/clock.h"
#include "core/command_result.h"
#include "core/path_map.h"
#include "fakes/shim/http_client_command.h"
#include "fakes/shim/shim_protocol.h"
#include "net/network.h"

namespace bg::sim {

struct EmulatedHttpClientWiring {
  core::Clock& clock;
  const net::Network& network;
  boost::asio::any_io_executor executor;
  const core::PathMap& files;  // the host's files
  fakes::AddressBook owned;    // the run's own addresses, as loopback ports
};

// `request.program` is curl or wget.
core::CommandResult emulated_http_client(const EmulatedHttpClientWiring& w, const fakes::ShimRequest& request,
                                         std::stop_token stop);

}  // namespace bg::sim
