#include "sim/checker_cut_in_flight.h"

#include <fmt/format.h>

#include <map>

#include "sim/checker_support.h"

namespace bg::sim {

reports::InvariantResult NoCutInFlightChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r{"no_cut_in_flight"};
  std::map<uint64_t, core::RequestEvent> requests;
  for (const auto& q : core::events_of<core::RequestEvent>(entries)) requests[q.id] = q;
  int64_t absorbed = 0;
  for (const auto& a : core::events_of<core::AppEvent>(entries)) {
    if (a.what != "cut") continue;
    const auto it = requests.find(a.request_id);
    const bool seen = it == requests.end() || it->second.outcome != core::Outcome::ok || it->second.method == "POST";
    if (!seen) {
      ++absorbed;
      continue;
    }
    const std::string client =
        it == requests.end() ? "no client request of that id"
                             : fmt::format("the client's {} {} got {}", it->second.method, it->second.path,
                                           it->second.status ? std::to_string(it->second.status) : it->second.error);
    add_violation(r, fmt::format("{} (build {}) dropped request #{} in flight at {}{}; {}", a.container, a.build_id,
                                 a.request_id, checker_secs(a.at), a.detail.empty() ? "" : " (" + a.detail + ")",
                                 client));
  }
  r.held = r.violations == 0;
  const std::string unseen =
      absorbed ? fmt::format(" ({} cut GETs were passed on to another peer unseen by the client)", absorbed) : "";
  r.summary = r.held ? "no backend dropped a request the client could tell" + unseen
                     : fmt::format("{} requests accepted by a backend were cut by its shutdown{}", r.violations, unseen);
  return r;
}

}  // namespace bg::sim
