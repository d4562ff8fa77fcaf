#pragma once
// ComposeWorld (tests only): a run folder holding the article's compose files, an engine with
// docker-image built, and the compose CLI of a chosen dialect.
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string_view>

#include "fakes/docker/compose_cli.h"
#include "fakes/docker/docker_test_support.h"

namespace bg::fakes::test_support {
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Apps never listen (the CLI's output does not depend on them).
struct ComposeWorld {
  // Apps listen `listen_after` (scenario time) after start; never by default.
  explicit ComposeWorld(std::string_view compose_version = "2.5.0",
                        std::optional<core::Duration> listen_after = std::nullopt)
      : listen_after_(listen_after) {
    init(compose_version);
  }
  std::optional<core::Duration> listen_after_;
  // The containers created from now on answer a few `exec` commands (EchoProcess::exec).
  bool answers_exec = false;
  fs::path dir;
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  test_support::IoThread io;
  std::unique_ptr<DockerEngine> engine;
  std::unique_ptr<ComposeCli> compose;

  void init(std::string_view compose_version) {
    char tmpl[] = "/tmp/bg-compose-XXXXXX";
    dir = fs::path(::mkdtemp(tmpl)) / "temp";
    fs::create_directories(dir);
    write("docker-compose-blue.yml", "services:\n  blue:\n    image: docker-image\n    ports:\n      - 3000:3000\n");
    write("docker-compose-green.yml", "services:\n  green:\n    image: docker-image\n    ports:\n      - 3001:3000\n");
    EngineOptions options;
    options.build_duration = 1s;
    engine = std::make_unique<DockerEngine>(
        io.io(), clock, history, ports, core::Rng(1), options, [this](const ProcessSpec& spec) {
          return std::make_unique<test_support::EchoProcess>(
              io.io(), ports, clock, spec, test_support::EchoProcess::Behaviour{listen_after_, false, answers_exec});
        });
    engine->build(parse_dockerfile("FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n"), "docker-image", {});
    compose = std::make_unique<ComposeCli>(*engine, make_compose_dialect(compose_version));
  }
  ~ComposeWorld() {
    engine.reset();
    fs::remove_all(dir.parent_path());
  }
  // The caller's environment every run() passes (a script's exported variables).
  std::map<std::string, std::string> env;

  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name) << text;
  }
  core::CommandResult run(std::vector<std::string> args) { return compose->run(args, dir, env, {}); }
  core::CommandResult run_in(const fs::path& cwd, std::vector<std::string> args) {
    return compose->run(args, cwd, env, {});
  }
  core::CommandResult blue(std::vector<std::string> args) {
    args.insert(args.begin(), {"-p", "blue", "-f", "docker-compose-blue.yml"});
    return run(args);
  }
};

}  // namespace bg::fakes::test_support
