#include "reports/timeline_model.h"

#include <algorithm>
#include <unordered_map>

namespace bg::reports {
namespace {

std::string color_of(const std::string& container) {
  if (container.find("green") != std::string::npos) return "green";
  if (container.find("blue") != std::string::npos) return "blue";
  return "other";
}

// The 1-2-5 sequence of durations from 10 µs up.
std::vector<core::Duration> one_two_five(core::Duration up_to) {
  std::vector<core::Duration> out;
  for (int64_t decade = 10;; decade *= 10)
    for (int64_t m : {1, 2, 5}) {
      out.push_back(core::Duration(decade * m));
      if (out.back() > up_to) return out;
    }
}

// The latency bin [e_i, e_i+1) of the 1-2-5 edges from 10 µs that holds `latency` (the first one
// for anything faster): counted per edge while scanning, cut to the run's range at the end.
size_t latency_bin(core::Duration latency) {
  size_t i = 0;
  for (int64_t decade = 10;; decade *= 10)
    for (int64_t m : {2, 5, 10}) {
      if (latency < core::Duration(decade * m)) return i;
      ++i;
    }
}

void add_band(TimelineModel& m, int swap, SwapPhase phase, std::optional<core::Time> from,
              std::optional<core::Time> to) {
  if (!from) return;
  PhaseBand b{swap, phase, std::max(*from, m.from), std::min(to.value_or(m.to), m.to), !to.has_value()};
  if (b.to > b.from) m.bands.push_back(b);
}

// Failures arrive in end order; one joins its class's latest mark when close enough to it.
void add_mark(TimelineModel& m, FailureMark mark, std::map<std::pair<size_t, bool>, size_t>& open) {
  const auto key = std::pair{mark.failure_class, mark.indeterminate};
  const core::Duration near = std::max(core::Duration(1), (m.to - m.from) / kMarkColumns);
  if (auto it = open.find(key); it != open.end() && mark.at - m.marks[it->second].at < near) {
    auto& joined = m.marks[it->second];
    joined.last = mark.at;
    ++joined.count;
    return;
  }
  open[key] = m.marks.size();
  m.marks.push_back(mark);
}

// The first answer of a swap's new container (the smallest end, then the earliest entry).
struct FirstAnswer {
  core::Time end{};
  uint64_t seq = 0;
  std::string build_id;
};

}  // namespace

// Pass 1: the chart's span, the failure classes by frequency, the order the series first served in,
// each swap's first answer from its new container, the latency bins, swap starts and builds.
struct TimelineBuilder::Scan {
  bool any = false;
  core::Time from{}, to{};
  std::map<std::string, int64_t> class_counts;
  FailedRequestJoin join{[this](JoinedFailure&& f) { ++class_counts[f.cause()]; }};
  struct SeriesSeen {
    core::Time first_end{};
    uint64_t seq = 0;
    std::string container, build_id;
  };
  std::map<std::string, SeriesSeen> series;
  std::unordered_multimap<std::string, size_t> swaps_by_new_container;
  std::vector<std::optional<FirstAnswer>> first_answer;  // per r.swaps index
  std::vector<int64_t> bin_ok, bin_failed;
  core::Duration fastest = core::Duration::max(), slowest{};
  struct Build {
    int deployment;
    core::Time start, end;
  };
  std::vector<Build> builds;
};

// Pass 2: the buckets, the marks, and the last old-build answer inside each swap's both-serving window.
struct TimelineBuilder::Fill {
  std::map<std::string, size_t> series_index;
  std::map<std::string, size_t> class_index;
  std::vector<LatencyHistogram> latencies;  // per bucket
  std::map<std::pair<size_t, bool>, size_t> open_marks;
  struct Window {
    core::Time from{}, to{};
    std::string build_id;
    size_t swap = 0;
  };
  std::vector<Window> windows;  // by `from`
  core::Duration widest{};
  std::vector<std::optional<core::Time>> last_old;  // per r.swaps index
  std::unique_ptr<FailedRequestJoin> join;
};

TimelineBuilder::TimelineBuilder(const RunResult& result, int target_buckets)
    : result_(result), target_buckets_(target_buckets), scan_(std::make_unique<Scan>()) {
  scan_->first_answer.resize(result.swaps.size());
  for (size_t i = 0; i < result.swaps.size(); ++i)
    if (result.swaps[i].new_started && !result.swaps[i].new_container.empty())
      scan_->swaps_by_new_container.emplace(result.swaps[i].new_container, i);
}

TimelineBuilder::~TimelineBuilder() = default;

void TimelineBuilder::scan(const core::Entry& entry) {
  Scan& s = *scan_;
  s.join.observe(entry);
  if (auto* d = std::get_if<core::DeployEvent>(&entry.event)) {
    if (d->kind == core::DeployEventKind::deployment_started && d->deployment >= 1)
      model_.swap_starts[d->deployment] = d->at;
  } else if (auto* shim = std::get_if<core::ShimEvent>(&entry.event)) {
    const bool docker_build = shim->program == "docker" && !shim->args.empty() && shim->args[0] == "build";
    const bool compose_build = shim->program == "docker-compose" &&
                               std::find(shim->args.begin(), shim->args.end(), "build") != shim->args.end();
    if (shim->deployment >= 1 && (docker_build || compose_build))
      s.builds.push_back({shim->deployment, shim->start, shim->end});
  }
  auto* q = std::get_if<core::RequestEvent>(&entry.event);
  if (!q) return;
  // The span covers each request's every instant: a saved history is input, and one whose request
  // was "intended" after it ended (bg_fuzz_history found it) must not make the span negative.
  const core::Time first = std::min({q->intended, q->start, q->end}), last = std::max({q->intended, q->start, q->end});
  s.from = s.any ? std::min(s.from, first) : first;
  s.to = s.any ? std::max(s.to, last) : last;
  s.any = true;
  const auto latency = q->end - q->intended;
  s.fastest = std::min(s.fastest, latency);
  s.slowest = std::max(s.slowest, latency);
  auto& bins = q->outcome == core::Outcome::ok ? s.bin_ok : s.bin_failed;
  const size_t bin = latency_bin(latency);
  if (bins.size() <= bin) bins.resize(bin + 1, 0);
  ++bins[bin];
  if (q->outcome != core::Outcome::ok) return;
  auto [it, inserted] = s.series.try_emplace(q->served_by + " " + q->build_id,
                                             Scan::SeriesSeen{q->end, entry.seq, q->served_by, q->build_id});
  if (!inserted && std::pair{q->end, entry.seq} < std::pair{it->second.first_end, it->second.seq})
    it->second.first_end = q->end, it->second.seq = entry.seq;
  auto [from, to] = s.swaps_by_new_container.equal_range(q->served_by);
  for (auto sw = from; sw != to; ++sw) {
    auto& first = s.first_answer[sw->second];
    if (q->end < *result_.swaps[sw->second].new_started) continue;
    if (!first || std::pair{q->end, entry.seq} < std::pair{first->end, first->seq})
      first = FirstAnswer{q->end, entry.seq, q->build_id};
  }
}

void TimelineBuilder::end_scan() {
  Scan& s = *scan_;
  s.join.finish();
  fill_ = std::make_unique<Fill>();
  if (!s.any) return;
  TimelineModel& m = model_;
  m.from = s.from;
  m.to = s.to;
  m.bucket = nice_step(m.to - m.from, target_buckets_);
  // Classes most frequent first, so that the most frequent one is drawn nearest the axis.
  for (const auto& [name, n] : s.class_counts) m.failure_classes.push_back(name);
  std::stable_sort(m.failure_classes.begin(), m.failure_classes.end(),
                   [&](const auto& a, const auto& b) { return s.class_counts[a] > s.class_counts[b]; });
  for (size_t i = 0; i < m.failure_classes.size(); ++i) {
    m.failure_counts.push_back(s.class_counts[m.failure_classes[i]]);
    fill_->class_index[m.failure_classes[i]] = i;
  }
  // Series in the order their builds first served, so that the stack reads old build at the bottom.
  std::vector<std::pair<std::string, const Scan::SeriesSeen*>> order;
  for (const auto& [key, seen] : s.series) order.emplace_back(key, &seen);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return std::pair{a.second->first_end, a.second->seq} < std::pair{b.second->first_end, b.second->seq};
  });
  for (const auto& [key, seen] : order) {
    ServingSeries series{key, seen->container, seen->build_id, color_of(seen->container)};
    series.shade = static_cast<int>(
        std::count_if(m.series.begin(), m.series.end(), [&](const auto& o) { return o.color == series.color; }));
    fill_->series_index[key] = m.series.size();
    m.series.push_back(series);
  }
  const auto n = static_cast<size_t>((m.to - m.from) / m.bucket) + 1;
  m.buckets.assign(n, Bucket{});
  for (size_t b = 0; b < n; ++b) {
    m.buckets[b].from = m.from + m.bucket * static_cast<int64_t>(b);
    m.buckets[b].served.assign(m.series.size(), 0);
    m.buckets[b].failed.assign(m.failure_classes.size(), 0);
  }
  fill_->latencies.resize(n);
  // Both serving: from a swap's first new-container answer to the last answer by another build before
  // the swap ended. (Not the summary's mixed_from/mixed_to: a container name reused by a later swap
  // must not change which build counts as new.)
  fill_->last_old.resize(result_.swaps.size());
  for (size_t i = 0; i < result_.swaps.size(); ++i)
    if (const auto& first = s.first_answer[i]) {
      Fill::Window w{first->end, result_.swaps[i].finished.value_or(m.to), first->build_id, i};
      if (w.to < w.from) continue;
      fill_->widest = std::max(fill_->widest, w.to - w.from);
      fill_->windows.push_back(std::move(w));
    }
  std::sort(fill_->windows.begin(), fill_->windows.end(), [](const auto& a, const auto& b) { return a.from < b.from; });
  fill_->join = std::make_unique<FailedRequestJoin>([this](JoinedFailure&& f) {
    const auto& q = f.request;
    const size_t cls = fill_->class_index.at(f.cause());
    const auto b = static_cast<size_t>(
        std::clamp<int64_t>((q.end - model_.from) / model_.bucket, 0, static_cast<int64_t>(model_.buckets.size()) - 1));
    ++model_.buckets[b].failed[cls];
    add_mark(model_, {q.end, q.end, cls, q.id, 1, q.outcome == core::Outcome::info}, fill_->open_marks);
  });
}

void TimelineBuilder::fill(const core::Entry& entry) {
  if (model_.buckets.empty()) return;
  Fill& f = *fill_;
  f.join->observe(entry);
  auto* q = std::get_if<core::RequestEvent>(&entry.event);
  if (!q) return;
  const auto b = static_cast<size_t>(
      std::clamp<int64_t>((q->end - model_.from) / model_.bucket, 0, static_cast<int64_t>(model_.buckets.size()) - 1));
  f.latencies[b].record(q->end - q->intended);
  if (q->outcome != core::Outcome::ok) return;  // counted when the join hands it on, with its class
  ++model_.buckets[b].served[f.series_index.at(q->served_by + " " + q->build_id)];
  if (q->build_id.empty()) return;
  // The windows that may hold this answer start at most `widest` before it.
  auto last = std::upper_bound(f.windows.begin(), f.windows.end(), q->end,
                               [](core::Time t, const Fill::Window& w) { return t < w.from; });
  for (auto it = last; it != f.windows.begin();) {
    --it;
    if (q->end - it->from > f.widest) break;
    if (q->end > it->to || q->build_id == it->build_id) continue;
    auto& slot = f.last_old[it->swap];
    if (!slot || q->end > *slot) slot = q->end;
  }
}

TimelineModel TimelineBuilder::finish() {
  TimelineModel& m = model_;
  if (m.buckets.empty()) return TimelineModel{};
  Fill& f = *fill_;
  f.join->finish();
  for (size_t b = 0; b < m.buckets.size(); ++b) {
    auto& bucket = m.buckets[b];
    int64_t total = 0;
    for (auto v : bucket.served) total += v;
    for (auto v : bucket.failed) total += v;
    m.max_bucket_total = std::max(m.max_bucket_total, total);
    if (f.latencies[b].count() == 0) continue;
    bucket.p50 = f.latencies[b].quantile(0.50);
    bucket.p99 = f.latencies[b].quantile(0.99);
    m.max_latency = std::max(m.max_latency, f.latencies[b].max());
  }
  // Bands: the deployment's image builds (the deploy script's `docker build` calls); new color
  // starting: started .. ready; both serving; old color draining: asked to stop .. exited; old color
  // down: exited .. the next deployment began.
  for (const auto& build : scan_->builds) add_band(m, build.deployment, SwapPhase::build, build.start, build.end);
  for (size_t i = 0; i < result_.swaps.size(); ++i) {
    const auto& s = result_.swaps[i];
    add_band(m, s.deployment, SwapPhase::new_starting, s.new_started, s.new_ready);
    if (scan_->first_answer[i] && f.last_old[i])
      add_band(m, s.deployment, SwapPhase::both_serving, scan_->first_answer[i]->end, f.last_old[i]);
    add_band(m, s.deployment, SwapPhase::old_draining, s.old_stop_requested, s.old_stopped);
    auto next = m.swap_starts.upper_bound(s.deployment);
    add_band(m, s.deployment, SwapPhase::old_down, s.old_stopped, next == m.swap_starts.end() ? m.to : next->second);
    if (next == m.swap_starts.end() && !m.bands.empty() && m.bands.back().phase == SwapPhase::old_down)
      m.bands.back().open_ended = false;  // down until the end of the run is simply down
  }
  // Latency bins from the 1-2-5 edge at or below the fastest request to the edge above the slowest.
  const auto edges = one_two_five(scan_->slowest);
  for (size_t i = 0; i + 1 < edges.size(); ++i) {
    if (!(edges[i + 1] > scan_->fastest || i + 2 == edges.size())) continue;
    HistogramBin bin{edges[i], edges[i + 1]};
    if (i < scan_->bin_ok.size()) bin.ok = scan_->bin_ok[i];
    if (i < scan_->bin_failed.size()) bin.failed = scan_->bin_failed[i];
    m.histogram.push_back(bin);
  }
  return std::move(m);
}

const char* phase_key(SwapPhase p) {
  switch (p) {
    case SwapPhase::build:
      return "build";
    case SwapPhase::new_starting:
      return "new_starting";
    case SwapPhase::both_serving:
      return "both_serving";
    case SwapPhase::old_draining:
      return "old_draining";
    case SwapPhase::old_down:
      return "old_down";
    case SwapPhase::after_script:
      return "after_script";
  }
  return "";
}

core::Duration nice_step(core::Duration span, int target) {
  const core::Duration raw = span / std::max(target, 1);
  for (auto step : one_two_five(core::Duration::max() / 1000))
    if (step >= raw && step >= core::Duration(1000)) return step;
  return core::Duration(1000);
}

TimelineModel derive_timeline_from(const RunResult& r, const core::EntrySource& source, int target_buckets) {
  TimelineBuilder builder(r, target_buckets);
  source([&](const core::Entry& e) { builder.scan(e); });
  builder.end_scan();
  source([&](const core::Entry& e) { builder.fill(e); });
  return builder.finish();
}

TimelineModel derive_timeline(const RunResult& r, const std::vector<core::Entry>& entries, int target_buckets) {
  return derive_timeline_from(r, core::memory_source(entries), target_buckets);
}

}  // namespace bg::reports
