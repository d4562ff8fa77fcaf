// DockerEngine beyond a container's life: restart policies, rename, wait, logs, exec, the registry,
// image removal, networks and the container filesystem.
#include "fakes/docker/docker_engine.h"

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fakes/docker/docker_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test_support::EchoProcess;

struct World {
  fs::path dir;
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  test_support::IoThread io;
  std::unique_ptr<DockerEngine> engine;

  explicit World(EngineOptions options = {}) {
    char tmpl[] = "/tmp/bg-engine-ops-XXXXXX";
    dir = ::mkdtemp(tmpl);
    options.build_duration = 1s;
    options.containers_root = dir / "containers";
    engine = std::make_unique<DockerEngine>(
        io.io(), clock, history, ports, core::Rng(7), options, [this](const ProcessSpec& spec) {
          return std::make_unique<EchoProcess>(io.io(), ports, clock, spec, EchoProcess::Behaviour{});
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
  // Waits (real time, bounded) until the container is in `state`.
  ::testing::AssertionResult reaches(const std::string& name, ContainerState state) {
    return test_support::wait_until(
        [&] {
          auto c = engine->inspect(name);
          return c && c->state == state;
        },
        2s, name + " in state " + state_name(state));
  }
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

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
  EXPECT_TRUE(test_support::wait_until([&] { return w.engine->info("api")->restart_count > 0; }, 1s,
                                       "the restart to be counted"));
  EXPECT_EQ(w.engine->info("api")->restart_count, 1);
  w.engine->stop("api", 0s, {});
  // Far past the 200 ms second back-off, the stopped container stays exited.
  EXPECT_TRUE(test_support::holds_for(
      w.clock, [&] { return w.engine->inspect("api")->state == ContainerState::exited; }, 5s,
      "api stays exited after docker stop"));
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
  EXPECT_TRUE(test_support::holds_for(
      w.clock, [&] { return w.engine->inspect("api")->state == ContainerState::exited; }, 2s,
      "api stays exited after its second crash"));
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
  EXPECT_EQ(
      error_of([&] { w.engine->rename("green", "blue-old"); }).rfind("Conflict. The container name \"/blue-old\"", 0),
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

// Goal: a build on another daemon (docker/build-push-action on a CI runner, e05d3e1) reaches this
// daemon only through the registry: afterwards every tag pulls the same image, which is not in the
// local store before the pull; the build is in the History with its build_id.
TEST(DockerEngineOps, BuildAndPushElsewhereReachesOnlyTheRegistry) {
  World w;
  const Dockerfile dockerfile = parse_dockerfile("FROM node:18-alpine\nCMD [\"node\", \"server.js\"]\n");
  Image built =
      w.engine->build_and_push_elsewhere(dockerfile, {"ghcr.io/acme/web:sha-1", "ghcr.io/acme/web:latest"}, {});
  EXPECT_FALSE(built.build_id.empty());
  EXPECT_FALSE(w.engine->image("ghcr.io/acme/web:sha-1"));
  EXPECT_FALSE(w.engine->image("ghcr.io/acme/web:latest"));
  EXPECT_FALSE(w.engine->image(built.id));  // not even by id: another daemon's store
  std::vector<core::DeployEvent> builds;
  for (const auto& e : w.history.all<core::DeployEvent>())
    if (e.kind == core::DeployEventKind::image_built) builds.push_back(e);
  ASSERT_EQ(builds.size(), 2u);  // World's own `docker build` of "web", then this one
  EXPECT_NE(builds[1].detail.find("ghcr.io/acme/web:sha-1"), std::string::npos) << builds[1].detail;
  EXPECT_NE(builds[1].detail.find("build_id=" + built.build_id), std::string::npos) << builds[1].detail;

  PullResult pulled = w.engine->pull_image("ghcr.io/acme/web:sha-1");
  EXPECT_TRUE(pulled.downloaded);
  EXPECT_EQ(pulled.image.id, built.id);
  EXPECT_EQ(pulled.image.build_id, built.build_id);
  ASSERT_TRUE(w.engine->image("ghcr.io/acme/web:sha-1"));
  EXPECT_EQ(w.engine->pull_image("ghcr.io/acme/web:latest").image.id, built.id);
  // Nothing was pushed under a tag the action did not name.
  EXPECT_EQ(error_of([&] { w.engine->pull("ghcr.io/acme/web:sha-2"); }),
            "manifest for ghcr.io/acme/web:sha-2 not found: manifest unknown: manifest unknown");
}

// Goal: a build stopped before it ends (the run cancelled) fails with BuildKit's "context canceled"
// and pushes nothing.
TEST(DockerEngineOps, BuildAndPushElsewhereStops) {
  World w;
  std::stop_source stop;
  stop.request_stop();
  const Dockerfile dockerfile = parse_dockerfile("FROM node:18-alpine\nCMD [\"node\", \"server.js\"]\n");
  EXPECT_EQ(
      error_of([&] { w.engine->build_and_push_elsewhere(dockerfile, {"ghcr.io/acme/web:v9"}, stop.get_token()); }),
      "context canceled");
  EXPECT_EQ(error_of([&] { w.engine->pull("ghcr.io/acme/web:v9"); }),
            "pull access denied for ghcr.io/acme/web, repository does not exist or may require 'docker login': "
            "denied: requested access to the resource is denied");
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

// Goal: a long run holds a bounded number of ports. A removed instance's address keeps refusing
// (nobody else gets it) until 64 later instances were removed, then the next instance takes the
// oldest; creating and removing hundreds of instances opens no descriptor beyond that, and leaves
// no container folder behind.
TEST(DockerEngineOps, RemovedAddressesComeBackOnlyAfterTheAllocatorWraps) {
  World w;
  auto open_fds = [] {
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
  };
  std::vector<uint16_t> addresses;
  int fds_after_wrap = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string name = "c" + std::to_string(i);
    const ContainerRecord created = w.engine->create(w.spec(name));
    auto resolved = w.engine->network().resolve(name, 3000);
    ASSERT_EQ(resolved.size(), 1u) << name;
    addresses.push_back(resolved[0]);
    ASSERT_TRUE(fs::exists(w.dir / "containers" / created.id));
    w.engine->remove(name, {});
    // `docker rm` deletes the container's folder (its writable layer) too.
    EXPECT_FALSE(fs::exists(w.dir / "containers" / created.id)) << name;
    if (i == 70) fds_after_wrap = open_fds();
  }
  for (int i = 1; i < 65; ++i) EXPECT_NE(addresses[i], addresses[0]) << "instance " << i;
  EXPECT_EQ(addresses[65], addresses[0]);
  EXPECT_EQ(addresses[66], addresses[1]);
  EXPECT_EQ(std::set<uint16_t>(addresses.begin(), addresses.end()).size(), 65u);
  EXPECT_EQ(open_fds(), fds_after_wrap);
  // A removed instance's address refuses: nothing listens on it while the run holds it.
  EXPECT_GE(w.ports.reserved_fd(addresses[0]), 0);
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
  // A single-file mount is pinned (see the tests below): the same inode as the host file, not its path.
  fs::path mounted = fsmap.resolve("/etc/nginx/conf.d/app.conf");
  EXPECT_TRUE(fs::equivalent(mounted, w.dir / "app.conf")) << mounted;
  EXPECT_EQ(read_text(mounted), "server {}\n");
  fs::remove_all(files);
}

// A host whose "/" is a temp folder: bind-mount sources are host paths (EngineOptions::host_paths).
struct Host {
  fs::path root;
  core::PathMap paths;
  explicit Host(const char* base = "/tmp") {
    std::string tmpl = std::string(base) + "/bg-bind-host-XXXXXX";
    root = ::mkdtemp(tmpl.data());
    paths.add("/", root);
  }
  ~Host() { fs::remove_all(root); }
  fs::path real(const std::string& host_path) const { return root / fs::path(host_path).relative_path(); }
  // An in-place write: the same inode, truncated and rewritten (`echo x > file`, `cat > file`).
  void write_in_place(const std::string& host_path, const std::string& text) const {
    fs::create_directories(real(host_path).parent_path());
    std::ofstream(real(host_path), std::ios::trunc) << text;
  }
  // A new file renamed over the path (`sed -i`, an editor, CodeDeploy's Install): a new inode.
  void replace_by_rename(const std::string& host_path, const std::string& text) const {
    fs::path tmp = real(host_path).string() + ".tmp";
    std::ofstream(tmp) << text;
    fs::rename(tmp, real(host_path));
  }
};

// What the container reads at `container_path`, through its filesystem PathMap.
std::string read_in(World& w, const std::string& container, const std::string& container_path) {
  return read_text(w.engine->info(container)->filesystem.resolve(container_path));
}

ContainerSpec with_mount(World& w, const std::string& name, const std::string& source, const std::string& target) {
  ContainerSpec s = w.spec(name);
  s.mounts = {{source, target, true, false}};
  return s;
}

// Goal: a single-file bind mount pins the file's inode when the container is created (moby#15793):
// an in-place write on the host shows inside, a file renamed over the host path does not (the
// container keeps the old text, races.md R14) until a container is created again.
TEST(DockerEngineOps, SingleFileBindMountPinsTheInodeAtCreation) {
  Host host;
  host.write_in_place("/srv/app/nginx.conf", "v1");
  EngineOptions o;
  o.host_paths = &host.paths;
  World w(o);
  w.engine->create(with_mount(w, "proxy", "/srv/app/nginx.conf", "/etc/nginx/nginx.conf"));
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/nginx.conf"), "v1");
  host.write_in_place("/srv/app/nginx.conf", "v2");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/nginx.conf"), "v2");  // same inode: seen
  host.replace_by_rename("/srv/app/nginx.conf", "v3");
  EXPECT_EQ(read_text(host.real("/srv/app/nginx.conf")), "v3");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/nginx.conf"), "v2");  // the pinned inode keeps the old text
  w.engine->start("proxy");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/nginx.conf"), "v2");  // a start does not re-pin
  // A container created now pins the new file.
  w.engine->create(with_mount(w, "proxy2", "/srv/app/nginx.conf", "/etc/nginx/nginx.conf"));
  EXPECT_EQ(read_in(w, "proxy2", "/etc/nginx/nginx.conf"), "v3");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/nginx.conf"), "v2");
}

// Goal: a folder bind mount is not pinned: a file renamed over inside the host folder is what the
// container reads next, as a new file there is.
TEST(DockerEngineOps, FolderBindMountSeesAFileRenamedOver) {
  Host host;
  host.write_in_place("/srv/conf.d/app.conf", "blue");
  EngineOptions o;
  o.host_paths = &host.paths;
  World w(o);
  w.engine->create(with_mount(w, "proxy", "/srv/conf.d", "/etc/nginx/conf.d"));
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/conf.d/app.conf"), "blue");
  host.replace_by_rename("/srv/conf.d/app.conf", "green");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/conf.d/app.conf"), "green");
  host.write_in_place("/srv/conf.d/new.conf", "new");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/conf.d/new.conf"), "new");
}

// Goal: with no host PathMap (bind sources are real paths) a single-file mount is pinned the same
// way; a source that is a symlink (a `current -> releases/N` layout) pins the file it points to,
// as the kernel's mount resolves it, not the link (a hard link to a relative symlink would point
// nowhere from where the pin lies).
TEST(DockerEngineOps, SingleFileBindMountOfRealPathsAndSymlinks) {
  Host files;  // used as plain real paths here
  World w;
  files.write_in_place("/nginx.conf", "v1");
  w.engine->create(with_mount(w, "proxy", files.real("/nginx.conf").string(), "/etc/nginx/nginx.conf"));
  files.write_in_place("/nginx.conf", "v2");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/nginx.conf"), "v2");
  files.replace_by_rename("/nginx.conf", "v3");
  EXPECT_EQ(read_in(w, "proxy", "/etc/nginx/nginx.conf"), "v2");

  files.write_in_place("/releases/1/app.conf", "release 1");
  fs::create_symlink("releases/1/app.conf", files.real("/current.conf"));
  w.engine->create(with_mount(w, "linked", files.real("/current.conf").string(), "/etc/nginx/conf.d/app.conf"));
  EXPECT_EQ(read_in(w, "linked", "/etc/nginx/conf.d/app.conf"), "release 1");
  files.write_in_place("/releases/2/app.conf", "release 2");
  fs::remove(files.real("/current.conf"));
  fs::create_symlink("releases/2/app.conf", files.real("/current.conf"));
  EXPECT_EQ(read_in(w, "linked", "/etc/nginx/conf.d/app.conf"), "release 1");  // pinned at creation
}

// Goal: where no hard link can be made (the host file lies on another filesystem than the
// containers' folder) a copy stands for the file: the container reads it, and (the documented
// simplification) a later in-place write is not seen. host_linkable names where a link can be made
// to the same host path: the pin is then a link to that file, and its in-place writes show.
TEST(DockerEngineOps, SingleFileBindMountCopiesAcrossFilesystemsUnlessLinkable) {
  Host host("/dev/shm");
  struct stat shm {
  }, tmp{};
  if (::stat(host.root.c_str(), &shm) != 0 || ::stat("/tmp", &tmp) != 0 || shm.st_dev == tmp.st_dev)
    GTEST_SKIP() << "/dev/shm and /tmp are one filesystem here: a hard link can always be made";
  host.write_in_place("/srv/app/nginx.conf", "v1");
  Host own;  // the same host folder where a link can be made (the run's own folders in a run)
  own.write_in_place("/srv/app/nginx.conf", "v1");
  core::PathMap linkable;
  linkable.add("/srv", own.real("/srv"));
  {
    EngineOptions o;
    o.host_paths = &host.paths;
    World w(o);
    w.engine->create(with_mount(w, "copied", "/srv/app/nginx.conf", "/etc/nginx/nginx.conf"));
    EXPECT_EQ(read_in(w, "copied", "/etc/nginx/nginx.conf"), "v1");
    host.write_in_place("/srv/app/nginx.conf", "v2");
    EXPECT_EQ(read_in(w, "copied", "/etc/nginx/nginx.conf"), "v1");  // a copy: not seen
  }
  EngineOptions o;
  o.host_paths = &host.paths;
  o.host_linkable = &linkable;
  World w(o);
  w.engine->create(with_mount(w, "linked", "/srv/app/nginx.conf", "/etc/nginx/nginx.conf"));
  own.write_in_place("/srv/app/nginx.conf", "v3");
  EXPECT_EQ(read_in(w, "linked", "/etc/nginx/nginx.conf"), "v3");  // a link to the linkable file
}

}  // namespace
}  // namespace bg::fakes
