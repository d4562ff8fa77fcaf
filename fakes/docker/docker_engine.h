#pragma once
// DockerEngine: the live fake Docker daemon of a run (semantics.md §3). It keeps images (pulled from
// the run's Registry), networks (NetworkStore) and each container's filesystem (ContainerFs), drives
// ContainerRuntime's state machine, publishes ports through PortPublisher (docker-proxy) at
// container start, runs each container's ContainerProcess, keeps what it prints (`docker logs`),
// runs `docker exec` in it, delivers stop signals with the grace period and SIGKILL, applies the
// restart policy when a process exits on its own (RestartManager), tears a stopped container's
// endpoint down after `teardown_delay`, and appends every step to the History as a ContainerEvent.
//
// The operations are split by role: containers (docker_engine.cc), images
// (docker_engine_images.cc), networks (docker_engine_networks.cc), and what scripts ask of a
// container besides its life (docker_engine_ops.cc).
//
// Threads: build(), stop() and remove() block (on the clock, on the process's exit) and must be
// called from the shim server's threads, never from the io_context's threads; every wait is in
// scenario time through the clock (core::ScenarioCondition), takes a std::stop_token and a
// deadline, so a run being torn down never hangs and the same code runs on a virtual clock. The
// engine's own threads (healthcheck loops, --rm removals, policy restarts) are the clock's actors
// (core::start_actor). Everything else is non-blocking and thread-safe.
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <string>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/scenario_condition.h"
#include "net/network.h"
#include "core/port_map.h"
#include "core/duration_range.h"
#include "core/rng.h"
#include "fakes/docker/compose_file.h"
#include "fakes/docker/container_network.h"
#include "fakes/docker/container_process.h"
#include "fakes/docker/container_runtime.h"
#include "fakes/docker/image_store.h"
#include "fakes/docker/network_store.h"
#include "fakes/docker/registry.h"
#include "fakes/docker/restart_policy.h"

namespace bg::fakes {

// An error as the daemon words it; the CLIs print it after "Error response from daemon: ".
class DockerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct EngineOptions {
  // Scenario time one `docker build` takes; a range is drawn per build (scenario docker.build_duration).
  core::DurationRange build_duration = std::chrono::seconds(60);
  // After the process exits, how long docker-proxy keeps accepting-then-closing before the
  // endpoint is torn down and the host port refuses (semantics.md §3, [inference]).
  core::Duration teardown_delay = std::chrono::milliseconds(50);
  bool userland_proxy = true;                                      // dockerd's default
  core::Duration default_stop_timeout = std::chrono::seconds(10);  // `docker stop -t` default
  std::vector<RegistryImage> registry;  // what `docker pull` can fetch (scenario docker.registry)
  // Where containers' writable layers and named volumes live (a folder of the run); "" = a
  // temporary folder removed with the engine.
  std::filesystem::path containers_root;
  // The run's host paths (bind-mount sources are host paths); nullptr: host paths are real paths.
  const core::PathMap* host_paths = nullptr;
  // The same host paths where a hard link can be made to them (the run's own host folders, seen
  // without the host's mount namespace in between): a single-file bind mount pins its file's inode
  // through one (container_fs.h). nullptr: host_paths are used, and a link that fails is a copy.
  const core::PathMap* host_linkable = nullptr;
  // Where published ports and healthcheck probes go: the kernel's loopback, or the run's in-memory
  // network (then `ports` must be a PortMap::InMemory, and the processes' factory use it too).
  net::Network network;
};

// What compose (or `docker run`) asks the daemon to create.
struct ContainerSpec {
  std::string project;
  std::string service;
  std::string image;  // reference as written
  std::vector<PortMapping> ports;
  std::map<std::string, std::string> env;  // on top of the image's ENV
  std::string stop_signal;                 // "" = SIGTERM
  std::optional<core::Duration> stop_grace_period;
  std::vector<std::string> command;  // overrides the image's CMD when not empty
  std::string config_hash;
  std::string name;                        // "" = next compose name <project>-<service>-<n>
  bool init = false;                       // compose `init: true`: tini is PID 1 and forwards signals
  std::optional<Healthcheck> healthcheck;  // compose `healthcheck:` (run by the engine)
  // The rest of what `docker run` and compose can ask for. The engine records them (inspect shows
  // them); what it acts on is said where it does.
  std::vector<BindMount> mounts;              // -v / volumes:
  std::map<std::string, std::string> labels;  // --label / labels:
  std::vector<std::string> networks;          // --network / networks: ("" = the project's default)
  std::vector<std::string> aliases;           // --network-alias / networks.<n>.aliases
  std::string restart;                        // --restart / restart: "" = "no"
  std::string hostname;                       // --hostname / hostname:
  std::vector<std::string> extra_hosts;       // --add-host / extra_hosts: "host.docker.internal:host-gateway"
  // `docker run` only.
  std::optional<std::vector<std::string>> entrypoint;  // --entrypoint (replaces the image's)
  std::string workdir;                                 // -w
  std::string user;                                    // -u
  bool auto_remove = false;                            // --rm: removed once its process exits
  bool tty = false;                                    // -t
  bool interactive = false;                            // -i
  std::vector<std::string> expose;                     // --expose: "3000/tcp"
  std::vector<std::string> bind_must_exist;            // --mount type=bind sources (a missing one is an error)
  std::string log_driver;                              // --log-driver ("" = json-file)
};

// One line a container's process printed.
struct LogLine {
  core::Time time{};
  bool is_stderr = false;
  std::string text;
};

// Everything `docker inspect` and `ps --filter` read about a container.
struct ContainerInfo {
  ContainerRecord record;
  ContainerSpec spec;
  Image image;
  std::map<std::string, NetworkEndpoint> networks;  // attached networks (ip "" while not running)
  int restart_count = 0;
  std::string hostname;
  core::PathMap filesystem;  // container path -> real path
  std::filesystem::path layer;
};

struct PullResult {
  Image image;
  bool downloaded = false;  // false: the image was already there ("Image is up to date")
};

struct PruneResult {
  std::vector<std::string> lines;  // "untagged: x", "deleted: sha256:..."
  int64_t reclaimed = 0;
};

class DockerEngine {
 public:
  DockerEngine(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
               core::Rng rng, EngineOptions options, ProcessFactory factory);
  ~DockerEngine();  // shutdown()
  DockerEngine(const DockerEngine&) = delete;
  DockerEngine& operator=(const DockerEngine&) = delete;

  // --- images
  // Waits build_duration of scenario time (drawn for this build), then records the image under `tag`.
  // Throws DockerError ("context canceled") when `stop` is requested first.
  BuildResult build(const Dockerfile& dockerfile, const std::string& tag, std::stop_token stop);
  std::optional<Image> image(const std::string& ref) const;
  void tag(const Image& image, const std::string& tag);
  // Pulls from the run's registry (the image stays when already there). Throws DockerError with
  // the daemon's message when the registry does not have it.
  Image pull(const std::string& ref);
  PullResult pull_image(const std::string& ref);
  // Throws DockerError "An image does not exist locally with the tag: X".
  Image push(const std::string& ref);
  // A build on another machine's daemon (a CI runner's BuildKit, docker/build-push-action with
  // `push: true`), pushed to the run's registry under each of `tags`: the image is in the registry,
  // not in this daemon's store, until something pulls it. Waits build_duration like build(); throws
  // DockerError ("context canceled") when `stop` is requested first.
  Image build_and_push_elsewhere(const Dockerfile& dockerfile, const std::vector<std::string>& tags,
                                 std::stop_token stop);
  // `docker rmi`: the "Untagged: x" / "Deleted: sha256:..." lines, or DockerError (a conflict).
  std::vector<std::string> remove_image(const std::string& ref, bool force);
  // `docker image prune [-a]`: dangling images, or (all) every image no container uses.
  PruneResult prune_images(bool all);
  std::vector<Image> images() const;  // one per tag, then the dangling ones (ImageStore::list)

  // --- networks (compose's <project>_default, `docker network`)
  bool network_exists(const std::string& name) const;
  void create_network(const std::string& name);  // creates it unless it exists (compose)
  // Throws DockerError "network with name X already exists".
  NetworkRecord create_network(const std::string& name, const std::string& driver,
                               const std::map<std::string, std::string>& labels, bool internal, bool attachable);
  void remove_network(const std::string& name);  // compose: quietly, when it exists
  // `docker network rm`: throws DockerError (not found, pre-defined, active endpoints).
  void delete_network(const std::string& name_or_id);
  std::optional<NetworkRecord> network_record(const std::string& name_or_id) const;
  std::vector<NetworkRecord> networks() const;
  // Throws DockerError (no such network or container, already attached / not attached).
  void connect_network(const std::string& network, const std::string& container,
                       const std::vector<std::string>& aliases);
  void disconnect_network(const std::string& network, const std::string& container);

  // --- containers
  // Throws DockerError: missing image ("No such image: docker-image:latest"), name conflict.
  ContainerRecord create(const ContainerSpec& spec);
  // Publishes the ports, then starts the process; returns at once (not when the app listens).
  // Throws DockerError for a port held by another container; the container stays `created`.
  void start(const std::string& name);
  // Stop signal, wait for exit up to `timeout` (else the spec's grace period, else 10 s), then
  // SIGKILL. Returns the exit code (137 after SIGKILL). A container not running returns at once.
  int stop(const std::string& name, std::optional<core::Duration> timeout, std::stop_token stop);
  // The app dies at once without being asked: the kernel's OOM killer or a crash (simplification:
  // State.OOMKilled is not modelled). SIGKILL, no stop request, no grace; the exit is 137 and the
  // endpoint is torn down as after any exit; the restart policy applies, as to any crash. A
  // container not running is left as it is; returns whether it was running.
  bool kill(const std::string& name);
  // `docker kill -s SIG`: the signal goes to the process, and the restart policy does not restart
  // it (moby daemon/kill.go: ExitOnNext, HasBeenManuallyStopped). Throws DockerError "Container
  // <id> is not running".
  void kill_signal(const std::string& name, int signo);
  // `docker restart`: stop (as stop()), then start.
  void restart(const std::string& name, std::optional<core::Duration> timeout, std::stop_token stop);
  // Blocks until the container is not running; its exit code. Throws DockerError when it is gone.
  int wait(const std::string& name, std::stop_token stop);
  // Throws DockerError (no such container, name in use, empty or same name).
  void rename(const std::string& name, const std::string& new_name);
  std::vector<LogLine> logs(const std::string& name) const;
  // `docker exec`: throws DockerError "Container <id> is not running" (or restarting, paused).
  core::CommandResult exec(const std::string& name, ExecRequest request, std::stop_token stop);
  // The container name for a name, an id or a unique id prefix (the daemon's GetContainer); throws
  // DockerError "No such container: X".
  std::string resolve(const std::string& name_or_id) const;
  // A free name as moby's namesgenerator makes one ("eloquent_hopper") for `docker run` without --name.
  std::string random_name();
  std::optional<ContainerInfo> info(const std::string& name_or_id) const;
  std::vector<ContainerInfo> infos() const;
  // Removes a stopped container, after its endpoint teardown. Throws DockerError when running.
  void remove(const std::string& name, std::stop_token stop);
  // `docker rm -f`: SIGKILL when running (the restart policy does not apply), then remove.
  void remove_forced(const std::string& name, std::stop_token stop);
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
  struct Live;   // the running parts of one container (docker_engine_live.h)
  struct Guard;  // lets callbacks from processes and timers outlive the engine safely

  void append(const ContainerRecord& c, core::ContainerWhat what, const std::string& detail = "", int exit_code = 0);
  // Under mutex_: the container name for an id ("" when it is gone). Callbacks from processes and
  // timers carry the id, which a rename does not change.
  std::string name_of(const std::string& id) const;
  void attach_networks(const ContainerRecord& record, const ContainerSpec& spec);
  // Checks the host ports, publishes them and launches the process; `by_hand` (docker start) also
  // re-arms the restart policy.
  void start_container(const std::string& name, bool by_hand);
  void on_log(const std::string& id, const std::string& line, bool is_stderr);
  // After the restart policy's delay: starts the process again (restart_policy.h).
  void restart_after_backoff(const std::string& id, uint64_t generation);
  // Runs `work` on a thread of the engine's own (joined at shutdown), for what must not run on the
  // io_context's threads or a process's: --rm removal, a policy restart.
  void spawn(std::function<void()> work);
  ContainerInfo info_locked(const ContainerRecord& rec) const;
  const std::filesystem::path& containers_root();
  void deliver(const std::string& name, const std::shared_ptr<Live>& live, int signo);
  // Until the process has exited, `span` of scenario time at most.
  bool wait_exited(const std::shared_ptr<Live>& live, core::Duration span, std::stop_token stop);
  void publish(const std::string& name, const std::shared_ptr<Live>& live);
  void launch(const std::string& name, const std::shared_ptr<Live>& live);
  void on_process_exit(const std::string& id, uint64_t generation, int exit_code);
  void teardown(const std::string& id, uint64_t generation);
  void teardown_locked(Live& live, const std::string& name);
  // This build's duration, and what its image_built event adds when it was drawn from a range.
  std::pair<core::Duration, std::string> draw_build_duration();
  // The healthcheck loop of one container run (its own thread; HealthTracker decides).
  void run_healthcheck(const std::string& id, uint64_t generation, Healthcheck check, uint16_t port,
                       std::stop_token stop);

  boost::asio::io_context& io_;
  core::Clock& clock_;
  core::History& history_;
  core::PortMap& ports_;
  core::Rng ids_rng_;
  core::Rng build_rng_;
  // Draws each build's build_duration, apart from build_rng_ so that a range does not shift the
  // build ids and digests a seed gives.
  core::Rng build_duration_rng_;
  EngineOptions options_;
  ProcessFactory factory_;
  std::shared_ptr<Guard> guard_;

  mutable std::mutex mutex_;
  core::ScenarioCondition changed_;  // a process exited or an endpoint was torn down
  ContainerRuntime runtime_;
  ImageStore images_;
  std::map<std::string, std::shared_ptr<Live>> live_;
  std::map<uint16_t, std::string> allocated_;  // declared host port -> container holding it
  // Removed instances' addresses, oldest first. Docker allocates container IPs serially, so a
  // released IP comes back only once the allocator has gone round the subnet; here the "subnet"
  // is the live instances plus kAddressReuseAfter released addresses, so a run of any length holds
  // a bounded number of ports (a simplification: a compose network's /20 wraps after 4094).
  std::deque<uint16_t> released_addresses_;
  static constexpr std::size_t kAddressReuseAfter = 64;
  NetworkStore networks_;
  Registry registry_;
  ContainerNetwork network_;
  std::filesystem::path temp_root_;    // containers_root when the options name none
  std::vector<std::jthread> workers_;  // spawn(): --rm removals, policy restarts
  bool shut_down_ = false;
};

// "SIGTERM", "TERM", "15" -> 15; -1 when unknown.
int signal_number(const std::string& name);
std::string signal_name(int signo);

}  // namespace bg::fakes
