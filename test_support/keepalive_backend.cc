#include "test_support/keepalive_backend.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "test_support/loopback.h"

namespace bg::test_support {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Whether the request head asks to close: `Connection: close`, or HTTP/1.0 without keep-alive.
bool wants_close(const std::string& head) {
  std::string h = lower(head);
  if (h.find("\r\nconnection: close") != std::string::npos) return true;
  return h.find(" http/1.0\r\n") != std::string::npos && h.find("\r\nconnection: keep-alive") == std::string::npos;
}

size_t body_length(const std::string& head) {
  std::string h = lower(head);
  auto pos = h.find("\r\ncontent-length: ");
  return pos == std::string::npos ? 0 : std::strtoul(h.c_str() + pos + 18, nullptr, 10);
}

}  // namespace

KeepaliveBackend::KeepaliveBackend(core::PortMap& ports, uint16_t declared_port, std::string name, Options options)
    : listener_(ports, ports.map(declared_port)), name_(std::move(name)), options_(options) {
  listen_fd_ = listener_.start();
  thread_ = std::thread([this] { run(); });
}

KeepaliveBackend::~KeepaliveBackend() {
  stop_ = true;
  thread_.join();
  listener_.stop();
  ::close(listen_fd_);
}

std::vector<std::string> KeepaliveBackend::heads() const {
  std::lock_guard lock(mutex_);
  return heads_;
}

void KeepaliveBackend::run() {
  std::vector<Conn> conns;
  while (!stop_) {
    std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
    for (const auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), 5);
    std::vector<Conn> kept;
    if (fds[0].revents & POLLIN) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd >= 0) {
        ++connections_;
        // Into `kept`, not `conns`: `fds` has no entry for it until the next poll (indexing `fds` by
        // a new connection read past its end: TSan heap-use-after-free).
        kept.push_back(Conn{fd, "", 0, clock_.now()});
      }
    }
    for (size_t i = 0; i < conns.size(); ++i) {
      Conn& c = conns[i];
      bool open = true;
      if (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) {
        open = on_readable(c);
      } else if (options_.idle_close.count() > 0 && c.in.empty() &&
                 clock_.now() - c.idle_since >= std::chrono::duration_cast<core::Duration>(options_.idle_close)) {
        open = false;  // Node's keepAliveTimeout: the idle socket is destroyed
        ++idle_closed_;
      }
      if (open)
        kept.push_back(std::move(c));
      else
        ::close(c.fd);
    }
    conns = std::move(kept);
  }
  for (auto& c : conns) ::close(c.fd);
}

bool KeepaliveBackend::on_readable(Conn& c) {
  char buf[4096];
  ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
  if (n <= 0) return false;
  c.in.append(buf, static_cast<size_t>(n));
  auto end = c.in.find("\r\n\r\n");
  if (end == std::string::npos) return true;
  std::string head = c.in.substr(0, end + 4);
  size_t total = end + 4 + body_length(head);
  if (c.in.size() < total) return true;
  c.in.erase(0, total);
  ++requests_;
  {
    std::lock_guard lock(mutex_);
    heads_.push_back(head);
  }
  if (options_.drop_reused && c.served > 0) return false;
  bool close = wants_close(head);
  send_all(c.fd,
           "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: " + std::string(close ? "close" : "keep-alive") +
               "\r\nContent-Length: " + std::to_string(name_.size()) + "\r\nX-Served-By: " + name_ + "\r\n\r\n" +
               name_);
  ++c.served;
  c.idle_since = clock_.now();
  return !close;
}

}  // namespace bg::test_support
