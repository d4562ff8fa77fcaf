#include "net/blocking_probe.h"

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
  boost::beast::flat_buffer buffer;
  http::request<http::empty_body> request;
  http::response<http::string_body> response;
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

std::optional<int> blocking_http_get(const Network& network, const asio::any_io_executor& executor, core::Clock& clock,
                                     uint16_t port, const std::string& path, core::Duration timeout,
                                     std::stop_token stop) {
  return run(network, executor, clock, timeout, stop, [port, path](std::shared_ptr<Probe> probe) {
    probe->socket.async_connect(loopback(port), [probe, path](error_code ec) {
      if (ec) return probe->finish(std::nullopt);
      probe->request = {http::verb::get, path, 11};
      probe->request.set(http::field::host, "localhost");
      probe->request.keep_alive(false);
      http::async_write(probe->socket, probe->request, [probe](error_code ec, std::size_t) {
        if (ec) return probe->finish(std::nullopt);
        http::async_read(probe->socket, probe->buffer, probe->response, [probe](error_code ec, std::size_t) {
          probe->finish(ec ? std::nullopt : std::optional<int>(probe->response.result_int()));
        });
      });
    });
  });
}

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

}  // namespace bg::net
