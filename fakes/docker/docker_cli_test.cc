#include "fakes/docker/docker_cli.h"

#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "fakes/docker/docker_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test_support::EchoProcess;

constexpr const char* kDockerfile =
    "# node_modules\nFROM node:16-alpine AS deps\nRUN apk add --no-cache libc6-compat\nWORKDIR /app\n"
    "COPY package.json yarn.lock ./\n\nFROM node:16-alpine AS runner\nENV NODE_ENV production\nEXPOSE 3000\n"
    "ENV PORT 3000\nCMD [\"node\", \"server.js\"]\n";

struct DockerWorld {
  fs::path dir;
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  test_support::IoThread io;
  std::unique_ptr<DockerEngine> engine;
  std::unique_ptr<ComposeCli> compose;
  std::unique_ptr<DockerCli> docker;

  DockerWorld() {
    char tmpl[] = "/tmp/bg-docker-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::ofstream(dir / "Dockerfile") << kDockerfile;
    std::ofstream(dir / "package.json") << std::string(2000, 'x');
    EngineOptions options;
    options.build_duration = 2s;
    engine = std::make_unique<
        DockerEngine>(io.io(), clock, history, ports, core::Rng(3), options, [this](const ProcessSpec& spec) {
      return std::make_unique<EchoProcess>(io.io(), ports, clock, spec, EchoProcess::Behaviour{std::nullopt, false});
    });
    compose = std::make_unique<ComposeCli>(*engine);
    docker = std::make_unique<DockerCli>(*engine, *compose);
  }
  ~DockerWorld() {
    engine.reset();
    fs::remove_all(dir);
  }
  core::CommandResult run(std::vector<std::string> args) { return docker->run(args, dir, {}); }
};

// Goal: `docker build -t docker-image .` prints the legacy builder's steps and ids, takes
// build_duration, and tags docker-image:latest.
TEST(DockerCli, BuildPrintsLegacyBuilderOutput) {
  DockerWorld w;
  core::Time before = w.clock.now();
  auto r = w.run({"build", "-t", "docker-image", "."});
  EXPECT_GE(w.clock.now() - before, 2s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string id = w.engine->image("docker-image")->id.substr(0, 12);
  std::regex expected(
      "Sending build context to Docker daemon  2\\.[0-9]+kB\n"
      "Step 1/9 : FROM node:16-alpine AS deps\n ---> [0-9a-f]{12}\n"
      "Step 2/9 : RUN apk add --no-cache libc6-compat\n ---> Running in ([0-9a-f]{12})\n"
      "Removing intermediate container \\1\n ---> [0-9a-f]{12}\n"
      "Step 3/9 : WORKDIR /app\n ---> Running in ([0-9a-f]{12})\nRemoving intermediate container \\2\n ---> "
      "[0-9a-f]{12}\n"
      "Step 4/9 : COPY package.json yarn.lock ./\n ---> [0-9a-f]{12}\n"
      "Step 5/9 : FROM node:16-alpine AS runner\n ---> [0-9a-f]{12}\n"
      "(Step [6-9]/9 : [^\n]+\n ---> Running in [0-9a-f]{12}\nRemoving intermediate container [0-9a-f]{12}\n ---> "
      "[0-9a-f]{12}\n){4}"
      "Successfully built " +
      id + "\nSuccessfully tagged docker-image:latest\n");
  EXPECT_TRUE(std::regex_match(r.out, expected)) << r.out;
  EXPECT_NE(r.out.find("Step 9/9 : CMD [\"node\", \"server.js\"]\n"), std::string::npos);
  EXPECT_EQ(w.engine->image("docker-image")->dockerfile.env.at("NODE_ENV"), "production");
}

// Goal: client-side build errors and unknown commands use docker's wording and exit codes.
TEST(DockerCli, ErrorsUseDockerWording) {
  DockerWorld w;
  auto missing = w.run({"build", "-t", "x", "-f", "Nope", "."});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat " +
                             (w.dir / "Nope").string() + ": no such file or directory\n");
  auto no_context = w.run({"build", "-t", "x", "nowhere"});
  EXPECT_EQ(no_context.err, "unable to prepare context: path \"nowhere\" not found\n");
  auto unknown = w.run({"swarmy"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "docker: 'swarmy' is not a docker command.\nSee 'docker --help'\n");
  EXPECT_EQ(w.run({"build"}).exit_code, 1);
}

// Goal: `docker ps` lists running containers in docker's table; `docker compose` reaches compose.
TEST(DockerCli, PsListsRunningContainersAndComposeIsDelegated) {
  DockerWorld w;
  w.run({"build", "-t", "docker-image", "."});
  std::ofstream(w.dir / "docker-compose-blue.yml")
      << "services:\n  blue:\n    image: docker-image\n    ports:\n      - 3000:3000\n";
  auto up = w.run({"compose", "-p", "blue", "-f", "docker-compose-blue.yml", "up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  auto ps = w.run({"ps"});
  std::string id = w.engine->inspect("blue-blue-1")->id.substr(0, 12);
  EXPECT_EQ(ps.out.substr(0, ps.out.find('\n')),
            "CONTAINER ID   IMAGE          COMMAND                  CREATED                  STATUS                  "
            "PORTS                    NAMES");
  EXPECT_NE(ps.out.find(id + "   docker-image   \"docker-entrypoint.s…\"   Less than a second ago   Up Less than a "
                             "second   0.0.0.0:3000->3000/tcp   blue-blue-1\n"),
            std::string::npos)
      << ps.out;
  w.run({"compose", "-p", "blue", "stop"});
  std::string after_stop = w.run({"ps"}).out;
  EXPECT_EQ(std::count(after_stop.begin(), after_stop.end(), '\n'), 1);  // header only
  EXPECT_NE(w.run({"ps", "-a"}).out.find("Exited (0) "), std::string::npos);
}

}  // namespace
}  // namespace bg::fakes
