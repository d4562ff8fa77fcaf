// Upstream keep-alive (proxy_http_version 1.1 + keepalive N): the cache core, and the live proxy
// against a backend that behaves like Node's keep-alive server (semantics.md §1).
#include <unistd.h>

#include <fstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "proxy/keepalive_cache.h"
#include "proxy/proxy_server.h"
#include "proxy/proxy_test_support.h"
#include "proxy/retry_policy.h"
#include "test_support/keepalive_backend.h"

namespace bg::proxy {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace test_support;

Upstream upstream_with_keepalive(int n) {
  Upstream u;
  u.name = "backends";
  u.keepalive = n;
  return u;
}

// The cache hands back the most recently saved connection to the asked peer, and only to it.
TEST(KeepaliveCacheTest, TakesMostRecentConnectionToThatPeer) {
  KeepaliveCache cache(upstream_with_keepalive(4));
  std::vector<int> to_close;
  EXPECT_TRUE(cache.put({10, 3000, 0s, 0s, 1}, 1s).empty());
  EXPECT_TRUE(cache.put({11, 3001, 0s, 0s, 1}, 2s).empty());
  EXPECT_TRUE(cache.put({12, 3000, 0s, 0s, 1}, 3s).empty());
  auto c = cache.take(3000, 4s, to_close);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->fd, 12);
  EXPECT_FALSE(cache.take(3002, 4s, to_close));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(to_close.empty());
}

// `keepalive 2`: a third idle connection evicts the least recently used one.
TEST(KeepaliveCacheTest, EvictsLeastRecentlyUsedWhenFull) {
  KeepaliveCache cache(upstream_with_keepalive(2));
  cache.put({10, 3000, 0s, 0s, 1}, 1s);
  cache.put({11, 3001, 0s, 0s, 1}, 2s);
  EXPECT_EQ(cache.put({12, 3001, 0s, 0s, 1}, 3s), std::vector<int>{10});
  EXPECT_EQ(cache.size(), 2u);
}

// keepalive_timeout (60 s by default) and keepalive_requests end a connection's reuse.
TEST(KeepaliveCacheTest, DropsIdleTooLongAndOverusedConnections) {
  Upstream u = upstream_with_keepalive(4);
  u.keepalive_requests = 3;
  KeepaliveCache cache(u);
  std::vector<int> to_close;
  cache.put({10, 3000, 0s, 0s, 1}, 0s);
  EXPECT_FALSE(cache.take(3000, 61s, to_close));
  EXPECT_EQ(to_close, std::vector<int>{10});
  EXPECT_EQ(cache.put({11, 3000, 0s, 0s, 3}, 62s), std::vector<int>{11});
  EXPECT_EQ(cache.size(), 0u);
}

// Without `keepalive` nothing is cached: the caller closes the connection.
TEST(KeepaliveCacheTest, DisabledCacheClosesEverything) {
  KeepaliveCache cache(upstream_with_keepalive(0));
  EXPECT_FALSE(cache.enabled());
  EXPECT_EQ(cache.put({10, 3000, 0s, 0s, 1}, 0s), std::vector<int>{10});
}

// §1: a plain error on a reused connection gets one extra try, even on a single server.
TEST(KeepaliveRetryTest, ErrorOnReusedConnectionGetsExtraTry) {
  RetryInput in;
  in.next_upstream = kNextError | kNextTimeout;
  in.kind = FailureKind::error;
  in.request_sent = true;
  in.tries_left = 0;
  in.cached = true;
  RetryDecision d = RetryPolicy::decide(in);
  EXPECT_TRUE(d.extra_try);
  EXPECT_TRUE(d.retry);
  in.cached = false;
  EXPECT_FALSE(RetryPolicy::decide(in).retry);
}

// A POST already sent is FT_ERROR|FT_NON_IDEMPOTENT: no extra try, no retry; a timeout gets none.
TEST(KeepaliveRetryTest, PostOrTimeoutOnReusedConnectionGetsNoExtraTry) {
  RetryInput in;
  in.next_upstream = kNextError | kNextTimeout;
  in.kind = FailureKind::error;
  in.method = "POST";
  in.request_sent = true;
  in.cached = true;
  RetryDecision d = RetryPolicy::decide(in);
  EXPECT_FALSE(d.extra_try);
  EXPECT_FALSE(d.retry);
  in.method = "GET";
  in.kind = FailureKind::timeout;
  EXPECT_FALSE(RetryPolicy::decide(in).extra_try);
}

std::string keepalive_config(const std::string& location_extra,
                             const std::string& upstream_extra = "    keepalive 4;\n") {
  return "events {}\nhttp {\n  upstream backends {\n    server localhost:3000;\n" + upstream_extra +
         "  }\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://backends;\n" + location_extra +
         "    }\n  }\n}\n";
}

const std::string kKeepaliveLocation = "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n";

class KeepaliveProxyTest : public testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bg_keepalive_" + std::to_string(::getpid()) + "_" + test_dir_name());
    fs::create_directories(dir_);
    paths_.add("/etc/nginx", dir_);
    for (int i = 0; i < GetParam(); ++i) threads_.emplace_back([this] { io_.run(); });
    proxy_ = std::make_unique<ProxyServer>(io_, clock_, history_, ports_, paths_);
    proxy_->run_on_one_thread(GetParam() == 1);
  }
  void TearDown() override {
    proxy_->stop();
    backend_.reset();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    proxy_.reset();
    fs::remove_all(dir_);
  }
  void start(const std::string& config, KeepaliveBackend::Options options = {}) {
    backend_ = std::make_unique<KeepaliveBackend>(ports_, 3000, "blue", options);
    std::ofstream(dir_ / "nginx.conf") << config;
    proxy_->start("/etc/nginx/nginx.conf");
  }
  ClientResponse send(const std::string& method = "GET") {
    return http_request(proxy_->listen_port(), method, "/", "", method == "POST" ? "x=1" : "");
  }
  std::vector<core::ProxyEvent> events(core::ProxyEventKind kind) {
    std::vector<core::ProxyEvent> out;
    for (auto& e : history_.all<core::ProxyEvent>())
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  fs::path dir_;
  core::PathMap paths_;
  core::PortMap ports_;
  core::History history_;
  core::ManualClock clock_{0.01};  // socket deadlines at 1/100: 60 s scenario is 0.6 s real
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
  std::unique_ptr<ProxyServer> proxy_;
  std::unique_ptr<KeepaliveBackend> backend_;
};

// With HTTP/1.1, `Connection ""` and `keepalive 4`, three requests share one upstream connection.
TEST_P(KeepaliveProxyTest, ReusesOneUpstreamConnection) {
  start(keepalive_config(kKeepaliveLocation));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send().status, 200);
  EXPECT_EQ(backend_->requests(), 3);
  EXPECT_EQ(backend_->connections(), 1);
  EXPECT_EQ(backend_->heads()[0].find("GET / HTTP/1.1\r\n"), 0u);
}

// nginx's default `proxy_set_header Connection close` stays unless cleared: the backend closes
// after each response, so nothing is reused (the nginx docs' reason for `Connection ""`).
TEST_P(KeepaliveProxyTest, ConnectionCloseHeaderPreventsReuse) {
  start(keepalive_config("      proxy_http_version 1.1;\n"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send().status, 200);
  EXPECT_EQ(backend_->connections(), 3);
  EXPECT_NE(backend_->heads()[0].find("Connection: close"), std::string::npos);
}

// proxy_http_version 1.0 (the default before 1.29.7) never keeps a connection, keepalive or not.
TEST_P(KeepaliveProxyTest, Http10NeverReuses) {
  start(keepalive_config("      proxy_set_header Connection \"\";\n"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send().status, 200);
  EXPECT_EQ(backend_->connections(), 3);
}

// A reused connection that the backend closes under the request gets one extra try, which does not
// count against tries: a single-server upstream still answers 200 (upstream_status "502, 200").
TEST_P(KeepaliveProxyTest, FailedReusedConnectionGetsOneExtraTry) {
  start(keepalive_config(kKeepaliveLocation), {.drop_reused = true});
  EXPECT_EQ(send().status, 200);
  EXPECT_EQ(send().status, 200);
  EXPECT_EQ(backend_->connections(), 2);
  auto errors = events(core::ProxyEventKind::error_log);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message.find("upstream prematurely closed connection while reading response header"), 0u);
  auto access = events(core::ProxyEventKind::access_log);
  ASSERT_EQ(access.size(), 2u);
  EXPECT_EQ(access[1].upstream_status, "502, 200");
}

// A POST is not passed on once sent, reused connection or not: the client gets 502.
TEST_P(KeepaliveProxyTest, PostOnFailedReusedConnectionIsNotRetried) {
  start(keepalive_config(kKeepaliveLocation), {.drop_reused = true});
  EXPECT_EQ(send().status, 200);
  EXPECT_EQ(send("POST").status, 502);
  EXPECT_EQ(backend_->connections(), 1);
}

// A cached connection the backend closed while idle (Node's keepAliveTimeout) is noticed and not
// used: the next request opens a new connection without an error.
TEST_P(KeepaliveProxyTest, IdleConnectionClosedByBackendIsNotReused) {
  start(keepalive_config(kKeepaliveLocation), {.idle_close = 30ms});
  EXPECT_EQ(send().status, 200);
  ASSERT_TRUE(wait_until([&] { return backend_->idle_closed() >= 1; }, 2s, "the backend to close its idle connection"));
  EXPECT_EQ(send().status, 200);
  EXPECT_EQ(backend_->connections(), 2);
  EXPECT_TRUE(events(core::ProxyEventKind::error_log).empty());
}

// Client side, keepalive_requests (1000 by default since nginx 1.19.10): the 1000th response on one
// client connection says `Connection: close` and the proxy closes it; the ones before keep it open.
TEST_P(KeepaliveProxyTest, ClientConnectionClosesAfterKeepaliveRequests) {
  start(keepalive_config(kKeepaliveLocation));
  int fd = connect_to(proxy_->listen_port());
  ASSERT_GE(fd, 0);
  ClientResponse last;
  int ok = 0;
  for (int i = 0; i < 1000; ++i) {
    if (!send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")) break;
    last = read_response(fd);
    if (last.status != 200) break;
    if (i < 999 && last.head.find("Connection: close") != std::string::npos) break;
    ++ok;
  }
  EXPECT_EQ(ok, 1000);
  EXPECT_NE(last.head.find("Connection: close"), std::string::npos);
  send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(read_response(fd).status, 0);  // closed after the 1000th: no answer to a 1001st
  ::close(fd);
}

}  // namespace
// Every case with the io_context on two threads (sessions on strands) and on one (no strands).
INSTANTIATE_TEST_SUITE_P(IoThreads, KeepaliveProxyTest, testing::Values(2, 1), io_threads_name);

}  // namespace bg::proxy
