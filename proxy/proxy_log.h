#pragma once
// ProxyLog writes what nginx would write to its error and access logs, as core::ProxyEvent entries
// of the run's History, in nginx's wording (semantics.md §1): an error line is
// `<text> while <action>, client: …, server: …, request: "…", upstream: "…", host: "…"`.
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/history.h"

namespace bg::proxy {

// The request an error line is about (nginx's ngx_http_log_error context).
struct LogContext {
  std::string client = "127.0.0.1";
  std::string server;        // the server block's first server_name
  std::string request_line;  // GET / HTTP/1.1
  std::string upstream;      // http://127.0.0.1:3001/ ("" when none was chosen yet)
  std::string host;          // the client's Host header ("" when absent)
  uint64_t request_id = 0;   // X-Request-Id
  int worker = 0;
};

class ProxyLog {
 public:
  ProxyLog(core::Clock& clock, core::History& history) : clock_(clock), history_(history) {}

  // An error_log line; `peer` is the upstream address as written in the config ("" for none).
  void error(const std::string& level, const std::string& text, const std::string& action, const LogContext& ctx,
             const std::string& peer);
  // peer_down / peer_up for a peer of an upstream.
  void peer_change(core::ProxyEventKind kind, const std::string& peer, const std::string& upstream,
                   const LogContext& ctx);
  // One line per client request: status sent, upstream attempts and $upstream_status.
  void access(const LogContext& ctx, int status, int attempts, const std::string& upstream_status, uint64_t bytes_sent);
  // An address a proxy_pass variable named that the run does not own: refused without a connect.
  void unowned_address(const std::string& peer, const LogContext& ctx);
  // started, stopped, reload, reload_failed.
  void lifecycle(core::ProxyEventKind kind, const std::string& level, const std::string& message);

  static std::string format_context(const LogContext& ctx);

  using Sink = std::function<void(const core::ProxyEvent&)>;
  // Sends events to `sink` instead of the History (`bluegreen proxy` prints them as it runs rather
  // than keeping every line of a long-running proxy). Set before the proxy starts.
  void set_sink(Sink sink) { sink_ = std::move(sink); }

 private:
  void emit(core::ProxyEvent&& e) {
    if (sink_)
      sink_(e);
    else
      history_.append(std::move(e));
  }

  core::Clock& clock_;
  core::History& history_;
  Sink sink_;
};

}  // namespace bg::proxy
