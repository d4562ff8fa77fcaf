#pragma once
// The invariants of races.md as checkers: each is a pure function of the history (TigerBeetle's
// *_checker), tested on hand-made histories where it must fire and where it must not.
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// no_failed_requests: every request completes with a success status; refused, reset, timed-out and
// 5xx requests fail. Indeterminate outcomes (info) are counted apart but also break it.
class NoFailedRequestsChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
};

// switch_ordering: per swap, new started < new ready < new receives traffic < old stop requested <
// old stopped; the old color is never stopped while the new one is not ready or has not yet served.
class SwitchOrderingChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
};

// The failure class of a request, made sharper by what the proxy logged for it:
// "502 no live upstreams", "502 upstream prematurely closed", "504", "connect_refused", ...
std::string failure_class(const core::RequestEvent& request, const std::vector<core::ProxyEvent>& proxy_log);

// All checkers a run applies, in report order.
std::vector<reports::InvariantResult> run_checkers(const std::vector<core::Entry>& entries);

}  // namespace bg::sim
