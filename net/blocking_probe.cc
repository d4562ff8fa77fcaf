#include "net/blocking_probe.h"

#include <algorithm>
#include <memory>
#include <mutex>

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/scenario_condition.h"
#include "core/scenario_timer.h"

namespace bg::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

// Shared by the waiting thread and the handlers, which may outlive the wait (a timeout).
struct Probe {
  Probe(const Network& network, const asio::any_io_executor& executor, core::Clock& clock)
      : socket(executor, network), deadline(executor, clock), changed(clock) {}
  Socket socket;
  core::ScenarioTimer deadline;
  std::mutex mutex;
  core::ScenarioCondition changed;
  bool done = false;
  std::optional<int> status;

  void finish(std::optional<int> result) {
    {
      std::lock_guard lock(mutex);
      if (done) return;
      done = true;
      status = result;
    }
    deadline.cancel();
    error_code ignored;
    socket.close(ignored);
    changed.notify_all();
  }
};

// Starts the probe on the executor, then waits for it.
template <class Start>
std::optional<int> run(const Network& network, const asio::any_io_executor& executor, core::Clock& clock,
                       core::Duration timeout, std::stop_token stop, Start start) {
  auto probe = std::make_shared<Probe>(network, executor, clock);
  asio::post(executor, [probe, timeout, start] {
    probe->deadline.expires_after(timeout);
    probe->deadline.async_wait([probe](error_code ec) {
      if (!ec) probe->finish(std::nullopt);
    });
    start(probe);
  });
  std::unique_lock lock(probe->mutex);
  // The deadline's own handler ends it; the slack covers an io_context that no longer runs.
  probe->changed.wait_for(lock, timeout + timeout, stop, [&] { return probe->done; });
  return probe->done ? probe->status : std::nullopt;
}

asio::ip::tcp::endpoint loopback(uint16_t port) { return {asio::ip::address_v4::loopback(), port}; }

}  // namespace

bool blocking_connect(const Network& network, const asio::any_io_executor& executor, core::Clock& clock, uint16_t port,
                      core::Duration timeout, std::stop_token stop) {
  return run(network, executor, clock, timeout, stop,
             [port](std::shared_ptr<Probe> probe) {
               probe->socket.async_connect(loopback(port), [probe](error_code ec) {
                 probe->finish(ec ? std::nullopt : std::optional<int>(0));
               });
             })
      .has_value();
}

namespace {

// The exchange's state, shared by the waiting thread and the handlers (which may outlive a timeout).
struct Exchange {
  Exchange(const Network& network, const asio::any_io_executor& executor, core::Clock& clock)
      : socket(executor, network), deadline(executor, clock), changed(clock), clock(clock) {}
  Socket socket;
  core::ScenarioTimer deadline;
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response_parser<http::string_body> parser;
  std::mutex mutex;
  core::ScenarioCondition changed;
  core::Clock& clock;
  core::Time started{};
  bool done = false;
  HttpExchangeOutcome outcome;

  void finish(HttpExchangeOutcome::Failure failure, const error_code& ec = {}) {
    {
      std::lock_guard lock(mutex);
      if (done) return;
      done = true;
      outcome.failure = failure;
      if (ec) outcome.error = ec.message();
      outcome.elapsed = clock.now() - started;
      if (failure == HttpExchangeOutcome::Failure::none) {
        const auto& response = parser.get();
        outcome.status = response.result_int();
        outcome.reason = std::string(response.reason());
        for (const auto& field : response) outcome.headers.emplace_back(field.name_string(), field.value());
        outcome.body = response.body();
      }
    }
    deadline.cancel();
    error_code ignored;
    socket.close(ignored);
    changed.notify_all();
  }

  // What a failed read or write says about the connection.
  void failed(const error_code& ec) {
    using F = HttpExchangeOutcome::Failure;
    if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) return finish(F::reset, ec);
    if (ec == http::error::end_of_stream) return finish(F::empty_reply, ec);
    if (ec == http::error::partial_message || ec == asio::error::eof) return finish(F::partial, ec);
    finish(F::other, ec);
  }
};

}  // namespace

HttpExchangeOutcome blocking_http_exchange(const Network& network, const asio::any_io_executor& executor,
                                           core::Clock& clock, uint16_t port, const HttpExchangeRequest& request,
                                           core::Duration timeout, std::stop_token stop) {
  using F = HttpExchangeOutcome::Failure;
  auto x = std::make_shared<Exchange>(network, executor, clock);
  x->request = {http::string_to_verb(request.method), request.target, 11};
  if (x->request.method() == http::verb::unknown) x->request.method_string(request.method);
  for (const auto& [name, value] : request.headers) x->request.insert(name, value);
  x->request.body() = request.body;
  if (!request.body.empty() || x->request.method() == http::verb::post || x->request.method() == http::verb::put)
    x->request.prepare_payload();
  x->parser.skip(x->request.method() == http::verb::head);  // a HEAD response has no body
  x->parser.body_limit(64 * 1024 * 1024);
  x->started = clock.now();
  // A client without a time limit still ends: a day of scenario time is more than any run lasts.
  const core::Duration limit = std::min<core::Duration>(timeout, std::chrono::hours(24));
  asio::post(executor, [x, port, limit] {
    x->deadline.expires_after(limit);
    x->deadline.async_wait([x](error_code ec) {
      if (!ec) x->finish(F::timeout);
    });
    x->socket.async_connect(loopback(port), [x](error_code ec) {
      if (ec == asio::error::connection_refused) return x->finish(F::refused, ec);
      if (ec) return x->failed(ec);
      {
        std::lock_guard lock(x->mutex);
        x->outcome.connected = true;
      }
      http::async_write(x->socket, x->request, [x](error_code ec, std::size_t) {
        if (ec) return x->failed(ec);
        http::async_read(x->socket, x->buffer, x->parser, [x](error_code ec, std::size_t) {
          if (ec) return x->failed(ec);
          x->finish(F::none);
        });
      });
    });
  });
  std::unique_lock lock(x->mutex);
  // The deadline's own handler ends it; the slack covers an io_context that no longer runs.
  x->changed.wait_for(lock, limit + limit, stop, [&] { return x->done; });
  if (!x->done) {
    HttpExchangeOutcome stopped;
    stopped.failure = F::timeout;
    stopped.error = "stopped";
    return stopped;
  }
  return x->outcome;
}

std::optional<int> blocking_http_get(const Network& network, const asio::any_io_executor& executor, core::Clock& clock,
                                     uint16_t port, const std::string& path, core::Duration timeout,
                                     std::stop_token stop) {
  HttpExchangeRequest request;
  request.target = path;
  request.headers = {{"Host", "localhost"}, {"Connection", "close"}};
  const HttpExchangeOutcome o = blocking_http_exchange(network, executor, clock, port, request, timeout, stop);
  if (o.failure != HttpExchangeOutcome::Failure::none) return std::nullopt;
  return o.status;
}

}  // namespace bg::net
