// ProxyServer on real sockets with nginx.confs as people lay them out: proxy_pass through `set`
// variables, Host-based server blocks, nginx's own answers, and addresses the run does not own.
#include <unistd.h>

#include <fstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>

#include "proxy/proxy_server.h"
#include "proxy/proxy_test_support.h"

namespace bg::proxy {
namespace {

namespace fs = std::filesystem;
using namespace test_support;

class ProxyRoutesLiveTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bg_proxy_routes_" + std::to_string(::getpid()) + "_" + test_dir_name());
    fs::create_directories(dir_);
    paths_.add("/etc/nginx", dir_);
    thread_ = std::thread([this] { io_.run(); });
    proxy_ = std::make_unique<ProxyServer>(io_, clock_, history_, ports_, paths_);
  }
  void TearDown() override {
    proxy_->stop();
    backends_.clear();
    work_.reset();
    io_.stop();
    thread_.join();
    proxy_.reset();
    fs::remove_all(dir_);
  }
  void start(const std::string& text) {
    std::ofstream(dir_ / "nginx.conf") << text;
    proxy_->start("/etc/nginx/nginx.conf");
  }
  void backend(uint16_t port, const std::string& name) {
    backends_.push_back(std::make_unique<TestBackend>(ports_, port, name));
  }
  ClientResponse get(const std::string& path, const std::string& host = "localhost") {
    return http_request(proxy_->listen_port(), "GET", path, "Host: " + host + "\r\n");
  }
  std::vector<core::ProxyEvent> events(core::ProxyEventKind kind) { return proxy_events(history_, kind); }

  fs::path dir_;
  core::PathMap paths_;
  core::PortMap ports_;
  core::History history_;
  core::ManualClock clock_{0.01};                       // socket deadlines at 1/100: 60 s scenario is 0.6 s real
  std::vector<std::unique_ptr<TestBackend>> backends_;  // before the proxy's threads: destroyed after them
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread thread_;  // one io thread: these tests are about routing, not strands
  std::unique_ptr<ProxyServer> proxy_;
};

}  // namespace

// Goal: `set $service_url http://127.0.0.1:3001; proxy_pass $service_url;` loads and serves from the
// run's port 3001; a variable naming a port the run never declared, or an address off loopback,
// is refused without a connect (502, as a refused connect gives) and recorded in the History.
TEST_F(ProxyRoutesLiveTest, VariableProxyPassServesOwnedAddressesOnly) {
  backend(3001, "green");
  start(
      "events {}\nhttp { server { listen 80;\n set $service_url http://127.0.0.1:3001;\n"
      " location / { proxy_pass $service_url; }\n"
      " location /stray { set $stray http://127.0.0.1:3999; proxy_pass $stray; }\n"
      " location /far { set $far 10.1.2.3:3000; proxy_pass http://$far; } } }\n");
  auto ok = get("/");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "green");
  EXPECT_EQ(get("/stray").status, 502);
  EXPECT_EQ(get("/far").status, 502);
  auto refused = events(core::ProxyEventKind::unowned_address_refused);
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(refused[0].peer, "127.0.0.1:3999");
  EXPECT_EQ(refused[1].peer, "10.1.2.3:3000");
  EXPECT_FALSE(ports_.lookup(3999).has_value());  // never even reserved, let alone connected to
  bool logged = false;
  for (const auto& e : events(core::ProxyEventKind::error_log))
    logged =
        logged || e.message.rfind("connect() failed (111: Connection refused) while connecting to upstream", 0) == 0;
  EXPECT_TRUE(logged);
}

// Goal: the Host header picks the server block: the app's name proxies, any other lands on the
// default server and gets its answer (here a return), as a server_name mistake would on nginx.
TEST_F(ProxyRoutesLiveTest, HostPicksTheServerBlock) {
  backend(3000, "blue");
  start(
      "events {}\nhttp { upstream app { server 127.0.0.1:3000; }\n"
      " server { listen 80 default_server; return 404 \"default\\n\"; }\n"
      " server { listen 80; server_name app.example.com; location / { proxy_pass http://app; } } }\n");
  auto app = get("/", "app.example.com");
  EXPECT_EQ(app.status, 200);
  EXPECT_EQ(app.body, "blue");
  auto other = get("/", "typo.example.com");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body, "default\n");
}

}  // namespace bg::proxy
