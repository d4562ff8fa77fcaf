#pragma once
// NextProcess: the live half of one fake Next.js process: its listener, its connections and its
// lifecycle timers, all on one net::SerialExecutor, driven by a NextApp. It is shared with its
// pending handlers, so a handler that completes after NextServer is gone finds valid, inert state
// (done() is true).
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it under C++20

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "core/rng.h"
#include "core/scenario_timer.h"
#include "fakes/docker/container_process.h"
#include "fakes/nextjs/next_app.h"
#include "fakes/nextjs/next_log_lines.h"
#include "net/network.h"
#include "net/serial_executor.h"

namespace bg::fakes {

class NextSession;

class NextProcess : public std::enable_shared_from_this<NextProcess> {
 public:
  // `network`: the kernel's loopback (live) or the run's in-memory network (sim).
  NextProcess(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
              core::Rng rng, NextAppProfile profile, ProcessSpec spec, net::Network network = {});
  NextProcess(const NextProcess&) = delete;
  NextProcess& operator=(const NextProcess&) = delete;

  // Where every handler of the process and its sessions runs.
  const net::SerialExecutor& serial() const { return serial_; }
  // Both post there and return at once. `on_log` receives what the server prints (its
  // stdout lines; next_log_lines.h), may be empty.
  void start(std::function<void(int)> on_exit, std::function<void(const std::string&, bool)> on_log = {});
  void signal(int signo);
  // Where its handlers run: closes the listener, every connection and timer without reporting an
  // exit (the owner is tearing down). Idempotent.
  void shutdown();

  // --- for sessions, where their handlers run ---
  // True once the process exited or was shut down: handlers must do nothing more.
  bool done() const { return done_; }
  NextApp& app() { return app_; }
  const ProcessSpec& spec() const { return spec_; }
  core::Clock& clock() { return clock_; }
  void log(core::AppWhat what, uint64_t request_id = 0, std::string execution_id = {}, std::string detail = {});
  // X-Execution-Id of the next POST handler run: <container>-<n>.
  std::string next_execution_id();
  // With a shared static volume (NextAppProfile::shared_static): the builds the server listed there,
  // listing them now if it has not yet and this is a static request (12.x lists at its first one);
  // null without a shared volume, or before the listing.
  const std::set<std::string>* shared_static_listing(bool static_request);
  // The profile's api_latency, drawn per request.
  core::Duration draw_api_latency();
  // Keeps a session's request until the app is prepared.
  void hold(std::weak_ptr<NextSession> session);
  // A counted request finished (response written or client gone); may end a drain with exit 0.
  void request_done();
  void session_closed(uint64_t session_id);

 private:
  void on_start();
  void on_listen_timer();
  void do_accept();
  void on_accept(boost::system::error_code ec, net::Socket socket);
  void on_prepared();
  void on_signal(int signo);
  void stop_listening();
  void close_idle_sessions();
  // Ends the process: closes everything (logging a cut per in-flight request when `cut`), logs
  // "exited" and calls on_exit once.
  void finish_exit(int code, const std::string& cause, bool cut);

  net::SerialExecutor serial_;
  core::Clock& clock_;
  core::History& history_;
  core::PortMap& ports_;
  core::Rng rng_;
  ProcessSpec spec_;
  NextApp app_;
  std::function<void(int)> on_exit_;
  std::function<void(const std::string&, bool)> on_log_;
  void print(const std::vector<std::string>& lines, bool is_stderr = false);
  NextLogLines start_lines() const;
  bool started_ = false;
  bool done_ = false;
  core::ScenarioTimer listen_timer_;
  core::ScenarioTimer prepare_timer_;
  std::optional<core::PortListener> listener_;
  net::Network network_;
  net::Acceptor acceptor_;
  std::map<uint64_t, std::shared_ptr<NextSession>> sessions_;
  std::vector<std::weak_ptr<NextSession>> held_;
  uint64_t next_session_id_ = 1;
  uint64_t executions_ = 0;
  std::optional<std::set<std::string>> static_listing_;  // shared_static: the builds listed, once
};

}  // namespace bg::fakes
