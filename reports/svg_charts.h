#pragma once
// The HTML report's charts as inline SVG, drawn from a TimelineModel: the request timeline (stacked
// by serving build, failures in red, swap phases as shaded bands, failure marks), latency over time
// (p50/p99 per bucket) and the latency histogram. Elements carry CSS classes (band-<phase>,
// fail-mark, served, failed) so that tests and readers can find them.
#include <string>

#include "reports/timeline_model.h"

namespace bg::reports {

std::string timeline_svg(const TimelineModel& model);
std::string latency_svg(const TimelineModel& model);
std::string histogram_svg(const TimelineModel& model);

// The palette, shared with the page's legends: blue and green containers in their own hues (a
// lighter shade per later build), failure classes in reds, phases in distinct muted colors.
std::string series_color(const ServingSeries& series);
std::string failure_color(size_t failure_class);
std::string phase_color(SwapPhase phase);

// "850µs", "12ms", "1.5s": latency as a person reads it.
std::string format_latency(core::Duration d);

}  // namespace bg::reports
