#include "proxy/client_session.h"

#include <unistd.h>

#include <fmt/format.h>

#include "proxy/http_messages.h"
#include "proxy/retry_policy.h"

namespace bg::proxy {
namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

namespace {

// nginx's keepalive_timeout default; also bounds reading a request (simplification: nginx uses
// client_header_timeout, 60 s, once a request has begun).
constexpr core::Duration kKeepaliveTimeout = 75s;
constexpr core::Duration kSendTimeout = 60s;  // send_timeout default
// keepalive_requests (default 1000 since nginx 1.19.10): ngx_http_update_location_config clears
// r->keepalive once c->requests (counted as each request begins, this one included) reaches the
// location's value, so that response says `Connection: close` and the connection closes.

// $upstream as nginx prints it in the error log: http://, the peer's address (localhost resolved
// to 127.0.0.1, declared port), the URI. Appended by hand: it is made for every request.
std::string upstream_text(const UpstreamServer& s, std::string_view uri) {
  std::string out = "http://";
  out += s.host == "localhost" ? std::string_view("127.0.0.1") : std::string_view(s.host);
  out += ':';
  out += std::to_string(s.port);
  out += uri;
  return out;
}

}  // namespace

ClientSession::ClientSession(ProxySocket socket, std::shared_ptr<ServerState> state,
                             std::shared_ptr<ProxyGeneration> generation, uint16_t declared_port)
    : executor_(state->io, state->one_thread),
      socket_(std::move(socket)),
      state_(std::move(state)),
      generation_(std::move(generation)),
      worker_(generation_->assign_worker()),
      declared_port_(declared_port),
      deadline_(executor_.executor(), state_->clock) {
  std::lock_guard lock(state_->mutex);
  ++state_->live_sessions;
}

ClientSession::~ClientSession() {
  {
    std::lock_guard lock(state_->mutex);
    --state_->live_sessions;
  }
  state_->changed.notify_all();
}

void ClientSession::start() {
  beast::error_code ignored;
  socket_.set_no_delay(ignored);
  deadline_.set_owner(weak_from_this());
  executor_.dispatch([self = shared_from_this()] { self->do_read(); });
}

void ClientSession::shutdown() {
  executor_.post([self = shared_from_this()] {
    self->stopping_ = true;
    if (self->attempt_) self->attempt_->cancel();
    self->close();
  });
}

void ClientSession::retire() {
  executor_.post([self = shared_from_this()] {
    self->retiring_ = true;
    if (self->idle_ && self->served_ && self->buffer_.size() == 0) self->close();
  });
}

void ClientSession::do_read() {
  if (stopping_ || closed_) return;
  // A retired generation closes only keep-alive connections waiting for their next request (nginx's
  // c->idle, set by ngx_http_set_keepalive). A fresh connection still waiting for its first request
  // is served: nginx's ngx_close_idle_connections skips it, and closing it would drop a request the
  // client already sent.
  if (retiring_ || generation_->retired) {
    retiring_ = true;
    if (served_ && buffer_.size() == 0) return close();
  }
  parser_.emplace();
  prepare_client_parser(*parser_);
  parser_->body_limit(generation_->body_limit());
  idle_ = true;
  deadline_.arm(served_ ? keepalive_timeout_ : kKeepaliveTimeout, socket_);
  executor_.start([this](auto handler) { http::async_read(socket_, buffer_, *parser_, std::move(handler)); },
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    self->on_read(self->deadline_.expired() ? beast::error::timeout : ec);
                  });
}

void ClientSession::on_read(beast::error_code ec) {
  idle_ = false;
  if (stopping_) return;
  if (!ec) ++requests_;
  if (ec) {
    if (ec == http::error::body_limit) return respond_status(413, true);
    // The client went away or stayed idle past keepalive_timeout: close quietly, as nginx does.
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec.category() == asio::error::get_system_category()) {
      return close();
    }
    request_ = {};
    ctx_ = LogContext{};
    ctx_.worker = worker_.index;
    attempts_ = 0;
    upstream_status_.clear();
    return respond_status(400, true);
  }
  request_ = parser_->release();
  handle_request();
}

void ClientSession::next_attempt() {
  std::optional<PeerRef> ref;
  {
    std::lock_guard lock(worker_.mutex);
    ref = pool_->get_peer(peer_request_, state_->clock.now());
    if (ref) peer_ = pool_->server(*ref);
  }
  std::string_view uri = request_.target();
  if (!ref) {
    // ngx_http_upstream_connect got NGX_BUSY: FT_NOLIVE, 502 at once, no connect.
    ctx_.upstream = fmt::format("http://{}{}", pool_->name(), uri);
    state_->log.error("error", "no live upstreams", "connecting to upstream", ctx_, "");
    add_upstream_status(502);
    RetryInput in;
    in.kind = FailureKind::no_live;
    return respond_status(RetryPolicy::decide(in).status);
  }
  ++attempts_;
  ctx_.upstream = upstream_text(peer_, route_.upstream_uri.empty() ? uri : std::string_view(route_.upstream_uri));
  auto owned = owned_port(peer_);
  if (!owned) return refuse_unowned();
  uint16_t port = *owned;
  asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
  RequestVars vars{route_.proxy_host, "127.0.0.1", route_.upstream_uri};
  AttemptTimeouts timeouts{location_->proxy.connect_timeout, location_->proxy.send_timeout,
                           location_->proxy.read_timeout};
  attempt_ = std::make_shared<UpstreamAttempt>(executor_, deadline_, state_->clock, state_->network, endpoint,
                                               upstream_request_bytes(request_, location_->proxy, vars),
                                               request_.method() == http::verb::head, timeouts,
                                               take_idle_connection(port), cache_->enabled());
  attempt_->run([self = shared_from_this()](AttemptResult r) { self->on_attempt(std::move(r)); });
}

// The keepalive module's get_peer runs after the balancer chose the peer: an idle connection to
// that peer, if one is cached and still usable, carries the request.
std::optional<CachedConnection> ClientSession::take_idle_connection(uint16_t port) {
  if (!cache_->enabled()) return std::nullopt;
  std::optional<CachedConnection> found;
  std::vector<ProxySocket> closing;  // closed when it goes out of scope, after the unlock
  {
    std::lock_guard lock(worker_.mutex);
    std::vector<int> to_close;
    while (auto c = cache_->take(port, state_->clock.now(), to_close)) {
      // ngx_http_upstream_keepalive_close_handler: an idle connection on which anything arrived (the
      // peer closed it, as Node does after keepAliveTimeout) must not be reused.
      auto socket = worker_.take_socket(c->fd);
      if (socket && socket->idle_usable()) {
        found.emplace(CachedConnection{*c, std::move(*socket)});
        break;
      }
      if (socket) closing.push_back(std::move(*socket));  // closed by the peer meanwhile (or sent junk)
    }
    for (auto& s : worker_.take_sockets(to_close)) closing.push_back(std::move(s));
  }
  return found;
}

// ngx_http_upstream_free_keepalive_peer: a connection whose response allowed keep-alive is cached
// unless the attempt counted as a failure (NGX_PEER_FAILED goes to "invalid": closed).
void ClientSession::release_connection(AttemptResult& result, bool failed) {
  if (!result.idle) return;
  std::vector<ProxySocket> closing;  // closed when it goes out of scope, after the unlock
  if (!failed && !stopping_ && cache_) {
    std::lock_guard lock(worker_.mutex);
    int fd = result.idle->info.fd;
    worker_.idle_sockets.insert_or_assign(fd, std::move(result.idle->socket));
    closing = worker_.take_sockets(cache_->put(result.idle->info, state_->clock.now()));
  } else {
    closing.push_back(std::move(result.idle->socket));
  }
  result.idle.reset();
}

void ClientSession::on_attempt(AttemptResult result) {
  attempt_.reset();
  if (stopping_) return release_connection(result, true);
  if (result.complete) return on_upstream_status(result);
  if (result.header_received) {
    // nginx sent the head to the client already: it logs, frees the peer without a failure and
    // cuts the client connection; the client sees a truncated body.
    state_->log.error("error", result.error_text, result.action, ctx_, peer_.address);
    free_peer(false, result.action);
    add_upstream_status(result.response.result_int());
    return respond_truncated(std::move(result.response));
  }
  on_attempt_error(result);
}

// A whole response arrived: pass it on, or try the next peer for a status proxy_next_upstream names.
void ClientSession::on_upstream_status(AttemptResult& result) {
  int status = result.response.result_int();
  FailureKind kind;
  if (!failure_kind_for_status(status, kind)) {
    release_connection(result, false);
    free_peer(false, "reading response header from upstream");
    add_upstream_status(status);
    return respond_upstream(std::move(result.response));
  }
  RetryInput in;
  in.next_upstream = location_->proxy.next_upstream;
  in.kind = kind;
  in.method = request_.method_string();
  in.request_sent = true;
  in.tries_left = tries_left();
  in.elapsed = state_->clock.now() - first_attempt_;
  in.next_upstream_timeout = location_->proxy.next_upstream_timeout;
  RetryDecision d = RetryPolicy::decide(in);
  release_connection(result, d.peer_failed);
  free_peer(d.peer_failed, "reading response header from upstream");
  add_upstream_status(status);
  if (d.retry) return next_attempt();
  respond_upstream(std::move(result.response));
}

void ClientSession::on_attempt_error(AttemptResult& result) {
  state_->log.error("error", result.error_text, result.action, ctx_, peer_.address);
  RetryInput in;
  in.next_upstream = location_->proxy.next_upstream;
  in.kind = result.kind;
  in.method = request_.method_string();
  in.request_sent = result.request_sent;
  in.tries_left = tries_left();
  in.elapsed = state_->clock.now() - first_attempt_;
  in.next_upstream_timeout = location_->proxy.next_upstream_timeout;
  in.cached = result.reused;
  RetryDecision d = RetryPolicy::decide(in);
  free_peer(d.peer_failed, result.action);
  if (d.extra_try) {
    std::lock_guard lock(worker_.mutex);
    ++peer_request_.tries;
  }
  add_upstream_status(result.kind == FailureKind::timeout ? 504 : 502);
  if (d.retry) return next_attempt();
  respond_status(d.status);
}

// Attempts left once the current one is freed (free_peer decrements; a single server allows none).
int ClientSession::tries_left() {
  std::lock_guard lock(worker_.mutex);
  return pool_->single() ? 0 : std::max(0, peer_request_.tries - 1);
}

void ClientSession::free_peer(bool failed, const std::string& action) {
  PeerTransition t;
  {
    std::lock_guard lock(worker_.mutex);
    t = pool_->free_peer(peer_request_, failed, state_->clock.now());
  }
  if (t.disabled) state_->log.error("warn", "upstream server temporarily disabled", action, ctx_, peer_.address);
  if (t.newly_disabled) state_->log.peer_change(core::ProxyEventKind::peer_down, peer_.address, pool_->name(), ctx_);
  if (t.recovered) state_->log.peer_change(core::ProxyEventKind::peer_up, peer_.address, pool_->name(), ctx_);
}

void ClientSession::add_upstream_status(int status) {
  if (!upstream_status_.empty()) upstream_status_ += ", ";
  upstream_status_ += std::to_string(status);
}

void ClientSession::respond_upstream(http::response<http::string_body>&& res) {
  int status = res.result_int();
  bool keep = may_keep_alive();
  write(client_response_bytes(std::move(res), request_.version(), keep, request_.method() == http::verb::head), status,
        !keep);
}

void ClientSession::respond_truncated(http::response<http::string_body>&& res) {
  int status = res.result_int();
  std::string body = std::move(res.body());
  auto out = make_client_response(std::move(res), request_.version(), false, true);
  write(serialize_head(out) + body, status, true);
}

void ClientSession::respond_status(int status, bool close_after) {
  bool keep = !close_after && may_keep_alive();
  write(serialize(make_error_page(status, request_.version() ? request_.version() : 11, keep)), status, !keep);
}

// The connection stays open after this response: the client asked for it, no reload retired it,
// and it has not carried keepalive_requests requests yet.
bool ClientSession::may_keep_alive() const {
  return request_.keep_alive() && !retiring_ && !generation_->retired && requests_ < keepalive_requests_ &&
         keepalive_timeout_.count() > 0;
}

void ClientSession::write(std::string bytes, int status, bool close_after) {
  out_ = std::move(bytes);
  deadline_.arm(kSendTimeout, socket_);
  executor_.start([this](auto handler) { asio::async_write(socket_, asio::buffer(out_), std::move(handler)); },
                  [self = shared_from_this(), status, close_after](beast::error_code ec, std::size_t) {
                    self->on_write(self->deadline_.expired() ? beast::error::timeout : ec, status, close_after);
                  });
}

void ClientSession::on_write(beast::error_code ec, int status, bool close_after) {
  state_->log.access(ctx_, status, attempts_, upstream_status_, ec ? 0 : out_.size());
  out_.clear();
  if (ec || close_after || stopping_) return close();
  served_ = true;
  do_read();
}

void ClientSession::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace bg::proxy
