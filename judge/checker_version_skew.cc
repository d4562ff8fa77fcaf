#include "judge/checker_version_skew.h"

#include <fmt/format.h>

#include "judge/checker_support.h"

namespace bg::judge {

reports::InvariantResult NoVersionSkewChecker::check(const std::vector<core::Entry>& entries) const {
  NoVersionSkewChecker fresh;
  return check_whole(fresh, entries);
}

void NoVersionSkewChecker::observe(const core::Entry& entry, const HistoryContext&) {
  auto* q = std::get_if<core::RequestEvent>(&entry.event);
  if (!q) return;
  const auto wanted = asset_build(q->path);
  if (!wanted) return;
  ++assets_;
  // Only an app's answer can be skew; a proxy 502 or a refused connect is no_failed_requests' case.
  // Another build that has the chunk too (a shared static volume) served the page's own file.
  if (q->build_id.empty() || q->build_id == *wanted || q->outcome == core::Outcome::ok) return;
  add_violation(
      result_, fmt::format("request #{} {} {} (a chunk of build {}) sent at {} was answered {} by build {} ({})", q->id,
                           q->method, q->path, *wanted, checker_secs(q->start), q->status, q->build_id, q->served_by));
}

reports::InvariantResult NoVersionSkewChecker::finish(const HistoryContext&) {
  auto r = result_;
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("all {} asset requests reached the build of their page", assets_)
                     : fmt::format(
                           "{} of {} asset requests reached another build than their page's (404 / "
                           "ChunkLoadError)",
                           r.violations, assets_);
  return r;
}

}  // namespace bg::judge
