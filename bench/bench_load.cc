#include "bench/bench_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "core/stopwatch.h"

namespace bg::bench {
namespace {

constexpr int kReadDeadlineMs = 5000;

int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One response (Content-Length framed) read from `fd`, leftovers kept in `buf`; its status or 0.
// `closing`: the server said `Connection: close` (nginx does after keepalive_requests, 1000).
int read_response(int fd, std::string& buf, bool& closing) {
  char chunk[8192];
  for (;;) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto cl = buf.find("ontent-Length: ");
      if (cl == std::string::npos) cl = buf.find("ontent-length: ");
      size_t body = cl == std::string::npos || cl > end ? 0 : std::strtoul(buf.c_str() + cl + 15, nullptr, 10);
      if (buf.size() >= end + 4 + body) {
        int status = std::atoi(buf.c_str() + 9);
        auto close = buf.find("onnection: close");
        closing = close != std::string::npos && close < end;
        buf.erase(0, end + 4 + body);
        return status;
      }
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kReadDeadlineMs) <= 0) return 0;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<size_t>(n));
  }
}

void client(uint16_t port, int requests, LoadResult& out, std::mutex& m) {
  const std::string req = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";
  std::vector<double> lat;
  lat.reserve(static_cast<size_t>(requests));
  uint64_t failed = 0;
  int fd = connect_loopback(port);
  std::string buf;
  for (int i = 0; i < requests; ++i) {
    if (fd < 0) fd = connect_loopback(port);
    core::Stopwatch sw;
    int status = 0;
    bool closing = false;
    if (fd >= 0 && ::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size()))
      status = read_response(fd, buf, closing);
    if (status == 200) {
      lat.push_back(sw.seconds() * 1e6);
    }
    if (status != 200 || closing) {
      if (status != 200) ++failed;
      if (fd >= 0) ::close(fd);
      fd = -1;
      buf.clear();
    }
  }
  if (fd >= 0) ::close(fd);
  std::lock_guard lock(m);
  out.ok += lat.size();
  out.failed += failed;
  out.latencies_us.insert(out.latencies_us.end(), lat.begin(), lat.end());
}

}  // namespace

double LoadResult::percentile_us(double p) {
  if (latencies_us.empty()) return 0;
  std::sort(latencies_us.begin(), latencies_us.end());
  size_t i =
      std::min(latencies_us.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(latencies_us.size())));
  return latencies_us[i];
}

LoadResult run_load(uint16_t port, int clients, int requests) {
  return run_load(std::vector<uint16_t>{port}, clients, requests);
}

LoadResult run_load(const std::vector<uint16_t>& ports, int clients, int requests) {
  LoadResult r;
  std::mutex m;
  std::vector<std::thread> threads;
  core::Stopwatch wall;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back(client, ports[static_cast<size_t>(c) % ports.size()],
                         requests / clients + (c < requests % clients ? 1 : 0), std::ref(r), std::ref(m));
  for (auto& t : threads) t.join();
  r.seconds = wall.seconds();
  return r;
}

}  // namespace bg::bench
