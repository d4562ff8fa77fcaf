#include "reports/report_history.h"

namespace bg::reports {

void ReportHistory::observe(const core::Entry& entry) {
  if (dropped_) return;
  if (entries_.size() >= limit_) {
    dropped_ = true;
    entries_ = {};  // frees the copy: the report reads the saved file instead
    return;
  }
  entries_.push_back(entry);
}

}  // namespace bg::reports
