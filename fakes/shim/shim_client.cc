#include "fakes/shim/shim_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace bg::fakes {
namespace {

// Closes the descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool send_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Connects, retrying while the server's backlog is full (EAGAIN on a Unix socket) until the deadline.
bool connect_unix(int fd, const std::string& path, std::chrono::milliseconds timeout, std::string& error) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    error = "socket path too long";
    return false;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return true;
    if (errno == EINTR) continue;
    if (errno != EAGAIN || std::chrono::steady_clock::now() >= deadline) {
      error = std::string("could not establish connection: ") + std::strerror(errno);
      return false;
    }
    ::poll(nullptr, 0, 10);
  }
}

// Splits a whole HTTP/1.1 response: the status line's code, and the body (Content-Length's bytes when
// the header is there, else everything after the headers: the server closed the connection).
bool parse_response(const std::string& raw, ShimPostResult& out) {
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) return false;
  const size_t space = raw.find(' ');
  if (space == std::string::npos || space > head_end) return false;
  out.status = std::atoi(raw.c_str() + space + 1);
  std::string body = raw.substr(head_end + 4);
  // Header names are case-insensitive; cpp-httplib writes "Content-Length".
  for (size_t at = raw.find("\r\n"); at < head_end; at = raw.find("\r\n", at + 2)) {
    static constexpr char kLength[] = "content-length:";
    if (::strncasecmp(raw.c_str() + at + 2, kLength, sizeof kLength - 1) != 0) continue;
    const size_t length = std::strtoull(raw.c_str() + at + 2 + sizeof kLength - 1, nullptr, 10);
    if (body.size() < length) return false;  // cut short
    body.resize(length);
    break;
  }
  out.body = std::move(body);
  return true;
}

}  // namespace

ShimPostResult post_to_shim_server(const std::string& socket_path, const std::string& http_path,
                                   const std::string& body, std::chrono::milliseconds connect_timeout) {
  ShimPostResult result;
  Fd sock{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (sock.fd < 0) {
    result.error = std::string("socket: ") + std::strerror(errno);
    return result;
  }
  if (!connect_unix(sock.fd, socket_path, connect_timeout, result.error)) return result;
  std::string request = "POST " + http_path +
                        " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  request += body;
  if (!send_all(sock.fd, request)) {
    result.error = std::string("failed to write connection: ") + std::strerror(errno);
    return result;
  }
  std::string raw;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::recv(sock.fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result.error = std::string("failed to read connection: ") + std::strerror(errno);
      return result;
    }
    if (n == 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  if (!parse_response(raw, result)) {
    result.error = raw.empty() ? "failed to read connection: no response" : "malformed HTTP response";
    return result;
  }
  result.reached = true;
  return result;
}

}  // namespace bg::fakes
