#pragma once
// Which engine a run goes on (README, "Two engines"; docs/design.md, "Time"):
//  - live: real loopback sockets, real threads, a real clock scaled by the scenario's time_scale;
//  - sim: the deterministic engine, a VirtualClock and the in-memory network (net/), where a seed is
//    an exact replay and a case costs what its code costs, not what its scenario lasts.
// The proxy, the fakes, the traffic and the checkers are the same code on both.
#include <optional>
#include <string_view>

namespace bg::sim {

enum class Engine { live, sim };

constexpr std::string_view engine_name(Engine e) { return e == Engine::sim ? "sim" : "live"; }

inline std::optional<Engine> parse_engine(std::string_view name) {
  if (name == "live") return Engine::live;
  if (name == "sim") return Engine::sim;
  return std::nullopt;
}

}  // namespace bg::sim
