#pragma once
// FailedRequestJoin: each failed request of a history with the proxy's error-log lines about it, in
// bounded memory, for readers that take a history in one pass (the judge, the report's timeline).
// The lines come before the request (the proxy logs, then answers; the client appends its request
// when it ends) or after it (a real nginx's log is read every few milliseconds): a failed request
// waits core::kAppendLag of history time for late lines, and lines whose request never comes are
// dropped after as long. Failures are handed on in the order of their end (then append order), the
// order the timeline merges them in.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/history.h"

namespace bg::reports {

// The failure class of a request, in the wording of the run's failures_by_class ("502 no live
// upstreams", "connect_refused"): the status, and why the proxy gave up from its last error-log line.
std::string request_failure_class(const core::RequestEvent& q, const std::vector<core::ProxyEvent>& error_log);

struct JoinedFailure {
  uint64_t seq = 0;  // the request's entry
  core::RequestEvent request;
  std::vector<core::ProxyEvent> error_log;  // the proxy's error_log lines naming it, in order
  std::string cause() const { return request_failure_class(request, error_log); }
};

class FailedRequestJoin {
 public:
  using Sink = std::function<void(JoinedFailure&&)>;
  explicit FailedRequestJoin(Sink sink, core::Duration lag = core::kAppendLag);

  // Every entry of the history, in order.
  void observe(const core::Entry& entry);
  // The history ended: every failure still waiting is handed on.
  void finish();
  // Failures and lines held right now (what bounded memory means here; tests read it).
  size_t held() const { return waiting_.size() + lines_.size(); }

 private:
  void release_settled();
  void prune_lines();

  Sink sink_;
  core::Duration lag_;
  core::Time clock_{};                          // the latest event time read
  using Key = std::pair<core::Time, uint64_t>;  // (end, seq)
  std::map<Key, JoinedFailure> waiting_;
  std::unordered_map<uint64_t, Key> waiting_by_id_;
  struct Lines {
    std::vector<core::ProxyEvent> lines;
    core::Time last{};
  };
  std::unordered_map<uint64_t, Lines> lines_;  // error_log lines whose request has not come yet
  uint64_t observed_ = 0;
};

}  // namespace bg::reports
