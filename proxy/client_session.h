#pragma once
// ClientSession is one client connection to the proxy (HTTP/1.1, keep-alive), on its own strand
// (unless one thread runs the io_context: net::SerialExecutor): it
// reads each request, walks the upstream peers as nginx does (UpstreamPool picks, RetryPolicy
// decides after each failed UpstreamAttempt), answers in one write, and logs nginx's error and
// access lines. It belongs to the generation it was accepted under, even after a reload.
#include <utility>  // before Asio under C++20 (design.md)

#include <memory>
#include <optional>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/serial_executor.h"
#include "proxy/proxy_log.h"
#include "proxy/proxy_socket.h"
#include "proxy/request_router.h"
#include "proxy/server_state.h"
#include "proxy/session_deadline.h"
#include "proxy/upstream_attempt.h"
#include "proxy/upstream_pool.h"

namespace bg::proxy {

class ClientSession : public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(ProxySocket socket, std::shared_ptr<ServerState> state, std::shared_ptr<ProxyGeneration> generation,
                uint16_t declared_port);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  void start();
  // stop(): close the connection and any upstream attempt now. Thread-safe.
  void shutdown();
  // reload: an idle connection closes now, a busy one after its current response. Thread-safe.
  void retire();
  const ProxyGeneration* generation() const { return generation_.get(); }

 private:
  void do_read();
  void on_read(boost::beast::error_code ec);
  void handle_request();
  void respond_route();
  void use_addresses();
  std::optional<uint16_t> owned_port(const UpstreamServer& peer) const;
  void refuse_unowned();
  void next_attempt();
  void on_attempt(AttemptResult result);
  void on_upstream_status(AttemptResult& result);
  void on_attempt_error(AttemptResult& result);
  int tries_left();
  void free_peer(bool failed, const std::string& action);
  void add_upstream_status(int status);
  std::optional<CachedConnection> take_idle_connection(uint16_t port);
  void release_connection(AttemptResult& result, bool failed);
  void respond_upstream(http::response<http::string_body>&& res);
  void respond_truncated(http::response<http::string_body>&& res);
  void respond_status(int status, bool close_after = false);
  bool may_keep_alive() const;
  void write(std::string bytes, int status, bool close_after);
  void on_write(boost::beast::error_code ec, int status, bool close_after);
  void close();

  net::SerialExecutor executor_;  // every handler of the session runs there
  ProxySocket socket_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<ProxyGeneration> generation_;
  ProxyGeneration::Worker& worker_;
  uint16_t declared_port_;
  SessionDeadline deadline_;  // the client side's and its upstream attempts' timeouts, one at a time
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool idle_ = false;
  bool served_ = false;  // a response was written: later waits are keep-alive waits
  bool retiring_ = false;
  bool stopping_ = false;
  bool closed_ = false;
  int requests_ = 0;  // requests read on this connection (nginx's c->requests)
  // keepalive_timeout and keepalive_requests of the location the last request ended in (nginx
  // reads them from the request's location when it sets the connection to keep-alive).
  core::Duration keepalive_timeout_ = std::chrono::seconds(75);
  int keepalive_requests_ = 1000;

  // The request in progress.
  http::request<http::string_body> request_;
  LogContext ctx_;
  const Location* location_ = nullptr;
  RouteResult route_;
  UpstreamPool* pool_ = nullptr;
  KeepaliveCache* cache_ = nullptr;
  // Peers a proxy_pass variable named by address: a round-robin set of this request only
  // (ngx_http_upstream_create_round_robin_peer), no keep-alive.
  std::optional<UpstreamPool> adhoc_pool_;
  std::optional<KeepaliveCache> adhoc_cache_;
  PeerRequest peer_request_;
  UpstreamServer peer_;
  core::Time first_attempt_{};
  int attempts_ = 0;
  std::string upstream_status_;
  std::shared_ptr<UpstreamAttempt> attempt_;
  std::string out_;
};

}  // namespace bg::proxy
