#include "proxy/upstream_attempt.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace bg::proxy {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// "(111: Connection refused)": errno and strerror, as nginx prints them.
std::string errno_text(const beast::error_code& ec) {
  if (ec.category() == asio::error::get_system_category())
    return fmt::format("({}: {})", ec.value(), std::strerror(ec.value()));
  return fmt::format("({})", ec.message());
}

bool is_timeout(const beast::error_code& ec) { return ec == beast::error::timeout; }

bool is_premature_close(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof;
}

bool is_bad_status_line(const beast::error_code& ec) {
  return ec == http::error::bad_version || ec == http::error::bad_status || ec == http::error::bad_reason;
}

}  // namespace

UpstreamAttempt::UpstreamAttempt(net::SerialExecutor executor, SessionDeadline& deadline, core::Clock& clock,
                                 const net::Network& network, asio::ip::tcp::endpoint peer, std::string request_bytes,
                                 bool head_request, AttemptTimeouts timeouts, std::optional<CachedConnection> reuse,
                                 bool keepalive)
    : executor_(std::move(executor)),
      socket_(reuse ? std::move(reuse->socket) : ProxySocket(executor_.io(), network)),
      deadline_(deadline),
      clock_(clock),
      peer_(peer),
      request_bytes_(std::move(request_bytes)),
      timeouts_(timeouts),
      head_request_(head_request),
      keepalive_(keepalive) {
  static_assert(sizeof(UpstreamAttempt) <= 1000,
                "keep UpstreamAttempt in malloc's per-thread cache (see the class note)");
  if (reuse) {
    reused_ = true;
    opened_ = reuse->info.opened;
    requests_before_ = reuse->info.requests;
  }
}

void UpstreamAttempt::run(Callback done) {
  done_ = std::move(done);
  if (reused_) {
    // A cached connection: no connect, the request goes out at once (nginx: pc->cached = 1). Its
    // socket is still registered and has TCP_NODELAY from when it was opened.
    result_.reused = true;
    result_.request_sent = true;
    return send_request();
  }
  opened_ = clock_.now();
  deadline_.arm(timeouts_.connect, socket_);
  executor_.start([this](auto handler) { socket_.async_connect(peer_, std::move(handler)); },
                  [self = shared_from_this()](beast::error_code ec) { self->on_connect(self->timed(ec)); });
}

void UpstreamAttempt::cancel() {
  beast::error_code ignored;
  socket_.close(ignored);
}

// The deadline closed the socket under the operation: whatever it reports, it timed out.
beast::error_code UpstreamAttempt::timed(beast::error_code ec) const {
  return deadline_.expired() ? beast::error_code(beast::error::timeout) : ec;
}

void UpstreamAttempt::on_connect(beast::error_code ec) {
  if (ec) return fail(ec, "connecting to upstream");
  result_.request_sent = true;  // nginx sets u->request_sent once it starts sending
  socket_.set_no_delay(ec);
  send_request();
}

void UpstreamAttempt::send_request() {
  deadline_.arm(timeouts_.send, socket_);
  executor_.start(
      [this](auto handler) { asio::async_write(socket_, asio::buffer(request_bytes_), std::move(handler)); },
      [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_write(self->timed(e)); });
}

void UpstreamAttempt::on_write(beast::error_code ec) {
  if (ec) return fail(ec, "sending request to upstream");
  parser_.emplace();
  parser_->body_limit(64 * 1024 * 1024);
  // Eager: a head and body that arrive together are parsed in one read, one handler, not two.
  parser_->eager(true);
  if (head_request_) parser_->skip(true);
  // Simplification: proxy_read_timeout bounds the whole head, then the whole body (nginx: each read).
  deadline_.arm(timeouts_.read, socket_);
  read_response();
}

void UpstreamAttempt::read_response() {
  executor_.start([this](auto handler) { http::async_read_some(socket_, buffer_, *parser_, std::move(handler)); },
                  [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_read(self->timed(e)); });
}

// One read parsed: the head's end (re)arms the body's read deadline; the message's end finishes.
void UpstreamAttempt::on_read(beast::error_code ec) {
  const bool head_just_done = !result_.header_received && parser_->is_header_done();
  if (head_just_done) result_.header_received = true;
  if (ec) return fail(ec, result_.header_received ? "reading upstream" : "reading response header from upstream");
  if (parser_->is_done()) return on_response();
  if (head_just_done) deadline_.arm(timeouts_.read, socket_);
  read_response();
}

void UpstreamAttempt::on_response() {
  result_.complete = true;
  kept_ = may_keep();
  result_.response = parser_->release();
  finish();
}

void UpstreamAttempt::fail(beast::error_code ec, const char* action) {
  result_.action = action;
  result_.kind = FailureKind::error;
  const bool connecting = !result_.request_sent;
  if (is_timeout(ec)) {
    result_.kind = FailureKind::timeout;
    result_.error_text = "upstream timed out (110: Connection timed out)";
  } else if (connecting) {
    result_.error_text = "connect() failed " + errno_text(ec);
  } else if (!parser_) {
    result_.error_text = "writev() failed " + errno_text(ec);
  } else if (is_premature_close(ec)) {
    result_.error_text = "upstream prematurely closed connection";
  } else if (ec.category() == asio::error::get_system_category()) {
    result_.error_text = "recv() failed " + errno_text(ec);
  } else if (is_bad_status_line(ec)) {
    result_.kind = FailureKind::invalid_header;
    result_.error_text = "upstream sent no valid HTTP/1.0 header";
  } else {
    result_.kind = FailureKind::invalid_header;
    result_.error_text = "upstream sent invalid header";
  }
  if (result_.header_received && parser_) {
    // The head is known; keep what arrived of the body so the client sees the truncation.
    result_.response = parser_->release();
  }
  finish();
}

// ngx_http_upstream_free_keepalive_peer's checks that the attempt can make: the upstream keeps
// connections, the response was HTTP/1.1 without `Connection: close` and framed (u->keepalive), and
// nothing beyond it was read.
bool UpstreamAttempt::may_keep() const {
  return keepalive_ && result_.complete && parser_ && parser_->get().version() == 11 && parser_->keep_alive() &&
         buffer_.size() == 0;
}

void UpstreamAttempt::finish() {
  deadline_.disarm();
  if (kept_ && socket_.is_open()) {
    int fd = socket_.connection_id();
    result_.idle.emplace(
        CachedConnection{IdleConnection{fd, peer_.port(), opened_, opened_, requests_before_ + 1}, std::move(socket_)});
  }
  beast::error_code ignored;
  if (socket_.is_open()) {
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  if (auto done = std::move(done_)) {
    done_ = nullptr;
    done(std::move(result_));
  }
}

}  // namespace bg::proxy
