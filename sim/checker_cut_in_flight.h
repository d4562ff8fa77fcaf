#pragma once
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// no_cut_in_flight (races.md R05, R06): no request accepted by a backend is cut by its shutdown. The
// backends log each request they drop on exit ("cut"), whether or not the proxy could retry it.
class NoCutInFlightChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
};

}  // namespace bg::sim
