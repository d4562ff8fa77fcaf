#pragma once
// NextSession: one client connection to the fake Next.js server (Beast's session-per-connection
// idiom). Reads HTTP/1.1 requests, asks the NextApp what to do with each, answers in one write, and
// keeps the connection alive until Node's keepAliveTimeout. Runs where its process's handlers
// run (NextProcess::serial).
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it under C++20

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/scenario_timer.h"
#include "fakes/nextjs/next_routes.h"
#include "net/network.h"

namespace bg::fakes {

class NextProcess;

// Test header: delays the response by N scenario milliseconds after the route runs, so a test (or
// a scenario) can hold a request in flight across a signal.
inline constexpr const char* kDelayHeader = "X-Bluegreen-Delay-Ms";

class NextSession : public std::enable_shared_from_this<NextSession> {
 public:
  NextSession(std::shared_ptr<NextProcess> process, net::Socket socket, uint64_t id);

  uint64_t id() const { return id_; }
  void run();
  // A request has been read and its response is not written yet (held ones included).
  bool in_request() const { return in_request_; }
  // Its X-Request-Id (0 when absent or not a number).
  uint64_t request_id() const { return request_id_; }
  // Closes the connection at once; a request in flight gets no response.
  void close();
  // Serves a held request now that the app is prepared.
  void release();

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void do_read();
  void on_read(boost::beast::error_code ec);
  void serve();
  void respond(const AppResponse& response);
  void on_write(boost::beast::error_code ec);
  void end_connection(bool graceful);
  // The socket is closed if the operation started now has not ended within `d` (scenario time);
  // the operation then fails, as Beast's tcp_stream timeout did. disarm() when it has ended.
  void arm_deadline(core::Duration d);
  void disarm_deadline();

  std::shared_ptr<NextProcess> process_;
  net::Socket socket_;
  core::ScenarioTimer deadline_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Request request_;
  core::ScenarioTimer delay_timer_;
  uint64_t id_;
  bool first_request_ = true;
  bool in_request_ = false;
  bool closed_ = false;
  bool keep_alive_ = false;
  Route route_ = Route::not_found;
  uint64_t request_id_ = 0;
  std::string execution_id_;
  std::string out_;  // the whole response, written at once
};

}  // namespace bg::fakes
