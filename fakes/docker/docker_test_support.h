#pragma once
// Test helpers for fakes/docker (tests only): an io_context on its own thread, a tiny
// ContainerProcess that echoes on its container port after a delay (or never) and can ignore
// SIGTERM (loopback probes are test_support/loopback.h's). Independent of fakes/nextjs on purpose.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <utility>
#include <boost/asio.hpp>

#include "core/clock.h"
#include "core/port_map.h"
#include "fakes/docker/container_process.h"
#include "test_support/loopback.h"
#include "test_support/wait.h"

namespace bg::fakes::test_support {

// The shared test support (waits, loopback probes), reachable as fakes::test_support:: too.
using namespace bg::test_support;

// An io_context run by one thread for the test's lifetime; joined on destruction.
class IoThread {
 public:
  IoThread() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

// The app inside a test container: after `listen_after` (scenario time; nullopt = never) it echoes
// whatever it receives on its container port. SIGTERM ends it with 0 unless ignore_sigterm.
class EchoProcess : public ContainerProcess {
 public:
  struct Behaviour {
    std::optional<core::Duration> listen_after = core::Duration(0);
    bool ignore_sigterm = false;
    // `docker exec` answers a few commands (see exec()); otherwise exec is not modelled.
    bool answers_exec = false;
  };

  EchoProcess(boost::asio::io_context& io, core::PortMap& ports, core::Clock& clock, ProcessSpec spec, Behaviour b)
      : io_(io), clock_(clock), spec_(std::move(spec)), behaviour_(b), listener_(ports, spec_.container_port) {}
  ~EchoProcess() override {
    thread_ = {};  // request_stop + join: interrupts the start delay
    std::lock_guard lock(mutex_);
    close_locked();
  }

  void start() override {
    thread_ = std::jthread([this](std::stop_token stop) {
      if (behaviour_.listen_after && clock_.sleep_for(*behaviour_.listen_after, stop)) listen();
    });
  }
  void signal(int signo) override {
    if (signo == SIGKILL) return exit(128 + SIGKILL);
    if (!behaviour_.ignore_sigterm) exit(0);
  }
  // With answers_exec: `echo [-n] ARG...`, `printenv NAME` (exit 1 when unset), `pwd` (the
  // workdir), `whoami` (the user, else root), `exit N`; anything else is not modelled.
  core::CommandResult exec(const ExecRequest& r, std::stop_token stop) override {
    if (!behaviour_.answers_exec || r.argv.empty()) return ContainerProcess::exec(r, stop);
    const std::vector<std::string> args(r.argv.begin() + 1, r.argv.end());
    const std::string& cmd = r.argv.front();
    if (cmd == "echo") {
      bool newline = args.empty() || args.front() != "-n";
      std::string out;
      for (size_t i = newline ? 0 : 1; i < args.size(); ++i) out += (out.empty() ? "" : " ") + args[i];
      return {0, out + (newline ? "\n" : ""), ""};
    }
    if (cmd == "printenv" && args.size() == 1) {
      auto it = r.env.find(args[0]);
      return it == r.env.end() ? core::CommandResult{1, "", ""} : core::CommandResult{0, it->second + "\n", ""};
    }
    if (cmd == "pwd") return {0, (r.workdir.empty() ? "/" : r.workdir) + "\n", ""};
    if (cmd == "whoami") return {0, (r.user.empty() ? "root" : r.user) + "\n", ""};
    if (cmd == "exit" && args.size() == 1) return {std::stoi(args[0]), "", ""};
    return ContainerProcess::exec(r, stop);
  }
  bool listening() const { return listening_; }
  const ProcessSpec& spec() const { return spec_; }

 private:
  using tcp = boost::asio::ip::tcp;

  void listen() {
    std::lock_guard lock(mutex_);
    if (exited_) return;
    acceptor_ = std::make_shared<tcp::acceptor>(io_, tcp::v4(), listener_.start());
    accept(acceptor_);
    listening_ = true;
    if (on_log) on_log("echo listening on " + std::to_string(spec_.container_port), false);
  }
  static void accept(std::shared_ptr<tcp::acceptor> acceptor) {
    acceptor->async_accept([acceptor](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      echo(std::make_shared<tcp::socket>(std::move(socket)), std::make_shared<std::array<char, 4096>>());
      accept(acceptor);
    });
  }
  static void echo(std::shared_ptr<tcp::socket> s, std::shared_ptr<std::array<char, 4096>> buf) {
    s->async_read_some(boost::asio::buffer(*buf), [s, buf](const boost::system::error_code& ec, size_t n) {
      if (ec) return;
      boost::asio::async_write(*s, boost::asio::buffer(buf->data(), n),
                               [s, buf](const boost::system::error_code& ec, size_t) {
                                 if (!ec) echo(s, buf);
                               });
    });
  }
  void close_locked() {
    listener_.stop();
    listening_ = false;
    if (acceptor_) boost::asio::post(io_, [a = acceptor_] { a->close(); });
    acceptor_.reset();
  }
  void exit(int code) {
    {
      std::lock_guard lock(mutex_);
      if (exited_) return;
      exited_ = true;
      close_locked();
    }
    if (on_exit) on_exit(code);
  }

  boost::asio::io_context& io_;
  core::Clock& clock_;
  ProcessSpec spec_;
  Behaviour behaviour_;
  std::mutex mutex_;
  core::PortListener listener_;
  std::shared_ptr<tcp::acceptor> acceptor_;
  std::atomic<bool> listening_{false};
  bool exited_ = false;
  std::jthread thread_;
};

}  // namespace bg::fakes::test_support
