#pragma once
// TrafficConnection: one client's HTTP/1.1 connection to the proxy, running the exchanges handed to
// it one after another, as a browser's or wrk's connection does. With keep-alive it stays open
// across exchanges while the server allows it (a request queued behind a slow one waits: the
// coordinated omission wrk2 corrects for); without, each exchange connects anew and closes.
// Part of TrafficGenerator; its handlers run on a net::SerialExecutor of its own.
#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/clock.h"
#include "core/scenario_timer.h"
#include "core/events.h"
#include "net/network.h"
#include "net/serial_executor.h"

namespace bg::sim {

// One request to make: its event (id, client, method, path, intended filled in) and its message.
struct TrafficExchange {
  core::RequestEvent event;
  boost::beast::http::request<boost::beast::http::string_body> request;
};

class TrafficConnection : public std::enable_shared_from_this<TrafficConnection> {
 public:
  // Called where the connection's handlers run, with the finished event and the response body ("" on failure).
  using Done = std::function<void(const core::RequestEvent&, const std::string& body)>;

  TrafficConnection(boost::asio::io_context& io, core::Clock& clock, uint16_t port, bool keep_alive,
                    core::Duration timeout, Done done, net::Network network = {});

  // Queues an exchange; thread-safe. It starts when the ones before it have finished.
  void submit(TrafficExchange exchange);
  // Closes an idle connection (an exchange in flight ends as failed); thread-safe, asynchronous.
  void close();

 private:
  void next();
  void connect();
  void write();
  void on_read(boost::beast::error_code ec);
  void fail(boost::beast::error_code ec);
  void finish(bool keep_open);
  void drop_socket();

  core::Clock& clock_;
  uint16_t port_;
  bool keep_alive_;
  core::Duration timeout_;
  Done done_;
  net::SerialExecutor serial_;
  net::Network network_;
  net::Socket socket_;
  core::ScenarioTimer deadline_;
  boost::beast::flat_buffer buffer_;
  std::deque<TrafficExchange> queue_;
  std::optional<TrafficExchange> current_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  uint64_t generation_ = 0;  // which exchange a deadline belongs to
  bool open_ = false;        // a connection is established and reusable
  bool sent_ = false;        // the current request reached the socket
  bool timed_out_ = false;
};

}  // namespace bg::sim
