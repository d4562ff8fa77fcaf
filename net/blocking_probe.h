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
#include <utility>
#include <vector>

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

// One HTTP/1.1 exchange of a client the harness answers for (a deploy script's curl or wget on the
// deterministic engine): the request as the client sends it, and how it ended.
struct HttpExchangeRequest {
  std::string method = "GET";
  std::string target = "/";                                  // origin-form: path and query
  std::vector<std::pair<std::string, std::string>> headers;  // sent in this order (Host among them)
  std::string body;
};
struct HttpExchangeOutcome {
  // refused: nothing listens (ECONNREFUSED); reset: the peer reset the connection (ECONNRESET, EPIPE);
  // empty_reply: end of stream before a byte of a response; partial: end of stream within one;
  // timeout: `timeout` passed first; other: anything else (the message in `error`).
  enum class Failure { none, refused, reset, empty_reply, partial, timeout, other };
  Failure failure = Failure::none;
  bool connected = false;  // the connection was established (a timeout's wording depends on it)
  std::string error;
  core::Duration elapsed{};  // scenario time from the connect to the end
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
HttpExchangeOutcome blocking_http_exchange(const Network& network, const boost::asio::any_io_executor& executor,
                                           core::Clock& clock, uint16_t port, const HttpExchangeRequest& request,
                                           core::Duration timeout, std::stop_token stop = {});

}  // namespace bg::net
