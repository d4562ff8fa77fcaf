// `bluegreen proxy`: the proxy alone in the foreground serves a request to a backend and stops
// cleanly on SIGTERM; a bad config exits 2 with nginx's message.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "core/port_map.h"
#include "test_support/loopback.h"
#include "test_support/test_backend.h"
#include "test_support/wait.h"

namespace {
namespace fs = std::filesystem;
using namespace bg::test_support;
using namespace std::chrono_literals;

// The CLI as a child process with its stdout and stderr on one pipe.
struct Child {
  pid_t pid = -1;
  int out = -1;
  std::string output;

  explicit Child(const std::vector<std::string>& args) {
    int p[2];
    if (::pipe(p) != 0) return;
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid = ::fork();
    if (pid == 0) {
      ::dup2(p[1], 1);
      ::dup2(p[1], 2);
      ::close(p[0]);
      ::close(p[1]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(p[1]);
    out = p[0];
  }
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (out >= 0) ::close(out);
  }
  // Reads output until it contains `text` or EOF; 5 s deadline.
  bool wait_for(const std::string& text) {
    char buf[1024];
    for (int waited = 0; output.find(text) == std::string::npos && waited < 5000; waited += 20) {
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      ssize_t n = ::read(out, buf, sizeof buf);
      if (n <= 0) break;
      output.append(buf, static_cast<size_t>(n));
    }
    return output.find(text) != std::string::npos;
  }
  // The exit code once it ended (5 s deadline), nullopt if it did not.
  std::optional<int> wait_exit() {
    int status = 0;
    auto exited = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 5s, "bluegreen proxy to exit");
    if (!exited) {
      ADD_FAILURE() << exited.message();
      return std::nullopt;
    }
    pid = -1;
    wait_for("\x01");  // drain what is left
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

fs::path temp_config(const std::string& tag, const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("bg-proxy-cli-" + std::to_string(::getpid()) + "-" + tag + ".conf");
  std::ofstream(p) << text;
  return p;
}

// Goal: with --bind-declared-ports the proxy listens on the config's own port, passes a request to
// the backend there, and exits 0 on SIGTERM.
TEST(ProxyCommand, ServesUntilSigtermThenExitsZero) {
  bg::core::PortMap ports;
  uint16_t listen = ports.map(80);  // a free port, held here but not listened on
  TestBackend backend(ports, 3000, "blue");
  fs::path conf = temp_config(
      "ok", "events {}\nhttp {\n upstream app { server 127.0.0.1:" + std::to_string(ports.map(3000)) +
                "; }\n server { listen " + std::to_string(listen) + "; location / { proxy_pass http://app; } }\n}\n");
  Child cli({BG_CLI_BINARY, "proxy", "--config", conf.string(), "--bind-declared-ports"});
  ASSERT_TRUE(cli.wait_for("listening on 127.0.0.1:" + std::to_string(listen))) << cli.output;
  ClientResponse r = http_request(listen, "GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "blue");
  ASSERT_TRUE(cli.wait_for("\"GET / HTTP/1.1\" 200")) << cli.output;  // the access line on stdout
  ::kill(cli.pid, SIGTERM);
  EXPECT_EQ(cli.wait_exit(), 0) << cli.output;
  EXPECT_EQ(try_connect(listen), ECONNREFUSED);
  fs::remove(conf);
}

// Goal: a config nginx would reject exits 2 with nginx's message naming file and line.
TEST(ProxyCommand, BadConfigExitsTwoWithNginxMessage) {
  fs::path conf = temp_config("bad", "events {}\nhttp {\n server { listen 8080; }\n");
  Child cli({BG_CLI_BINARY, "proxy", "--config", conf.string()});
  EXPECT_EQ(cli.wait_exit(), 2);
  EXPECT_NE(cli.output.find("nginx: [emerg] unexpected end of file, expecting \"}\" in " + conf.string() + ":4"),
            std::string::npos)
      << cli.output;
  fs::remove(conf);
}

}  // namespace
