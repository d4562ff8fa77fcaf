// build_push_on_runner (e05d3e1): docker/build-push-action builds the runner's Dockerfile on the
// runner's own daemon and pushes to the run's registry, which the deploy host's daemon pulls from.
#include "sim/workflow_hosts.h"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/docker_test_support.h"

namespace bg::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A runner whose "/" is a temp folder; its shell is not used by the action.
class FolderRunner final : public fakes::WorkflowHost {
 public:
  FolderRunner() {
    char tmpl[] = "/tmp/bg-runner-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    files_.add("/", root_);
  }
  ~FolderRunner() override { fs::remove_all(root_); }
  const core::PathMap& files() const override { return files_; }
  fakes::HostCommandResult run(const fakes::HostCommand&, std::stop_token) override { return {}; }
  void write(const std::string& path, const std::string& text) {
    fs::create_directories(files_.resolve(path).parent_path());
    std::ofstream(files_.resolve(path)) << text;
  }

 private:
  fs::path root_;
  core::PathMap files_;
};

// The deploy host's daemon, which shares the run's registry with the runner's build.
struct Daemon {
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  fakes::test_support::IoThread io;
  std::unique_ptr<fakes::DockerEngine> engine;
  Daemon() {
    fakes::EngineOptions options;
    options.build_duration = 1s;
    char tmpl[] = "/tmp/bg-runner-daemon-XXXXXX";
    root = ::mkdtemp(tmpl);
    options.containers_root = root;
    engine = std::make_unique<fakes::DockerEngine>(
        io.io(), clock, history, ports, core::Rng(3), options, [this](const fakes::ProcessSpec& spec) {
          return std::make_unique<fakes::test_support::EchoProcess>(io.io(), ports, clock, spec,
                                                                    fakes::test_support::EchoProcess::Behaviour{});
        });
  }
  ~Daemon() {
    engine.reset();
    fs::remove_all(root);
  }
  fs::path root;
};

fakes::DockerBuildPushAction push_action(std::vector<std::string> tags) {
  fakes::DockerBuildPushAction a;
  a.context = "/home/runner/work/app/app";
  a.file = "/home/runner/work/app/app/Dockerfile";
  a.tags = std::move(tags);
  a.push = true;
  return a;
}

constexpr const char* kDockerfile = "FROM node:18-alpine\nWORKDIR /app\nCMD [\"node\", \"server.js\"]\n";

// Goal: with push: true the runner's Dockerfile is built and pushed under every tag: the step
// succeeds, its log names each push and the digest, and the deploy host's daemon has the image only
// once it pulls it (the same image under both tags).
TEST(BuildPushOnRunner, PushesEveryTagToTheRunsRegistry) {
  Daemon d;
  FolderRunner runner;
  runner.write("/home/runner/work/app/app/Dockerfile", kDockerfile);
  auto action = push_action({"ghcr.io/acme/web:sha-abc", "ghcr.io/acme/web:latest"});
  fakes::ActionOutcome o = build_push_on_runner(*d.engine, action, runner, {});
  EXPECT_TRUE(o.succeeded) << o.message;
  EXPECT_EQ(o.not_modelled, "");
  EXPECT_NE(o.log.find("pushing ghcr.io/acme/web:sha-abc"), std::string::npos) << o.log;
  EXPECT_NE(o.log.find("pushing ghcr.io/acme/web:latest"), std::string::npos) << o.log;
  EXPECT_FALSE(d.engine->image("ghcr.io/acme/web:sha-abc"));
  fakes::PullResult pulled = d.engine->pull_image("ghcr.io/acme/web:sha-abc");
  EXPECT_NE(o.log.find("DONE sha256:" + pulled.image.id), std::string::npos) << o.log;
  EXPECT_EQ(d.engine->pull_image("ghcr.io/acme/web:latest").image.id, pulled.image.id);
  EXPECT_EQ(pulled.image.workdir, "/app");  // the runner's Dockerfile, not a stock image
}

// Goal: without push the image stays on the runner: the step succeeds and the registry has
// nothing under the tag.
TEST(BuildPushOnRunner, WithoutPushNothingReachesTheRegistry) {
  Daemon d;
  FolderRunner runner;
  runner.write("/home/runner/work/app/app/Dockerfile", kDockerfile);
  auto action = push_action({"ghcr.io/acme/web:local"});
  action.push = false;
  fakes::ActionOutcome o = build_push_on_runner(*d.engine, action, runner, {});
  EXPECT_TRUE(o.succeeded) << o.message;
  EXPECT_EQ(o.log.find("pushing"), std::string::npos) << o.log;
  EXPECT_THROW(d.engine->pull("ghcr.io/acme/web:local"), fakes::DockerError);
}

// Goal: the action's failures: push without tags (buildx's message), a missing Dockerfile (named),
// a Dockerfile the builder rejects, a cancelled build; `load: true` is not modelled. None pushes.
TEST(BuildPushOnRunner, FailuresAndWhatIsNotModelled) {
  Daemon d;
  FolderRunner runner;
  auto no_tags = build_push_on_runner(*d.engine, push_action({}), runner, {});
  EXPECT_FALSE(no_tags.succeeded);
  EXPECT_EQ(no_tags.message, "ERROR: tag is needed when pushing to registry");

  auto missing = build_push_on_runner(*d.engine, push_action({"ghcr.io/acme/web:1"}), runner, {});
  EXPECT_FALSE(missing.succeeded);
  EXPECT_EQ(missing.message,
            "ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory");

  runner.write("/home/runner/work/app/app/Dockerfile", "CMD [\"node\"]\n");  // no FROM
  auto rejected = build_push_on_runner(*d.engine, push_action({"ghcr.io/acme/web:1"}), runner, {});
  EXPECT_FALSE(rejected.succeeded);
  EXPECT_EQ(rejected.message.rfind("ERROR: failed to solve: ", 0), 0u) << rejected.message;

  runner.write("/home/runner/work/app/app/Dockerfile", kDockerfile);
  std::stop_source stop;
  stop.request_stop();
  auto cancelled = build_push_on_runner(*d.engine, push_action({"ghcr.io/acme/web:1"}), runner, stop.get_token());
  EXPECT_FALSE(cancelled.succeeded);
  EXPECT_EQ(cancelled.message, "ERROR: failed to solve: context canceled");

  auto load = push_action({"ghcr.io/acme/web:1"});
  load.load = true;
  auto loaded = build_push_on_runner(*d.engine, load, runner, {});
  EXPECT_FALSE(loaded.succeeded);
  EXPECT_NE(loaded.not_modelled.find("load: true"), std::string::npos) << loaded.not_modelled;
  EXPECT_THROW(d.engine->pull("ghcr.io/acme/web:1"), fakes::DockerError);
}

}  // namespace
}  // namespace bg::sim
