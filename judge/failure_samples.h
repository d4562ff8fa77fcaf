#pragma once
// FailureSamples: the first failed requests of a run (by send time), each with the proxy's
// error-log lines about it and what every container was doing at the instant it failed: the
// report's "first failures". Read in one pass: only the earliest few failures seen so far keep a
// snapshot of the containers, and each container's last two states are kept to place an event
// appended a moment after the failure it preceded.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/failed_request_join.h"
#include "reports/run_result.h"

namespace bg::judge {

class FailureSamples {
 public:
  explicit FailureSamples(size_t keep = 10) : keep_(keep) {}
  // Every entry, in history order.
  void observe(const core::Entry& entry);
  // A failure as the FailedRequestJoin hands it on, its proxy lines joined.
  void joined(const reports::JoinedFailure& failure);
  // The samples, earliest sent first.
  std::vector<reports::FailureSample> finish() const;

 private:
  using Key = std::pair<core::Time, uint64_t>;  // (start, seq)
  struct State {
    std::string what, before;
    core::Time at{}, before_at{};
    bool has_before = false;
  };
  struct Snapshot {
    Key key;
    core::Time at{};                            // the request's end
    std::map<std::string, std::string> states;  // container -> what it was doing
  };
  void update(const std::string& container, const std::string& what, core::Time at);
  Snapshot snapshot_at(const Key& key, core::Time t) const;

  size_t keep_;
  std::map<std::string, State> states_;     // by container
  std::set<Key> candidates_;                // the earliest failed requests read so far
  std::map<uint64_t, Snapshot> snapshots_;  // by request id, for the candidates
  std::map<Key, reports::FailureSample> samples_;
};

}  // namespace bg::judge
