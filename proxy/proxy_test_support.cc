#include "proxy/proxy_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace bg::proxy::testing_support {
namespace {

constexpr int kDeadlineMs = 3000;

// Reads into `out` until `done(out)` or EOF/deadline. Returns false on deadline or error.
template <class Done>
bool read_until(int fd, std::string& out, Done done, int deadline_ms = kDeadlineMs) {
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

size_t content_length(const std::string& head) {
  auto pos = head.find("Content-Length: ");
  if (pos == std::string::npos) pos = head.find("content-length: ");
  if (pos == std::string::npos) return 0;
  return std::strtoul(head.c_str() + pos + 16, nullptr, 10);
}

// Whole message (head + Content-Length body) in `data`?
bool message_complete(const std::string& data) {
  auto end = data.find("\r\n\r\n");
  return end != std::string::npos && data.size() >= end + 4 + content_length(data.substr(0, end + 4));
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

TestBackend::TestBackend(core::PortMap& ports, uint16_t declared_port, std::string name, Mode mode)
    : listener_(ports, ports.map(declared_port)), name_(std::move(name)), mode_(mode) {
  listen_fd_ = listener_.start();
  thread_ = std::thread([this] { run(); });
}

TestBackend::~TestBackend() {
  stop_ = true;
  thread_.join();
  listener_.stop();
  ::close(listen_fd_);
  for (int fd : held_) ::close(fd);
}

void TestBackend::run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd >= 0) handle(fd);
  }
}

void TestBackend::handle(int fd) {
  std::string data;
  read_until(fd, data, message_complete);
  ++requests_;
  {
    std::lock_guard lock(mutex_);
    heads_.push_back(data.substr(0, data.find("\r\n\r\n") + 4));
    if (mode_ == Mode::hold) return held_.push_back(fd);
  }
  if (mode_ == Mode::serve) {
    send_all(fd, "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(name_.size()) + "\r\nX-Served-By: " + name_ +
                     "\r\n\r\n" + name_);
  }
  ::close(fd);
}

std::vector<std::string> TestBackend::heads() const {
  std::lock_guard lock(mutex_);
  return heads_;
}

int TestBackend::held_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(held_.size());
}

bool TestBackend::held_connections_closed(std::chrono::milliseconds deadline) {
  std::lock_guard lock(mutex_);
  for (int fd : held_) {
    std::string rest;
    if (!read_until(fd, rest, [](const std::string&) { return false; }, static_cast<int>(deadline.count())))
      return false;
  }
  return true;
}

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
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
  read_until(fd, data, message_complete);
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
  read_until(fd, data, [](const std::string&) { return false; });
  ::close(fd);
  return parse_response(data);
}

std::vector<core::ProxyEvent> proxy_events(const core::History& history, const std::string& kind) {
  std::vector<core::ProxyEvent> out;
  for (auto& e : history.all<core::ProxyEvent>())
    if (e.kind == kind) out.push_back(e);
  return out;
}

}  // namespace bg::proxy::testing_support
