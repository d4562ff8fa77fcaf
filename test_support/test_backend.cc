#include "test_support/test_backend.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_support/loopback.h"

namespace bg::test_support {

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
    // Accepts with a short timeout so that the destructor's stop is seen within 20 ms.
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
  if (mode_ == Mode::serve) answer(fd);
  ::close(fd);
}

void TestBackend::answer(int fd) const {
  send_all(fd, "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(name_.size()) + "\r\nX-Served-By: " + name_ +
                   "\r\n\r\n" + name_);
}

int TestBackend::answer_held() {
  std::lock_guard lock(mutex_);
  const int answered = static_cast<int>(held_.size());
  for (int fd : held_) {
    answer(fd);
    ::close(fd);
  }
  held_.clear();
  return answered;
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
    if (!read_until(
            fd, rest, [](const std::string&) { return false; }, static_cast<int>(deadline.count())))
      return false;
  }
  return true;
}

}  // namespace bg::test_support
