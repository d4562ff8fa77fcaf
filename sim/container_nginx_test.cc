// ContainerNginx (553f155): nginx as a container's process. The run's proxy engine reads the
// container's own /etc/nginx through its filesystem, listens on the container's address, reaches
// upstreams by address or container name, and answers `docker exec nginx ...` and the signals
// `docker stop` / `docker kill` send, ending the container once.
#include "sim/container_nginx.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "core/not_modelled.h"
#include "fakes/docker/docker_test_support.h"
#include "test_support/loopback.h"
#include "test_support/test_backend.h"
#include "test_support/wait.h"
#include "proxy/real_nginx.h"

namespace bg::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::http_request;
using test_support::TestBackend;
using test_support::try_connect;
using test_support::wait_until;

const std::vector<std::string> kStockArgv = {"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"};

std::string config_to(const std::string& server, const std::string& listen = "listen 80;") {
  return "events {}\nhttp {\n  upstream app {\n    server " + server + ";\n  }\n  server {\n    " + listen +
         "\n    location / {\n      proxy_pass http://app;\n    }\n  }\n}\n";
}

std::string address_of(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// A run in miniature: the run's PortMap with two app containers' addresses (TestBackends answering
// their names), a temp folder as nginx's container's "/", and the container's address.
class ContainerNginxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bg-container-nginx-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    fs::create_directories(root_ / "etc/nginx");
    blue_address_ = address_in_run();
    green_address_ = address_in_run();
    blue_ = std::make_unique<TestBackend>(run_, blue_address_, "blue");
    green_ = std::make_unique<TestBackend>(run_, green_address_, "green");
    address_ = address_in_run();
  }
  void TearDown() override {
    nginx_.reset();
    blue_.reset();
    green_.reset();
    fs::remove_all(root_);
  }

  uint16_t address_in_run() {
    uint16_t a = run_.reserve_anonymous();
    run_.map_to_itself(a);
    return a;
  }
  void write_config(const std::string& text) { std::ofstream(root_ / "etc/nginx/nginx.conf", std::ios::trunc) << text; }
  fakes::ProcessSpec spec(std::vector<std::string> argv = kStockArgv) {
    fakes::ProcessSpec s;
    s.container = "proxy";
    s.image = "nginx:1.25-alpine";
    s.container_port = address_;
    s.argv = std::move(argv);
    s.runs = "nginx";
    s.filesystem.add("/", root_);
    return s;
  }
  // Container names resolve as on the run's network: app-blue and app-green on port 3000.
  proxy::HostResolver resolver() {
    return [this](const std::string& host, uint16_t port) -> std::vector<uint16_t> {
      if (port != 3000) return {};
      if (host == "app-blue") return {blue_address_};
      if (host == "app-green") return {green_address_};
      return {};
    };
  }
  void make(ProxyEngine engine = ProxyEngine::builtin, std::vector<std::string> argv = kStockArgv) {
    nginx_ =
        std::make_unique<ContainerNginx>(io_.io(), clock_, history_, run_, resolver(), engine, spec(std::move(argv)));
    nginx_->on_exit = [this](int code) {
      std::lock_guard lock(mutex_);
      exits_.push_back(code);
    };
    nginx_->on_log = [this](const std::string& line, bool is_stderr) {
      std::lock_guard lock(mutex_);
      logs_.push_back({line, is_stderr});
    };
  }
  std::vector<int> exits() {
    std::lock_guard lock(mutex_);
    return exits_;
  }
  std::vector<std::pair<std::string, bool>> logs() {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  // Waits for the first exit and returns its code (-1: none before the deadline).
  int wait_exit() {
    if (!wait_until([&] { return !exits().empty(); }, 10s, "on_exit")) return -1;
    return exits().front();
  }
  // Runs everything already posted to the io_context (on_exit is posted there).
  void drain_io() {
    std::atomic<bool> done{false};
    boost::asio::post(io_.io(), [&] { done = true; });
    ASSERT_TRUE(wait_until([&] { return done.load(); }, 10s, "the io_context to drain"));
  }
  core::CommandResult exec(std::vector<std::string> argv) {
    fakes::ExecRequest r;
    r.argv = std::move(argv);
    return nginx_->exec(r, {});
  }
  // The body a GET to the container's address gets ("" when none); `status` its status.
  std::string get(int* status = nullptr) {
    auto r = http_request(address_, "GET", "/");
    if (status) *status = r.status;
    return r.status == 200 ? r.body : "";
  }

  fs::path root_;
  core::ScaledClock clock_{0.05};
  core::History history_;
  core::PortMap run_;
  fakes::test_support::IoThread io_;
  uint16_t blue_address_ = 0, green_address_ = 0, address_ = 0;
  std::unique_ptr<TestBackend> blue_, green_;
  std::unique_ptr<ContainerNginx> nginx_;
  std::mutex mutex_;
  std::vector<int> exits_;
  std::vector<std::pair<std::string, bool>> logs_;
};

// Goal: started, nginx listens on the container's address (the port `ports: 80:80` publishes) and
// proxies to the upstream named by address, and by container name through the run's resolver;
// before start() the address refuses.
TEST_F(ContainerNginxTest, StartServesOnTheContainersAddress) {
  write_config(config_to(address_of(blue_address_)));
  make();
  EXPECT_EQ(try_connect(address_), ECONNREFUSED);
  nginx_->start();
  int status = 0;
  EXPECT_EQ(get(&status), "blue") << status;
  EXPECT_EQ(blue_->requests(), 1);
  EXPECT_TRUE(exits().empty());
}

// Goal: upstreams by container name resolve through the run's network (the resolver), and a
// reload re-resolves them: the config switched to app-green serves green.
TEST_F(ContainerNginxTest, UpstreamsByContainerNameAndReload) {
  write_config(config_to("app-blue:3000"));
  make();
  nginx_->start();
  EXPECT_EQ(get(), "blue");
  write_config(config_to("app-green:3000"));
  auto reload = exec({"nginx", "-s", "reload"});
  EXPECT_EQ(reload.exit_code, 0) << reload.err;
  EXPECT_TRUE(wait_until([&] { return get() == "green"; }, 10s, "green after the reload"));
  EXPECT_TRUE(exits().empty());
}

// Goal: `localhost` inside nginx's container is the container's own loopback: an upstream
// localhost:3000 does not reach the host's 3000 (where an app listens), nginx answers 502.
TEST_F(ContainerNginxTest, LocalhostInsideIsTheContainersOwn) {
  TestBackend host_app(run_, 3000, "host");
  write_config(config_to("localhost:3000"));
  make();
  nginx_->start();
  int status = 0;
  EXPECT_EQ(get(&status), "");
  EXPECT_EQ(status, 502);
  EXPECT_EQ(host_app.requests(), 0);
}

// Goal: exec `nginx -t` checks the container's config (exit 0, "syntax is ok"); a broken config
// fails `-s reload` and the old config keeps serving; a good one is taken; `nginx -s stop` ends
// the master, PID 1: the container exits 0, once, and its address refuses.
TEST_F(ContainerNginxTest, ExecNginxTestReloadAndStop) {
  write_config(config_to(address_of(blue_address_)));
  make();
  nginx_->start();
  auto t = exec({"nginx", "-t"});
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.err.find("syntax is ok"), std::string::npos) << t.err;
  EXPECT_EQ(t.not_modelled, "");

  write_config("events {}\nhttp {\n  server {\n    listen 80;\n");  // unexpected end of file
  auto bad_test = exec({"nginx", "-t"});
  EXPECT_EQ(bad_test.exit_code, 1);
  EXPECT_NE(bad_test.err.find("[emerg]"), std::string::npos) << bad_test.err;
  auto bad = exec({"nginx", "-s", "reload"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_EQ(get(), "blue");  // the old config keeps serving

  write_config(config_to(address_of(green_address_)));
  EXPECT_EQ(exec({"nginx", "-s", "reload"}).exit_code, 0);
  EXPECT_TRUE(wait_until([&] { return get() == "green"; }, 10s, "green after the reload"));
  EXPECT_TRUE(exits().empty());

  auto stop = exec({"nginx", "-s", "stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(wait_exit(), 0);
  EXPECT_EQ(try_connect(address_), ECONNREFUSED);
  nginx_->signal(SIGTERM);  // docker stop after the exit: nothing more
  drain_io();
  EXPECT_EQ(exits(), std::vector<int>{0});
}

// Goal: a config nginx rejects at start ends the container with exit 1 and nginx's "[emerg]" line
// on its stderr log (what `docker logs` shows); nothing listens.
TEST_F(ContainerNginxTest, BrokenConfigAtStartExitsOneWithEmerg) {
  write_config("events {}\nhttp {\n  server {\n    listen 80\n  }\n}\n");  // no `;` after 80
  make();
  nginx_->start();
  EXPECT_EQ(wait_exit(), 1);
  auto lines = logs();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.front().first.find("[emerg]"), std::string::npos) << lines.front().first;
  EXPECT_EQ(lines.front().first.rfind("nginx: ", 0), 0u) << lines.front().first;
  EXPECT_TRUE(lines.front().second);  // stderr
  EXPECT_EQ(try_connect(address_), ECONNREFUSED);
  // A name that does not resolve on the run's network is nginx's "host not found in upstream".
  nginx_.reset();
  {
    std::lock_guard lock(mutex_);
    exits_.clear();
    logs_.clear();
  }
  write_config(config_to("app-red:3000"));
  make();
  nginx_->start();
  EXPECT_EQ(wait_exit(), 1);
  ASSERT_FALSE(logs().empty());
  EXPECT_NE(logs().front().first.find("host not found in upstream \"app-red:3000\""), std::string::npos)
      << logs().front().first;
}

// Goal: the image's STOPSIGNAL SIGQUIT (docker stop) and TERM end nginx with exit 0; SIGKILL with
// 137; HUP reloads without an exit; on_exit is called exactly once whatever follows.
TEST_F(ContainerNginxTest, SignalsEndItOnce) {
  write_config(config_to(address_of(blue_address_)));
  make();
  nginx_->start();
  write_config(config_to(address_of(green_address_)));
  nginx_->signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return get() == "green"; }, 10s, "green after SIGHUP"));
  nginx_->signal(SIGUSR1);  // reopen the logs: nothing to see
  drain_io();
  EXPECT_TRUE(exits().empty());
  nginx_->signal(SIGQUIT);
  EXPECT_EQ(wait_exit(), 0);
  EXPECT_EQ(try_connect(address_), ECONNREFUSED);
  nginx_->signal(SIGKILL);
  nginx_->signal(SIGQUIT);
  exec({"nginx", "-s", "stop"});
  drain_io();
  EXPECT_EQ(exits(), std::vector<int>{0});
}

// Goal: SIGKILL ends it with 137, once, even with a SIGTERM right after.
TEST_F(ContainerNginxTest, SigkillExits137) {
  write_config(config_to(address_of(blue_address_)));
  make();
  nginx_->start();
  ASSERT_EQ(get(), "blue");
  nginx_->signal(SIGKILL);
  nginx_->signal(SIGTERM);
  EXPECT_EQ(wait_exit(), 137);
  drain_io();
  EXPECT_EQ(exits(), std::vector<int>{137});
  EXPECT_EQ(try_connect(address_), ECONNREFUSED);
}

// Goal: SIGTERM (docker stop with another --stop-signal, or an init forwarding it) exits 0.
TEST_F(ContainerNginxTest, SigtermExitsZero) {
  write_config(config_to(address_of(blue_address_)));
  make();
  nginx_->start();
  nginx_->signal(SIGTERM);
  EXPECT_EQ(wait_exit(), 0);
  EXPECT_EQ(try_connect(address_), ECONNREFUSED);
}

// Goal: exec of anything but `nginx` in the container is not modelled, named, and does not run.
TEST_F(ContainerNginxTest, OtherExecCommandsAreNotModelled) {
  write_config(config_to(address_of(blue_address_)));
  make();
  nginx_->start();
  auto cat = exec({"cat", "/etc/nginx/nginx.conf"});
  EXPECT_EQ(cat.exit_code, 2);
  EXPECT_FALSE(cat.not_modelled.empty());
  EXPECT_NE(cat.not_modelled.find("cat"), std::string::npos) << cat.not_modelled;
  EXPECT_EQ(cat.out, "");
  EXPECT_EQ(get(), "blue");
}

// Goal: what the class cannot run faithfully says so: a command other than the image's own
// (`sh -c nginx`) at construction; the image's envsubst templates and a listen on a port other
// than the container's 80 at start. The stock command, written or not, is accepted.
TEST_F(ContainerNginxTest, WhatIsNotModelledSaysSo) {
  EXPECT_THROW(make(ProxyEngine::builtin, {"sh", "-c", "nginx"}), core::NotModelled);
  EXPECT_THROW(make(ProxyEngine::builtin, {"nginx", "-g", "daemon off; worker_processes 2;"}), core::NotModelled);
  EXPECT_NO_THROW(make(ProxyEngine::builtin, {}));
  EXPECT_NO_THROW(make(ProxyEngine::builtin, {"nginx", "-g", "daemon off;"}));

  write_config(config_to(address_of(blue_address_)));
  fs::create_directories(root_ / "etc/nginx/templates");
  std::ofstream(root_ / "etc/nginx/templates/default.conf.template") << "server { listen ${PORT}; }\n";
  make();
  EXPECT_THROW(nginx_->start(), core::NotModelled);
  fs::remove_all(root_ / "etc/nginx/templates");

  write_config(config_to(address_of(blue_address_), "listen 8080;"));
  make();
  EXPECT_THROW(nginx_->start(), core::NotModelled);
}

// Goal: a second server on another port beside 80 is as unreachable as one on that port alone (the
// container's one address stands for 80): not modelled either, not silently dropped.
TEST_F(ContainerNginxTest, AnyListenBesidePort80IsNotModelled) {
  write_config("events {}\nhttp {\n  server {\n    listen 80;\n    location / { proxy_pass http://" +
               address_of(blue_address_) +
               "; }\n  }\n  server {\n    listen 8080;\n    location / { return 200; }\n"
               "  }\n}\n");
  make();
  EXPECT_THROW(nginx_->start(), core::NotModelled);
}

// Goal: the same with the real nginx binary as the engine: it starts on the container's config,
// proxies, takes `nginx -s reload` through exec, and SIGQUIT ends it with 0.
TEST_F(ContainerNginxTest, RealNginxEngine) {
  if (!proxy::RealNginx::available()) GTEST_SKIP() << "/usr/sbin/nginx is not installed (tools/setup.sh installs it)";
  write_config(config_to("app-blue:3000"));
  make(ProxyEngine::real_nginx);
  nginx_->start();
  ASSERT_TRUE(exits().empty()) << (logs().empty() ? "" : logs().front().first);
  EXPECT_TRUE(wait_until([&] { return get() == "blue"; }, 10s, "blue through the real nginx"));
  auto t = exec({"nginx", "-t"});
  EXPECT_EQ(t.exit_code, 0) << t.err;
  write_config(config_to("app-green:3000"));
  auto reload = exec({"nginx", "-s", "reload"});
  EXPECT_EQ(reload.exit_code, 0) << reload.err;
  EXPECT_TRUE(wait_until([&] { return get() == "green"; }, 10s, "green after the real nginx's reload"));
  nginx_->signal(SIGQUIT);
  EXPECT_EQ(wait_exit(), 0);
  EXPECT_TRUE(wait_until([&] { return try_connect(address_) == ECONNREFUSED; }, 10s, "the address to refuse"));
  drain_io();
  EXPECT_EQ(exits(), std::vector<int>{0});
}

}  // namespace
}  // namespace bg::sim
