#pragma once
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// post_at_most_once (races.md R09): no non-idempotent request is executed twice, and one the client
// saw succeed was executed exactly once. Executions are the backends' own log (app "execution"
// events, keyed by the X-Request-Id the proxy passed on), so a retry nginx made is visible.
class PostAtMostOnceChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
};

}  // namespace bg::sim
