#include "core/port_map.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace bg::core {
namespace {

// Binds a TCP socket to 127.0.0.1:port (0 = any free port). SO_REUSEADDR lets the port be listened
// on again while earlier connections sit in TIME_WAIT (a color brought up a second time), as nginx and
// Docker set it. It does not let the port be taken: bind(0) and outgoing connections skip a port
// bound by number, and another explicit bind needs SO_REUSEADDR itself (no well-behaved server here
// binds a number it did not get from us).
int bind_loopback(uint16_t port, uint16_t* bound_port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "bind 127.0.0.1:" + std::to_string(port));
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *bound_port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

PortMap::PortMap(PortMap& outside, std::map<uint16_t, uint16_t> own)
    : identity_(false), outside_(&outside), declared_to_actual_(std::move(own)) {}

PortMap::~PortMap() {
  for (auto& [port, held] : held_)
    if (held.fd >= 0) ::close(held.fd);
}

uint16_t PortMap::reserve_locked(uint16_t wanted) {
  if (in_memory_) {
    uint16_t port = wanted;
    while (port == 0 || (wanted == 0 && held_.count(port))) {  // the next free number
      port = next_anonymous_++;
      if (next_anonymous_ == 0) next_anonymous_ = kFirstInMemoryAnonymous;  // wrapped (a very long run)
    }
    held_[port] = Held{-1};
    return port;
  }
  uint16_t actual = 0;
  if (wanted != 0) {
    held_[wanted] = Held{bind_loopback(wanted, &actual)};
    return actual;
  }
  // The kernel keeps a port across PortListener::stop() only when it was bound by number
  // (SOCK_BINDPORT_LOCK), so a free port found with bind(0) is bound again by its number. Another
  // process may take it in between; then try another.
  for (int attempt = 0;; ++attempt) {
    uint16_t candidate = 0;
    ::close(bind_loopback(0, &candidate));
    try {
      held_[candidate] = Held{bind_loopback(candidate, &actual)};
      return actual;
    } catch (const std::system_error&) {
      if (attempt == 20) throw;
    }
  }
}

uint16_t PortMap::map(uint16_t declared) {
  std::lock_guard lock(mutex_);
  if (auto it = declared_to_actual_.find(declared); it != declared_to_actual_.end()) return it->second;
  // Lock order: a container's map, then the run's (never the other way).
  if (outside_ && outside_->is_address(declared)) return declared;
  uint16_t actual = reserve_locked(identity_ ? declared : 0);
  declared_to_actual_[declared] = actual;
  return actual;
}

std::optional<uint16_t> PortMap::lookup(uint16_t declared) const {
  std::lock_guard lock(mutex_);
  if (auto it = declared_to_actual_.find(declared); it != declared_to_actual_.end()) return it->second;
  return std::nullopt;
}

std::optional<uint16_t> PortMap::declared_for(uint16_t actual) const {
  std::lock_guard lock(mutex_);
  for (const auto& [declared, a] : declared_to_actual_)
    if (a == actual) return declared;
  return std::nullopt;
}

uint16_t PortMap::reserve_anonymous() {
  std::lock_guard lock(mutex_);
  return reserve_locked(0);
}

void PortMap::release_anonymous(uint16_t actual) {
  std::lock_guard lock(mutex_);
  for (const auto& [declared, a] : declared_to_actual_)
    if (a == actual) return;  // declared ports stay held for the whole run
  if (auto it = held_.find(actual); it != held_.end()) {
    if (it->second.fd >= 0) ::close(it->second.fd);
    held_.erase(it);
  }
}

void PortMap::map_to_itself(uint16_t actual) {
  std::lock_guard lock(mutex_);
  if (!held_.count(actual)) throw std::logic_error("port " + std::to_string(actual) + " is not held by this run");
  auto [it, added] = declared_to_actual_.emplace(actual, actual);
  if (!added && it->second != actual)
    throw std::logic_error("port " + std::to_string(actual) + " is already declared as another port");
  addresses_.insert(actual);
}

bool PortMap::is_address(uint16_t actual) const {
  std::lock_guard lock(mutex_);
  return addresses_.count(actual) > 0;
}

int PortMap::reserved_fd(uint16_t actual) const {
  {
    std::lock_guard lock(mutex_);
    if (auto it = held_.find(actual); it != held_.end()) return it->second.fd;
  }
  return outside_ ? outside_->reserved_fd(actual) : -1;
}

std::map<uint16_t, uint16_t> PortMap::declared_ports() const {
  std::lock_guard lock(mutex_);
  return declared_to_actual_;
}

int PortListener::start(int backlog) {
  stop();
  int held = ports_.reserved_fd(port_);
  if (held < 0)
    throw std::system_error(EBADF, std::generic_category(), "port " + std::to_string(port_) + " is not held");
  int fd = ::fcntl(held, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "dup");
  if (::listen(fd, backlog) != 0) {
    int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "listen on port " + std::to_string(port_));
  }
  listening_fd_ = fd;
  return ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

void PortListener::stop() {
  if (listening_fd_ < 0) return;
  // connect(AF_UNSPEC) on a listening socket stops listening (tcp_disconnect) but keeps an explicit
  // bind, so the port goes back to refusing connections while the run still holds it.
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  ::connect(listening_fd_, &unspec, sizeof unspec);
  ::close(listening_fd_);
  listening_fd_ = -1;
}

}  // namespace bg::core
