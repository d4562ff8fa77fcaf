#pragma once
#include <deque>
#include <unordered_map>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"
#include "judge/checker_support.h"
#include "judge/history_context.h"

namespace bg::judge {

// post_at_most_once (races.md R09): no non-idempotent request is executed twice, and one the client
// saw succeed was executed exactly once. Executions are the backends' own log (app "execution"
// events, keyed by the X-Request-Id the proxy passed on), so a retry nginx made is visible.
// A POST is judged once the history has moved core::kAppendLag past its end (an execution may be
// logged after the client gave up on it), in history order.
class PostAtMostOnceChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry& entry, const HistoryContext& context);
  reports::InvariantResult finish(const HistoryContext& context);

 private:
  void judge(const core::RequestEvent& q);
  void prune_executions(core::Time clock);

  reports::InvariantResult result_{"post_at_most_once"};
  int64_t posts_ = 0;
  std::deque<core::RequestEvent> waiting_;                                // POSTs in history order
  std::unordered_map<uint64_t, std::vector<core::AppEvent>> executions_;  // by request id
  uint64_t observed_ = 0;
};

}  // namespace bg::judge
