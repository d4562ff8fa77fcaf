#include "proxy/nginx_cli.h"
#include "proxy/proxy_server.h"

#include <unistd.h>

#include <fstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>

#include "proxy/proxy_test_support.h"

namespace bg::proxy {
namespace {

namespace fs = std::filesystem;

const char* kConfig =
    "events {}\nhttp {\n upstream b { server localhost:3000; }\n"
    " server { listen 80; location / { proxy_pass http://b; } }\n}\n";

class NginxCliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bg_proxy_cli_" + std::to_string(::getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    paths_.add("/etc/nginx", dir_);
    std::ofstream(dir_ / "nginx.conf") << kConfig;
  }
  void TearDown() override { fs::remove_all(dir_); }
  core::CommandResult run(ProxyServer* proxy, std::vector<std::string> args) {
    return run_nginx_command(proxy, args, "/etc/nginx/nginx.conf", paths_);
  }

  fs::path dir_;
  core::PathMap paths_;
};

}  // namespace

// Goal: `nginx -t` prints nginx's two success lines on stderr, or the emerg line and "test failed".
TEST_F(NginxCliTest, TestReportsSyntaxOkOrTheError) {
  auto ok = run(nullptr, {"-t"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "");
  EXPECT_EQ(ok.err,
            "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
            "nginx: configuration file /etc/nginx/nginx.conf test is successful\n");
  EXPECT_EQ(run(nullptr, {"-tq"}).err, "");
  std::ofstream(dir_ / "nginx.conf") << "events {}\nhttp {\n}\n}\n";
  auto bad = run(nullptr, {"-t"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err,
            "nginx: [emerg] unexpected \"}\" in /etc/nginx/nginx.conf:4\n"
            "nginx: configuration file /etc/nginx/nginx.conf test failed\n");
}

// Goal: signals need a running master: without one nginx cannot read its PID file.
TEST_F(NginxCliTest, SignalWithoutRunningProxyFails) {
  auto r = run(nullptr, {"-s", "reload"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "nginx: [error] invalid PID number \"\" in \"/run/nginx.pid\"\n");
}

// Goal: -v, unknown options and bad signals answer as nginx 1.22.1 does.
TEST_F(NginxCliTest, VersionAndInvalidOptions) {
  auto v = run(nullptr, {"-v"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.err, "nginx version: nginx/1.22.1\n");
  auto x = run(nullptr, {"-x"});
  EXPECT_EQ(x.exit_code, 1);
  EXPECT_EQ(x.err, "nginx: invalid option: \"x\"\n");
  EXPECT_EQ(run(nullptr, {"reload"}).err, "nginx: invalid option: \"reload\"\n");
  EXPECT_EQ(run(nullptr, {"-s", "restart"}).err, "nginx: invalid option: \"-s restart\"\n");
  EXPECT_EQ(run(nullptr, {"-s"}).err, "nginx: option \"-s\" requires parameter\n");
}

// Goal: with a running proxy, `-s reload` exits 0 silently (even when the new config is bad: only
// the error log says so), and `-s stop` stops it.
TEST_F(NginxCliTest, ReloadAndStopARunningProxy) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });
  core::PortMap ports;
  core::History history;
  core::ManualClock clock{0.01};
  {
    ProxyServer proxy(io, clock, history, ports, paths_);
    proxy.start("/etc/nginx/nginx.conf");
    auto ok = run(&proxy, {"-s", "reload"});
    EXPECT_EQ(ok.exit_code, 0);
    EXPECT_EQ(ok.err, "");
    auto again = run(&proxy, {});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)"),
              std::string::npos);
    auto stop = run(&proxy, {"-s", "stop"});
    EXPECT_EQ(stop.exit_code, 0);
    EXPECT_FALSE(proxy.running());
    EXPECT_EQ(run(&proxy, {"-s", "quit"}).exit_code, 1);  // nothing runs any more
    EXPECT_EQ(run(&proxy, {}).exit_code, 0);              // a plain `nginx` starts it again
    EXPECT_TRUE(proxy.running());
  }
  work.reset();
  thread.join();
  int reloads = 0;
  for (const auto& e : history.all<core::ProxyEvent>()) reloads += e.kind == core::ProxyEventKind::reload;
  EXPECT_EQ(reloads, 1);
}

// Goal: -T prints nginx's two lines, then every file read, once, after "# configuration file X:".
TEST_F(NginxCliTest, DumpPrintsEveryFileOnce) {
  std::ofstream(dir_ / "nginx.conf") << "events {}\nhttp { include x.conf; include x.conf; }\n";
  std::ofstream(dir_ / "x.conf") << "# x\n";
  auto r = run(nullptr, {"-T"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { include x.conf; include x.conf; }\n\n"
            "# configuration file /etc/nginx/x.conf:\n# x\n\n");
  EXPECT_NE(r.err.find("test is successful"), std::string::npos);
}

// Goal: -g directives are checked as nginx reads them, "in command line", before the file.
TEST_F(NginxCliTest, GlobalDirectivesAreChecked) {
  EXPECT_EQ(run(nullptr, {"-t", "-g", "daemon off; pid /run/x.pid;"}).exit_code, 0);
  auto unknown = run(nullptr, {"-t", "-g", "frobnicate on;"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err,
            "nginx: [emerg] unknown directive \"frobnicate\" in command line\n"
            "nginx: configuration file /etc/nginx/nginx.conf test failed\n");
  EXPECT_EQ(run(nullptr, {"-t", "-g", "daemon off"})
                .err.rfind("nginx: [emerg] unexpected end of parameter, expecting \";\" in command line\n", 0),
            0u);
  EXPECT_EQ(run(nullptr, {"-t", "-g", "daemon off; daemon on;"})
                .err.rfind("nginx: [emerg] \"daemon\" directive is duplicate in command line\n", 0),
            0u);
  EXPECT_EQ(run(nullptr, {"-t", "-g", "worker_processes 4;"}).not_modelled, "nginx -g \"worker_processes 4;\"");
}

// Goal: a config nginx accepts but bluegreen does not model answers "not modelled" (the run ends
// as ERROR), never "syntax is ok"; -V prints Debian's configure line; -p elsewhere is not modelled.
TEST_F(NginxCliTest, NotModelledAndVersionAndPrefix) {
  std::ofstream(dir_ / "nginx.conf") << "events {}\nhttp { server { location / {\n rewrite ^ /x;\n} } }\n";
  auto r = run(nullptr, {"-t"});
  EXPECT_EQ(r.not_modelled, "nginx directive \"rewrite\" in /etc/nginx/nginx.conf:3");
  EXPECT_NE(r.exit_code, 0);
  auto v = run(nullptr, {"-V"});
  EXPECT_NE(v.err.find("\nconfigure arguments: --with-cc-opt="), std::string::npos);
  EXPECT_NE(v.err.find("--with-stream=dynamic"), std::string::npos);
  EXPECT_FALSE(run(nullptr, {"-t", "-p", "/opt/nginx/"}).not_modelled.empty());
  std::ofstream(dir_ / "nginx.conf") << kConfig;
  EXPECT_EQ(run(nullptr, {"-t", "-p", "/usr/share/nginx/"}).exit_code, 0);
}

}  // namespace bg::proxy
