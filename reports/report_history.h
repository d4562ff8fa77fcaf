#pragma once
// ReportHistory: a copy of a run's history kept as it is appended (core::History::set_observer), so
// that the HTML report charts the run from memory. Reading history.jsonl back and parsing every line
// again was about a sixth of a sim run's CPU, after the judge had already seen every entry as it was
// appended. The copy holds up to `limit` entries: a longer run drops it, and its report reads the
// saved file as before, in bounded memory (a run's memory must not grow with its length).
#include <cstddef>
#include <vector>

#include "core/history.h"

namespace bg::reports {

class ReportHistory {
 public:
  // About 400 bytes an entry (a request's), so at most some 40 MB: far above the seed's few thousand.
  static constexpr size_t kDefaultLimit = 100'000;

  explicit ReportHistory(size_t limit = kDefaultLimit) : limit_(limit) {}

  // Every entry of the history, in order (what a reader of its closed file would see).
  void observe(const core::Entry& entry);
  // The whole history, or none when it outgrew the limit (then the report reads the file).
  const std::vector<core::Entry>& entries() const { return entries_; }

 private:
  size_t limit_;
  std::vector<core::Entry> entries_;
  bool dropped_ = false;
};

}  // namespace bg::reports
