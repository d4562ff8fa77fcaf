#include "fakes/docker/restart_policy.h"

#include <algorithm>

#include <fmt/format.h>

namespace bg::fakes {

ParsedRestartPolicy parse_restart_policy(const std::string& text) {
  ParsedRestartPolicy out;
  if (text.empty()) return out;
  size_t colon = text.find(':');
  if (colon != std::string::npos && text.find(':', colon + 1) != std::string::npos) {
    out.error = "invalid restart policy format";
    return out;
  }
  out.policy.name = text.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string count = text.substr(colon + 1);
    // strconv.Atoi: an optional sign and decimal digits.
    size_t digits = count.find_first_not_of("+-") == 1 ? 1 : 0;
    if (count.empty() || count.size() == digits || count.find_first_not_of("0123456789", digits) != std::string::npos ||
        count.size() > 10) {
      out.error = "maximum retry count must be an integer";
      return out;
    }
    out.policy.maximum_retry_count = std::stoi(count);
  }
  return out;
}

std::string validate_restart_policy(const RestartPolicy& p) {
  if (p.name == "always" || p.name == "unless-stopped" || p.name == "no") {
    if (p.maximum_retry_count != 0)
      return fmt::format("maximum retry count cannot be used with restart policy '{}'", p.name);
    return "";
  }
  if (p.name == "on-failure") return p.maximum_retry_count < 0 ? "maximum retry count cannot be negative" : "";
  if (p.name.empty()) return "";
  return fmt::format("invalid restart policy '{}'", p.name);
}

std::optional<core::Duration> RestartManager::should_restart(int exit_code, bool manually_stopped,
                                                             core::Duration ran_for) {
  using namespace std::chrono_literals;
  if (policy_.none() || canceled_) return std::nullopt;
  if (ran_for >= 10s) timeout_ = {};
  if (timeout_ == core::Duration{})
    timeout_ = 100ms;
  else if (timeout_ < 1min)
    timeout_ *= 2;
  timeout_ = std::min<core::Duration>(timeout_, 1min);
  bool restart = false;
  if (policy_.name == "always")
    restart = true;
  else if (policy_.name == "unless-stopped")
    restart = !manually_stopped;
  else if (policy_.name == "on-failure")
    restart = (policy_.maximum_retry_count == 0 || restart_count_ < policy_.maximum_retry_count) && exit_code != 0;
  if (!restart) return std::nullopt;
  ++restart_count_;
  return timeout_;
}

}  // namespace bg::fakes
