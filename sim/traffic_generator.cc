#include "sim/traffic_generator.h"

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "judge/checker_support.h"
#include "sim/traffic_connection.h"

namespace bg::sim {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// A bound, in scenario time, for the handlers to take a stop() and for requests in flight past their
// own timeout at the end: reached only when the io_context no longer runs (5 s real at 0.1).
constexpr core::Duration kTeardownSlack = std::chrono::seconds(50);

std::vector<std::string> referenced_assets(const std::string& html) {
  std::vector<std::string> out;
  for (const std::string attr : {"src=\"", "href=\""}) {
    for (size_t at = html.find(attr); at != std::string::npos; at = html.find(attr, at + 1)) {
      const size_t from = at + attr.size();
      const size_t to = html.find('"', from);
      if (to == std::string::npos) break;
      std::string path = html.substr(from, to - from);
      // Only the page's own build's files: chunks/, css/ and media/ are content-hashed, the same in
      // every build of one source, so any build serves them (judge::asset_build reads them as no build).
      if (judge::asset_build(path) && std::find(out.begin(), out.end(), path) == out.end())
        out.push_back(std::move(path));
    }
  }
  return out;
}

TrafficGenerator::TrafficGenerator(asio::io_context& io, core::Clock& clock, core::History& history, core::Rng rng,
                                   TrafficOptions options)
    : io_(io),
      clock_(clock),
      history_(history),
      rng_(std::move(rng)),
      options_(options),
      serial_(io, options_.network),
      timer_(serial_.executor(), clock),
      changed_(clock) {
  if (options_.keepalive)
    for (int c = 0; c < options_.clients; ++c)
      keepalive_.push_back(std::make_shared<TrafficConnection>(
          io_, clock_, options_.port, true, options_.timeout,
          [this](const core::RequestEvent& e, const std::string& body) { finished(e, body); }, options_.network));
}

TrafficGenerator::~TrafficGenerator() {
  stop();
  wait_idle(options_.timeout + kTeardownSlack);
  close_connections();
}

void TrafficGenerator::start() {
  serial_.post([this] {
    stopped_ = false;
    next_intended_ = clock_.now();
    arrivals_ = 0;
    schedule_next();
  });
}

void TrafficGenerator::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_acknowledged_ = false;
  }
  serial_.post([this] {
    stopped_ = true;
    timer_.cancel();
    {
      std::lock_guard lock(mutex_);
      stop_acknowledged_ = true;
    }
    changed_.notify_all();
  });
  // The io_context may have stopped already during teardown; then nothing is scheduled any more.
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, kTeardownSlack, {}, [this] { return stop_acknowledged_; })) stopped_ = true;
}

void TrafficGenerator::burst(double rate, core::Duration duration) {
  serial_.post([this, rate, duration] {
    const core::Time now = clock_.now();
    burst_rate_ = rate;
    burst_until_ = now + duration;
    // The next arrival was spaced for the old rate: the burst starts now, not after that gap.
    if (!stopped_ && next_intended_ > now + core::from_seconds(1.0 / rate)) {
      next_intended_ = now;
      timer_.cancel();  // its handler sees operation_aborted; schedule_next sets the new expiry
      schedule_next();
    }
  });
}

// Idle keep-alive connections have no operation pending; closing them releases their sockets
// before the io_context goes.
void TrafficGenerator::close_connections() {
  for (auto& c : keepalive_) c->close();
  keepalive_.clear();
}

void TrafficGenerator::schedule_next() {
  if (stopped_) return;
  const auto wait = next_intended_ - clock_.now();
  timer_.expires_after(std::max(wait, core::Duration(0)));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_arrival();
  });
}

void TrafficGenerator::on_arrival() {
  if (stopped_) return;
  const core::Time intended = next_intended_;
  const int client = static_cast<int>(arrivals_ % static_cast<uint64_t>(options_.clients));
  // One draw picks the kind, so the shares hold exactly as configured.
  const double kind = rng_.next_double();
  const bool post = kind < options_.post_ratio;
  const bool api_get = !post && kind < options_.post_ratio + options_.api_get_ratio;
  ++arrivals_;
  // The schedule never looks at responses: that is what keeps it open loop.
  const double rate = intended < burst_until_ ? burst_rate_ : options_.rate;
  const double gap = options_.arrivals == Arrivals::poisson ? rng_.exponential(1.0 / rate) : 1.0 / rate;
  next_intended_ = intended + core::from_seconds(gap);
  dispatch(client, make_exchange(client, post ? "POST" : "GET",
                                 post      ? "/api/echo"
                                 : api_get ? "/api/health"
                                           : "/",
                                 intended));
  schedule_next();
}

TrafficExchange TrafficGenerator::make_exchange(int client, const std::string& method, const std::string& path,
                                                core::Time intended) {
  TrafficExchange x;
  x.event.id = ++next_id_;
  x.event.client = client;
  x.event.method = method;
  x.event.path = path;
  x.event.intended = intended;
  auto& req = x.request;
  req.method(method == "POST" ? http::verb::post : http::verb::get);
  req.target(path);
  req.version(11);
  req.set(http::field::host, options_.host);
  req.set("X-Request-Id", std::to_string(x.event.id));
  if (method == "POST") {
    // An idempotency key, as payment APIs take it: the same for every retry of this one request.
    req.set("Idempotency-Key", fmt::format("client-{}-request-{}", client, x.event.id));
    req.set(http::field::content_type, "application/json");
    req.body() = fmt::format("{{\"client\":{},\"request\":{}}}", client, x.event.id);
    req.prepare_payload();
  }
  return x;
}

void TrafficGenerator::dispatch(int client, TrafficExchange exchange) {
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  ++sent_;
  if (options_.keepalive) return keepalive_[static_cast<size_t>(client)]->submit(std::move(exchange));
  auto connection = std::make_shared<TrafficConnection>(
      io_, clock_, options_.port, false, options_.timeout,
      [this](const core::RequestEvent& e, const std::string& body) { finished(e, body); }, options_.network);
  connection->submit(std::move(exchange));
}

void TrafficGenerator::finished(const core::RequestEvent& event, const std::string& body) {
  if (clock_.to_real(event.start - event.intended) > judge::kLateAfter) ++late_;
  // A browser fetches what the page names right away, from the build that served the page (R08).
  if (options_.browser && event.path == "/" && event.outcome == core::Outcome::ok)
    for (const auto& asset : referenced_assets(body))
      dispatch(event.client, make_exchange(event.client, "GET", asset, clock_.now()));
  history_.append(event);
  if (options_.live) {
    ++options_.live->requests;
    if (event.outcome != core::Outcome::ok) ++options_.live->lost;
  }
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) changed_.notify_all();
}

bool TrafficGenerator::wait_idle(core::Duration span) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, span, {}, [this] { return in_flight_ == 0; });
}

}  // namespace bg::sim
