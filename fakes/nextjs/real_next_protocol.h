#pragma once
// The lines the real Next.js app prints for the harness (apps/next/src/bluegreen-preload.js and
// lib/bluegreen.js, on its stdout, each starting "bluegreen "), read into the events the fake app
// writes to the history, and the requests in flight that a process's exit cuts. Pure: the engine
// (real_next_server.cc) feeds it lines and the exit, and writes what it returns.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event_kinds.h"

namespace bg::fakes {

// One line of the protocol, as an app event to log (request_id and execution_id where the kind has
// them), or nothing to log (begin/end only move the in-flight set).
struct ProtocolLine {
  enum class Kind { listening, ready, draining, execution, begin, end };
  Kind kind = Kind::listening;
  uint64_t n = 0;           // begin/end: the app's own count of requests
  uint64_t request_id = 0;  // begin/execution: X-Request-Id (0 when the request had none)
  std::string execution_id;
  std::string detail;  // listening: "port=P"
};

// nullopt for every line that is not the protocol's (Next's own output, a user's console.log) and
// for a protocol line that is malformed: it is printed as any line is, never guessed at.
std::optional<ProtocolLine> parse_protocol_line(std::string_view line);

// What a stream of protocol lines says, kept as it goes: the requests begun and not yet ended.
class RealNextRequests {
 public:
  // Returns the app event the line stands for, if any (listening, ready, draining, execution).
  std::optional<core::AppWhat> take(const ProtocolLine& line);
  // The X-Request-Id of each request still in flight, oldest first: the process is gone, so these
  // were cut. Clears the set.
  std::vector<uint64_t> cut_at_exit();
  size_t in_flight() const { return in_flight_.size(); }

 private:
  std::map<uint64_t, uint64_t> in_flight_;  // n -> request id
};

}  // namespace bg::fakes
