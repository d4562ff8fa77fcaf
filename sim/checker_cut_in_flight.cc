#include "sim/checker_cut_in_flight.h"

#include <fmt/format.h>

#include "sim/checker_support.h"

namespace bg::sim {

reports::InvariantResult NoCutInFlightChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r{"no_cut_in_flight"};
  for (const auto& a : core::events_of<core::AppEvent>(entries)) {
    if (a.what != "cut") continue;
    add_violation(r, fmt::format("{} (build {}) dropped request #{} in flight at {}{}", a.container, a.build_id,
                                 a.request_id, checker_secs(a.at), a.detail.empty() ? "" : ": " + a.detail));
  }
  r.held = r.violations == 0;
  r.summary = r.held ? "no backend dropped a request it had accepted"
                     : fmt::format("{} requests accepted by a backend were cut by its shutdown", r.violations);
  return r;
}

}  // namespace bg::sim
