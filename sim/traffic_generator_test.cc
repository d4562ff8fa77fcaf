// Live tests of TrafficGenerator on loopback against a tiny keep-alive backend: the rate it holds,
// latency corrected for coordinated omission, browser sessions and POST idempotency keys.
#include "sim/traffic_generator.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cmath>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "judge/latency_histogram.h"

namespace bg::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A backend in the image of Node's http server: keep-alive, one response per request. GET / is a
// page naming one chunk; requests that arrive inside the stall window are answered when it ends.
class TinyBackend {
 public:
  TinyBackend(asio::io_context& io, core::Clock& clock) : clock_(clock), acceptor_(io) {
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::address_v4::loopback(), 0});
    acceptor_.listen();
    accept();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void stall(core::Time from, core::Time to) {
    std::lock_guard lock(mutex_);
    stall_from_ = from;
    stall_to_ = to;
  }
  std::set<std::string> idempotency_keys() {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  void close() {
    std::promise<void> done;
    asio::post(acceptor_.get_executor(), [&] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      done.set_value();
    });
    done.get_future().wait_for(5s);
  }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(TinyBackend& owner, tcp::socket s) : owner(owner), socket(std::move(s)), timer(socket.get_executor()) {}
    TinyBackend& owner;
    tcp::socket socket;
    asio::steady_timer timer;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;

    void read() {
      req = {};
      http::async_read(socket, buffer, req, [self = shared_from_this()](beast::error_code ec, size_t) {
        if (!ec) self->handle();
      });
    }
    void handle() {
      res = {http::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      res.set("X-Build-Id", "b1");
      if (req.target() == "/")
        res.body() = "<html><script src=\"/_next/static/b1/_buildManifest.js\" defer=\"\"></script></html>";
      else
        res.body() = "ok";
      res.prepare_payload();
      const auto now = owner.clock_.now();
      core::Time until = now;
      {
        std::lock_guard lock(owner.mutex_);
        if (auto key = req.find("Idempotency-Key"); key != req.end()) owner.keys_.insert(std::string(key->value()));
        if (now >= owner.stall_from_ && now < owner.stall_to_) until = owner.stall_to_;
      }
      timer.expires_after(owner.clock_.to_real(until - now));
      timer.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
    }
    void write() {
      http::async_write(socket, res, [self = shared_from_this()](beast::error_code ec, size_t) {
        if (!ec && self->res.keep_alive()) self->read();
      });
    }
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(s))->read();
      accept();
    });
  }

  core::Clock& clock_;
  tcp::acceptor acceptor_;
  std::mutex mutex_;
  core::Time stall_from_{-1}, stall_to_{-1};
  std::set<std::string> keys_;
};

// The io_context, its threads, the clock and the backend of one test; nothing outlives it.
class TrafficGeneratorTest : public ::testing::Test {
 protected:
  explicit TrafficGeneratorTest(double time_scale = 0.1) : clock_(time_scale) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~TrafficGeneratorTest() override {
    backend_.close();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  TrafficOptions options(double rate, int clients) {
    TrafficOptions o;
    o.port = backend_.port();
    o.rate = rate;
    o.clients = clients;
    o.post_ratio = 0;
    o.timeout = 10s;
    return o;
  }
  // Runs the generator for `d` of scenario time and returns every request it recorded.
  std::vector<core::RequestEvent> run_for(TrafficGenerator& g, core::Duration d) {
    g.start();
    clock_.sleep_for(d);
    g.stop();
    EXPECT_TRUE(g.wait_idle(100s));
    return core::events_of<core::RequestEvent>(history_.entries());
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  core::ScaledClock clock_;
  core::History history_;
  TinyBackend backend_{io_, clock_};
  std::vector<std::thread> threads_;
};

// Goal: open-loop arrivals at a set rate are achieved within 2 %, every request answered.
TEST_F(TrafficGeneratorTest, AchievesTheSetRateWithinTwoPercent) {
  TrafficGenerator g(io_, clock_, history_, core::Rng(1), options(50, 4));
  const auto from = clock_.now();
  g.start();
  clock_.sleep_for(5s);
  g.stop();
  const double elapsed = core::to_seconds(clock_.now() - from);
  ASSERT_TRUE(g.wait_idle(100s));
  const auto requests = core::events_of<core::RequestEvent>(history_.entries());
  const double achieved = static_cast<double>(requests.size()) / elapsed;
  EXPECT_NEAR(achieved, 50.0, 50.0 * 0.02) << requests.size() << " requests in " << elapsed << " s";
  for (const auto& q : requests) EXPECT_EQ(q.outcome, core::Outcome::ok) << q.error;
}

// Goal: a burst raises the arrival rate for its duration only, from the moment it is asked for, and
// the schedule then returns to the configured rate.
TEST_F(TrafficGeneratorTest, BurstRaisesTheRateForItsDurationThenReturns) {
  TrafficGenerator g(io_, clock_, history_, core::Rng(1), options(10, 2));
  g.start();
  clock_.sleep_for(2s);
  const auto burst_from = clock_.now();
  g.burst(100, 2s);
  clock_.sleep_for(4s);
  g.stop();
  ASSERT_TRUE(g.wait_idle(100s));
  int before = 0, during = 0, after = 0;
  for (const auto& q : core::events_of<core::RequestEvent>(history_.entries())) {
    if (q.intended < burst_from)
      ++before;
    else if (q.intended < burst_from + 2s)
      ++during;
    else
      ++after;
  }
  // 10/s for 2 s, 100/s for 2 s, 10/s for the last 2 s (one arrival either way at each edge).
  EXPECT_NEAR(before, 20, 2);
  EXPECT_NEAR(during, 200, 4);
  EXPECT_NEAR(after, 20, 3);
}

// Goal: a backend stalled for one scenario second shows in the corrected p99, while the figure a
// closed-loop tool reports (from the actual send, one keep-alive connection) hides it.
TEST_F(TrafficGeneratorTest, StallShowsInCorrectedButNotUncorrectedP99) {
  auto o = options(50, 1);
  o.keepalive = true;
  TrafficGenerator g(io_, clock_, history_, core::Rng(2), o);
  const auto t0 = clock_.now();
  backend_.stall(t0 + 2s, t0 + 3s);
  const auto requests = run_for(g, 6s);
  ASSERT_GE(requests.size(), 250u);
  for (const auto& q : requests) EXPECT_EQ(q.outcome, core::Outcome::ok) << q.error;
  const auto l = judge::request_latencies(requests);
  EXPECT_GE(l.corrected.p99, 800ms);
  EXPECT_LT(l.uncorrected.p99, 300ms);
  EXPECT_GE(l.uncorrected.max, 800ms);  // the one request that met the stall
  EXPECT_GE(g.late(), 40);              // the ones queued behind it were sent late
}

// Goal: Poisson arrivals keep the mean rate but not the spacing (gaps vary as exponential ones do).
TEST_F(TrafficGeneratorTest, PoissonArrivalsHaveExponentialGaps) {
  auto o = options(100, 4);
  o.arrivals = Arrivals::poisson;
  TrafficGenerator g(io_, clock_, history_, core::Rng(3), o);
  auto requests = run_for(g, 3s);
  ASSERT_GE(requests.size(), 150u);
  std::sort(requests.begin(), requests.end(), [](auto& a, auto& b) { return a.intended < b.intended; });
  std::vector<double> gaps;
  for (size_t i = 1; i < requests.size(); ++i)
    gaps.push_back(core::to_seconds(requests[i].intended - requests[i - 1].intended));
  double mean = 0, var = 0;
  for (double x : gaps) mean += x / gaps.size();
  for (double x : gaps) var += (x - mean) * (x - mean) / gaps.size();
  EXPECT_NEAR(mean, 0.01, 0.003);
  EXPECT_GT(std::sqrt(var) / mean, 0.6);  // exponential: 1; constant: 0
}

// Goal: a browser fetches each chunk its page names after the page; API GETs are in the mix; POSTs
// carry distinct Idempotency-Key headers.
TEST_F(TrafficGeneratorTest, BrowserFetchesChunksAndPostsCarryIdempotencyKeys) {
  auto o = options(20, 2);
  o.browser = true;
  o.keepalive = true;
  o.post_ratio = 0.5;
  o.api_get_ratio = 0.2;
  TrafficGenerator g(io_, clock_, history_, core::Rng(4), o);
  const auto requests = run_for(g, 2s);
  int pages = 0, chunks = 0, posts = 0, api_gets = 0;
  for (const auto& q : requests) {
    EXPECT_EQ(q.outcome, core::Outcome::ok) << q.path << " " << q.error;
    if (q.path == "/") ++pages;
    if (q.path == "/_next/static/b1/_buildManifest.js") ++chunks;
    if (q.method == "POST") ++posts;
    if (q.path == "/api/health") ++api_gets;
  }
  EXPECT_GT(api_gets, 0);
  EXPECT_GT(pages, 5);
  EXPECT_EQ(chunks, pages);
  EXPECT_GT(posts, 5);
  EXPECT_EQ(backend_.idempotency_keys().size(), static_cast<size_t>(posts));
}

// Goal: the files of the page's own build are found in its script and link tags, each once; the
// build-independent chunks, css and media, and anything else, are not.
TEST(ReferencedAssets, FindsStaticChunksOnly) {
  const auto assets = referenced_assets(
      "<link href=\"/_next/static/b2/app.css\" rel=\"stylesheet\"/><script "
      "src=\"/_next/static/b2/_buildManifest.js\">"
      "</script><img src=\"/logo.png\"/><script src=\"/_next/static/b2/_buildManifest.js\"></script>"
      "<script src=\"/_next/static/chunks/main-a9843dfedfe4c8a6.js\"></script>"
      "<link href=\"/_next/static/css/0c1f.css\" rel=\"stylesheet\"/>");
  EXPECT_EQ(assets, (std::vector<std::string>{"/_next/static/b2/_buildManifest.js", "/_next/static/b2/app.css"}));
}

}  // namespace
}  // namespace bg::sim
