#pragma once
// UpstreamAttempt is one try of one request on one peer, as nginx makes it: on a new connection, or
// on an idle one from the upstream's keepalive cache; the request, then the response read to its
// end. When the response allows it (HTTP/1.1, no `Connection: close`, framed body, nothing extra
// read) and the upstream has `keepalive`, the connection is handed back for caching instead of being
// closed (ngx_http_upstream_keepalive_module, semantics.md §1). Each stage has the config's deadline
// (connect/send/read, on the session's SessionDeadline). It reports how the attempt ended in nginx's terms; the
// ClientSession decides what follows. Runs on the session's executor. Size: one is made per request with make_shared,
// so it is kept under the 1032 bytes glibc's per-thread cache (tcache) serves; at 1.1 KB every request took malloc's
// slow path and ran malloc_consolidate, a fifth of the proxy's own CPU time (perf, bg_proxy_bench).
#include <utility>  // before Asio under C++20 (design.md)

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/clock.h"
#include "net/serial_executor.h"
#include "proxy/keepalive_cache.h"
#include "proxy/retry_policy.h"
#include "proxy/proxy_socket.h"
#include "proxy/session_deadline.h"

namespace bg::proxy {

namespace http = boost::beast::http;

// A connection in or out of the keepalive cache: the cache's record (pure, by descriptor) and the
// socket itself, kept registered with the reactor between requests.
struct CachedConnection {
  IdleConnection info;
  ProxySocket socket;
};

struct AttemptResult {
  bool complete = false;         // a whole response arrived
  bool header_received = false;  // the response head arrived (body may be cut short)
  bool request_sent = false;     // the connection was made, so (part of) the request went out
  FailureKind kind = FailureKind::error;
  std::string error_text;                      // nginx's wording: "connect() failed (111: Connection refused)"
  std::string action;                          // "connecting to upstream", "reading response header from upstream"…
  http::response<http::string_body> response;  // the head (and what arrived of the body)
  bool reused = false;                         // ran on a cached keep-alive connection (nginx's pc->cached)
  std::optional<CachedConnection> idle;        // the connection, released for the cache (complete only)
};

struct AttemptTimeouts {
  core::Duration connect{std::chrono::seconds(60)};
  core::Duration send{std::chrono::seconds(60)};
  core::Duration read{std::chrono::seconds(60)};
};

class UpstreamAttempt : public std::enable_shared_from_this<UpstreamAttempt> {
 public:
  using Callback = std::function<void(AttemptResult)>;

  // Handlers run where the session's do (`executor`: its strand, if it has one). A new connection's
  // socket is made on the io_context's plain executor, not on the strand: a cached socket outlives
  // the session that opened it and serves other sessions, each binding its own strand to the operations.
  // `reuse`: a cached connection to run on instead of connecting. `keepalive`: the upstream caches
  // connections, so a response that allows it releases the connection into AttemptResult::idle.
  // `deadline`: the session's, which outlives the attempt; each stage arms it with its timeout.
  // `request_bytes`: the request as sent (upstream_request_bytes); `head_request`: it is a HEAD, so
  // the response has no body whatever its Content-Length says. `network`: where a new connection is
  // made (the kernel's loopback or the in-memory network).
  UpstreamAttempt(net::SerialExecutor executor, SessionDeadline& deadline, core::Clock& clock,
                  const net::Network& network, boost::asio::ip::tcp::endpoint peer, std::string request_bytes,
                  bool head_request, AttemptTimeouts timeouts, std::optional<CachedConnection> reuse = std::nullopt,
                  bool keepalive = false);

  // Starts the attempt; `done` is called once, on the session's executor.
  void run(Callback done);
  // Closes the connection (stop()); the pending stage then reports an aborted error. On the session's executor.
  void cancel();

 private:
  void on_connect(boost::beast::error_code ec);
  void send_request();
  void on_write(boost::beast::error_code ec);
  void read_response();
  void on_read(boost::beast::error_code ec);
  void on_response();
  void fail(boost::beast::error_code ec, const char* action);
  void finish();
  bool may_keep() const;

  boost::beast::error_code timed(boost::beast::error_code ec) const;

  net::SerialExecutor executor_;
  ProxySocket socket_;
  SessionDeadline& deadline_;
  core::Clock& clock_;
  boost::asio::ip::tcp::endpoint peer_;
  // The request as bytes in one buffer, sent in one write: Beast's message writer walks its buffer
  // sequence again on every step of the write, which cost more than making the bytes. No message is
  // kept: it made the object too big for malloc's per-thread cache (see the note on the class).
  std::string request_bytes_;
  AttemptTimeouts timeouts_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  AttemptResult result_;
  Callback done_;
  core::Time opened_{};      // when the connection was opened (a cached one: by an earlier attempt)
  int requests_before_ = 0;  // requests a cached connection carried before this one
  bool reused_ = false;      // runs on a cached connection
  bool head_request_ = false;
  bool keepalive_;
  bool kept_ = false;
};

}  // namespace bg::proxy
