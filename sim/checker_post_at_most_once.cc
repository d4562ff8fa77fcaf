#include "sim/checker_post_at_most_once.h"

#include <fmt/format.h>

#include <map>

#include "sim/checker_support.h"

namespace bg::sim {

reports::InvariantResult PostAtMostOnceChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r{"post_at_most_once"};
  std::map<uint64_t, std::vector<core::AppEvent>> executions;
  for (const auto& a : core::events_of<core::AppEvent>(entries))
    if (a.what == "execution" && a.request_id != 0) executions[a.request_id].push_back(a);
  int64_t posts = 0;
  for (const auto& q : core::events_of<core::RequestEvent>(entries)) {
    if (q.method != "POST") continue;
    ++posts;
    const auto it = executions.find(q.id);
    const size_t n = it == executions.end() ? 0 : it->second.size();
    if (n > 1) {
      std::string where;
      for (const auto& e : it->second)
        where += fmt::format("{}{} at {}", where.empty() ? "" : ", ", e.container, checker_secs(e.at));
      add_violation(r, fmt::format("request #{} POST {} sent at {} was executed {} times ({}); the client saw {}", q.id,
                                   q.path, checker_secs(q.start), n, where,
                                   q.status ? std::to_string(q.status) : q.error));
    } else if (n == 0 && q.outcome == core::Outcome::ok) {
      add_violation(r, fmt::format("request #{} POST {} sent at {} got {} but no backend executed it", q.id, q.path,
                                   checker_secs(q.start), q.status));
    }
  }
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("each of {} POSTs was executed at most once", posts)
                     : fmt::format("{} of {} POSTs were executed more than once or not at all", r.violations, posts);
  return r;
}

}  // namespace bg::sim
