#include "sim/traffic_generator.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <future>

namespace bg::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One request's connection and state; it keeps itself alive through its handlers.
struct TrafficGenerator::Request : std::enable_shared_from_this<Request> {
  Request(TrafficGenerator& owner, core::RequestEvent event)
      : owner(owner), strand(asio::make_strand(owner.io_)), socket(strand), deadline(strand), event(std::move(event)) {}

  TrafficGenerator& owner;
  asio::strand<asio::io_context::executor_type> strand;
  tcp::socket socket;
  asio::steady_timer deadline;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
  core::RequestEvent event;
  bool sent = false;       // the whole request reached the proxy's socket
  bool timed_out = false;
  bool done = false;

  void run(uint16_t port) {
    deadline.expires_after(owner.clock_.to_real(owner.options_.timeout));
    deadline.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->done) return;
      self->timed_out = true;
      beast::error_code ignored;
      self->socket.close(ignored);
    });
    event.start = owner.clock_.now();
    socket.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port),
                         [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec);
    socket.set_option(tcp::no_delay(true));
    http::async_write(socket, request, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->fail(ec);
      self->sent = true;
      http::async_read(self->socket, self->buffer, self->response,
                       [self](beast::error_code ec, size_t) { self->on_read(ec); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail(ec);
    event.status = static_cast<int>(response.result_int());
    event.served_by = std::string(response["X-Served-By"]);
    event.build_id = std::string(response["X-Build-Id"]);
    event.execution_id = std::string(response["X-Execution-Id"]);
    event.outcome = event.status < 400 ? core::Outcome::ok : core::Outcome::fail;
    finish();
  }

  // A failure before the request was sent definitely did not take effect (fail); one after it may
  // have (info), as Jepsen classes them.
  void fail(beast::error_code ec) {
    if (timed_out) event.error = "timeout";
    else if (ec == asio::error::connection_refused) event.error = "connect_refused";
    else if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) event.error = "reset";
    else if (ec == http::error::end_of_stream || ec == asio::error::eof) event.error = "eof";
    else if (ec.category() == http::make_error_code(http::error::bad_version).category()) event.error = "bad_response";
    else event.error = ec.message();
    event.outcome = sent ? core::Outcome::info : core::Outcome::fail;
    finish();
  }

  void finish() {
    if (done) return;
    done = true;
    deadline.cancel();
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    event.end = owner.clock_.now();
    owner.finished(event);
  }
};

TrafficGenerator::TrafficGenerator(asio::io_context& io, core::Clock& clock, core::History& history, core::Rng rng,
                                   TrafficOptions options)
    : io_(io),
      clock_(clock),
      history_(history),
      rng_(std::move(rng)),
      options_(options),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

TrafficGenerator::~TrafficGenerator() {
  stop();
  wait_idle(std::chrono::seconds(30));
}

void TrafficGenerator::start() {
  asio::post(strand_, [this] {
    stopped_ = false;
    origin_ = clock_.now();
    next_index_ = 0;
    schedule_next();
  });
}

void TrafficGenerator::stop() {
  std::promise<void> done;
  auto stopped = done.get_future();
  asio::post(strand_, [this, &done] {
    stopped_ = true;
    timer_.cancel();
    done.set_value();
  });
  // The io_context may have stopped already during teardown; then nothing is scheduled any more.
  if (stopped.wait_for(std::chrono::seconds(5)) != std::future_status::ready) stopped_ = true;
}

void TrafficGenerator::schedule_next() {
  if (stopped_) return;
  const auto intended = origin_ + core::from_seconds(static_cast<double>(next_index_) / options_.rate);
  const auto wait = intended - clock_.now();
  timer_.expires_after(wait.count() > 0 ? clock_.to_real(wait) : std::chrono::nanoseconds(0));
  timer_.async_wait([this](beast::error_code ec) {
    if (!ec) on_arrival();
  });
}

void TrafficGenerator::on_arrival() {
  if (stopped_) return;
  const auto intended = origin_ + core::from_seconds(static_cast<double>(next_index_) / options_.rate);
  if (clock_.to_real(clock_.now() - intended) > std::chrono::milliseconds(1)) ++late_;
  const int client = static_cast<int>(next_index_ % static_cast<uint64_t>(options_.clients));
  const bool post = rng_.bernoulli(options_.post_ratio);
  ++next_index_;
  launch(next_index_, client, post, intended);
  schedule_next();
}

void TrafficGenerator::launch(uint64_t id, int client, bool post, core::Time intended) {
  core::RequestEvent event;
  event.id = id;
  event.client = client;
  event.method = post ? "POST" : "GET";
  event.path = post ? "/api/echo" : "/";
  event.intended = intended;
  auto request = std::make_shared<Request>(*this, event);
  auto& req = request->request;
  req.method(post ? http::verb::post : http::verb::get);
  req.target(event.path);
  req.version(11);
  req.set(http::field::host, "localhost");
  req.set(http::field::connection, "close");
  req.set("X-Request-Id", std::to_string(id));
  if (post) {
    req.set(http::field::content_type, "application/json");
    req.body() = fmt::format("{{\"client\":{},\"request\":{}}}", client, id);
    req.prepare_payload();
  }
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  ++sent_;
  asio::post(request->strand, [request, port = options_.port] { request->run(port); });
}

void TrafficGenerator::finished(const core::RequestEvent& event) {
  history_.append(event);
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

bool TrafficGenerator::wait_idle(std::chrono::nanoseconds real_deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, real_deadline, [this] { return in_flight_ == 0; });
}

}  // namespace bg::sim
