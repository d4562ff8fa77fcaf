#include "judge/checker_post_at_most_once.h"

#include <fmt/format.h>

namespace bg::judge {

reports::InvariantResult PostAtMostOnceChecker::check(const std::vector<core::Entry>& entries) const {
  PostAtMostOnceChecker fresh;
  return check_whole(fresh, entries);
}

void PostAtMostOnceChecker::judge(const core::RequestEvent& q) {
  std::vector<core::AppEvent> runs;
  if (auto node = executions_.extract(q.id)) runs = std::move(node.mapped());
  if (runs.size() > 1) {
    std::string where;
    for (const auto& e : runs)
      where += fmt::format("{}{} at {}", where.empty() ? "" : ", ", e.container, checker_secs(e.at));
    add_violation(result_, fmt::format("request #{} POST {} sent at {} was executed {} times ({}); the client saw {}",
                                       q.id, q.path, checker_secs(q.start), runs.size(), where,
                                       q.status ? std::to_string(q.status) : q.error));
  } else if (runs.empty() && q.outcome == core::Outcome::ok) {
    add_violation(result_, fmt::format("request #{} POST {} sent at {} got {} but no backend executed it", q.id, q.path,
                                       checker_secs(q.start), q.status));
  }
}

// Executions of no POST still waiting: their request was judged already, or is not a POST.
void PostAtMostOnceChecker::prune_executions(core::Time clock) {
  std::erase_if(executions_, [&](const auto& kv) { return kv.second.back().at + 2 * core::kAppendLag < clock; });
}

void PostAtMostOnceChecker::observe(const core::Entry& entry, const HistoryContext& context) {
  if (auto* a = std::get_if<core::AppEvent>(&entry.event);
      a && a->what == core::AppWhat::execution && a->request_id != 0) {
    executions_[a->request_id].push_back(*a);
  } else if (auto* q = std::get_if<core::RequestEvent>(&entry.event); q && q->method == "POST") {
    ++posts_;
    waiting_.push_back(*q);
  }
  while (!waiting_.empty() && waiting_.front().end + core::kAppendLag < context.clock) {
    judge(waiting_.front());
    waiting_.pop_front();
  }
  if (++observed_ % 4096 == 0) prune_executions(context.clock);
}

reports::InvariantResult PostAtMostOnceChecker::finish(const HistoryContext&) {
  for (const auto& q : waiting_) judge(q);
  waiting_.clear();
  executions_.clear();
  auto r = result_;
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("each of {} POSTs was executed at most once", posts_)
                     : fmt::format("{} of {} POSTs were executed more than once or not at all", r.violations, posts_);
  return r;
}

}  // namespace bg::judge
