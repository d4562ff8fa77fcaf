#pragma once
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// no_cut_in_flight (races.md R05, R06): no request accepted by a backend is cut by its shutdown. The
// backends log each request they drop on exit ("cut"). A cut counts when the client could tell: its
// request did not end ok, or it was a POST (its handler had already run, so the proxy's resending it,
// if allowed, runs it again). Simplification of races.md's wording: a cut GET that nginx passed on to
// the other peer unseen (nothing had reached the client, semantics.md §1) is listed in the summary
// but not counted, since the client saw a normal answer.
class NoCutInFlightChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
};

}  // namespace bg::sim
