// bg_port_sentinel: listens on the machine's own ports (3000, 3001: where a deployment's colors
// listen on a real host) while a command runs, and fails when anything connected to them. The
// real-world tests wrap `bluegreen verify` in it: a run must reach only the loopback ports it owns,
// never the machine's, whatever the user's scripts and configs name.
//
//   bg_port_sentinel --port 3000 [--port 3001 ...] -- COMMAND [ARG...]
//
// Exit: the command's exit code when no port received a connection; 3 when one did (each port's
// count is printed); 2 for bad usage. A port that something else on the machine already holds
// cannot be watched: that is said on stderr and the others are still watched.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Watched {
  int port = 0;
  int fd = -1;
  int connections = 0;
};

// A listening socket on 0.0.0.0:port (every address of the machine, loopback included); -1 when
// the port is held by someone else.
int listen_on(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    std::fprintf(stderr, "sentinel: port %d cannot be watched (%s): something on this machine holds it\n", port,
                 std::strerror(errno));
    ::close(fd);
    return -1;
  }
  return fd;
}

// Accepts (and closes) the connections waiting now, after up to `wait_ms` for one; false when none.
bool accept_waiting(std::vector<Watched>& ports, std::vector<pollfd>& fds, int wait_ms) {
  if (::poll(fds.data(), fds.size(), wait_ms) <= 0) return false;
  for (size_t i = 0; i < fds.size(); ++i)
    if (fds[i].revents & POLLIN) {
      int c = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        ++ports[i].connections;
        ::close(c);
      }
    }
  return true;
}

// Accepts (and closes) every connection until `done`; polls in 100 ms steps so that it ends
// promptly once the command has. Then it takes what is still waiting in the backlog: a command that
// connected and exited at once (the kernel completes the handshake before any accept) may end
// between a poll that timed out and the next look at `done`.
void watch(std::vector<Watched>& ports, const std::atomic<bool>& done) {
  std::vector<pollfd> fds;
  for (const auto& w : ports) fds.push_back({w.fd, POLLIN, 0});
  while (!done.load()) accept_waiting(ports, fds, 100);
  while (accept_waiting(ports, fds, 0)) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> wanted;
  int i = 1;
  for (; i < argc && std::string(argv[i]) != "--"; ++i) {
    if (std::string(argv[i]) != "--port" || i + 1 >= argc) {
      std::fprintf(stderr, "usage: bg_port_sentinel --port N [--port N ...] -- COMMAND [ARG...]\n");
      return 2;
    }
    const int port = std::atoi(argv[++i]);
    if (port <= 0 || port > 65535) {
      std::fprintf(stderr, "sentinel: bad port %s\n", argv[i]);
      return 2;
    }
    wanted.push_back(port);
  }
  if (i + 1 >= argc || wanted.empty()) {
    std::fprintf(stderr, "usage: bg_port_sentinel --port N [--port N ...] -- COMMAND [ARG...]\n");
    return 2;
  }
  std::vector<Watched> ports;
  for (int port : wanted)
    if (int fd = listen_on(port); fd >= 0) ports.push_back({port, fd, 0});

  std::atomic<bool> done{false};
  std::thread watcher([&] { watch(ports, done); });
  const pid_t child = ::fork();
  if (child == 0) {
    for (const auto& w : ports) ::close(w.fd);
    ::execvp(argv[i + 1], argv + i + 1);
    std::fprintf(stderr, "sentinel: cannot run %s: %s\n", argv[i + 1], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (child > 0 && ::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  done = true;
  watcher.join();
  int received = 0;
  for (const auto& w : ports) {
    std::fprintf(stderr, "sentinel: port %d received %d connection(s)\n", w.port, w.connections);
    received += w.connections;
    ::close(w.fd);
  }
  if (child < 0) return 2;
  if (received > 0) {
    std::fprintf(stderr, "sentinel: the run reached the machine's own ports\n");
    return 3;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
