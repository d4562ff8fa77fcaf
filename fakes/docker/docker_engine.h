#pragma once
// DockerEngine: the live fake Docker daemon of a run (semantics.md §3). It keeps images and
// networks, drives ContainerRuntime's state machine, publishes ports through PortPublisher
// (docker-proxy) at container start, runs each container's ContainerProcess, delivers stop signals
// with the grace period and SIGKILL, tears a stopped container's endpoint down after
// `teardown_delay`, and appends every step to the History as a ContainerEvent.
//
// Threads: build(), stop() and remove() block (on the clock, on the process's exit) and must be
// called from the shim server's threads, never from the io_context's threads; every wait takes a
// std::stop_token and a deadline, so a run being torn down never hangs. Everything else is
// non-blocking and thread-safe.
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "core/rng.h"
#include "fakes/docker/compose_file.h"
#include "fakes/docker/container_network.h"
#include "fakes/docker/container_process.h"
#include "fakes/docker/container_runtime.h"
#include "fakes/docker/image_store.h"

namespace bg::fakes {

// An error as the daemon words it; the CLIs print it after "Error response from daemon: ".
class DockerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct EngineOptions {
  core::Duration build_duration = std::chrono::seconds(60);  // scenario time one `docker build` takes
  // After the process exits, how long docker-proxy keeps accepting-then-closing before the
  // endpoint is torn down and the host port refuses (semantics.md §3, [inference]).
  core::Duration teardown_delay = std::chrono::milliseconds(50);
  bool userland_proxy = true;                                      // dockerd's default
  core::Duration default_stop_timeout = std::chrono::seconds(10);  // `docker stop -t` default
};

// What compose (or `docker run`) asks the daemon to create.
struct ContainerSpec {
  std::string project;
  std::string service;
  std::string image;                         // reference as written
  std::vector<PortMapping> ports;
  std::map<std::string, std::string> env;    // on top of the image's ENV
  std::string stop_signal;                   // "" = SIGTERM
  std::optional<core::Duration> stop_grace_period;
  std::vector<std::string> command;          // overrides the image's CMD when not empty
  std::string config_hash;
  std::string name;                          // "" = next compose name <project>-<service>-<n>
  bool init = false;                         // compose `init: true`: tini is PID 1 and forwards signals
  std::optional<Healthcheck> healthcheck;    // compose `healthcheck:` (run by the engine)
  // The rest of what `docker run` and compose can ask for. The engine records them (inspect shows
  // them); what it acts on is said where it does.
  std::vector<BindMount> mounts;             // -v / volumes:
  std::map<std::string, std::string> labels; // --label / labels:
  std::vector<std::string> networks;         // --network / networks: ("" = the project's default)
  std::vector<std::string> aliases;          // --network-alias / networks.<n>.aliases
  std::string restart;                       // --restart / restart: "" = "no"
  std::string hostname;                      // --hostname / hostname:
  std::vector<std::string> extra_hosts;      // --add-host / extra_hosts: "host.docker.internal:host-gateway"
};

class DockerEngine {
 public:
  DockerEngine(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
               core::Rng rng, EngineOptions options, ProcessFactory factory);
  ~DockerEngine();  // shutdown()
  DockerEngine(const DockerEngine&) = delete;
  DockerEngine& operator=(const DockerEngine&) = delete;

  // --- images
  // Waits build_duration of scenario time, then records the image under `tag`. Throws DockerError
  // ("context canceled") when `stop` is requested first.
  BuildResult build(const Dockerfile& dockerfile, const std::string& tag, std::stop_token stop);
  std::optional<Image> image(const std::string& ref) const;
  void tag(const Image& image, const std::string& tag);
  // There is no registry in a run: a pull always fails with Docker's "pull access denied".
  [[noreturn]] void pull(const std::string& ref);

  // --- networks (compose's <project>_default)
  bool network_exists(const std::string& name) const;
  void create_network(const std::string& name);
  void remove_network(const std::string& name);

  // --- containers
  // Throws DockerError: missing image ("No such image: docker-image:latest"), name conflict.
  ContainerRecord create(const ContainerSpec& spec);
  // Publishes the ports, then starts the process; returns at once (not when the app listens).
  // Throws DockerError for a port held by another container; the container stays `created`.
  void start(const std::string& name);
  // Stop signal, wait for exit up to `timeout` (else the spec's grace period, else 10 s), then
  // SIGKILL. Returns the exit code (137 after SIGKILL). A container not running returns at once.
  int stop(const std::string& name, std::optional<core::Duration> timeout, std::stop_token stop);
  // The app dies at once without being asked: `docker kill`, or the kernel's OOM killer (simplification:
  // State.OOMKilled is not modelled). SIGKILL, no stop request, no grace; the exit is 137 and the
  // endpoint is torn down as after any exit. No restart policy is modelled, so it stays exited. A
  // container not running is left as it is; returns whether it was running.
  bool kill(const std::string& name);
  // Removes a stopped container, after its endpoint teardown. Throws DockerError when running.
  void remove(const std::string& name, std::stop_token stop);
  std::optional<ContainerRecord> inspect(const std::string& name) const;
  // All states (ContainerList All=true), sorted by name; "" = every project.
  std::vector<ContainerRecord> containers(const std::string& project = "") const;

  // The run's container network: names and aliases to each instance's address (races.md R18).
  const ContainerNetwork& network() const { return network_; }

  // End of a run: SIGKILL every process, close every publisher, synchronously with deadlines.
  void shutdown();

  core::Clock& clock() const { return clock_; }
  const EngineOptions& options() const { return options_; }

 private:
  struct Live;   // the running parts of one container (docker_engine.cc)
  struct Guard;  // lets callbacks from processes and timers outlive the engine safely

  void append(const ContainerRecord& c, const std::string& what, const std::string& detail = "", int exit_code = 0);
  void deliver(const std::string& name, const std::shared_ptr<Live>& live, int signo);
  bool wait_exited(const std::shared_ptr<Live>& live, std::chrono::nanoseconds real, std::stop_token stop);
  void publish(const std::string& name, const std::shared_ptr<Live>& live);
  void launch(const std::string& name, const std::shared_ptr<Live>& live);
  void on_process_exit(const std::string& name, uint64_t generation, int exit_code);
  void teardown(const std::string& name, uint64_t generation);
  void teardown_locked(Live& live, const std::string& name);
  // The healthcheck loop of one container run (its own thread; HealthTracker decides).
  void run_healthcheck(const std::string& name, uint64_t generation, Healthcheck check, uint16_t port,
                       std::stop_token stop);

  boost::asio::io_context& io_;
  core::Clock& clock_;
  core::History& history_;
  core::PortMap& ports_;
  core::Rng ids_rng_;
  core::Rng build_rng_;
  EngineOptions options_;
  ProcessFactory factory_;
  std::shared_ptr<Guard> guard_;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;  // a process exited or an endpoint was torn down
  ContainerRuntime runtime_;
  ImageStore images_;
  std::map<std::string, std::shared_ptr<Live>> live_;
  std::map<uint16_t, std::string> allocated_;  // declared host port -> container holding it
  std::map<std::string, bool> networks_;
  ContainerNetwork network_;
  bool shut_down_ = false;
};

// "SIGTERM", "TERM", "15" -> 15; -1 when unknown.
int signal_number(const std::string& name);
std::string signal_name(int signo);

}  // namespace bg::fakes
