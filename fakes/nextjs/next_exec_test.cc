// What the fake Next.js prints when it starts (docker logs) and what `docker exec` runs in its
// container: health checks against the app itself and looking at files and the environment.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it under C++20

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "fakes/nextjs/next_log_lines.h"
#include "fakes/nextjs/next_server.h"
#include "test_support/wait.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;

NextAppProfile version(const char* v) {
  NextAppProfile p;
  p.version = v;
  p.listen_delay = 300ms;
  p.prepare_delay = 400ms;
  return p;
}

// Goal: each version prints what its server.js / startServer prints.
TEST(NextLogLines, ByVersion) {
  EXPECT_EQ(next_start_lines(version("12.1"), 3000, "", 700).on_listen,
            std::vector<std::string>{"Listening on port 3000"});
  EXPECT_EQ(next_start_lines(version("12.2"), 3001, "", 700).on_listen,
            std::vector<std::string>{"Listening on port 3001 url: http://localhost:3001"});
  EXPECT_EQ(next_start_lines(version("13.4"), 3000, "", 700).on_listen,
            std::vector<std::string>{"- ready started server on 0.0.0.0:3000, url: http://localhost:3000"});
  NextLogLines v14 = next_start_lines(version("14.1"), 3000, "", 700);
  EXPECT_EQ(v14.on_listen.front(), "  \xE2\x96\xB2 Next.js 14.1.0");
  EXPECT_EQ(v14.on_ready, std::vector<std::string>{" \xE2\x9C\x93 Ready in 700ms"});
}

class NextExec : public ::testing::Test {
 protected:
  NextExec() : clock_(0.01), work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {
    char tmpl[] = "/tmp/bg-next-exec-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    std::filesystem::create_directories(root_ / "app");
    std::ofstream(root_ / "app/server.js") << "require('next')\n";
  }
  ~NextExec() override {
    server_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
    std::filesystem::remove_all(root_);
  }
  void start(NextAppProfile profile) {
    ProcessSpec spec{
        "blue", "web:latest", "build-1", ports_.reserve_anonymous(), {{"PORT", "3000"}, {"COLOR", "blue"}}};
    spec.filesystem.add("/", root_);
    spec.hostname = "abc123def456";
    server_ = std::make_unique<NextServer>(io_, clock_, history_, ports_, core::Rng(3), std::move(profile), spec);
    server_->on_exit = [](int) {};
    server_->on_log = [this](const std::string& line, bool) {
      std::lock_guard lock(mutex_);
      lines_.push_back(line);
    };
    server_->start();
  }
  core::CommandResult exec(std::vector<std::string> argv) {
    ExecRequest r;
    r.argv = std::move(argv);
    r.env = {{"PORT", "3000"}, {"COLOR", "blue"}, {"HOSTNAME", "abc123def456"}};
    r.image = "web:latest";
    r.workdir = "/app";
    return server_->exec(r, {});
  }
  ::testing::AssertionResult ready() {
    return test_support::wait_until(
        [&] {
          return exec({"wget", "-qO-", "http://localhost:3000/api/health"}).exit_code == 0;
        },
        2s, "/api/health to answer 200");
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  boost::asio::io_context io_;
  core::ScaledClock clock_;
  core::History history_;
  core::PortMap ports_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::filesystem::path root_;
  std::unique_ptr<NextServer> server_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Goal: health checks really ask the app: refused before it listens, 503 then 200 on /api/health,
// curl -f failing on a 404; the banner is in the logs once it is ready.
TEST_F(NextExec, HealthChecksAskTheApp) {
  start(version("14.1"));
  auto early = exec({"curl", "-fsS", "http://localhost:3000/api/health"});
  EXPECT_EQ(early.exit_code, 7);
  EXPECT_EQ(early.err, "curl: (7) Failed to connect to localhost port 3000 after 0 ms: Connection refused\n");
  EXPECT_EQ(exec({"wget", "-qO-", "http://127.0.0.1:3000/"}).err,
            "wget: can't connect to remote host (127.0.0.1): Connection refused\n");
  ASSERT_TRUE(ready());
  auto health = exec({"wget", "-qO-", "http://localhost:3000/api/health"});
  EXPECT_NE(health.out.find("\"status\":\"ok\""), std::string::npos) << health.out;
  auto missing = exec({"curl", "-f", "http://localhost:3000/nope"});
  EXPECT_EQ(missing.exit_code, 22);
  EXPECT_EQ(missing.err, "curl: (22) The requested URL returned error: 404\n");
  EXPECT_EQ(exec({"wget", "-q", "-O", "-", "http://localhost:3000/nope"}).err,
            "wget: server returned error: HTTP/1.1 404 Not Found\n");
  EXPECT_EQ(exec({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://localhost:3000/"}).out, "200");
  EXPECT_EQ(exec({"curl", "-sf", "http://localhost:8080/"}).exit_code, 7);  // nothing else listens
  EXPECT_EQ(exec({"curl", "http://api.example.com/"}).not_modelled, "docker exec curl of http://api.example.com/");
  ASSERT_TRUE(test_support::wait_until([&] { return lines().size() >= 6; }, 1s, "the banner's six lines"));
  ASSERT_EQ(lines().size(), 6u);
  EXPECT_EQ(lines()[1], "  - Local:        http://localhost:3000");
  EXPECT_EQ(lines()[5].rfind(" \xE2\x9C\x93 Ready in ", 0), 0u);
}

// Goal: env, printenv, cat and ls read the container's environment and filesystem; anything else
// is not modelled, naming the command and the image.
TEST_F(NextExec, LooksAtEnvironmentAndFiles) {
  start(version("13.4"));
  EXPECT_NE(exec({"env"}).out.find("COLOR=blue\n"), std::string::npos);
  EXPECT_EQ(exec({"printenv", "COLOR"}).out, "blue\n");
  EXPECT_EQ(exec({"printenv", "NOPE"}).exit_code, 1);
  EXPECT_EQ(exec({"cat", "server.js"}).out, "require('next')\n");
  EXPECT_EQ(exec({"cat", "/etc/nope"}).err, "cat: can't open '/etc/nope': No such file or directory\n");
  EXPECT_EQ(exec({"ls", "/app"}).out, "server.js\n");
  EXPECT_EQ(exec({"hostname"}).out, "abc123def456\n");
  EXPECT_EQ(exec({"node", "-e", "1"}).not_modelled, "docker exec node in web:latest");
}

}  // namespace
}  // namespace bg::fakes
