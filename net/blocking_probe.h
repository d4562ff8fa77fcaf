#pragma once
// A probe made by a thread that waits for its answer (a Docker healthcheck loop, a `docker exec`
// of wget in a container): one HTTP GET, or a bare TCP connect, to a loopback port of `network`.
// The I/O runs as handlers on `executor`; the calling thread waits in scenario time through the
// clock (core::ScenarioCondition), so on a VirtualClock it is an actor blocked like any other and
// the probe's exchange happens in virtual time. Bounded by `timeout` of scenario time.
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "core/clock.h"
#include "net/network.h"

namespace bg::net {

// The response's status, or nullopt when the connect, the exchange or the timeout failed it.
std::optional<int> blocking_http_get(const Network& network, const boost::asio::any_io_executor& executor,
                                     core::Clock& clock, uint16_t port, const std::string& path, core::Duration timeout,
                                     std::stop_token stop = {});
// Whether a TCP connect to the port was accepted.
bool blocking_connect(const Network& network, const boost::asio::any_io_executor& executor, core::Clock& clock,
                      uint16_t port, core::Duration timeout, std::stop_token stop = {});

}  // namespace bg::net
