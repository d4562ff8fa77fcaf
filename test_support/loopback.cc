#include "test_support/loopback.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace bg::test_support {
namespace {

constexpr int kDeadlineMs = 3000;

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

size_t content_length(const std::string& head) {
  auto pos = head.find("Content-Length: ");
  if (pos == std::string::npos) pos = head.find("content-length: ");
  if (pos == std::string::npos) return 0;
  return std::strtoul(head.c_str() + pos + 16, nullptr, 10);
}

ClientResponse parse_response(const std::string& data) {
  ClientResponse r;
  auto end = data.find("\r\n\r\n");
  if (data.rfind("HTTP/", 0) != 0 || end == std::string::npos) return r;
  r.head = data.substr(0, end + 4);
  r.body = data.substr(end + 4);
  r.status = std::atoi(data.c_str() + data.find(' ') + 1);
  return r;
}

}  // namespace

bool read_until(int fd, std::string& out, const std::function<bool(const std::string&)>& done, int deadline_ms) {
  char buf[4096];
  while (!done(out)) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, deadline_ms) <= 0) return false;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return n == 0;
    out.append(buf, static_cast<size_t>(n));
  }
  return true;
}

bool message_complete(const std::string& data) {
  auto end = data.find("\r\n\r\n");
  return end != std::string::npos && data.size() >= end + 4 + content_length(data.substr(0, end + 4));
}

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    return -err;
  }
  return fd;
}

int try_connect(uint16_t port) {
  int fd = connect_to(port);
  if (fd < 0) return -fd;
  ::close(fd);
  return 0;
}

bool send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

ClientResponse read_response(int fd) {
  std::string data;
  read_until(fd, data, message_complete, kDeadlineMs);
  return parse_response(data);
}

ClientResponse http_request(uint16_t port, const std::string& method, const std::string& path,
                            const std::string& extra_headers, const std::string& body) {
  int fd = connect_to(port);
  if (fd < 0) {
    ClientResponse r;
    r.connect_errno = -fd;
    return r;
  }
  // The caller's own Host replaces the default one (nginx answers 400 to two).
  std::string host = extra_headers.find("Host:") == std::string::npos ? "Host: 127.0.0.1\r\n" : "";
  std::string req = method + " " + path + " HTTP/1.1\r\n" + host + "Connection: close\r\n" + extra_headers;
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  send_all(fd, req);
  std::string data;
  read_until(
      fd, data, [](const std::string&) { return false; }, kDeadlineMs);
  ::close(fd);
  return parse_response(data);
}

Probe probe(uint16_t port, const std::string& send, int read_deadline_ms) {
  Probe p;
  int fd = connect_to(port);
  if (fd < 0) {
    p.connect_errno = -fd;
    return p;
  }
  p.connected = true;
  timeval tv{read_deadline_ms / 1000, (read_deadline_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (!send.empty()) {
    ::send(fd, send.data(), send.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);  // half-close: the echo comes back, then EOF
  }
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      p.eof = true;
      break;
    }
    if (n < 0) break;
    p.data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return p;
}

LoopbackListener::LoopbackListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

LoopbackListener::~LoopbackListener() { ::close(fd_); }

bool LoopbackListener::has_pending_connection() const {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

}  // namespace bg::test_support
