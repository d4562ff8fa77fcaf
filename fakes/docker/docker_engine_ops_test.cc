// DockerEngine beyond a container's life: restart policies, rename, wait, logs, exec, the registry,
// image removal, networks and the container filesystem.
#include "fakes/docker/docker_engine.h"

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "fakes/docker/test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::EchoProcess;

struct World {
  fs::path dir;
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  testing::IoThread io;
  std::unique_ptr<DockerEngine> engine;

  explicit World(EngineOptions options = {}) {
    char tmpl[] = "/tmp/bg-engine-ops-XXXXXX";
    dir = ::mkdtemp(tmpl);
    options.build_duration = 1s;
    options.containers_root = dir / "containers";
    engine = std::make_unique<DockerEngine>(io.io(), clock, history, ports, core::Rng(7), options,
                                            [this](const ProcessSpec& spec) {
                                              return std::make_unique<EchoProcess>(io.io(), ports, clock, spec,
                                                                                   EchoProcess::Behaviour{});
                                            });
    engine->build(parse_dockerfile("FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n"), "web", {});
  }
  ~World() {
    engine.reset();
    fs::remove_all(dir);
  }
  ContainerSpec spec(const std::string& name, const std::string& restart = "") {
    ContainerSpec s;
    s.name = name;
    s.image = "web";
    s.restart = restart;
    return s;
  }
  // Polls (real time, bounded) until the container is in `state`.
  bool reaches(const std::string& name, ContainerState state) {
    for (int i = 0; i < 400; ++i) {
      auto c = engine->inspect(name);
      if (c && c->state == state) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DockerError& e) {
    return e.what();
  }
  return "(no error)";
}

// Goal: with --restart always a crash (the process exits on its own) brings the container back,
// counted; `docker stop` is final (moby restartmanager: stop cancels the policy).
TEST(DockerEngineOps, RestartPolicyRestartsACrashButNotAStop) {
  World w;
  w.engine->create(w.spec("api", "always"));
  w.engine->start("api");
  ASSERT_TRUE(w.engine->kill("api"));
  ASSERT_TRUE(w.reaches("api", ContainerState::running));
  for (int i = 0; i < 200 && w.engine->info("api")->restart_count == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(w.engine->info("api")->restart_count, 1);
  w.engine->stop("api", 0s, {});
  w.clock.sleep_for(5s, {});  // far past the 200 ms second back-off
  EXPECT_EQ(w.engine->inspect("api")->state, ContainerState::exited);
}

// Goal: on-failure:1 restarts once, then the next crash stays exited; "no" never restarts.
TEST(DockerEngineOps, OnFailureHonoursItsRetryCount) {
  World w;
  w.engine->create(w.spec("api", "on-failure:1"));
  w.engine->start("api");
  w.engine->kill("api");
  ASSERT_TRUE(w.reaches("api", ContainerState::running));
  w.engine->kill("api");
  ASSERT_TRUE(w.reaches("api", ContainerState::exited));
  w.clock.sleep_for(2s, {});
  EXPECT_EQ(w.engine->inspect("api")->state, ContainerState::exited);
  EXPECT_EQ(w.engine->inspect("api")->exit_code, 137);
  EXPECT_EQ(error_of([&] { w.engine->create(w.spec("bad", "sometimes")); }), "invalid restart policy 'sometimes'");
}

// Goal: a renamed container keeps its process: its exit is recorded under the new name, `wait`
// returns the exit code, and the old name no longer resolves.
TEST(DockerEngineOps, RenameWaitAndLogsFollowTheContainer) {
  World w;
  w.engine->create(w.spec("blue"));
  w.engine->start("blue");
  w.engine->rename("blue", "blue-old");
  EXPECT_EQ(error_of([&] { w.engine->resolve("blue"); }), "No such container: blue");
  std::jthread killer([&] {
    w.clock.sleep_for(1s, {});
    w.engine->kill("blue-old");
  });
  EXPECT_EQ(w.engine->wait("blue-old", {}), 137);
  EXPECT_EQ(w.engine->inspect("blue-old")->state, ContainerState::exited);
  auto logs = w.engine->logs("blue-old");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].text.rfind("echo listening on ", 0), 0u);
  w.engine->create(w.spec("green"));
  EXPECT_EQ(error_of([&] { w.engine->rename("green", "blue-old"); }).rfind("Conflict. The container name \"/blue-old\"", 0),
            0u);
}

// Goal: exec reaches the process, whose default answer is "not modelled" naming the command and
// image; a stopped container refuses with the daemon's words.
TEST(DockerEngineOps, ExecIsNotModelledUnlessTheProcessModelsIt) {
  World w;
  auto c = w.engine->create(w.spec("blue"));
  EXPECT_EQ(error_of([&] { w.engine->exec("blue", {{"ls"}}, {}); }), "Container " + c.id + " is not running");
  w.engine->start("blue");
  core::CommandResult r = w.engine->exec("blue", {{"ls", "/"}}, {});
  EXPECT_EQ(r.not_modelled, "docker exec ls in web:latest");
}

// Goal: pulls come from the scenario's registry with the daemon's two refusals; a second pull
// finds the image already there.
TEST(DockerEngineOps, PullsFromTheRunsRegistry) {
  EngineOptions o;
  o.registry = {{"nginx:1.25-alpine", kRunsNginx, {}}, {"ghcr.io/acme/web:latest", kRunsApp, {}}};
  World w(o);
  PullResult first = w.engine->pull_image("nginx:1.25-alpine");
  EXPECT_TRUE(first.downloaded);
  EXPECT_EQ(first.image.runs, "nginx");
  EXPECT_EQ(first.image.stop_signal, "SIGQUIT");
  EXPECT_FALSE(w.engine->pull_image("docker.io/library/nginx:1.25-alpine").downloaded);
  EXPECT_EQ(w.engine->pull_image("ghcr.io/acme/web").image.runs, "app");
  EXPECT_EQ(error_of([&] { w.engine->pull("nginx:1.99"); }),
            "manifest for nginx:1.99 not found: manifest unknown: manifest unknown");
  EXPECT_EQ(error_of([&] { w.engine->pull("acme/api:2"); }),
            "pull access denied for acme/api, repository does not exist or may require 'docker login': denied: "
            "requested access to the resource is denied");
  w.engine->tag(*w.engine->image("web"), "ghcr.io/acme/web:v2");
  w.engine->push("ghcr.io/acme/web:v2");
  EXPECT_EQ(w.engine->pull_image("ghcr.io/acme/web:v2").image.id, w.engine->image("web")->id);
}

// Goal: rmi refuses to leave a used image dangling unless forced, and prune takes only what no
// container uses.
TEST(DockerEngineOps, ImageRemovalFollowsTheDaemonsConflicts) {
  World w;
  auto c = w.engine->create(w.spec("blue"));
  std::string id = w.engine->image("web")->id;
  EXPECT_EQ(error_of([&] { w.engine->remove_image("web", false); }),
            "conflict: unable to remove repository reference \"web\" (must force) - container " + c.id.substr(0, 12) +
                " is using its referenced image " + id.substr(0, 12));
  EXPECT_EQ(w.engine->remove_image("web", true), std::vector<std::string>{"Untagged: web:latest"});
  EXPECT_TRUE(w.engine->prune_images(true).lines.empty());  // blue still uses it
  w.engine->remove("blue", {});
  PruneResult pruned = w.engine->prune_images(false);
  EXPECT_EQ(pruned.lines, std::vector<std::string>{"deleted: sha256:" + id});
  EXPECT_EQ(error_of([&] { w.engine->remove_image("web", false); }), "No such image: web:latest");
}

// Goal: a container on a user network has an address while it runs and none once stopped; a
// network in use cannot be removed; aliases need a user network.
TEST(DockerEngineOps, NetworksGiveAddressesWhileRunning) {
  World w;
  NetworkRecord net = w.engine->create_network("app_net", "bridge", {}, false, false);
  EXPECT_EQ(net.subnet, "172.18.0.0/16");
  ContainerSpec s = w.spec("blue");
  s.networks = {"app_net"};
  s.aliases = {"web"};
  w.engine->create(s);
  w.engine->start("blue");
  EXPECT_EQ(w.engine->info("blue")->networks.at("app_net").ip, "172.18.0.2");
  EXPECT_EQ(error_of([&] { w.engine->delete_network("app_net"); }),
            "error while removing network: network app_net id " + net.id + " has active endpoints");
  w.engine->stop("blue", 0s, {});
  EXPECT_EQ(w.engine->info("blue")->networks.at("app_net").ip, "");
  ContainerSpec bad = w.spec("red");
  bad.aliases = {"x"};
  EXPECT_EQ(error_of([&] { w.engine->create(bad); }),
            "network-scoped alias is supported only for containers in user defined networks");
  EXPECT_EQ(w.engine->info("blue")->networks.count("bridge"), 0u);
  EXPECT_EQ(error_of([&] { w.engine->delete_network("bridge"); }),
            "bridge is a pre-defined network and cannot be removed");
}

// Goal: the container sees its image's files in its own layer and a bind mount's host file at
// its target; writes to the layer leave the image's files alone.
TEST(DockerEngineOps, ContainerFilesystemLaysImageFilesAndMounts) {
  char tmpl[] = "/tmp/bg-image-files-XXXXXX";
  fs::path files = ::mkdtemp(tmpl);
  fs::create_directories(files / "conf.d");
  std::ofstream(files / "nginx.conf") << "events {}\n";
  EngineOptions o;
  o.registry = {{"nginx:alpine", kRunsNginx, files, "/etc/nginx"}};
  World w(o);
  std::ofstream(w.dir / "app.conf") << "server {}\n";
  w.engine->pull("nginx:alpine");
  ContainerSpec s = w.spec("proxy");
  s.image = "nginx:alpine";
  s.mounts = {{(w.dir / "app.conf").string(), "/etc/nginx/conf.d/app.conf", true, false}};
  w.engine->create(s);
  core::PathMap fsmap = w.engine->info("proxy")->filesystem;
  fs::path conf = fsmap.resolve("/etc/nginx/nginx.conf");
  EXPECT_TRUE(fs::exists(conf));
  EXPECT_NE(conf, files / "nginx.conf");
  EXPECT_EQ(fsmap.resolve("/etc/nginx/conf.d/app.conf"), w.dir / "app.conf");
  fs::remove_all(files);
}

}  // namespace
}  // namespace bg::fakes
