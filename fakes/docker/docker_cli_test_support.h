#pragma once
// A host for `docker` CLI tests (tests only): a temporary folder standing for the host's "/"
// (PathMap), an engine whose images run EchoProcesses, a registry with an nginx and an app image,
// one built image "web", and `run` taking the script's cwd (/home/app) and environment.
#include <fstream>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_test_support.h"

namespace bg::fakes::test_support {

struct CliWorld {
  std::filesystem::path root;  // the host's "/"
  core::PathMap paths;
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  IoThread io;
  std::unique_ptr<DockerEngine> engine;
  std::unique_ptr<ComposeCli> compose;
  std::unique_ptr<DockerCli> docker;
  std::map<std::string, std::string> env = {{"SECRET", "from-env"}};

  CliWorld() {
    char tmpl[] = "/tmp/bg-docker-cli-XXXXXX";
    root = ::mkdtemp(tmpl);
    std::filesystem::create_directories(root / "home/app");
    paths.add("/", root);
    EngineOptions options;
    options.build_duration = std::chrono::seconds(1);
    options.containers_root = root / "var/lib/bluegreen";
    options.host_paths = &paths;
    options.registry = {{"nginx:1.25-alpine", kRunsNginx, {}, "/"}, {"ghcr.io/acme/web:latest", kRunsApp, {}, "/"}};
    engine = std::make_unique<DockerEngine>(
        io.io(), clock, history, ports, core::Rng(11), options, [this](const ProcessSpec& spec) {
          return std::make_unique<EchoProcess>(io.io(), ports, clock, spec, EchoProcess::Behaviour{});
        });
    engine->build(parse_dockerfile("FROM node:16-alpine\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n"), "web", {});
    compose = std::make_unique<ComposeCli>(*engine, paths);
    docker = std::make_unique<DockerCli>(*engine, *compose, paths);
  }
  ~CliWorld() {
    docker.reset();
    compose.reset();
    engine.reset();
    std::filesystem::remove_all(root);
  }
  core::CommandResult run(std::vector<std::string> args, std::string stdin = "") {
    return docker->run(DockerCall{std::move(args), "/home/app", env, std::move(stdin)}, {});
  }
  void write(const std::string& host_path, const std::string& text) {
    std::filesystem::create_directories((root / host_path.substr(1)).parent_path());
    std::ofstream(root / host_path.substr(1)) << text;
  }
  std::string read(const std::filesystem::path& real) {
    std::ifstream in(real);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

}  // namespace bg::fakes::test_support
