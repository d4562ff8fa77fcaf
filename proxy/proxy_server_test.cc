#include "proxy/proxy_server.h"

#include <poll.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "proxy/proxy_test_support.h"

namespace bg::proxy {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace test_support;
using Mode = TestBackend::Mode;

std::string config_with(const std::string& servers) {
  return "events {}\nhttp {\n    upstream backends {\n" + servers +
         "    }\n    server {\n        listen       80;\n        server_name  localhost;\n"
         "        location / {\n            proxy_pass http://backends;\n        }\n    }\n}\n";
}

const std::string kSeedServers = "        server localhost:3000;\n        server localhost:3001;\n";

// A run in miniature: /etc/nginx mapped to a temp folder, an io_context on two threads, the proxy.
class ProxyServerTest : public testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bg_proxy_live_" + std::to_string(::getpid()) + "_" + test_dir_name());
    fs::create_directories(dir_);
    paths_.add("/etc/nginx", dir_);
    for (int i = 0; i < GetParam(); ++i) threads_.emplace_back([this] { io_.run(); });
    proxy_ = std::make_unique<ProxyServer>(io_, clock_, history_, ports_, paths_);
    proxy_->run_on_one_thread(GetParam() == 1);
  }
  void TearDown() override {
    proxy_->stop();
    backends_.clear();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    proxy_.reset();
    fs::remove_all(dir_);
  }
  void write_config(const std::string& text) { std::ofstream(dir_ / "nginx.conf") << text; }
  void start(const std::string& servers = kSeedServers) {
    write_config(config_with(servers));
    proxy_->start("/etc/nginx/nginx.conf");
  }
  TestBackend& backend(uint16_t port, const std::string& name, Mode mode = Mode::serve) {
    backends_.push_back(std::make_unique<TestBackend>(ports_, port, name, mode));
    return *backends_.back();
  }
  ClientResponse get(const std::string& method = "GET", const std::string& headers = "") {
    return http_request(proxy_->listen_port(), method, "/", headers, method == "POST" ? "x=1" : "");
  }
  // `nginx -s reload` and the 100 ms (scenario) in which nginx's old workers still take connections:
  // returns once the new config serves (bounded: 2 s real).
  void reload_and_settle() {
    auto before = proxy_->config();
    ASSERT_EQ(proxy_->reload(), std::nullopt);
    ASSERT_TRUE(wait_until([&] { return proxy_->config() != before; }, 2s, "the reload to take over"));
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
  std::vector<std::unique_ptr<TestBackend>> backends_;
};

}  // namespace

// Goal: with the seed's config, requests alternate 3000, 3001, 3000, 3001, and the upstream sees
// nginx's request: HTTP/1.0, Host: backends, Connection: close, the client's X-Request-Id.
TEST_P(ProxyServerTest, AlternatesBetweenTwoBackends) {
  auto& blue = backend(3000, "blue");
  backend(3001, "green");
  start();
  std::string seq;
  for (int i = 0; i < 4; ++i) {
    auto r = get("GET", "X-Request-Id: " + std::to_string(i + 1) + "\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.head.find("Server: nginx/1.22.1"), std::string::npos);
    seq += r.body + " ";
  }
  EXPECT_EQ(seq, "blue green blue green ");
  std::string head = blue.heads().at(0);
  EXPECT_EQ(head.rfind("GET / HTTP/1.0\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Host: backends\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Request-Id: 1\r\n"), std::string::npos) << head;
  auto access = events(core::ProxyEventKind::access_log);
  ASSERT_EQ(access.size(), 4u);
  EXPECT_EQ(access[0].request_id, 1u);
  EXPECT_EQ(access[0].status, 200);
  EXPECT_EQ(access[0].upstream_status, "200");
}

// Goal: a refused peer is logged in nginx's words, disabled, and the request (even a POST) is
// passed to the other peer; the refused peer then gets nothing within fail_timeout.
TEST_P(ProxyServerTest, RefusedPeerIsRetriedOnTheOther) {
  auto& green = backend(3001, "green");
  start();
  auto r = get("POST", "X-Request-Id: 7\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "green");
  auto errors = events(core::ProxyEventKind::error_log);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].level, "error");
  EXPECT_EQ(errors[0].message,
            "connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: "
            "localhost, request: \"POST / HTTP/1.1\", upstream: \"http://127.0.0.1:3000/\", host: \"127.0.0.1\"");
  EXPECT_EQ(errors[0].peer, "localhost:3000");
  EXPECT_EQ(errors[0].request_id, 7u);
  EXPECT_EQ(errors[1].level, "warn");
  EXPECT_EQ(errors[1].message.rfind("upstream server temporarily disabled while connecting to upstream, client:", 0),
            0u);
  ASSERT_EQ(events(core::ProxyEventKind::peer_down).size(), 1u);
  EXPECT_EQ(events(core::ProxyEventKind::peer_down)[0].peer, "localhost:3000");
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().upstream_status, "502, 200");
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().attempts, 2);
  // nginx's "main" access line (less time and user agent): the bytes sent are the whole response.
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().message, "127.0.0.1 - - \"POST / HTTP/1.1\" 200 " +
                                                                         std::to_string(r.head.size() + r.body.size()) +
                                                                         " upstream_status=\"502, 200\"");
  clock_.advance(5s);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get().body, "green");
  EXPECT_EQ(green.requests(), 4);
  EXPECT_EQ(events(core::ProxyEventKind::error_log).size(), 2u);  // no new connect attempt to 3000
}

// Goal: a peer that accepts and closes without answering: GET goes on to the other peer.
TEST_P(ProxyServerTest, PrematureCloseRetriesGet) {
  backend(3000, "blue", Mode::close_after_read);
  backend(3001, "green");
  start();
  auto r = get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "green");
  auto errors = events(core::ProxyEventKind::error_log);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].message.rfind("upstream prematurely closed connection while reading response header from "
                                    "upstream, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", "
                                    "upstream: \"http://127.0.0.1:3000/\"",
                                    0),
            0u)
      << errors[0].message;
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().upstream_status, "502, 200");
}

// Goal: a POST already sent to a peer that then closes is not passed on: the client gets 502.
TEST_P(ProxyServerTest, PrematureCloseFailsPostWith502) {
  backend(3000, "blue", Mode::close_after_read);
  auto& green = backend(3001, "green");
  start();
  auto r = get("POST");
  EXPECT_EQ(r.status, 502);
  EXPECT_NE(r.body.find("<center><h1>502 Bad Gateway</h1></center>"), std::string::npos);
  EXPECT_EQ(green.requests(), 0);
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().upstream_status, "502");
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().status, 502);
}

// Goal: with every peer down, the first request fails both (502) and the next gets an instant 502
// with "no live upstreams" and no connect; after fail_timeout (10-11 s) a peer is probed again.
TEST_P(ProxyServerTest, AllPeersDownGives502AndNoLiveUpstreams) {
  start();
  EXPECT_EQ(get().status, 502);
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().upstream_status, "502, 502");
  size_t errors_before = events(core::ProxyEventKind::error_log).size();
  clock_.advance(3s);
  EXPECT_EQ(get().status, 502);
  auto errors = events(core::ProxyEventKind::error_log);
  ASSERT_EQ(errors.size(), errors_before + 1);
  EXPECT_EQ(errors.back().message,
            "no live upstreams while connecting to upstream, client: 127.0.0.1, server: localhost, request: "
            "\"GET / HTTP/1.1\", upstream: \"http://backends/\", host: \"127.0.0.1\"");
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().attempts, 0);
  backend(3001, "green");
  clock_.advance(4s);
  EXPECT_EQ(get().status, 502);  // healthy now, but still inside the window: no quick recovery
  clock_.advance(5s);            // 12 s after the failures
  bool served = false;
  for (int i = 0; i < 2 && !served; ++i) served = get().body == "green";
  EXPECT_TRUE(served);
}

// Goal: a reload swaps the upstream list and starts with fresh peer state; a bad config is refused
// with nginx's message and the old config keeps serving.
TEST_P(ProxyServerTest, ReloadSwapsUpstreamAndResetsPeerState) {
  backend(3001, "green");
  start();
  EXPECT_EQ(get().body, "green");  // 3000 refused: disabled
  backend(3000, "blue");
  EXPECT_EQ(get().body, "green");  // still disabled in this generation
  backend(3002, "red");
  write_config(config_with("        server localhost:3000;\n        server localhost:3002;\n"));
  reload_and_settle();
  EXPECT_EQ(events(core::ProxyEventKind::reload).size(), 1u);
  std::string seq;
  for (int i = 0; i < 3; ++i) seq += get().body + " ";
  EXPECT_EQ(seq, "blue red blue ");
  write_config("events {}\nhttp {\n}\n}\n");
  auto err = proxy_->reload();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(*err, "[emerg] unexpected \"}\" in /etc/nginx/nginx.conf:4");
  EXPECT_EQ(events(core::ProxyEventKind::reload_failed).size(), 1u);
  EXPECT_EQ(get().body, "red");
}

// Goal: a name is resolved at start and again at each reload, never per request (races.md R18):
// after the named instance is replaced by one at a new address, the proxy keeps connecting to the
// stale one and is refused (502) until a reload resolves the name again; a reload while the name
// does not resolve fails with nginx's message, and the old peers keep serving.
TEST_P(ProxyServerTest, NamesResolveAtLoadOnlyAndAFailedReloadKeepsTheOldPeers) {
  std::mutex mutex;
  std::map<std::string, uint16_t> directory;  // the run's container network, in miniature
  auto new_address = [&] {
    uint16_t a = ports_.reserve_anonymous();
    ports_.map_to_itself(a);
    return a;
  };
  proxy_->set_resolver([&](const std::string& host, uint16_t) {
    std::lock_guard lock(mutex);
    auto it = directory.find(host);
    return it == directory.end() ? std::vector<uint16_t>{} : std::vector<uint16_t>{it->second};
  });
  const uint16_t first = new_address();
  backend(first, "blue-1");
  directory["blue-blue-1"] = first;
  start("        server blue-blue-1:3000;\n");
  EXPECT_EQ(get().body, "blue-1");

  backends_.back().reset();  // the container is recreated: the old address refuses
  const uint16_t second = new_address();
  backend(second, "blue-2");
  {
    std::lock_guard lock(mutex);
    directory["blue-blue-1"] = second;
  }
  EXPECT_EQ(get().status, 502);
  EXPECT_EQ(
      events(core::ProxyEventKind::error_log)
          .back()
          .message.rfind(fmt::format("connect() failed (111: Connection refused) while connecting to upstream, client: "
                                     "127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", upstream: "
                                     "\"http://127.0.0.1:{}/\"",
                                     first),
                         0),
      0u);
  reload_and_settle();
  EXPECT_EQ(get().body, "blue-2");

  {
    std::lock_guard lock(mutex);
    directory.clear();  // the container is removed: its name no longer resolves
  }
  const std::string not_found = "[emerg] host not found in upstream \"blue-blue-1:3000\" in /etc/nginx/nginx.conf:4";
  EXPECT_EQ(proxy_->test(), not_found);
  EXPECT_EQ(proxy_->reload(), not_found);
  EXPECT_EQ(get().body, "blue-2");
}

// Goal: for 100 ms of scenario time after a reload the old config still answers new connections,
// as nginx's old workers do until the master shuts them down (ngx_process_cycle.c); then the new
// config does.
TEST_P(ProxyServerTest, OldConfigAnswersUntilTheOldWorkersAreShutDown) {
  backend(3000, "blue");
  backend(3001, "green");
  start("        server localhost:3000;\n");
  write_config(config_with("        server localhost:3001;\n"));
  clock_.set_real_per_scenario(20);  // the 100 ms window lasts 2 s of real time
  ASSERT_EQ(proxy_->reload(), std::nullopt);
  EXPECT_EQ(get().body, "blue");
  EXPECT_EQ(get().body, "blue");
  EXPECT_TRUE(wait_until([&] { return get().body == "green"; }, 5s, "the new config to answer (green)"));
}

// Goal: on reload the old generation still serves a connection that was accepted but had not sent
// its request yet (nginx closes only keep-alive connections waiting for a next request), and closes
// a keep-alive connection that already had its answer.
TEST_P(ProxyServerTest, ReloadServesFreshConnectionsAndClosesIdleKeepAlive) {
  backend(3000, "blue");
  start("        server localhost:3000;\n");
  int fresh = connect_to(proxy_->listen_port());
  int kept = connect_to(proxy_->listen_port());
  ASSERT_GE(fresh, 0);
  ASSERT_GE(kept, 0);
  ASSERT_TRUE(send_all(kept, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(read_response(kept).status, 200);
  EXPECT_EQ(proxy_->reload(), std::nullopt);
  ASSERT_TRUE(send_all(fresh, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto answer = read_response(fresh);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "blue");
  EXPECT_EQ(read_response(kept).status, 0);  // closed by the retired generation, no response
  ::close(fresh);
  ::close(kept);
}

// Goal: after stop() the port refuses, an idle keep-alive client and an upstream connection still
// waiting for an answer are both closed, and the proxy can start again.
TEST_P(ProxyServerTest, StopClosesEverything) {
  auto& blue = backend(3000, "blue", Mode::hold);
  backend(3001, "green");
  start();
  uint16_t port = proxy_->listen_port();
  int inflight = connect_to(port);
  ASSERT_GE(inflight, 0);
  ASSERT_TRUE(send_all(inflight, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));  // goes to blue, which holds it
  ASSERT_TRUE(wait_until([&] { return blue.held_count() > 0; }, 3s, "blue to hold the request"));
  ASSERT_EQ(blue.held_count(), 1);
  int keepalive = connect_to(port);
  ASSERT_GE(keepalive, 0);
  proxy_->stop();
  EXPECT_FALSE(proxy_->running());
  EXPECT_EQ(try_connect(port), ECONNREFUSED);
  EXPECT_TRUE(blue.held_connections_closed(3000ms));
  EXPECT_EQ(read_response(inflight).status, 0);  // closed without a response
  EXPECT_EQ(read_response(keepalive).status, 0);
  ::close(inflight);
  ::close(keepalive);
  EXPECT_EQ(events(core::ProxyEventKind::stopped).size(), 1u);
  proxy_->start("/etc/nginx/nginx.conf");
  EXPECT_EQ(proxy_->listen_port(), port);
  // Fresh state starts with blue, which holds: proxy_read_timeout (60 s scenario = 0.6 s real)
  // passes, nginx answers the timeout by trying green.
  EXPECT_EQ(get().body, "green");
  auto errors = events(core::ProxyEventKind::error_log);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.back().level, "warn");
  EXPECT_EQ(errors[errors.size() - 2].message.rfind(
                "upstream timed out (110: Connection timed out) while reading response header from upstream", 0),
            0u);
  EXPECT_EQ(events(core::ProxyEventKind::access_log).back().upstream_status, "504, 200");
}

// Goal: a graceful stop (systemctl stop|restart nginx: SIGQUIT) closes the port at once, so a new
// connection is refused, closes an idle keep-alive connection, and lets a request in flight finish:
// the client gets its answer, and only then does the proxy stop.
TEST_P(ProxyServerTest, QuitRefusesNewConnectionsAndLetsRequestsInFlightFinish) {
  auto& blue = backend(3000, "blue", Mode::hold);
  backend(3001, "green");
  start();
  const uint16_t port = proxy_->listen_port();
  int inflight = connect_to(port);
  ASSERT_GE(inflight, 0);
  ASSERT_TRUE(send_all(inflight, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));  // to blue, which holds it
  ASSERT_TRUE(wait_until([&] { return blue.held_count() == 1; }, 3s, "blue to hold the request"));
  int kept = connect_to(port);
  ASSERT_GE(kept, 0);
  ASSERT_TRUE(send_all(kept, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));  // to green: answered, then idle
  EXPECT_EQ(read_response(kept).body, "green");
  clock_.set_real_per_scenario(0.1);  // the 30 s drain is 3 s of real time, the test's bound
  std::thread quitting([&] { proxy_->quit(30s); });
  EXPECT_TRUE(wait_until([&] { return try_connect(port) == ECONNREFUSED; }, 3s, "the port to refuse"));
  EXPECT_EQ(read_response(kept).status, 0);                    // the idle keep-alive connection is closed, unanswered
  EXPECT_TRUE(events(core::ProxyEventKind::stopped).empty());  // still draining
  EXPECT_EQ(blue.answer_held(), 1);
  const auto answer = read_response(inflight);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "blue");
  quitting.join();
  EXPECT_FALSE(proxy_->running());
  EXPECT_EQ(events(core::ProxyEventKind::stopped).size(), 1u);
  ::close(inflight);
  ::close(kept);
}

// Goal: what is still in flight when the drain ends is cut, as the SIGTERM after systemd's QUIT/5
// cuts it: the held upstream connection is closed and the client gets no answer.
TEST_P(ProxyServerTest, QuitCutsWhatIsStillInFlightAfterTheDrain) {
  auto& blue = backend(3000, "blue", Mode::hold);
  start("        server localhost:3000;\n");
  int inflight = connect_to(proxy_->listen_port());
  ASSERT_GE(inflight, 0);
  ASSERT_TRUE(send_all(inflight, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(wait_until([&] { return blue.held_count() == 1; }, 3s, "blue to hold the request"));
  proxy_->quit(5s);  // 50 ms of real time
  EXPECT_FALSE(proxy_->running());
  EXPECT_TRUE(blue.held_connections_closed(3000ms));
  EXPECT_EQ(read_response(inflight).status, 0);
  EXPECT_EQ(events(core::ProxyEventKind::stopped).size(), 1u);
  ::close(inflight);
}

}  // namespace bg::proxy

namespace bg::proxy {
namespace {

// Goal: the session's one lazy deadline timer waits in steps of the shortest timeout armed on the
// connection (here proxy_read_timeout 1s) without cutting a longer one short: a keep-alive client
// idle for 10 s (keepalive_timeout is 75 s) is still served, and a held upstream still times out.
TEST_P(ProxyServerTest, ShortUpstreamTimeoutNeitherCutsKeepaliveNorIsMissed) {
  backend(3000, "blue");
  auto& green = backend(3001, "green", Mode::hold);
  write_config(
      "events {}\nhttp {\n    upstream backends {\n" + kSeedServers +
      "    }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://backends;\n"
      "            proxy_read_timeout 1s;\n        }\n    }\n}\n");
  proxy_->start("/etc/nginx/nginx.conf");
  int fd = connect_to(proxy_->listen_port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = read_response(fd);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "blue");
  // The client idles 10 s of scenario time (0.1 s real), ten times the 1 s wait: throughout, the
  // proxy neither closes the connection nor writes to it.
  EXPECT_TRUE(holds_for(
      [&] {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 0) == 0;
      },
      clock_.to_real(10s), "the idle keep-alive connection to stay open and silent"));
  // The next request goes to green, which holds: read timeout, then blue answers.
  ASSERT_TRUE(send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto second = read_response(fd);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "blue");
  EXPECT_EQ(green.held_count(), 1);
  ::close(fd);
  // The access line is written once the write completes, which the client may see first.
  EXPECT_TRUE(
      wait_until([&] { return events(core::ProxyEventKind::access_log).size() >= 2; }, 3s, "the second access line"));
  auto access = events(core::ProxyEventKind::access_log);
  ASSERT_EQ(access.size(), 2u);
  EXPECT_EQ(access.back().upstream_status, "504, 200");
}

}  // namespace
// Every case with the io_context on two threads (sessions on strands) and on one (no strands).
INSTANTIATE_TEST_SUITE_P(IoThreads, ProxyServerTest, testing::Values(2, 1), io_threads_name);

}  // namespace bg::proxy
