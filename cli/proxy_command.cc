// `bluegreen proxy --config nginx.conf [--bind-declared-ports]`: bluegreen's proxy alone, in the
// foreground, for people who put it in front of their own services. It prints where it listens and
// where its upstreams are, then nginx's error log on stderr and access log on stdout, until SIGINT or
// SIGTERM; then it stops cleanly (exit 0). A config nginx would reject exits 2 with nginx's message.
#include <utility>  // before Asio under C++20 (design.md)

#include <signal.h>

#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "core/clock.h"
#include "core/history.h"
#include "core/path_map.h"
#include "core/port_map.h"
#include "proxy/nginx_config_loader.h"
#include "proxy/proxy_server.h"

namespace bg::cli {
namespace {

constexpr int kIoThreads = 2;

// The declared -> actual ports, as the user must know them when the map is not the identity.
void print_mapping(const proxy::NginxConfig& config, core::PortMap& ports) {
  for (const auto& server : config.servers)
    for (uint16_t port : server.listen) std::cout << fmt::format("listen {} -> 127.0.0.1:{}\n", port, ports.map(port));
  for (const auto& upstream : config.upstreams)
    for (const auto& s : upstream.servers)
      std::cout << fmt::format("upstream {} server {} -> 127.0.0.1:{}\n", upstream.name, s.address, ports.map(s.port));
}

// nginx's own line shapes: "[error] <message>" on stderr, the access line on stdout.
void print_event(std::mutex& out_mutex, const core::ProxyEvent& e) {
  std::lock_guard lock(out_mutex);
  if (e.kind == core::ProxyEventKind::access_log)
    std::cout << e.message << std::endl;
  else
    std::cerr << fmt::format("[{}] {}", e.level.empty() ? "notice" : e.level, e.message) << std::endl;
}

}  // namespace

int proxy_command(const std::filesystem::path& config_path, bool bind_declared_ports) {
  // SIGINT/SIGTERM are taken by sigwait below, so every thread started from here must block them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  core::PathMap paths;  // the config's paths are the real ones
  core::PortMap ports(bind_declared_ports);
  core::ScaledClock clock(1.0);  // life-size: the config's timeouts are real seconds here
  core::History history;
  std::filesystem::path absolute = std::filesystem::absolute(config_path);
  proxy::NginxConfig config;
  try {
    config = proxy::parse_nginx_config(absolute, paths);
  } catch (const proxy::NginxConfigError& e) {
    std::cerr << "nginx: " << e.what() << '\n';
    return 2;
  }
  for (const auto& w : config.warnings) std::cerr << "bluegreen proxy: " << w << '\n';

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  proxy::ProxyServer server(io, clock, history, ports, paths);
  std::mutex out_mutex;
  server.set_log_sink([&](const core::ProxyEvent& e) { print_event(out_mutex, e); });
  server.connect_upstreams_as_declared(bind_declared_ports);
  std::vector<std::thread> threads;
  for (int i = 0; i < kIoThreads; ++i) threads.emplace_back([&io] { io.run(); });
  int code = 0;
  try {
    server.start(absolute.string());
    if (!bind_declared_ports) print_mapping(config, ports);
    std::cout << fmt::format("bluegreen proxy listening on 127.0.0.1:{} (SIGINT or SIGTERM stops it)",
                             server.listen_port())
              << std::endl;
    int received = 0;
    sigwait(&signals, &received);
  } catch (const proxy::NginxConfigError& e) {
    std::cerr << "nginx: " << e.what() << '\n';
    code = 2;
  } catch (const std::exception& e) {
    std::cerr << "nginx: [emerg] " << e.what() << '\n';
    code = 2;
  }
  server.stop();
  work.reset();
  io.stop();
  for (auto& t : threads) t.join();
  return code;
}

}  // namespace bg::cli
