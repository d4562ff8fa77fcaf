#include "fakes/nextjs/next_session.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "fakes/nextjs/next_process.h"

namespace bg::fakes {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Node's headersTimeout (60 s): how long a new connection may take to send its first request.
constexpr core::Duration kHeadersTimeout = std::chrono::seconds(60);
// Node has no write timeout by default; a bound keeps a stuck client from pinning a session.
constexpr core::Duration kWriteTimeout = std::chrono::seconds(60);
// Longest accepted X-Bluegreen-Delay-Ms, so a typo cannot park a request for hours.
constexpr uint64_t kMaxDelayMs = 10 * 60 * 1000;

uint64_t parse_u64(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

}  // namespace

NextSession::NextSession(std::shared_ptr<NextProcess> process, net::Socket socket, uint64_t id)
    : process_(std::move(process)),
      socket_(std::move(socket)),
      deadline_(process_->serial().executor(), process_->clock()),
      delay_timer_(process_->serial().executor(), process_->clock()),
      id_(id) {}

void NextSession::arm_deadline(core::Duration d) {
  deadline_.expires_after(d);
  deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->closed_) return;  // disarmed, armed again, or closed meanwhile
    beast::error_code ignored;
    self->socket_.close(ignored);  // the pending operation ends with an error: on_read / on_write end it
  });
}

void NextSession::disarm_deadline() { deadline_.cancel(); }

void NextSession::run() { do_read(); }

void NextSession::do_read() {
  parser_.emplace();
  parser_->body_limit(1 << 20);
  // Node closes an idle keep-alive socket keepAliveTimeout after its last response (R07).
  core::Duration idle = first_request_ ? kHeadersTimeout : process_->app().profile().keep_alive_timeout;
  arm_deadline(idle);
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
}

void NextSession::on_read(beast::error_code ec) {
  if (closed_ || process_->done()) return;
  if (ec) {
    // Idle timeout, client EOF or reset. A malformed request is closed without Node's 400 reply
    // (simplified: the harness's clients and proxy always send well-formed requests).
    end_connection(false);
    return;
  }
  first_request_ = false;
  request_ = parser_->release();
  disarm_deadline();
  const auto& spec = process_->spec();
  route_ = route_of(request_.method_string(), request_.target(), spec.build_id,
                    process_->shared_static_listing(request_.target().starts_with("/_next/static/")));
  request_id_ = parse_u64(request_["X-Request-Id"]);
  execution_id_.clear();
  switch (process_->app().on_request(process_->clock().now(), route_)) {
    case RequestAction::drop:
      end_connection(false);
      return;
    case RequestAction::hold:
      in_request_ = true;
      process_->hold(weak_from_this());
      return;
    case RequestAction::unavailable:
      in_request_ = true;
      respond(render_unavailable(spec.build_id));
      return;
    case RequestAction::handler_missing:
      in_request_ = true;
      respond(render_handler_missing());
      return;
    case RequestAction::serve:
      in_request_ = true;
      serve();
      return;
  }
}

void NextSession::release() {
  if (closed_ || process_->done() || !in_request_) return;
  serve();
}

void NextSession::serve() {
  if (route_ == Route::echo) {
    // The POST handler runs now; a cut before the response still leaves it executed (R09).
    execution_id_ = process_->next_execution_id();
    process_->log(core::AppWhat::execution, request_id_, execution_id_);
  }
  uint64_t delay_ms = std::min(parse_u64(request_[kDelayHeader]), kMaxDelayMs);
  core::Duration delay = std::chrono::milliseconds(delay_ms);
  if (is_api_route(route_)) delay += process_->draw_api_latency();
  auto answer = [this] {
    const auto& spec = process_->spec();
    respond(render_route(route_, spec.build_id, request_.body(), request_[http::field::content_type]));
  };
  if (delay <= core::Duration::zero()) {
    answer();
    return;
  }
  delay_timer_.expires_after(delay);
  delay_timer_.async_wait([self = shared_from_this(), answer](boost::system::error_code ec) {
    if (!ec && !self->closed_ && !self->process_->done()) answer();
  });
}

void NextSession::respond(const AppResponse& response) {
  const auto& spec = process_->spec();
  http::response<http::string_body> res{static_cast<http::status>(response.status), request_.version()};
  res.set(http::field::content_type, response.content_type);
  res.set("X-Powered-By", "Next.js");
  res.set("X-Served-By", spec.container);
  res.set("X-Build-Id", spec.build_id);
  if (auto id = request_.find("X-Request-Id"); id != request_.end()) res.set("X-Request-Id", id->value());
  if (!execution_id_.empty()) res.set("X-Execution-Id", execution_id_);
  keep_alive_ = process_->app().keep_alive(request_.keep_alive());
  res.keep_alive(keep_alive_);
  if (keep_alive_) {
    // Node advertises its keepAliveTimeout on every keep-alive response.
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(process_->app().profile().keep_alive_timeout);
    res.set("Keep-Alive", fmt::format("timeout={}", seconds.count()));
  }
  res.body() = response.body;
  res.prepare_payload();
  // Header and body in one buffer and one write (§7: split writes stall on Nagle + delayed ACK).
  std::ostringstream header;
  header << res.base();
  out_ = header.str();
  if (request_.method() != http::verb::head) out_ += res.body();
  arm_deadline(kWriteTimeout);
  asio::async_write(socket_, asio::buffer(out_),
                    [self = shared_from_this()](beast::error_code ec, size_t) { self->on_write(ec); });
}

void NextSession::on_write(beast::error_code ec) {
  if (closed_ || process_->done()) return;
  disarm_deadline();
  in_request_ = false;
  process_->request_done();  // may end a drain: the process then closes everything, this included
  if (closed_ || process_->done()) return;
  if (ec || !keep_alive_) {
    end_connection(!ec);
    return;
  }
  do_read();
}

void NextSession::end_connection(bool graceful) {
  if (graceful) {
    // Connection: close was sent: end our side after the response, as Node's socket.end() does.
    beast::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
  close();
  process_->session_closed(id_);
}

void NextSession::close() {
  if (closed_) return;
  closed_ = true;
  delay_timer_.cancel();
  deadline_.cancel();
  beast::error_code ignored;
  socket_.close(ignored);
}

}  // namespace bg::fakes
