#pragma once
#include <deque>
#include <unordered_map>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"
#include "judge/checker_support.h"
#include "judge/history_context.h"

namespace bg::judge {

// no_cut_in_flight (races.md R05, R06): no request accepted by a backend is cut by its shutdown. The
// backends log each request they drop on exit ("cut"). A cut counts when the client could tell: its
// request did not end ok, or it was a POST (its handler had already run, so the proxy's resending it,
// if allowed, runs it again). Simplification of races.md's wording: a cut GET that nginx passed on to
// the other peer unseen (nothing had reached the client, semantics.md §1) is listed in the summary
// but not counted, since the client saw a normal answer.
// A cut waits for its request (appended when the client is done with it) for core::kAppendLag.
class NoCutInFlightChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry& entry, const HistoryContext& context);
  reports::InvariantResult finish(const HistoryContext& context);

 private:
  struct Cut {
    uint64_t seq = 0;
    core::AppEvent event;
  };
  void judge(const Cut& cut, const core::RequestEvent* request);
  void remember(const core::RequestEvent& q);
  void forget_old(core::Time clock);

  std::unordered_map<uint64_t, std::vector<Cut>> waiting_;  // by request id
  std::deque<std::pair<core::Time, uint64_t>> arrivals_;    // (cut time, request id), oldest first
  // Requests read in the last append lag, for a cut logged after its request (the backend's exit
  // noticed after the client was done): the ones a cut would count for in full, the rest by id.
  std::unordered_map<uint64_t, core::RequestEvent> recent_seen_;
  std::unordered_map<uint64_t, core::Time> recent_unseen_;
  std::deque<std::pair<core::Time, uint64_t>> recent_order_;
  EarliestEvidence evidence_;
  int64_t absorbed_ = 0;
  int64_t not_client_ = 0;  // cuts of requests without a client id (health checks, probes)
};

}  // namespace bg::judge
