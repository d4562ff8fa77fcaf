#include "fakes/docker/container_runtime.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;

ContainerRecord record(const std::string& project, const std::string& service) {
  ContainerRecord r;
  r.project = project;
  r.service = service;
  return r;
}

// Goal: compose v2 names containers <project>-<service>-<n>, numbering above the highest left.
TEST(ContainerRuntime, NamesAndNumbersLikeComposeV2) {
  ContainerRuntime rt;
  EXPECT_EQ(rt.create(record("blue", "blue"), 0us).name, "blue-blue-1");
  EXPECT_EQ(rt.create(record("blue", "blue"), 0us).name, "blue-blue-2");
  EXPECT_EQ(rt.create(record("green", "green"), 0us).name, "green-green-1");
  rt.erase("blue-blue-1");
  EXPECT_EQ(rt.next_number("blue", "blue"), 3);
  EXPECT_EQ(rt.list("blue").size(), 1u);
  EXPECT_THROW(rt.create(
                   [] {
                     auto r = record("g", "g");
                     r.name = "green-green-1";
                     return r;
                   }(),
                   0us),
               std::invalid_argument);
}

// Goal: the engine's moves are allowed and impossible ones are refused with both states named.
TEST(ContainerRuntime, EnforcesLegalTransitions) {
  ContainerRuntime rt;
  std::string name = rt.create(record("p", "s"), 1s).name;
  EXPECT_EQ(rt.find(name)->state, ContainerState::created);
  rt.transition(name, ContainerState::running, 2s);
  EXPECT_EQ(rt.find(name)->started, 2s);
  rt.transition(name, ContainerState::paused, 3s);
  rt.transition(name, ContainerState::running, 4s);
  rt.transition(name, ContainerState::exited, 5s, 137);
  EXPECT_EQ(rt.find(name)->exit_code, 137);
  EXPECT_EQ(rt.find(name)->finished, 5s);
  rt.transition(name, ContainerState::running, 6s);  // docker start on an exited container
  rt.transition(name, ContainerState::exited, 7s, 0);
  rt.transition(name, ContainerState::removing, 8s);
  try {
    rt.transition(name, ContainerState::running, 9s);
    FAIL();
  } catch (const IllegalTransition& e) {
    EXPECT_STREQ(e.what(), "container p-s-1 cannot go from removing to running");
  }
  EXPECT_FALSE(transition_allowed(ContainerState::created, ContainerState::paused));
  EXPECT_TRUE(transition_allowed(ContainerState::created, ContainerState::removing));
  EXPECT_STREQ(state_name(ContainerState::restarting), "restarting");
}

}  // namespace
}  // namespace bg::fakes
