#pragma once
// ContainerProcess: what the fake Docker runtime needs of the process a container runs as PID 1.
// The runtime does not know what runs inside; the run wires in a factory (fake Next.js for the seed).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bg::fakes {

struct ProcessSpec {
  std::string container;        // container name, e.g. blue-blue-1 (the app reports it as X-Served-By)
  std::string image;            // image reference as written in the compose file
  std::string build_id;         // build id baked into the image at `docker build`
  uint16_t container_port = 0;  // actual loopback port (held by core::PortMap) the app listens on
  std::map<std::string, std::string> env;
  // What the container runs as PID 1: the image's ENTRYPOINT + CMD (shell forms already wrapped in
  // /bin/sh -c by the Dockerfile parser), or the compose `command:` in place of CMD. Empty when
  // unknown (a test's process): the app is then taken to be PID 1.
  std::vector<std::string> argv;
  // compose `init: true`: Docker's init (tini) is PID 1 and forwards signals to the command.
  bool init = false;
};

class ContainerProcess {
 public:
  virtual ~ContainerProcess() = default;
  // Begins the process's life and returns at once; the app listens after its own start delay.
  virtual void start() = 0;
  // Delivers a signal (SIGTERM, SIGINT, SIGKILL). The process decides what it does with it, except
  // that SIGKILL always ends it at once. Safe to call after exit (ignored).
  virtual void signal(int signo) = 0;
  // Set by the runtime before start(); called exactly once, from any thread, when the process has
  // exited, with its exit code (0, 1, or 128+signal: 137 for SIGKILL).
  std::function<void(int exit_code)> on_exit;
};

using ProcessFactory = std::function<std::unique_ptr<ContainerProcess>(const ProcessSpec&)>;

}  // namespace bg::fakes
