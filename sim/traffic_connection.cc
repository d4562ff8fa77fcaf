#include "sim/traffic_connection.h"

#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>

namespace bg::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

TrafficConnection::TrafficConnection(asio::io_context& io, core::Clock& clock, uint16_t port, bool keep_alive,
                                     core::Duration timeout, Done done, net::Network network)
    : clock_(clock),
      port_(port),
      keep_alive_(keep_alive),
      timeout_(timeout),
      done_(std::move(done)),
      serial_(io, network),
      network_(network),
      socket_(serial_.executor(), network_),
      deadline_(serial_.executor(), clock_) {}

void TrafficConnection::submit(TrafficExchange exchange) {
  serial_.post([self = shared_from_this(), x = std::move(exchange)]() mutable {
    self->queue_.push_back(std::move(x));
    if (!self->current_) self->next();
  });
}

void TrafficConnection::close() {
  serial_.post([self = shared_from_this()] { self->drop_socket(); });
}

void TrafficConnection::drop_socket() {
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  open_ = false;
}

void TrafficConnection::next() {
  if (queue_.empty()) return;
  current_ = std::move(queue_.front());
  queue_.pop_front();
  response_.emplace();
  sent_ = timed_out_ = false;
  const uint64_t generation = ++generation_;
  current_->request.keep_alive(keep_alive_);
  deadline_.expires_after(timeout_);
  deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    if (ec || !self->current_ || self->generation_ != generation) return;
    self->timed_out_ = true;
    beast::error_code ignored;
    self->socket_.close(ignored);
  });
  current_->event.start = clock_.now();
  if (open_) return write();
  connect();
}

void TrafficConnection::connect() {
  buffer_.clear();
  socket_.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port_),
                        [self = shared_from_this()](beast::error_code ec) {
                          if (ec) return self->fail(ec);
                          self->open_ = true;
                          beast::error_code ignored;
                          self->socket_.set_no_delay(ignored);
                          self->write();
                        });
}

void TrafficConnection::write() {
  http::async_write(socket_, current_->request, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->fail(ec);
    self->sent_ = true;
    http::async_read(self->socket_, self->buffer_, *self->response_,
                     [self](beast::error_code ec, size_t) { self->on_read(ec); });
  });
}

void TrafficConnection::on_read(beast::error_code ec) {
  if (ec) return fail(ec);
  auto& event = current_->event;
  const auto& res = *response_;
  event.status = static_cast<int>(res.result_int());
  event.served_by = std::string(res["X-Served-By"]);
  event.build_id = std::string(res["X-Build-Id"]);
  event.execution_id = std::string(res["X-Execution-Id"]);
  event.outcome = event.status < 400 ? core::Outcome::ok : core::Outcome::fail;
  finish(keep_alive_ && res.keep_alive());
}

// A failure before the request was sent definitely did not take effect (fail); one after it may
// have (info), as Jepsen classes them.
void TrafficConnection::fail(beast::error_code ec) {
  auto& event = current_->event;
  if (timed_out_)
    event.error = "timeout";
  else if (ec == asio::error::connection_refused)
    event.error = "connect_refused";
  else if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
    event.error = "reset";
  else if (ec == http::error::end_of_stream || ec == asio::error::eof)
    event.error = "eof";
  else if (ec.category() == http::make_error_code(http::error::bad_version).category())
    event.error = "bad_response";
  else
    event.error = ec.message();
  event.outcome = sent_ ? core::Outcome::info : core::Outcome::fail;
  response_->body().clear();
  finish(false);
}

void TrafficConnection::finish(bool keep_open) {
  deadline_.cancel();
  if (!keep_open) drop_socket();
  auto done = std::move(*current_);
  current_.reset();
  done.event.end = clock_.now();
  const std::string body = std::move(response_->body());
  // The callback may queue more exchanges on this connection (a page's chunks); they start after.
  done_(done.event, body);
  if (!current_) next();
}

}  // namespace bg::sim
