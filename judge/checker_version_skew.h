#pragma once
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"
#include "judge/history_context.h"

namespace bg::judge {

// no_version_skew (races.md R08): every asset a page references is served by the build that served
// the page. A page of build B names only /_next/static/B/... chunks, so the path itself says which
// build the page came from: an asset request another build answered without it (404) is skew. One
// another build served (every build's files on a shared volume) got the page's own file: no skew.
class NoVersionSkewChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry& entry, const HistoryContext& context);
  reports::InvariantResult finish(const HistoryContext& context);

 private:
  reports::InvariantResult result_{"no_version_skew"};
  int64_t assets_ = 0;
};

}  // namespace bg::judge
