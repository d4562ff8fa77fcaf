// RealNginx runs the real nginx binary on the seed's config: scaled copy, alternation over two
// backends, a refused peer's error-log line in the History, reload, and a stop that leaves nothing.
#include "proxy/real_nginx.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "proxy/nginx_cli.h"
#include "proxy/nginx_config.h"
#include "proxy/nginx_config_scaler.h"
#include "proxy/proxy_test_support.h"

namespace bg::proxy {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace test_support;

const fs::path kSeedConfig = "scenarios/data/seed/nginx.conf";  // tests run in the source folder

std::string file_text(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Durations become real milliseconds, ports the mapped loopback ones, includes are inlined, and
// the harness's own process settings replace the user's.
TEST(NginxConfigScalerTest, ScalesDurationsMapsPortsInlinesIncludes) {
  fs::path dir = fs::temp_directory_path() / ("bg_scaler_" + std::to_string(::getpid()));
  fs::create_directories(dir / "conf.d");
  std::ofstream(dir / "nginx.conf") << "user www-data;\npid /run/nginx.pid;\nevents {}\nhttp {\n"
                                       "  access_log /var/log/nginx/access.log;\n  include conf.d/*.conf;\n}\n";
  std::ofstream(dir / "conf.d" / "app.conf")
      << "upstream backends {\n  server localhost:3000 max_fails=2 fail_timeout=30s;\n  keepalive 8;\n}\n"
         "server {\n  listen 80;\n  listen [::]:80;\n  location / {\n    proxy_pass http://backends;\n"
         "    proxy_read_timeout 10s;\n    proxy_set_header Connection \"\";\n  }\n"
         "  location /direct { proxy_pass http://localhost:3001/x; }\n}\n";
  core::PathMap paths;
  paths.add("/etc/nginx", dir);
  ScaleOptions o{0.05, "/tmp/prefix", [](uint16_t p) { return static_cast<uint16_t>(p + 40000); }};
  ScaledConfig s = scale_nginx_config("/etc/nginx/nginx.conf", paths, o);
  EXPECT_NE(s.text.find("proxy_read_timeout 500ms;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("server 127.0.0.1:43000 max_fails=2 fail_timeout=2s;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("listen 127.0.0.1:40080;"), std::string::npos);
  EXPECT_EQ(s.text.find("[::]"), std::string::npos);
  EXPECT_NE(s.text.find("proxy_pass http://127.0.0.1:43001/x;"), std::string::npos);
  EXPECT_NE(s.text.find("proxy_set_header Connection \"\";"), std::string::npos);
  EXPECT_NE(s.text.find("pid /tmp/prefix/nginx.pid;"), std::string::npos);
  EXPECT_NE(s.text.find("error_log /tmp/prefix/error.log info;"), std::string::npos);
  EXPECT_EQ(s.text.find("www-data"), std::string::npos);
  EXPECT_EQ(s.text.find("/var/log/nginx"), std::string::npos);
  EXPECT_EQ(s.peers.at(43000), "localhost:3000");
  ASSERT_EQ(s.notes.size(), 1u);  // 30 s * 0.05 = 1.5 s is not a whole second
  EXPECT_NE(s.notes[0].find("fail_timeout"), std::string::npos);
  fs::remove_all(dir);
}

// nginx's implicit durations are scenario durations too: the copy states them scaled (fail_timeout
// 10 s, the proxy timeouts 60 s, the upstream keepalive_timeout 60 s), but never twice where the
// user wrote one at the same level (nginx would reject the duplicate).
TEST(NginxConfigScalerTest, WritesNginxDefaultDurationsScaled) {
  fs::path dir = fs::temp_directory_path() / ("bg_scaler_defaults_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "nginx.conf")
      << "events {}\nhttp {\n  proxy_read_timeout 5s;\n"
         "  upstream backends {\n    server localhost:3000;\n"
         "    server localhost:3001 max_fails=0;\n    keepalive 4;\n  }\n"
         "  server {\n    listen 80;\n    location / { proxy_pass http://backends; }\n  }\n}\n";
  core::PathMap paths;
  paths.add("/etc/nginx", dir);
  ScaleOptions o{0.1, "/tmp/prefix", [](uint16_t p) { return static_cast<uint16_t>(p + 40000); }};
  ScaledConfig s = scale_nginx_config("/etc/nginx/nginx.conf", paths, o);
  EXPECT_NE(s.text.find("server 127.0.0.1:43000 fail_timeout=1s;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("server 127.0.0.1:43001 max_fails=0 fail_timeout=1s;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("proxy_connect_timeout 6000ms;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("keepalive_timeout 6000ms;"), std::string::npos) << s.text;  // the upstream's
  EXPECT_NE(s.text.find("proxy_read_timeout 500ms;"), std::string::npos) << s.text;
  EXPECT_EQ(s.text.find("proxy_read_timeout 6000ms;"), std::string::npos) << s.text;
  EXPECT_TRUE(s.notes.empty());  // 10 s * 0.1 is exactly 1 s
  fs::remove_all(dir);
}

// For the real nginx, container names are resolved when the copy is written (start, reload): the
// copy names a line per address; a name that does not resolve fails as nginx's load does.
TEST(NginxConfigScalerTest, ResolvesUpstreamNamesIntoTheCopy) {
  fs::path dir = fs::temp_directory_path() / ("bg_scaler_names_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "nginx.conf")
      << "events {}\nhttp {\n  upstream backends {\n    server blue-blue-1:3000;\n"
         "    server web:3000 max_fails=0;\n  }\n"
         "  server {\n    listen 80;\n    location / { proxy_pass http://backends; }\n  }\n}\n";
  core::PathMap paths;
  paths.add("/etc/nginx", dir);
  ScaleOptions o{0.1, "/tmp/prefix", [](uint16_t p) { return static_cast<uint16_t>(p + 40000); },
                 [](const std::string& host, uint16_t) {
                   if (host == "blue-blue-1") return std::vector<uint16_t>{41000};
                   if (host == "web") return std::vector<uint16_t>{41001, 41002};
                   return std::vector<uint16_t>{};
                 }};
  ScaledConfig s = scale_nginx_config("/etc/nginx/nginx.conf", paths, o);
  EXPECT_NE(s.text.find("server 127.0.0.1:41000 fail_timeout=1s;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("server 127.0.0.1:41001 max_fails=0 fail_timeout=1s;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("server 127.0.0.1:41002 max_fails=0 fail_timeout=1s;"), std::string::npos) << s.text;
  EXPECT_EQ(s.peers.at(41000), "blue-blue-1:3000");
  o.resolve = nullptr;  // nothing resolves
  try {
    scale_nginx_config("/etc/nginx/nginx.conf", paths, o);
    ADD_FAILURE() << "blue-blue-1 resolved";
  } catch (const NginxConfigError& e) {
    EXPECT_STREQ(e.what(), "[emerg] host not found in upstream \"blue-blue-1:3000\" in /etc/nginx/nginx.conf:4");
  }
  fs::remove_all(dir);
}

// An error line waits for the access line of its connection, which gives it the request's id.
TEST(NginxLogTranslatorTest, ErrorLineTakesRequestIdOfItsConnection) {
  NginxLogTranslator t(
      [](uint16_t a) -> std::optional<uint16_t> { return a == 41000 ? std::optional<uint16_t>(3000) : std::nullopt; },
      {{41000, "localhost:3000"}}, [](double wall) { return core::from_seconds(wall - 1000.0); });
  auto errors = t.error_line(
      "2024/05/01 12:00:00 [error] 7#7: *3 connect() failed (111: Connection refused) while connecting to "
      "upstream, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", upstream: "
      "\"http://127.0.0.1:41000/\", host: \"x\"",
      5s);
  EXPECT_TRUE(errors.empty());
  auto events = t.access_line("1002.500 3 200 \"502, 200\" \"42\" \"GET / HTTP/1.1\" 5");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, core::ProxyEventKind::error_log);
  EXPECT_EQ(events[0].level, "error");
  EXPECT_EQ(events[0].request_id, 42u);
  EXPECT_EQ(events[0].peer, "localhost:3000");
  EXPECT_NE(events[0].message.find("upstream: \"http://127.0.0.1:3000/\""), std::string::npos);
  EXPECT_EQ(events[1].kind, core::ProxyEventKind::access_log);
  EXPECT_EQ(events[1].at, 2500ms);
  EXPECT_EQ(events[1].upstream_status, "502, 200");
  EXPECT_EQ(events[1].attempts, 2);
}

bool process_group_gone(pid_t pgid) { return ::kill(-pgid, 0) != 0 && errno == ESRCH; }

class RealNginxTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!RealNginx::available()) GTEST_SKIP() << "/usr/sbin/nginx is not installed (tools/setup.sh installs it)";
    dir_ = fs::temp_directory_path() / ("bg_real_nginx_" + std::to_string(::getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    fs::copy_file(kSeedConfig, dir_ / "nginx.conf", fs::copy_options::overwrite_existing);
    paths_.add("/etc/nginx", dir_);
    nginx_ = std::make_unique<RealNginx>(io_, clock_, history_, ports_, paths_);
  }
  void TearDown() override {
    if (nginx_) nginx_->stop();
    nginx_.reset();
    backends_.clear();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void backend(uint16_t port, const std::string& name) {
    backends_.push_back(std::make_unique<TestBackend>(ports_, port, name));
  }
  std::vector<core::ProxyEvent> events(core::ProxyEventKind kind) {
    nginx_->collect_logs();
    std::vector<core::ProxyEvent> out;
    for (auto& e : history_.all<core::ProxyEvent>())
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  ClientResponse get(uint64_t id) {
    return http_request(nginx_->listen_port(), "GET", "/", "X-Request-Id: " + std::to_string(id) + "\r\n");
  }

  fs::path dir_;
  core::PathMap paths_;
  core::PortMap ports_;
  core::History history_;
  core::ManualClock clock_{0.01};  // socket deadlines at 1/100: 60 s scenario is 0.6 s real
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<TestBackend>> backends_;
  std::unique_ptr<RealNginx> nginx_;
};

// Two equal peers alternate under real nginx as under ProxyServer, and the access log reaches the
// History with status and request id.
TEST_F(RealNginxTest, AlternatesOverSeedBackends) {
  backend(3000, "blue");
  backend(3001, "green");
  nginx_->start("/etc/nginx/nginx.conf");
  ASSERT_GT(nginx_->listen_port(), 0);
  std::vector<std::string> bodies;
  for (int i = 1; i <= 4; ++i) bodies.push_back(get(i).body);
  EXPECT_EQ(bodies, (std::vector<std::string>{"blue", "green", "blue", "green"}));
  nginx_->stop();
  auto access = events(core::ProxyEventKind::access_log);
  ASSERT_EQ(access.size(), 4u);
  EXPECT_EQ(access[0].status, 200);
  EXPECT_EQ(access[3].request_id, 4u);
}

// A refused peer: nginx passes the GET to the other one and its error-log line, in ProxyServer's
// wording and declared ports, reaches the History with the request's id.
TEST_F(RealNginxTest, RefusedPeerLineReachesHistory) {
  backend(3001, "green");
  nginx_->start("/etc/nginx/nginx.conf");
  EXPECT_EQ(get(7).status, 200);
  nginx_->stop();
  std::vector<core::ProxyEvent> errors;
  for (auto& e : events(core::ProxyEventKind::error_log))
    if (e.level == "error") errors.push_back(e);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].level, "error");
  EXPECT_EQ(errors[0].request_id, 7u);
  EXPECT_EQ(errors[0].peer, "localhost:3000");
  EXPECT_NE(errors[0].message.find("(111: Connection refused) while connecting to upstream"), std::string::npos);
  EXPECT_NE(errors[0].message.find("upstream: \"http://127.0.0.1:3000/\""), std::string::npos);
  EXPECT_EQ(events(core::ProxyEventKind::access_log).at(0).upstream_status, "502, 200");
}

// reload re-reads the user's file: after swapping the upstream to green only, green serves; a bad
// file is refused with nginx's message and the old config keeps serving.
TEST_F(RealNginxTest, ReloadTakesNewConfigAndRefusesBadOne) {
  backend(3000, "blue");
  backend(3001, "green");
  nginx_->start("/etc/nginx/nginx.conf");
  std::string text = file_text(dir_ / "nginx.conf");
  text.replace(text.find("server localhost:3000;"), 22, "");
  std::ofstream(dir_ / "nginx.conf") << text;
  EXPECT_EQ(nginx_->reload(), std::nullopt);
  // The master applies a HUP asynchronously, as after a real `nginx -s reload`: wait, bounded.
  uint64_t id = 100;
  EXPECT_TRUE(wait_until([&] { return get(id++).body == "green" && get(id++).body == "green"; }, 5s,
                         "two answers in a row from green alone"));
  std::ofstream(dir_ / "nginx.conf") << "events {}\nhttp { bogus_directive on; }\n";
  auto err = nginx_->reload();
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("[emerg] unknown directive \"bogus_directive\""), std::string::npos) << *err;
  EXPECT_EQ(get(500).status, 200);
}

// The nginx shim drives RealNginx through ProxyControl: `nginx -s quit` stops it.
TEST_F(RealNginxTest, ShimQuitStopsIt) {
  backend(3000, "blue");
  nginx_->start("/etc/nginx/nginx.conf");
  core::CommandResult r = run_nginx_command(nginx_.get(), {"-s", "quit"}, "/etc/nginx/nginx.conf");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(nginx_->running());
}

// stop() leaves no nginx process: the master is reaped and its process group is empty, and the
// listen port refuses again.
TEST_F(RealNginxTest, StopLeavesNoProcess) {
  backend(3000, "blue");
  nginx_->start("/etc/nginx/nginx.conf");
  pid_t pid = nginx_->pid();
  uint16_t port = nginx_->listen_port();
  ASSERT_GT(pid, 0);
  EXPECT_EQ(try_connect(port), 0);
  nginx_->stop();
  EXPECT_TRUE(process_group_gone(pid));
  EXPECT_EQ(try_connect(port), ECONNREFUSED);
  EXPECT_FALSE(events(core::ProxyEventKind::stopped).empty());
}

// A config nginx rejects: start throws nginx's own message and nothing keeps running.
TEST_F(RealNginxTest, BadConfigThrowsNginxMessage) {
  std::ofstream(dir_ / "nginx.conf") << "events {}\nhttp { server { listen 80; proxy_buffers x; } }\n";
  try {
    nginx_->start("/etc/nginx/nginx.conf");
    FAIL() << "started";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("[emerg] invalid number of arguments in \"proxy_buffers\" directive"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(nginx_->running());
}

}  // namespace
}  // namespace bg::proxy
