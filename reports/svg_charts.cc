#include "reports/svg_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/svg_writer.h"

namespace bg::reports {
namespace {

constexpr double kWidth = 1100, kLeft = 150, kRight = 16;
constexpr const char* kAxis = "#5f6b7a";
constexpr const char* kGrid = "#e3e7ec";

// Maps scenario time onto the shared x axis: every chart lines up with the timeline above it.
struct TimeAxis {
  core::Time from{}, to{};
  double x(core::Time t) const {
    const double span = std::max<double>(static_cast<double>((to - from).count()), 1);
    return kLeft + static_cast<double>((t - from).count()) / span * (kWidth - kLeft - kRight);
  }
};

std::string seconds_label(core::Time t, core::Duration step) {
  return step >= std::chrono::seconds(1) ? fmt::format("{:.0f}s", core::to_seconds(t))
                                         : fmt::format("{:.1f}s", core::to_seconds(t));
}

std::string span_label(core::Time from, core::Time to) {
  return fmt::format("{:.2f}s – {:.2f}s ({:.2f}s)", core::to_seconds(from), core::to_seconds(to),
                     core::to_seconds(to - from));
}

// A 1-2-5 count step giving at most ~5 gridlines up to max.
int64_t count_step(int64_t max) {
  for (int64_t decade = 1;; decade *= 10)
    for (int64_t m : {1, 2, 5})
      if (decade * m * 5 >= max) return decade * m;
}

// A y axis title in two short lines left of the tick labels (SvgWriter draws no rotated text).
void axis_title(SvgWriter& svg, double y, const std::string& first, const std::string& second) {
  svg.text(12, y, first, "start", "axis-title");
  if (!second.empty()) svg.text(12, y + 14, second, "start", "axis-title");
}

void time_ticks(SvgWriter& svg, const TimeAxis& axis, double top, double bottom) {
  const auto step = nice_step(axis.to - axis.from, 10);
  const auto first = (axis.from + step - core::Duration(1)) / step * step;
  for (auto t = first; t <= axis.to; t += step) {
    svg.line(axis.x(t), top, axis.x(t), bottom, {.stroke = kGrid});
    svg.text(axis.x(t), bottom + 14, seconds_label(t, step), "middle", "tick");
  }
  svg.text(kWidth - kRight, bottom + 28, "scenario seconds since the run began", "end", "axis-title");
}

// Translucent bands behind a chart's data: when each swap was starting, mixed or draining.
void shade_phases(SvgWriter& svg, const TimelineModel& m, const TimeAxis& axis, double top, double bottom) {
  for (const auto& b : m.bands) {
    if (b.phase == SwapPhase::old_down) continue;  // the steady state after a swap: left unshaded
    svg.rect(axis.x(b.from), top, axis.x(b.to) - axis.x(b.from), bottom - top,
             {.fill = phase_color(b.phase),
              .opacity = 0.16,
              .css_class = std::string("band-shade shade-") + phase_key(b.phase)});
  }
}

void draw_lanes(SvgWriter& svg, const TimelineModel& m, const TimeAxis& axis, double top, double lane) {
  int row = 0;
  for (auto phase : kPhaseLanes) {
    const double y = top + lane * row++;
    svg.rect(kLeft, y + 1, kWidth - kLeft - kRight, lane - 2, {.fill = "#f4f6f8"});
    svg.text(kLeft - 8, y + lane - 4, phase_label(phase), "end", "lane-label");
    for (const auto& b : m.bands) {
      if (b.phase != phase) continue;
      svg.rect(axis.x(b.from), y + 1, std::max(axis.x(b.to) - axis.x(b.from), 1.5), lane - 2,
               {.fill = phase_color(phase),
                .stroke = b.open_ended ? "#263238" : "none",
                .css_class = std::string("band band-") + phase_key(phase),
                .title = fmt::format("swap {}: {} {}{}", b.swap, phase_label(phase), span_label(b.from, b.to),
                                     b.open_ended ? ", had not ended when the history did" : ""),
                .dash = b.open_ended ? "3 2" : ""});
    }
  }
  for (const auto& [n, at] : m.swap_starts) {
    if (at < m.from || at > m.to) continue;
    svg.text(axis.x(at) + 3, top - 6, fmt::format("swap {}", n), "start", "swap-label");
  }
}

std::string bucket_title(const TimelineModel& m, const Bucket& b) {
  std::string t = span_label(b.from, b.from + m.bucket);
  for (size_t i = 0; i < m.series.size(); ++i)
    if (b.served[i]) t += fmt::format("\n{} ok from {} ({})", b.served[i], m.series[i].container, m.series[i].build_id);
  for (size_t i = 0; i < m.failure_classes.size(); ++i)
    if (b.failed[i]) t += fmt::format("\n{} failed: {}", b.failed[i], m.failure_classes[i]);
  return t;
}

void draw_bars(SvgWriter& svg, const TimelineModel& m, const TimeAxis& axis, double top, double bottom) {
  const int64_t step = count_step(m.max_bucket_total);
  const int64_t ceiling = std::max<int64_t>((m.max_bucket_total + step - 1) / step * step, 1);
  const double scale = (bottom - top) / static_cast<double>(ceiling);
  for (int64_t v = 0; v <= ceiling; v += step) {
    svg.line(kLeft, bottom - v * scale, kWidth - kRight, bottom - v * scale, {.stroke = kGrid});
    svg.text(kLeft - 6, bottom - v * scale + 4, std::to_string(v), "end", "tick");
  }
  for (const auto& b : m.buckets) {
    const double x0 = axis.x(b.from), w = axis.x(b.from + m.bucket) - x0;
    const double bar = w > 3 ? w - 0.6 : w;
    double y = bottom;
    svg.open_group("bucket", bucket_title(m, b));
    for (size_t i = 0; i < b.served.size(); ++i) {
      if (!b.served[i]) continue;
      const double h = b.served[i] * scale;
      svg.rect(x0, y - h, bar, h, {.fill = series_color(m.series[i]), .css_class = "served"});
      y -= h;
    }
    for (size_t i = 0; i < b.failed.size(); ++i) {
      if (!b.failed[i]) continue;
      const double h = b.failed[i] * scale;
      svg.rect(x0, y - h, bar, h, {.fill = failure_color(i), .css_class = "failed"});
      y -= h;
    }
    svg.close_group();
  }
  svg.line(kLeft, bottom, kWidth - kRight, bottom, {.stroke = kAxis});
  axis_title(svg, (top + bottom) / 2, "requests", "per " + format_latency(m.bucket));
}

std::string mark_title(const TimelineModel& m, const FailureMark& f) {
  const auto& cls = m.failure_classes[f.failure_class];
  if (f.count == 1) return fmt::format("#{} {} at {:.3f}s", f.request_id, cls, core::to_seconds(f.at));
  return fmt::format("{} requests {}: {}, {:.3f}s – {:.3f}s (first #{})", f.count,
                     f.indeterminate ? "indeterminate" : "failed", cls, core::to_seconds(f.at),
                     core::to_seconds(f.last), f.request_id);
}

void draw_marks(SvgWriter& svg, const TimelineModel& m, const TimeAxis& axis, double top, double height) {
  svg.rect(kLeft, top, kWidth - kLeft - kRight, height, {.fill = "#fbeaea"});
  svg.text(kLeft - 8, top + height - 5, "failed requests", "end", "lane-label");
  for (const auto& f : m.marks)
    svg.rect(axis.x(f.at) - 1.5, top + 2, 3, height - 4,
             {.fill = failure_color(f.failure_class),
              .opacity = f.indeterminate ? 0.5 : 0.9,
              .css_class = f.indeterminate ? "fail-mark indeterminate" : "fail-mark",
              .title = mark_title(m, f),
              .data_n = std::to_string(f.count)});
}

double log_y(core::Duration d, double lo, double hi, double top, double bottom) {
  const double v = std::log10(std::max<double>(static_cast<double>(d.count()), 1));
  return bottom - (std::clamp(v, lo, hi) - lo) / (hi - lo) * (bottom - top);
}

std::string percentile_path(const TimelineModel& m, const TimeAxis& axis, bool p99, double lo, double hi, double top,
                            double bottom) {
  std::string d;
  bool pen_down = false;
  for (const auto& b : m.buckets) {
    const auto& v = p99 ? b.p99 : b.p50;
    if (!v) {
      pen_down = false;
      continue;
    }
    d += fmt::format("{}{} {}", pen_down ? "L" : "M", px(axis.x(b.from + m.bucket / 2)),
                     px(log_y(*v, lo, hi, top, bottom)));
    pen_down = true;
  }
  return d;
}

}  // namespace

std::string series_color(const ServingSeries& s) {
  static const char* blue[] = {"#1f5fbf", "#6b9be6", "#0d3b85", "#a9c4f0"};
  static const char* green[] = {"#2e8b3e", "#74c27f", "#175c24", "#b0dcb6"};
  static const char* other[] = {"#7e57c2", "#b39ddb", "#4a2c8a", "#d1c4e9"};
  const auto& palette = s.color == "blue" ? blue : s.color == "green" ? green : other;
  return palette[static_cast<size_t>(s.shade) % 4];
}

std::string failure_color(size_t i) {
  static const char* reds[] = {"#d32f2f", "#ff7043", "#8e0000", "#f06292", "#ffb300", "#6d4c41"};
  return reds[i % 6];
}

std::string phase_color(SwapPhase p) {
  switch (p) {
    case SwapPhase::build:
      return "#9aa5b1";
    case SwapPhase::new_starting:
      return "#f2b705";
    case SwapPhase::both_serving:
      return "#8e6fd1";
    case SwapPhase::old_draining:
      return "#ef6c00";
    case SwapPhase::old_down:
    case SwapPhase::after_script:
      return "#455a64";
  }
  return "#999";
}

std::string format_latency(core::Duration d) {
  const auto us = d.count();
  if (us < 1000) return fmt::format("{}µs", us);
  if (us < 1000000) return us % 1000 == 0 ? fmt::format("{}ms", us / 1000) : fmt::format("{:.1f}ms", us / 1000.0);
  return us % 1000000 == 0 ? fmt::format("{}s", us / 1000000) : fmt::format("{:.2f}s", us / 1e6);
}

std::string timeline_svg(const TimelineModel& m) {
  constexpr double lanes_top = 30, lane = 16, chart_top = lanes_top + lane * 5 + 14, chart_bottom = chart_top + 230;
  constexpr double marks_top = chart_bottom + 10, marks_h = 20, height = marks_top + marks_h + 48;
  SvgWriter svg(kWidth, height, "timeline", "requests over time by serving build, failures and swap phases");
  const TimeAxis axis{m.from, m.to};
  time_ticks(svg, axis, chart_top, marks_top + marks_h + 2);
  shade_phases(svg, m, axis, chart_top, chart_bottom);
  draw_lanes(svg, m, axis, lanes_top, lane);
  for (const auto& [n, at] : m.swap_starts)
    if (at >= m.from && at <= m.to)
      svg.line(axis.x(at), lanes_top - 16, axis.x(at), marks_top + marks_h,
               {.stroke = "#37474f", .stroke_width = 1, .css_class = "swap-start", .dash = "4 3"});
  draw_bars(svg, m, axis, chart_top, chart_bottom);
  draw_marks(svg, m, axis, marks_top, marks_h);
  return svg.str();
}

std::string latency_svg(const TimelineModel& m) {
  constexpr double top = 14, bottom = 214, height = bottom + 44;
  SvgWriter svg(kWidth, height, "latency", "latency per time bucket, p50 and p99, log scale");
  const TimeAxis axis{m.from, m.to};
  core::Duration fastest = core::Duration::max();
  for (const auto& b : m.buckets)
    if (b.p50) fastest = std::min(fastest, *b.p50);
  if (fastest == core::Duration::max()) fastest = core::Duration(1000);
  const double lo = std::floor(std::log10(std::max<double>(static_cast<double>(fastest.count()), 1)));
  const double hi =
      std::max(lo + 1, std::ceil(std::log10(std::max<double>(static_cast<double>(m.max_latency.count()), 1))));
  time_ticks(svg, axis, top, bottom);
  shade_phases(svg, m, axis, top, bottom);
  for (double e = lo; e <= hi; e += 1) {
    const double y = log_y(core::Duration(static_cast<int64_t>(std::pow(10, e))), lo, hi, top, bottom);
    svg.line(kLeft, y, kWidth - kRight, y, {.stroke = kGrid});
    svg.text(kLeft - 6, y + 4, format_latency(core::Duration(static_cast<int64_t>(std::pow(10, e)))), "end", "tick");
  }
  svg.line(kLeft, bottom, kWidth - kRight, bottom, {.stroke = kAxis});
  svg.path(percentile_path(m, axis, true, lo, hi, top, bottom),
           {.stroke = "#e65100", .stroke_width = 1.6, .css_class = "p99"});
  svg.path(percentile_path(m, axis, false, lo, hi, top, bottom),
           {.stroke = "#263238", .stroke_width = 1.6, .css_class = "p50"});
  axis_title(svg, (top + bottom) / 2, "latency", "end − intended");
  return svg.str();
}

std::string histogram_svg(const TimelineModel& m) {
  constexpr double top = 20, bottom = 170, height = bottom + 44;
  SvgWriter svg(kWidth, height, "histogram", "latency histogram, ok and failed requests");
  int64_t max = 1;
  for (const auto& b : m.histogram) max = std::max(max, b.ok + b.failed);
  const double slot = (kWidth - kLeft - kRight) / std::max<double>(static_cast<double>(m.histogram.size()), 1);
  for (size_t i = 0; i < m.histogram.size(); ++i) {
    const auto& b = m.histogram[i];
    const double x = kLeft + slot * static_cast<double>(i) + 2, w = slot - 4;
    const double h_ok = (bottom - top) * static_cast<double>(b.ok) / static_cast<double>(max);
    const double h_fail = (bottom - top) * static_cast<double>(b.failed) / static_cast<double>(max);
    const auto title =
        fmt::format("{} – {}: {} ok, {} failed", format_latency(b.from), format_latency(b.to), b.ok, b.failed);
    svg.rect(x, bottom - h_ok, w, h_ok, {.fill = "#78909c", .css_class = "hist-ok", .title = title});
    svg.rect(x, bottom - h_ok - h_fail, w, h_fail, {.fill = "#d32f2f", .css_class = "hist-failed", .title = title});
    if (b.ok + b.failed)
      svg.text(x + w / 2, bottom - h_ok - h_fail - 4, std::to_string(b.ok + b.failed), "middle", "tick");
    svg.text(x + w / 2, bottom + 14, format_latency(b.from) + "–" + format_latency(b.to), "middle", "tick");
  }
  svg.line(kLeft, bottom, kWidth - kRight, bottom, {.stroke = kAxis});
  axis_title(svg, (top + bottom) / 2, "requests", "");
  svg.text(kWidth - kRight, bottom + 30, "latency (end − intended), log-spaced bins", "end", "axis-title");
  return svg.str();
}

}  // namespace bg::reports
