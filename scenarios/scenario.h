#pragma once
// Scenario: what a user (or the race catalogue) asks one run to do, as read from scenario.yaml in a
// deployment folder. The folder itself is the repository that is pushed (appspec.yml at its root);
// scenario.yaml says how the world around it behaves: app start, traffic, swaps, time scale, and the
// verdict the run is expected to reach.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/duration_range.h"
#include "core/time.h"
#include "core/verdict.h"

namespace bg::scenarios {

// A duration that is either fixed or drawn uniformly per use from [min, max] (scenario time): what
// varies between real deploys (a start, a build, the time between pushes), written "2.5s..3.5s".
using DurationRange = core::DurationRange;

// What a scenario expects: held or violated (never error, which no scenario can expect).
using Verdict = core::Verdict;

struct AppSettings {
  // "fake" (fakes/nextjs) or "real": a real Next.js server of the pinned version (apps/next) in each
  // container, through the same process seam.
  std::string engine = "fake";
  std::string next_version = "12.2";  // decides SIGTERM behaviour (semantics.md §5)
  std::string sigterm;                // "" (by version), exit_immediately, graceful, ignore
  DurationRange listen_delay{core::Duration(std::chrono::seconds(2)), core::Duration(std::chrono::seconds(2))};
  DurationRange prepare_delay{};  // listen -> ready
  DurationRange api_latency{};    // extra handling time of API routes
  // Node's server.keepAliveTimeout (R07); unset: Node's 5 s, or KEEP_ALIVE_TIMEOUT from the
  // container's environment, which wins as it does in the standalone server.js.
  std::optional<core::Duration> keep_alive_timeout;
  // Every build's /_next/static/ files are served by every build (shared volume or CDN), R08's fix.
  bool shared_static = false;
};

// One image of the run's registry (`docker.registry:`): what a `docker pull` (or compose pull/up)
// can fetch, and what it runs: "app" (the fake Next.js) or "nginx" (the run's proxy in a container).
struct RegistryImageSettings {
  std::string image;
  std::string runs = "app";
};

struct DockerSettings {
  DurationRange build_duration = std::chrono::seconds(20);  // drawn per `docker build`
  core::Duration teardown_delay = std::chrono::milliseconds(50);
  bool userland_proxy = true;
  std::string compose = "2.5.0";                // compose version: 1.29.2, 2.5.0 (the seed's), 2.20.2
  std::vector<RegistryImageSettings> registry;  // empty: every pull is refused (pull access denied)
};

struct ProxySettings {
  std::filesystem::path config = "nginx.conf";  // relative to the scenario folder; run copy at /etc/nginx
  std::vector<std::filesystem::path> files;     // more files copied beside it (includes)
  // Which proxy serves the run: "bluegreen" (ProxyServer) or "nginx" (the real binary, RealNginx),
  // so that the same scenario can be judged behind both (the differential test).
  std::string engine = "bluegreen";
  // `start: after_initial_deployment`: the proxy starts once the initial deployment has ended
  // instead of before it, as nginx in a container started after the colors it names by container
  // name (it could not start before: host not found in upstream; races.md R18).
  bool start_after_initial_deployment = false;
  // `container: proxy`: nginx runs in this container (started by the deploy's own docker commands
  // from a `runs: nginx` registry image) instead of on the host. "" = on the host.
  std::string container;
};

// The instance the deploy files were written for, as an admin left it before the first deployment
// (scenario.yaml `host:`); the run builds it as a sandboxed host (fakes/host).
struct HostSettings {
  std::string os = "amazon-linux-2";  // or ubuntu-22.04: home folders, default user, sudo's defaults
  // What /etc/nginx holds at the start: "" = only proxy.config as /etc/nginx/nginx.conf (and
  // proxy.files beside it); "stock" = Debian 12's nginx package layout; "none" = no nginx on the host.
  std::string nginx;
  // Files placed on the host before the first deployment: host path -> a file of the folder; a host
  // path ending in "/" receives a folder's tree.
  std::vector<std::pair<std::string, std::filesystem::path>> files;
  std::vector<std::pair<std::string, std::string>> symlinks;  // host path -> link target
  // The admin's clones of the repository (host path -> branch), for deploys that `git pull` on the
  // host; they start at the folder as first committed.
  std::vector<std::pair<std::string, std::string>> repos;
};

struct TrafficSettings {
  double rate = 40;  // requests per scenario second, all clients together
  int clients = 4;
  double post_ratio = 0.2;   // share of POST /api/echo; the rest GET /
  double api_get_ratio = 0;  // share of GET /api/health (API reads), taken from the GET /
  core::Duration timeout = std::chrono::seconds(30);
  std::string arrivals = "constant";  // constant | poisson (exponential gaps of the same mean)
  bool keepalive = false;             // one persistent connection per client instead of one per request
  bool browser = false;               // a GET / also fetches the /_next/static/ chunks the page names
  std::optional<uint16_t> port;       // the host port clients connect to; unset: the proxy's first listen
  std::string host = "localhost";     // the Host header clients send (nginx picks a server by it)
};

struct RunSettings {
  int swaps = 2;
  core::Duration warmup = std::chrono::seconds(5);         // after the initial deployment, before traffic
  DurationRange swap_interval = std::chrono::seconds(10);  // traffic between deployments, drawn per swap
  core::Duration liveness = std::chrono::seconds(10);      // traffic after the last swap
  core::Duration deadline = std::chrono::seconds(3600);    // scenario time after which the run is a harness error
};

// How each swap reaches the instance (semantics.md §6, §4): pushes start GitHub Actions workflow runs
// whose deploy step creates the CodeDeploy deployment. The defaults make a swap one push whose
// deployment starts at once, as if the workflow had no build step.
struct PipelineSettings {
  DurationRange build_duration{};  // the workflow's steps before its deploy step, drawn per workflow run
  std::string concurrency_group;   // "" = no `concurrency:` (runs overlap)
  bool cancel_in_progress = false;
  bool wait_for_deployment = false;  // the deploy step also runs `aws deploy wait deployment-successful`
  // When, from the swap's start, each push of one swap happens: [0s, 3s] = two quick pushes (R12);
  // a range ([0s, 2s..4s]) is drawn per swap. Each push's min is at least the one before's max.
  std::vector<DurationRange> pushes{DurationRange{}};
};

struct Expectation {
  Verdict verdict = Verdict::held;
  std::string invariant;  // for violated: the invariant that must fire
  std::string cause;      // for violated: text a failure class must contain ("no live upstreams")
  // "<file>:<line>:<column>" of `invariant` in scenario.yaml: the names of the invariants are the
  // checkers' (sim/), so a name no checker has is refused by the CLI, at this place.
  std::string invariant_at;
};

struct Scenario {
  std::filesystem::path dir;  // the deployment folder (pushed as the bundle)
  // `extends: ../seed`: the deployment's files are that folder's (and whatever it extends), with this
  // folder's files laid over them, so a race scenario names only what it changes. Settings are not
  // inherited. Nearest first.
  std::vector<std::filesystem::path> extends;
  std::string name;
  std::string description;
  uint64_t seed = 1;
  double time_scale = 0.1;
  std::filesystem::path appspec = "appspec.yml";
  AppSettings app;
  HostSettings host;
  DockerSettings docker;
  ProxySettings proxy;
  bool proxy_config_given = false;  // proxy.config was written, not defaulted
  TrafficSettings traffic;
  RunSettings run;
  PipelineSettings pipeline;
  std::optional<Expectation> expect;
};

// Where a file of the deployment is: this folder's own, else the folder it extends.
std::filesystem::path deployment_file(const Scenario& s, const std::filesystem::path& relative);

}  // namespace bg::scenarios
