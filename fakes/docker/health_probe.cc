#include "fakes/docker/health_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

namespace bg::fakes {

bool run_health_probe(const HealthProbe& probe, uint16_t port, std::chrono::nanoseconds timeout) {
  if (probe.http) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
    client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
    auto res = client.Get(probe.path.c_str());
    return res && res->status < 400;
  }
  // Loopback connects are answered at once (accepted or refused): no deadline needed.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool passed = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return passed;
}

}  // namespace bg::fakes
