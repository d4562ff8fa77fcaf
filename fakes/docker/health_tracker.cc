#include "fakes/docker/health_tracker.h"

#include <regex>

namespace bg::fakes {

HealthTracker::HealthTracker(const Healthcheck& check, core::Time started)
    : interval_(check.interval.value_or(std::chrono::seconds(30))),
      timeout_(check.timeout.value_or(std::chrono::seconds(30))),
      start_period_(check.start_period.value_or(core::Duration(0))),
      retries_(check.retries > 0 ? check.retries : 3),
      started_(started) {}

bool HealthTracker::active(const Healthcheck& check) {
  return !check.disable && !check.test.empty() && check.test.front() != "NONE";
}

HealthProbe HealthTracker::probe_for(const Healthcheck& check) {
  // CMD ["curl", "-f", "http://localhost:3000/api/health"] or CMD-SHELL "curl -f http://... || exit 1".
  static const std::regex url(R"(https?://(localhost|127\.0\.0\.1|0\.0\.0\.0)(:\d+)?(/[^\s'"|;&]*)?)");
  for (const auto& word : check.test) {
    std::smatch m;
    if (std::regex_search(word, m, url)) return {true, m[3].matched ? m[3].str() : "/"};
  }
  return {};
}

std::optional<std::string> HealthTracker::on_probe(core::Time now, bool passed) {
  std::string next = status_;
  if (passed) {
    failures_ = 0;
    next = "healthy";
  } else if (now - started_ >= start_period_ && ++failures_ >= retries_) {
    next = "unhealthy";
  }
  if (next == status_) return std::nullopt;
  status_ = next;
  return next;
}

}  // namespace bg::fakes
