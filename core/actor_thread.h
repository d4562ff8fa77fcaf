#pragma once
// Threads of a run that act in scenario time (a deploy step, a healthcheck loop, a CI job), on
// either clock (docs/design.md, "Time"). On a live clock they are plain threads. On a VirtualClock
// each is an actor: time stands still while it runs, and it is counted from before it starts, so
// the thread that starts it cannot let time pass first (VirtualClock::Turn).
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <stop_token>
#include <thread>
#include <utility>

#include "core/clock.h"
#include "core/virtual_clock.h"

namespace bg::core {

// Makes the calling thread an actor of `clock` for the scope's life when the clock is virtual;
// nothing on a live clock.
class ActorScope {
 public:
  ActorScope(Clock& clock, uint64_t order_key) {
    if (auto* v = dynamic_cast<VirtualClock*>(&clock)) actor_.emplace(*v, order_key);
  }
  ActorScope(const ActorScope&) = delete;
  ActorScope& operator=(const ActorScope&) = delete;

 private:
  std::optional<VirtualClock::Actor> actor_;
};

// An order key from a name that says what the actor is ("health web-blue-1", "pipeline run 3"):
// FNV-1a, the same on every machine, so actors that wake at one instant wake in an order fixed by
// what they are, never by which reached its wait first in real time.
constexpr uint64_t order_key(std::string_view name) {
  uint64_t h = 1469598103934665603ull;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// A std::jthread running `body(std::stop_token)` as an actor of `clock` (see above). `order_key` orders
// it among actors that wake at one instant.
template <class Body>
std::jthread start_actor(Clock& clock, uint64_t order_key, Body body) {
  auto* v = dynamic_cast<VirtualClock*>(&clock);
  if (!v) return std::jthread(std::move(body));
  return std::jthread([turn = VirtualClock::Turn(*v), order_key, body = std::move(body)](std::stop_token stop) mutable {
    VirtualClock::Actor actor(std::move(turn), order_key, stop);
    body(stop);
  });
}

}  // namespace bg::core
