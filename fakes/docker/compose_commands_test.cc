// Compose commands on the services a deploy script names: per-service up/stop/start/restart/rm,
// depends_on conditions, orphans, config, version, build, profiles, what is not modelled.
#include <fstream>

#include <gtest/gtest.h>

#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
using test_support::ComposeWorld;

constexpr const char* kColors = R"(services:
  blue:
    image: docker-image
    container_name: app-blue
    ports: ["3000:3000"]
  green:
    image: docker-image
    container_name: app-green
    ports: ["3001:3000"]
)";

bool running(ComposeWorld& w, const std::string& name) {
  auto c = w.engine->inspect(name);
  return c && c->state == ContainerState::running;
}

// Goal: v2.5.0 acts on the services named and only on them: `up -d green` leaves blue alone,
// `stop blue` stops blue only, rm -s -v -f removes it, with v2's lines; container_name names the
// containers.
TEST(ComposeCommands, PerServiceCommandsV2) {
  ComposeWorld w;
  w.write("docker-compose.yml", kColors);
  auto up = w.run({"-p", "app", "up", "-d", "green"});
  EXPECT_EQ(up.err,
            "Network app_default  Creating\nNetwork app_default  Created\n"
            "Container app-green  Creating\nContainer app-green  Created\n"
            "Container app-green  Starting\nContainer app-green  Started\n");
  EXPECT_FALSE(w.engine->inspect("app-blue"));
  EXPECT_EQ(w.run({"-p", "app", "up", "-d", "blue"}).err,
            "Container app-blue  Creating\nContainer app-blue  Created\nContainer app-blue  Starting\n"
            "Container app-blue  Started\n");
  EXPECT_EQ(w.run({"-p", "app", "stop", "blue"}).err, "Container app-blue  Stopping\nContainer app-blue  Stopped\n");
  EXPECT_FALSE(running(w, "app-blue"));
  EXPECT_TRUE(running(w, "app-green"));
  EXPECT_EQ(w.run({"-p", "app", "start", "blue"}).err, "Container app-blue  Starting\nContainer app-blue  Started\n");
  EXPECT_EQ(w.run({"-p", "app", "restart", "green"}).err,
            "Container app-green  Restarting\nContainer app-green  Started\n");
  auto rm = w.run({"-p", "app", "rm", "-s", "-v", "-f", "blue"});
  EXPECT_EQ(rm.exit_code, 0);
  EXPECT_EQ(rm.out, "Going to remove app-blue\n");
  EXPECT_EQ(rm.err,
            "Container app-blue  Stopping\nContainer app-blue  Stopped\n"
            "Container app-blue  Removing\nContainer app-blue  Removed\n");
  EXPECT_FALSE(w.engine->inspect("app-blue"));
  EXPECT_TRUE(running(w, "app-green"));
  EXPECT_EQ(w.run({"-p", "app", "rm", "-f", "blue"}).err, "No stopped containers\n");
  EXPECT_EQ(w.run({"-p", "app", "rm", "blue"}).exit_code, 2);  // asks on a terminal: not modelled
  // v2.5.0 ps: a service named with no container is "no such service".
  auto ps = w.run({"-p", "app", "ps", "blue"});
  EXPECT_EQ(ps.exit_code, 1);
  EXPECT_EQ(ps.err, "no such service: blue\n");
  auto start = w.run({"-p", "app", "start", "nope"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_EQ(start.err, "no such service: \"nope\": not found\n");
}

// Goal: the same script under docker-compose 1.29.2: its lines (start per service), stdout for
// rm's messages, and "No such service" for a name the files do not have.
TEST(ComposeCommands, PerServiceCommandsV1) {
  ComposeWorld w("1.29.2");
  w.write("docker-compose.yml", kColors);
  EXPECT_EQ(w.run({"-p", "app", "up", "-d", "green"}).err,
            "Creating network \"app_default\" with the default driver\nCreating app-green ... \n"
            "Creating app-green ... done\n");
  w.run({"-p", "app", "up", "-d", "blue"});
  EXPECT_EQ(w.run({"-p", "app", "stop", "blue"}).err, "Stopping app-blue ... \nStopping app-blue ... done\n");
  EXPECT_TRUE(running(w, "app-green"));
  EXPECT_EQ(w.run({"-p", "app", "start", "blue"}).err, "Starting blue ... \nStarting blue ... done\n");
  EXPECT_EQ(w.run({"-p", "app", "restart", "green"}).err, "Restarting app-green ... \nRestarting app-green ... done\n");
  auto rm = w.run({"-p", "app", "rm", "-s", "-f", "blue"});
  EXPECT_EQ(rm.out, "Going to remove app-blue\n");
  EXPECT_EQ(rm.err,
            "Stopping app-blue ... \nStopping app-blue ... done\nRemoving app-blue ... \nRemoving app-blue ... done\n");
  EXPECT_EQ(w.run({"-p", "app", "rm", "-f", "blue"}).out, "No stopped containers\n");
  auto nope = w.run({"-p", "app", "stop", "nope"});
  EXPECT_EQ(nope.exit_code, 1);
  EXPECT_EQ(nope.err, "No such service: nope\n");
}

constexpr const char* kHealthy = R"(services:
  db:
    image: docker-image
    healthcheck: {test: [CMD, nc, -z, localhost, "3000"], interval: 1s, retries: 10}
  web:
    image: docker-image
    depends_on: {db: {condition: service_healthy}}
)";
constexpr const char* kUnhealthy = R"(services:
  db:
    image: docker-image
    healthcheck: {test: [CMD, nc, -z, localhost, "3000"], interval: 1s, retries: 1}
  web:
    image: docker-image
    depends_on: {db: {condition: service_healthy}}
)";

// Goal: depends_on service_healthy: both containers are created, the dependency started, waited on
// until healthy, and only then the dependent started (convergence.go waitDependencies).
TEST(ComposeCommands, DependsOnHealthyWaitsBeforeStarting) {
  ComposeWorld w("2.5.0", 2s);
  w.write("docker-compose.yml", kHealthy);
  auto r = w.run({"-p", "p", "up", "-d", "web"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "Network p_default  Creating\nNetwork p_default  Created\n"
            "Container p-db-1  Creating\nContainer p-db-1  Created\n"
            "Container p-web-1  Creating\nContainer p-web-1  Created\n"
            "Container p-db-1  Starting\nContainer p-db-1  Started\n"
            "Container p-db-1  Waiting\nContainer p-db-1  Healthy\n"
            "Container p-web-1  Starting\nContainer p-web-1  Started\n");
}

// Goal: an unhealthy dependency fails `up` with the version's message and leaves the dependent
// created, not started.
TEST(ComposeCommands, UnhealthyDependencyFailsUp) {
  ComposeWorld v25("2.5.0");  // apps never listen: the probe fails
  v25.write("docker-compose.yml", kUnhealthy);
  auto r = v25.run({"-p", "p", "up", "-d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(
      r.err.find("Container p-db-1  Waiting\nContainer p-db-1  Error\ncontainer for service \"db\" is unhealthy\n"),
      std::string::npos)
      << r.err;
  EXPECT_EQ(v25.engine->inspect("p-web-1")->state, ContainerState::created);
  ComposeWorld v220("2.20.2");
  v220.write("docker-compose.yml", kUnhealthy);
  EXPECT_NE(v220.run({"-p", "p", "up", "-d"}).err.find("dependency failed to start: container p-db-1 is unhealthy\n"),
            std::string::npos);
}

// Goal: containers of a service the files no longer have are orphans: `up` warns, `down` leaves
// them, --remove-orphans removes them. v2.5.0's `down -p X` reads no file (runDown): the project
// is what its containers say, orphans included.
TEST(ComposeCommands, Orphans) {
  ComposeWorld w;
  w.write("both.yml", kColors);
  w.write("blue.yml", "services:\n  blue:\n    image: docker-image\n    container_name: app-blue\n");
  w.run({"-p", "app", "-f", "both.yml", "up", "-d"});
  auto up = w.run({"-p", "app", "-f", "blue.yml", "up", "-d"});
  EXPECT_NE(up.err.find("msg=\"Found orphan containers ([app-green]) for this project. If you removed or renamed this "
                        "service in your compose file, you can run this command with the --remove-orphans flag to "
                        "clean it up.\""),
            std::string::npos)
      << up.err;
  w.env["COMPOSE_PROJECT_NAME"] = "app";
  w.run({"-f", "blue.yml", "down"});
  EXPECT_FALSE(w.engine->inspect("app-blue"));
  EXPECT_TRUE(running(w, "app-green"));
  auto down = w.run({"-f", "blue.yml", "down", "--remove-orphans"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(down.err,
            "Container app-green  Stopping\nContainer app-green  Stopping\nContainer app-green  Stopped\n"
            "Container app-green  Removing\nContainer app-green  Removed\n"
            "Network app_default  Removing\nNetwork app_default  Removed\n");  // its last endpoint gone
  EXPECT_FALSE(w.engine->inspect("app-green"));
  w.env.clear();
  w.run({"-p", "app", "-f", "both.yml", "up", "-d"});
  w.run({"-p", "app", "-f", "blue.yml", "down"});
  EXPECT_FALSE(w.engine->inspect("app-green"));
}

// Goal: `config` prints the resolved project (variables substituted, long port form), and its
// --services lists the services; `version` prints each version's text.
TEST(ComposeCommands, ConfigAndVersion) {
  ComposeWorld w;
  w.write("docker-compose.yml", "services:\n  web:\n    image: docker-image\n    ports: [\"${PORT}:3000\"]\n");
  w.env["PORT"] = "3005";
  auto config = w.run({"config"});
  EXPECT_EQ(config.exit_code, 0);
  EXPECT_NE(config.out.find("name: temp\nservices:\n  web:\n"), std::string::npos) << config.out;
  EXPECT_NE(config.out.find("    ports:\n    - mode: ingress\n      target: 3000\n      published: \"3005\"\n"),
            std::string::npos)
      << config.out;
  EXPECT_EQ(w.run({"config", "--services"}).out, "web\n");
  EXPECT_EQ(w.run({"version"}).out, "Docker Compose version v2.5.0\n");
  EXPECT_EQ(w.run({"version", "--short"}).out, "2.5.0\n");
  ComposeWorld v1("1.29.2");
  EXPECT_EQ(v1.run({"version"}).out,
            "docker-compose version 1.29.2, build 5becea4c\ndocker-py version: 5.0.0\nCPython version: 3.7.10\n"
            "OpenSSL version: OpenSSL 1.1.0l  10 Sep 2019\n");
  EXPECT_EQ(v1.run({"--version"}).out, "docker-compose version 1.29.2, build 5becea4c\n");
}

// Goal: `build:` builds through the engine under compose's image name (<project>_<service> before
// 2.8), `up --build` rebuilds, and `up` builds a missing image on its own.
TEST(ComposeCommands, BuildAndUpBuild) {
  ComposeWorld w;
  w.write("app/Dockerfile", "FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n");
  w.write("docker-compose.yml", "services:\n  web:\n    build: ./app\n");
  auto up = w.run({"-p", "p", "up", "-d"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.err.find("#1 [1/2] FROM node:16-alpine\n#1 DONE 0.0s\n"), std::string::npos) << up.err;
  ASSERT_TRUE(w.engine->image("p_web"));
  EXPECT_EQ(w.engine->inspect("p-web-1")->image, "p_web");
  auto build = w.run({"-p", "p", "build"});
  EXPECT_EQ(build.exit_code, 0);
  ComposeWorld v1("1.29.2");
  v1.write("app/Dockerfile", "FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n");
  v1.write("docker-compose.yml", "services:\n  web:\n    build: ./app\n");
  auto v1build = v1.run({"-p", "p", "build"});
  EXPECT_EQ(v1build.err, "Building web\n");
  EXPECT_EQ(v1build.out.rfind("Step 1/2 : FROM node:16-alpine\n", 0), 0u) << v1build.out;
  v1.write("docker-compose.yml", "services:\n  web:\n    build: ./nope\n");
  auto missing = v1.run({"-p", "p", "build"});
  EXPECT_EQ(missing.exit_code, 1);
}

// Goal: a service with a profile is not started by `up` unless named; an unmodelled key ends the
// command as not modelled (exit 2) naming the file and line; an external network must exist.
TEST(ComposeCommands, ProfilesNotModelledKeysAndExternalNetworks) {
  ComposeWorld w;
  w.write("docker-compose.yml",
          "services:\n  web: {image: docker-image}\n  debug: {image: docker-image, profiles: [dev]}\n");
  w.run({"-p", "p", "up", "-d"});
  EXPECT_FALSE(w.engine->inspect("p-debug-1"));
  w.run({"-p", "p", "up", "-d", "debug"});
  EXPECT_TRUE(w.engine->inspect("p-debug-1"));
  w.write("host.yml", "services:\n  web:\n    image: docker-image\n    network_mode: host\n");
  auto host = w.run({"-f", "host.yml", "up", "-d"});
  EXPECT_EQ(host.exit_code, 2);
  EXPECT_EQ(
      host.not_modelled.rfind("compose key services.web.network_mode in " + (w.dir / "host.yml").string() + ":4", 0),
      0u)
      << host.not_modelled;
  w.write("ext.yml",
          "services:\n  web: {image: docker-image, networks: [front]}\nnetworks:\n  front: {external: true}\n");
  auto ext = w.run({"-p", "q", "-f", "ext.yml", "up", "-d"});
  EXPECT_EQ(ext.exit_code, 1);
  EXPECT_EQ(ext.err, "network front declared as external, but could not be found\n");
  w.engine->create_network("front");
  auto ok = w.run({"-p", "q", "-f", "ext.yml", "up", "-d"});
  EXPECT_EQ(ok.err,
            "Container q-web-1  Creating\nContainer q-web-1  Created\nContainer q-web-1  Starting\n"
            "Container q-web-1  Started\n");
}

// Goal: `pull` skips a service without an image (and one whose pull_policy is missing while its
// image is there), and a registry refusal fails the command (exit 18 in v2, 1 in v1) with the
// version's lines.
TEST(ComposeCommands, Pull) {
  const std::string file =
      "services:\n  local: {build: ./app}\n  cached: {image: docker-image, pull_policy: missing}\n"
      "  remote: {image: ghcr.io/acme/web:latest}\n";
  ComposeWorld w;
  w.write("docker-compose.yml", file);
  auto r = w.run({"pull"});
  EXPECT_EQ(r.exit_code, 18);
  EXPECT_EQ(
      r.err.rfind("local Skipped \ncached Exists \nremote Pulling \nremote Error \nError response from daemon: ", 0),
      0u)
      << r.err;
  EXPECT_EQ(w.run({"pull", "local"}).err, "local Skipped \n");
  ComposeWorld v1("1.29.2");
  v1.write("docker-compose.yml", file);
  auto r1 = v1.run({"pull", "remote"});
  EXPECT_EQ(r1.exit_code, 1);
  EXPECT_EQ(r1.err.rfind("Pulling remote ... \n", 0), 0u) << r1.err;
}

}  // namespace
}  // namespace bg::fakes
