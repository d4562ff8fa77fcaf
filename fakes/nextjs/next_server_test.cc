// Live tests of NextServer on loopback: start-up, readiness, routes, keep-alive, signals, teardown.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it under C++20

#include <csignal>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "core/rng.h"
#include "fakes/nextjs/next_server.h"
#include "test_support/wait.h"

namespace bg::fakes {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;
using Response = http::response<http::string_body>;

// Real-time bound on every client operation in these tests.
constexpr auto kClientDeadline = 5s;

// What a client saw: a response, or the failure class ("connect_refused", "eof", "reset",
// "timeout", or the error's message).
struct Reply {
  std::string error;
  Response res;
  int status() const { return error.empty() ? res.result_int() : 0; }
};

std::string classify(beast::error_code ec) {
  if (ec == asio::error::connection_refused) return "connect_refused";
  if (ec == http::error::end_of_stream || ec == asio::error::eof) return "eof";
  if (ec == asio::error::connection_reset) return "reset";
  if (ec == beast::error::timeout) return "timeout";
  return ec.message();
}

// One client connection with its own io_context; every operation runs to completion or deadline.
class TestConnection {
 public:
  std::string connect(uint16_t port) {
    beast::error_code result;
    stream_.expires_after(kClientDeadline);
    stream_.async_connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port),
                          [&](beast::error_code ec) { result = ec; });
    run();
    return result ? classify(result) : "";
  }

  Reply round_trip(http::request<http::string_body> req) {
    req.prepare_payload();
    Reply reply;
    beast::error_code result;
    stream_.expires_after(kClientDeadline);
    http::async_write(stream_, req, [&](beast::error_code ec, size_t) {
      if (ec) {
        result = ec;
        return;
      }
      http::async_read(stream_, buffer_, reply.res, [&](beast::error_code ec2, size_t) { result = ec2; });
    });
    run();
    if (result) reply.error = classify(result);
    return reply;
  }

  // Waits for the server to close the connection: "eof", "reset", or "timeout"/"data".
  std::string wait_closed() {
    beast::error_code result;
    size_t got = 0;
    stream_.expires_after(kClientDeadline);
    stream_.async_read_some(buffer_.prepare(1024), [&](beast::error_code ec, size_t n) {
      result = ec;
      got = n;
    });
    run();
    return result ? classify(result) : (got > 0 ? "data" : "");
  }

  void close() { stream_.close(); }

 private:
  void run() {
    io_.restart();
    io_.run();
  }
  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
};

http::request<http::string_body> make_request(http::verb verb, std::string target, uint64_t request_id = 0,
                                              std::string body = {}) {
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "localhost");
  if (request_id != 0) req.set("X-Request-Id", std::to_string(request_id));
  req.body() = std::move(body);
  return req;
}

Reply call(uint16_t port, http::request<http::string_body> req) {
  TestConnection conn;
  if (std::string err = conn.connect(port); !err.empty()) return Reply{err, {}};
  return conn.round_trip(std::move(req));
}

size_t open_fd_count() {
  size_t n = 0;
  for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

class NextServerTest : public ::testing::Test {
 protected:
  // 0.01: a scenario second is 10 ms real.
  NextServerTest() : clock_(0.01), port_(ports_.reserve_anonymous()) {
    for (int i = 0; i < 2; ++i) {
      std::promise<void> done;
      runners_done_.push_back(done.get_future());
      runners_.emplace_back([this, done = std::move(done)]() mutable {
        io_.run();
        done.set_value();
      });
    }
  }

  ~NextServerTest() override {
    server_.reset();
    guard_.reset();
    // Nothing of the server may keep the io_context busy once it is destroyed.
    for (auto& done : runners_done_)
      if (done.wait_for(5s) != std::future_status::ready) {
        ADD_FAILURE() << "io_context still has work after the server was destroyed";
        io_.stop();
      }
    for (auto& t : runners_) t.join();
  }

  void start(NextAppProfile profile, std::string build = "build-1") {
    ProcessSpec spec{"blue-blue-1", "app:latest", std::move(build), port_, {}};
    server_ = std::make_unique<NextServer>(io_, clock_, history_, ports_, core::Rng(7), std::move(profile), spec);
    server_->on_exit = [this](int code) {
      if (destroy_on_exit_) server_.reset();
      std::lock_guard lock(mutex_);
      exit_codes_.push_back(code);
    };
    server_->start();
  }

  static NextAppProfile profile(const char* version, core::Duration listen, core::Duration prepare) {
    NextAppProfile p;
    p.version = version;
    p.listen_delay = listen;
    p.prepare_delay = prepare;
    return p;
  }

  std::vector<core::AppEvent> app_events(core::AppWhat what) const {
    std::vector<core::AppEvent> out;
    for (auto& e : history_.all<core::AppEvent>())
      if (e.what == what) out.push_back(e);
    return out;
  }

  // Waits (scenario time on the run's clock, 500 s at most) until `pred` holds.
  template <class Pred>
  testing::AssertionResult wait_until(Pred pred, const char* what, core::Duration deadline = 500s) {
    return test_support::wait_until(clock_, pred, deadline, what);
  }

  testing::AssertionResult wait_event(core::AppWhat what) {
    return wait_until([&] { return !app_events(what).empty(); }, std::string(core::app_what_name(what)).c_str());
  }

  testing::AssertionResult wait_exit(int expected) {
    auto exited = wait_until([&] { return !exit_codes().empty(); }, "on_exit");
    if (!exited) return exited;
    auto codes = exit_codes();
    if (codes != std::vector<int>{expected})
      return testing::AssertionFailure() << "on_exit calls: " << codes.size() << ", first code " << codes[0];
    return testing::AssertionSuccess();
  }

  std::vector<int> exit_codes() const {
    std::lock_guard lock(mutex_);
    return exit_codes_;
  }

  // An in-flight POST /api/echo held for `delay` scenario time, sent from another thread.
  std::future<Reply> slow_echo(uint64_t request_id, core::Duration delay) {
    auto req = make_request(http::verb::post, "/api/echo", request_id, "payload");
    req.set("X-Bluegreen-Delay-Ms",
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()));
    return std::async(std::launch::async, [port = port_, req] { return call(port, req); });
  }

  core::ScaledClock clock_;
  core::History history_;
  core::PortMap ports_;
  uint16_t port_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_{io_.get_executor()};
  std::vector<std::thread> runners_;
  std::vector<std::future<void>> runners_done_;
  std::unique_ptr<NextServer> server_;
  mutable std::mutex mutex_;
  std::vector<int> exit_codes_;
  bool destroy_on_exit_ = false;
};

// Goal: the port refuses until listen_delay has passed; then GET / is 200 with the app's headers.
TEST_F(NextServerTest, RefusesBeforeListenDelayThenServesPageWithHeaders) {
  start(profile("14.1", 50s, 0s));
  bool refused_seen = false;
  ASSERT_TRUE(wait_until(
      [&] {
        bool was_listening = !app_events(core::AppWhat::listening).empty();
        std::string err = TestConnection().connect(port_);
        EXPECT_TRUE(err.empty() || (err == "connect_refused" && !was_listening)) << err;
        refused_seen |= err == "connect_refused";
        return err.empty();
      },
      "listening"));
  EXPECT_TRUE(refused_seen);
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  EXPECT_GE(app_events(core::AppWhat::listening)[0].at - app_events(core::AppWhat::starting)[0].at, 50s);

  Reply reply = call(port_, make_request(http::verb::get, "/", 17));
  ASSERT_EQ(reply.error, "");
  EXPECT_EQ(reply.status(), 200);
  EXPECT_EQ(reply.res["X-Served-By"], "blue-blue-1");
  EXPECT_EQ(reply.res["X-Build-Id"], "build-1");
  EXPECT_EQ(reply.res["X-Request-Id"], "17");
  EXPECT_NE(reply.res.body().find("/_next/static/build-1/_buildManifest.js"), std::string::npos);
}

// Goal: on 12.x the health check is 503 (and a page 500) while preparing, then 200 with the build.
TEST_F(NextServerTest, HealthIs503WhilePreparingThen200) {
  start(profile("12.2", 0s, 60s));
  ASSERT_TRUE(wait_event(core::AppWhat::listening));
  bool was_ready = !app_events(core::AppWhat::ready).empty();
  Reply early = call(port_, make_request(http::verb::get, "/api/health"));
  Reply page = call(port_, make_request(http::verb::get, "/"));
  ASSERT_FALSE(was_ready) << "machine too slow to observe the prepare window";
  EXPECT_EQ(early.status(), 503);
  EXPECT_EQ(early.res["X-Build-Id"], "build-1");
  if (app_events(core::AppWhat::ready).empty()) {
    EXPECT_EQ(page.status(), 500);
  }

  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  Reply ready = call(port_, make_request(http::verb::get, "/api/health"));
  EXPECT_EQ(ready.status(), 200);
  EXPECT_EQ(ready.res.body(), R"({"status":"ok","buildId":"build-1"})");
}

// Goal: on 13.4 a request sent after listen() but before ready is held and answered once ready.
TEST_F(NextServerTest, HoldsEarlyRequestUntilReadyOn13_4) {
  start(profile("13.4", 0s, 60s));
  ASSERT_TRUE(wait_event(core::AppWhat::listening));
  core::Time sent = clock_.now();
  Reply reply = call(port_, make_request(http::verb::get, "/api/health", 5));
  core::Time answered = clock_.now();
  ASSERT_EQ(app_events(core::AppWhat::ready).size(), 1u);
  core::Time ready = app_events(core::AppWhat::ready)[0].at;
  EXPECT_LT(sent, ready);
  EXPECT_LE(ready, answered);
  EXPECT_EQ(reply.status(), 200);
  EXPECT_EQ(reply.res["X-Request-Id"], "5");
}

// Goal: 13.4's SIGTERM exits at once: the slow in-flight POST gets no response, a cut is logged.
TEST_F(NextServerTest, ImmediateSigtermCutsSlowInFlightRequest) {
  start(profile("13.4", 0s, 0s));
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  auto slow = slow_echo(42, 300s);
  ASSERT_TRUE(wait_event(core::AppWhat::execution));
  server_->signal(SIGTERM);
  Reply reply = slow.get();
  EXPECT_EQ(reply.status(), 0);
  EXPECT_TRUE(reply.error == "eof" || reply.error == "reset") << reply.error;
  EXPECT_TRUE(wait_exit(0));
  ASSERT_EQ(app_events(core::AppWhat::cut).size(), 1u);
  EXPECT_EQ(app_events(core::AppWhat::cut)[0].request_id, 42u);
  EXPECT_EQ(app_events(core::AppWhat::exited)[0].detail, "code=0 signal=SIGTERM");
  EXPECT_EQ(TestConnection().connect(port_), "connect_refused");
}

// Goal: 14.1's SIGTERM drains: new connects are refused, the slow request gets its 200, exit 0.
TEST_F(NextServerTest, GracefulSigtermFinishesSlowRequestAndRefusesNewConnects) {
  start(profile("14.1", 0s, 0s));
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  auto slow = slow_echo(43, 50s);
  ASSERT_TRUE(wait_event(core::AppWhat::execution));
  server_->signal(SIGTERM);
  ASSERT_TRUE(wait_event(core::AppWhat::draining));
  EXPECT_EQ(TestConnection().connect(port_), "connect_refused");
  Reply reply = slow.get();
  ASSERT_EQ(reply.error, "");
  EXPECT_EQ(reply.status(), 200);
  EXPECT_EQ(reply.res.body(), "payload");
  EXPECT_EQ(reply.res["X-Execution-Id"], "blue-blue-1-1");
  EXPECT_FALSE(reply.res.keep_alive());
  EXPECT_TRUE(wait_exit(0));
  EXPECT_TRUE(app_events(core::AppWhat::cut).empty());
}

// Goal: SIGKILL ends the process at once with 137, cutting what is in flight.
TEST_F(NextServerTest, SigkillExits137) {
  start(profile("14.1", 0s, 0s));
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  auto slow = slow_echo(44, 300s);
  ASSERT_TRUE(wait_event(core::AppWhat::execution));
  server_->signal(SIGKILL);
  EXPECT_EQ(slow.get().status(), 0);
  EXPECT_TRUE(wait_exit(137));
  EXPECT_EQ(app_events(core::AppWhat::cut).size(), 1u);
  EXPECT_EQ(app_events(core::AppWhat::exited)[0].detail, "code=137 signal=SIGKILL");
  server_->signal(SIGKILL);  // after exit: ignored, on_exit stays called once
  EXPECT_TRUE(wait_exit(137));
}

// Goal: with npm as PID 1 SIGTERM is swallowed: the app keeps serving until SIGKILL.
TEST_F(NextServerTest, IgnoredSigtermKeepsServingUntilSigkill) {
  NextAppProfile p = profile("14.1", 0s, 0s);
  p.sigterm = SigtermMode::ignore;
  start(p);
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  server_->signal(SIGTERM);
  server_->signal(SIGINT);
  EXPECT_EQ(call(port_, make_request(http::verb::get, "/")).status(), 200);
  EXPECT_TRUE(exit_codes().empty());
  EXPECT_TRUE(app_events(core::AppWhat::draining).empty());
  server_->signal(SIGKILL);
  EXPECT_TRUE(wait_exit(137));
}

// Goal: assets exist only for the app's own build (R08); unknown paths are 404; POSTs get ids.
TEST_F(NextServerTest, ServesOnlyItsOwnBuildAssetsAndNumbersExecutions) {
  start(profile("14.1", 0s, 0s), "build-2");
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  EXPECT_EQ(call(port_, make_request(http::verb::get, "/_next/static/build-2/_buildManifest.js")).status(), 200);
  EXPECT_EQ(call(port_, make_request(http::verb::get, "/_next/static/build-1/_buildManifest.js")).status(), 404);
  Reply missing = call(port_, make_request(http::verb::get, "/nope", 9));
  EXPECT_EQ(missing.status(), 404);
  EXPECT_EQ(missing.res["X-Served-By"], "blue-blue-1");
  EXPECT_EQ(missing.res["X-Request-Id"], "9");
  Reply first = call(port_, make_request(http::verb::post, "/api/echo", 1, "a"));
  Reply second = call(port_, make_request(http::verb::post, "/api/echo", 2, "b"));
  EXPECT_EQ(first.res["X-Execution-Id"], "blue-blue-1-1");
  EXPECT_EQ(second.res["X-Execution-Id"], "blue-blue-1-2");
  EXPECT_EQ(second.res.body(), "b");
  auto executions = app_events(core::AppWhat::execution);
  ASSERT_EQ(executions.size(), 2u);
  EXPECT_EQ(executions[1].request_id, 2u);
  EXPECT_EQ(executions[1].execution_id, "blue-blue-1-2");
}

// Goal: a keep-alive connection serves several requests and is closed after keep_alive_timeout.
TEST_F(NextServerTest, KeepAliveConnectionIsReusedThenClosedWhenIdle) {
  NextAppProfile p = profile("14.1", 0s, 0s);
  p.keep_alive_timeout = 20s;
  start(p);
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  TestConnection conn;
  ASSERT_EQ(conn.connect(port_), "");
  Reply first = conn.round_trip(make_request(http::verb::get, "/"));
  EXPECT_EQ(first.status(), 200);
  EXPECT_EQ(first.res["Keep-Alive"], "timeout=20");
  EXPECT_EQ(conn.round_trip(make_request(http::verb::get, "/api/health")).status(), 200);
  EXPECT_EQ(conn.wait_closed(), "eof");
}

// Goal: listening on a port the run does not hold fails like EADDRINUSE: exit 1.
TEST_F(NextServerTest, ListenFailureExitsOne) {
  ports_.release_anonymous(port_);
  start(profile("14.1", 0s, 0s));
  EXPECT_TRUE(wait_exit(1));
  EXPECT_NE(app_events(core::AppWhat::exited)[0].detail.find("listen failed"), std::string::npos);
}

// Goal: the runtime may destroy the process from inside on_exit (on the server's strand).
TEST_F(NextServerTest, MayBeDestroyedFromOnExit) {
  destroy_on_exit_ = true;
  start(profile("14.1", 0s, 0s));
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  server_->signal(SIGTERM);
  EXPECT_TRUE(wait_exit(0));
  EXPECT_EQ(TestConnection().connect(port_), "connect_refused");
}

// Goal: destroying a running server with an open connection closes everything, without on_exit.
TEST_F(NextServerTest, DestructionLeavesNothingOpen) {
  { asio::steady_timer warm_up(io_); }  // the io_context's own reactor descriptors open lazily
  size_t fds_before = open_fd_count();
  start(profile("13.4", 0s, 0s));
  ASSERT_TRUE(wait_event(core::AppWhat::ready));
  auto slow = slow_echo(45, 300s);
  ASSERT_TRUE(wait_event(core::AppWhat::execution));
  server_.reset();
  EXPECT_EQ(slow.get().status(), 0);
  EXPECT_EQ(TestConnection().connect(port_), "connect_refused");
  EXPECT_EQ(open_fd_count(), fds_before);
  EXPECT_TRUE(exit_codes().empty());
}

}  // namespace
}  // namespace bg::fakes
