#pragma once
// ContainerProcess: what the fake Docker runtime needs of the process a container runs as PID 1.
// The runtime does not know what runs inside; the run wires in a factory choosing by what the image
// runs (ProcessSpec::runs: the fake Next.js app, or nginx as the run's proxy).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/command_result.h"
#include "core/path_map.h"

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
  // What the image runs: "app" (the fake Next.js) or "nginx" (registry.h kRunsApp / kRunsNginx).
  std::string runs = "app";
  // The container's filesystem: container path -> real path (its writable layer at "/", each bind
  // mount at its target). A process reads its files through it (nginx its /etc/nginx/nginx.conf).
  core::PathMap filesystem;
  std::string hostname;  // what `hostname` prints inside (the short id unless --hostname)
  std::string workdir;   // -w / WORKDIR ("" = /)
};

// `docker exec` of one command in a running container.
struct ExecRequest {
  std::vector<std::string> argv;           // the command and its arguments, as given
  std::map<std::string, std::string> env;  // the container's environment with `exec -e` on top
  std::string user;                        // -u ("" = the image's user)
  std::string workdir;                     // -w ("" = the container's)
  bool interactive = false;                // -i: `stdin` is the command's standard input
  bool tty = false;                        // -t
  std::string stdin;                       // what the script piped in (with -i)
  std::string image;                       // the container's image, for messages
};

class ContainerProcess {
 public:
  virtual ~ContainerProcess() = default;
  // Begins the process's life and returns at once; the app listens after its own start delay.
  virtual void start() = 0;
  // Delivers a signal (SIGTERM, SIGINT, SIGKILL). The process decides what it does with it, except
  // that SIGKILL always ends it at once. Safe to call after exit (ignored).
  virtual void signal(int signo) = 0;
  // Runs a command inside the container, beside PID 1 (`docker exec`); blocking, bounded by
  // `stop`. A process models the commands its image has that scripts run (health checks, `nginx -s
  // reload`); anything else is not modelled, never guessed.
  virtual core::CommandResult exec(const ExecRequest& request, std::stop_token stop) {
    (void)stop;
    std::string cmd = request.argv.empty() ? "" : request.argv.front();
    return core::not_modelled_result("docker exec " + cmd + " in " +
                                     (request.image.empty() ? "this image" : request.image));
  }

  // Set by the runtime before start(); called exactly once, from any thread, when the process has
  // exited, with its exit code (0, 1, or 128+signal: 137 for SIGKILL).
  std::function<void(int exit_code)> on_exit;
  // Set by the runtime before start(): the process reports each line it prints (without its
  // newline) on its stdout (is_stderr false) or stderr, from any thread; `docker logs` shows them.
  std::function<void(const std::string& line, bool is_stderr)> on_log;
};

using ProcessFactory = std::function<std::unique_ptr<ContainerProcess>(const ProcessSpec&)>;

}  // namespace bg::fakes
