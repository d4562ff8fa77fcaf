// The Docker engine on a VirtualClock: its waits (a stop's grace period, the endpoint's teardown
// before removal, a build) are scenario time through the clock, so they end at exact instants and
// cost no real time, and the same calls give the same history.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/io_context.hpp>

#include "core/virtual_clock.h"
#include "fakes/docker/docker_engine.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;

// A process that needs no socket: it exits `drain` after SIGTERM (or never, when `ignores_term`:
// `npm start` as PID 1, race R06), at once on SIGKILL. Its timers are the virtual clock's.
class DrainingProcess final : public ContainerProcess {
 public:
  DrainingProcess(core::VirtualClock& clock, core::Duration drain, bool ignores_term)
      : clock_(clock), drain_(drain), ignores_term_(ignores_term) {}
  ~DrainingProcess() override {
    if (exit_call_) clock_.cancel(*exit_call_);
  }
  void start() override {}
  void signal(int signo) override {
    std::lock_guard lock(mutex_);
    if (exited_) return;
    if (signo == SIGKILL) {
      exit_locked(128 + SIGKILL);
      return;
    }
    if (ignores_term_ || exit_call_) return;
    exit_call_ = clock_.call_at(clock_.now() + drain_, [this] {
      std::lock_guard lock(mutex_);
      exit_call_.reset();
      if (!exited_) exit_locked(0);
    });
  }

 private:
  void exit_locked(int code) {
    exited_ = true;
    on_exit(code);
  }
  core::VirtualClock& clock_;
  core::Duration drain_;
  bool ignores_term_;
  std::mutex mutex_;
  bool exited_ = false;
  std::optional<core::VirtualClock::CallId> exit_call_;
};

// One run of the engine: blue drains for 3 s on SIGTERM, green ignores it. Returns the history as
// "instant what container detail" lines.
std::vector<std::string> stop_blue_and_green(core::VirtualClock& clock) {
  boost::asio::io_context io;  // run by the clock alone, before time passes
  clock.attach(io);
  core::History history;
  core::PortMap ports;
  EngineOptions options;
  options.build_duration = 60s;
  options.teardown_delay = 50ms;
  {
    core::VirtualClock::Actor self(clock, 1);
    DockerEngine engine(io, clock, history, ports, core::Rng(7), options, [&](const ProcessSpec& spec) {
      const bool green = spec.container.rfind("green", 0) == 0;
      return std::make_unique<DrainingProcess>(clock, 3s, green);
    });
    engine.build(parse_dockerfile("FROM node:16-alpine\nCMD [\"npm\", \"start\"]\n"), "docker-image", {});
    EXPECT_EQ(clock.now(), core::Time(60s));
    for (const std::string color : {"blue", "green"}) {
      ContainerSpec spec;
      spec.project = color;
      spec.service = color;
      spec.image = "docker-image";
      spec.ports = {{"", static_cast<uint16_t>(color == "blue" ? 3000 : 3001), 3000, "tcp"}};
      engine.start(engine.create(spec).name);
    }
    EXPECT_EQ(engine.stop("blue-blue-1", 10s, {}), 0);
    EXPECT_EQ(clock.now(), core::Time(63s));  // its 3 s drain, to the microsecond
    engine.remove("blue-blue-1", {});
    EXPECT_EQ(clock.now(), core::Time(63s + 50ms));  // the endpoint's teardown
    EXPECT_EQ(engine.stop("green-green-1", 10s, {}), 137);
    EXPECT_EQ(clock.now(), core::Time(73s + 50ms));  // the whole grace period, then SIGKILL
  }
  std::vector<std::string> lines;
  for (const auto& e : history.all<core::ContainerEvent>())
    lines.push_back(std::to_string(e.at.count()) + " " + std::string(core::container_what_name(e.what)) + " " +
                    e.container + " " + e.detail);
  return lines;
}

// Goal: the grace period, the drain and the teardown end at their exact scenario instants in no
// real time (live, 73 s of scenario at any scale would neither be exact nor fit the test's
// timeout at 1), and a second run gives the same history line for line.
TEST(DockerEngineVirtual, StopsEndAtExactInstantsAndRepeatExactly) {
  core::VirtualClock first_clock;
  const std::vector<std::string> first = stop_blue_and_green(first_clock);
  core::VirtualClock second_clock;
  EXPECT_EQ(stop_blue_and_green(second_clock), first);
  // The killed container's story: SIGTERM at 63.05 s, killed at 73.05 s when the grace ran out.
  std::vector<std::string> green;
  for (const auto& line : first)
    if (line.find("green-green-1") != std::string::npos) green.push_back(line);
  ASSERT_GE(green.size(), 4u);
  EXPECT_NE(std::find(green.begin(), green.end(), "73050000 killed green-green-1 grace period 10.000s expired"),
            green.end())
      << ::testing::PrintToString(green);
  EXPECT_NE(std::find(green.begin(), green.end(), "73050000 exited green-green-1 "), green.end())
      << ::testing::PrintToString(green);
}

}  // namespace
}  // namespace bg::fakes
