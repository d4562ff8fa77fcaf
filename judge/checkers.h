#pragma once
// The invariants of races.md as checkers: each is a pure function of the history (TigerBeetle's
// *_checker), tested on hand-made histories where it must fire and where it must not.
//
// Each reads the history one entry at a time (observe, then finish) with the HistoryContext every
// checker shares, keeping counts, the few cases its evidence names, and what may still be joined
// within core::kAppendLag: so a run of any length is judged in bounded memory, from its saved file.
// check(entries) does the same over a history in memory.
#include <memory>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/failed_request_join.h"
#include "reports/run_result.h"
#include "judge/checker_support.h"
#include "judge/history_context.h"

namespace bg::judge {

// no_failed_requests: every request completes with a success status; refused, reset, timed-out and
// 5xx requests fail. Indeterminate outcomes (info) are counted apart but also break it.
class NoFailedRequestsChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry& entry, const HistoryContext& context);
  reports::InvariantResult finish(const HistoryContext& context);

 private:
  int64_t total_ = 0, failed_ = 0, info_ = 0;
  EarliestEvidence evidence_;
  std::unique_ptr<reports::FailedRequestJoin> join_;  // made at the first entry: it calls back into this
};

// switch_ordering: per swap, new started < new ready < new receives traffic < old stop requested <
// old stopped; the old color is never stopped while the new one is not ready or has not yet served.
class SwitchOrderingChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry&, const HistoryContext&) {}
  reports::InvariantResult finish(const HistoryContext& context);
};

// The failure class of a request, made sharper by what the proxy logged for it:
// "502 no live upstreams", "502 upstream prematurely closed", "504", "connect_refused", ...
std::string failure_class(const core::RequestEvent& request, const std::vector<core::ProxyEvent>& proxy_log);

// Every checker a run applies, reading one history together.
class CheckerSet {
 public:
  CheckerSet();
  ~CheckerSet();
  void observe(const core::Entry& entry);
  // In report order.
  std::vector<reports::InvariantResult> finish();
  // The swaps as derived while reading (after finish(): settled).
  std::vector<reports::SwapSummary> swaps() const { return context_.swaps.summaries(); }

 private:
  struct Checkers;
  HistoryContext context_;
  std::unique_ptr<Checkers> checkers_;
};

// All checkers a run applies, in report order.
std::vector<reports::InvariantResult> run_checkers(const std::vector<core::Entry>& entries);

}  // namespace bg::judge
