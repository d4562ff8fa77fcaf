#include "reports/timeline_model.h"

#include <algorithm>
#include <cmath>

namespace bg::reports {
namespace {

std::string color_of(const std::string& container) {
  if (container.find("green") != std::string::npos) return "green";
  if (container.find("blue") != std::string::npos) return "blue";
  return "other";
}

// Nearest-rank percentile of sorted values.
core::Duration percentile(const std::vector<core::Duration>& sorted, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
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

// Latency bins from the 1-2-5 edge at or below the fastest request to the edge above the slowest.
std::vector<HistogramBin> latency_histogram(const std::vector<core::RequestEvent>& requests) {
  std::vector<HistogramBin> bins;
  if (requests.empty()) return bins;
  core::Duration lo = core::Duration::max(), hi{};
  for (const auto& q : requests) {
    lo = std::min(lo, q.end - q.intended);
    hi = std::max(hi, q.end - q.intended);
  }
  const auto edges = one_two_five(hi);
  for (size_t i = 0; i + 1 < edges.size(); ++i)
    if (edges[i + 1] > lo || i + 2 == edges.size()) bins.push_back({edges[i], edges[i + 1]});
  for (const auto& q : requests) {
    const auto latency = q.end - q.intended;
    auto it = std::find_if(bins.begin(), bins.end(), [&](const auto& b) { return latency < b.to; });
    auto& bin = it == bins.end() ? bins.back() : *it;
    (q.outcome == core::Outcome::ok ? bin.ok : bin.failed)++;
  }
  return bins;
}

// Series in the order their builds first served, so that the stack reads old build at the bottom.
size_t series_index(TimelineModel& m, const core::RequestEvent& q) {
  const std::string key = q.served_by + " " + q.build_id;
  for (size_t i = 0; i < m.series.size(); ++i)
    if (m.series[i].key == key) return i;
  ServingSeries s{key, q.served_by, q.build_id, color_of(q.served_by)};
  s.shade = static_cast<int>(std::count_if(m.series.begin(), m.series.end(), [&](const auto& o) { return o.color == s.color; }));
  m.series.push_back(s);
  return m.series.size() - 1;
}

void add_band(TimelineModel& m, int swap, SwapPhase phase, std::optional<core::Time> from, std::optional<core::Time> to) {
  if (!from) return;
  PhaseBand b{swap, phase, std::max(*from, m.from), std::min(to.value_or(m.to), m.to), !to.has_value()};
  if (b.to > b.from) m.bands.push_back(b);
}

// Both serving, from the responses themselves: the new build is the one the new container first
// answered with; the window runs from that answer to the last answer by any other build before the
// swap ended. (Not the summary's mixed_from/mixed_to: a container name reused by a later swap must not
// change which build counts as new.)
std::optional<std::pair<core::Time, core::Time>> both_serving(const SwapSummary& s,
                                                             const std::vector<core::RequestEvent>& by_end,
                                                             core::Time swap_end) {
  if (!s.new_started || s.new_container.empty()) return std::nullopt;
  auto first = std::find_if(by_end.begin(), by_end.end(), [&](const auto& q) {
    return q.outcome == core::Outcome::ok && q.served_by == s.new_container && q.end >= *s.new_started;
  });
  if (first == by_end.end()) return std::nullopt;
  std::optional<core::Time> last_old;
  for (auto it = first; it != by_end.end() && it->end <= swap_end; ++it)
    if (it->outcome == core::Outcome::ok && !it->build_id.empty() && it->build_id != first->build_id) last_old = it->end;
  if (!last_old) return std::nullopt;
  return std::pair{first->end, *last_old};
}

// Build: the deployment's image builds (the deploy script's `docker build` calls). New color
// starting: started .. ready. Both serving: see both_serving.
// Old color draining: asked to stop .. exited. Old color down: exited .. the next deployment began.
void derive_bands(TimelineModel& m, const RunResult& r, const std::vector<core::Entry>& entries,
                  const std::vector<core::RequestEvent>& by_end) {
  for (const auto& d : core::events_of<core::DeployEvent>(entries))
    if (d.kind == "deployment_started" && d.deployment >= 1) m.swap_starts[d.deployment] = d.at;
  for (const auto& shim : core::events_of<core::ShimEvent>(entries)) {
    const bool docker_build = shim.program == "docker" && !shim.args.empty() && shim.args[0] == "build";
    const bool compose_build = shim.program == "docker-compose" &&
                               std::find(shim.args.begin(), shim.args.end(), "build") != shim.args.end();
    if (shim.deployment >= 1 && (docker_build || compose_build))
      add_band(m, shim.deployment, SwapPhase::build, shim.start, shim.end);
  }
  for (const auto& s : r.swaps) {
    add_band(m, s.deployment, SwapPhase::new_starting, s.new_started, s.new_ready);
    if (auto mixed = both_serving(s, by_end, s.finished.value_or(m.to)))
      add_band(m, s.deployment, SwapPhase::both_serving, mixed->first, mixed->second);
    add_band(m, s.deployment, SwapPhase::old_draining, s.old_stop_requested, s.old_stopped);
    auto next = m.swap_starts.upper_bound(s.deployment);
    add_band(m, s.deployment, SwapPhase::old_down, s.old_stopped,
             next == m.swap_starts.end() ? m.to : next->second);
    if (next == m.swap_starts.end() && !m.bands.empty() && m.bands.back().phase == SwapPhase::old_down)
      m.bands.back().open_ended = false;   // down until the end of the run is simply down
  }
}

// Requests arrive in end order; a failure joins its class's latest mark when close enough to it.
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

void fill_buckets(TimelineModel& m, const std::vector<core::RequestEvent>& requests,
                  const std::vector<size_t>& series_of, const std::vector<std::optional<size_t>>& class_of) {
  const auto n = static_cast<size_t>((m.to - m.from) / m.bucket) + 1;
  m.buckets.assign(n, Bucket{});
  std::vector<std::vector<core::Duration>> latencies(n);
  for (size_t b = 0; b < n; ++b) {
    m.buckets[b].from = m.from + m.bucket * static_cast<int64_t>(b);
    m.buckets[b].served.assign(m.series.size(), 0);
    m.buckets[b].failed.assign(m.failure_classes.size(), 0);
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& q = requests[i];
    const auto b = static_cast<size_t>(std::clamp<int64_t>((q.end - m.from) / m.bucket, 0, static_cast<int64_t>(n) - 1));
    if (class_of[i]) ++m.buckets[b].failed[*class_of[i]];
    else ++m.buckets[b].served[series_of[i]];
    latencies[b].push_back(q.end - q.intended);
  }
  for (size_t b = 0; b < n; ++b) {
    auto& bucket = m.buckets[b];
    int64_t total = 0;
    for (auto v : bucket.served) total += v;
    for (auto v : bucket.failed) total += v;
    m.max_bucket_total = std::max(m.max_bucket_total, total);
    if (latencies[b].empty()) continue;
    std::sort(latencies[b].begin(), latencies[b].end());
    bucket.p50 = percentile(latencies[b], 0.50);
    bucket.p99 = percentile(latencies[b], 0.99);
    m.max_latency = std::max(m.max_latency, latencies[b].back());
  }
}

}  // namespace

std::string request_failure_class(const core::RequestEvent& q, const std::vector<core::ProxyEvent>& log) {
  if (q.status == 0) return q.error.empty() ? "no_response" : q.error;
  std::string cls = std::to_string(q.status);
  // The last error-log line of the request says why the proxy gave up.
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    const std::string& text = it->message;
    if (it->level != "error") continue;
    if (text.find("no live upstreams") != std::string::npos) return cls + " no live upstreams";
    if (text.find("prematurely closed") != std::string::npos) return cls + " upstream prematurely closed";
    if (text.find("Connection refused") != std::string::npos) return cls + " connection refused";
    if (text.find("Connection reset") != std::string::npos) return cls + " connection reset";
    if (text.find("timed out") != std::string::npos) return cls + " upstream timed out";
  }
  return cls;
}

const char* phase_key(SwapPhase p) {
  switch (p) {
    case SwapPhase::build: return "build";
    case SwapPhase::new_starting: return "new_starting";
    case SwapPhase::both_serving: return "both_serving";
    case SwapPhase::old_draining: return "old_draining";
    case SwapPhase::old_down: return "old_down";
  }
  return "";
}

const char* phase_label(SwapPhase p) {
  switch (p) {
    case SwapPhase::build: return "build";
    case SwapPhase::new_starting: return "new color starting";
    case SwapPhase::both_serving: return "both serving";
    case SwapPhase::old_draining: return "old color draining";
    case SwapPhase::old_down: return "old color down";
  }
  return "";
}

core::Duration nice_step(core::Duration span, int target) {
  const core::Duration raw = span / std::max(target, 1);
  for (auto step : one_two_five(core::Duration::max() / 1000))
    if (step >= raw && step >= core::Duration(1000)) return step;
  return core::Duration(1000);
}

TimelineModel derive_timeline(const RunResult& r, const std::vector<core::Entry>& entries, int target_buckets) {
  TimelineModel m;
  auto requests = core::events_of<core::RequestEvent>(entries);
  if (requests.empty()) return m;
  std::sort(requests.begin(), requests.end(), [](const auto& a, const auto& b) { return a.end < b.end; });
  std::map<uint64_t, std::vector<core::ProxyEvent>> error_log;
  for (const auto& p : core::events_of<core::ProxyEvent>(entries))
    if (p.kind == "error_log" && p.request_id) error_log[p.request_id].push_back(p);

  m.from = requests.front().intended;
  m.to = requests.front().end;
  for (const auto& q : requests) {
    m.from = std::min(m.from, q.intended);
    m.to = std::max(m.to, q.end);
  }
  m.bucket = nice_step(m.to - m.from, target_buckets);

  // Classes first, so that the most frequent one is drawn nearest the axis and listed first.
  std::map<std::string, int64_t> counts;
  std::vector<std::string> class_names(requests.size());
  for (size_t i = 0; i < requests.size(); ++i)
    if (requests[i].outcome != core::Outcome::ok)
      ++counts[class_names[i] = request_failure_class(requests[i], error_log[requests[i].id])];
  for (const auto& [name, n] : counts) m.failure_classes.push_back(name);
  std::stable_sort(m.failure_classes.begin(), m.failure_classes.end(),
                   [&](const auto& a, const auto& b) { return counts[a] > counts[b]; });
  for (const auto& name : m.failure_classes) m.failure_counts.push_back(counts[name]);

  std::map<std::pair<size_t, bool>, size_t> open_marks;   // (class, indeterminate) -> its latest mark
  std::vector<size_t> series_of(requests.size(), 0);
  std::vector<std::optional<size_t>> class_of(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& q = requests[i];
    if (q.outcome == core::Outcome::ok) {
      series_of[i] = series_index(m, q);
      continue;
    }
    class_of[i] = static_cast<size_t>(
        std::find(m.failure_classes.begin(), m.failure_classes.end(), class_names[i]) - m.failure_classes.begin());
    add_mark(m, {q.end, q.end, *class_of[i], q.id, 1, q.outcome == core::Outcome::info}, open_marks);
  }
  fill_buckets(m, requests, series_of, class_of);
  derive_bands(m, r, entries, requests);
  m.histogram = latency_histogram(requests);
  return m;
}

}  // namespace bg::reports
