#include "fakes/nextjs/next_app_profile.h"

#include <charconv>
#include <stdexcept>

namespace bg::fakes {

const char* to_string(SigtermMode mode) {
  switch (mode) {
    case SigtermMode::exit_immediately:
      return "exit_immediately";
    case SigtermMode::graceful:
      return "graceful";
    case SigtermMode::ignore:
      return "ignore";
  }
  return "?";
}

std::optional<SigtermMode> parse_sigterm_mode(std::string_view text) {
  for (auto mode : {SigtermMode::exit_immediately, SigtermMode::graceful, SigtermMode::ignore})
    if (text == to_string(mode)) return mode;
  return std::nullopt;
}

const char* to_string(BeforeReady mode) { return mode == BeforeReady::hold ? "hold" : "handler_missing"; }

namespace {

// Parses a decimal number at the front of `text` and drops it; false when there is none.
bool take_number(std::string_view& text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

}  // namespace

NextVersion parse_next_version(std::string_view text) {
  std::string_view rest = text;
  if (!rest.empty() && (rest.front() == 'v' || rest.front() == 'V')) rest.remove_prefix(1);
  NextVersion v;
  bool ok = take_number(rest, v.major);
  if (ok && !rest.empty()) {
    ok = rest.front() == '.';
    rest.remove_prefix(1);
    ok = ok && take_number(rest, v.minor);
  }
  // A patch level or pre-release suffix ("14.1.3", "14.1.0-canary.2") does not change behaviour here.
  if (ok && !rest.empty()) ok = rest.front() == '.' || rest.front() == '-';
  if (!ok)
    throw std::invalid_argument("bad Next.js version '" + std::string(text) +
                                "': expected MAJOR.MINOR[.PATCH], e.g. 14.1");
  return v;
}

SigtermMode NextAppProfile::sigterm_mode() const {
  if (sigterm) return *sigterm;
  return parse_next_version(version).at_least(14, 1) ? SigtermMode::graceful : SigtermMode::exit_immediately;
}

BeforeReady NextAppProfile::before_ready_mode() const {
  if (before_ready) return *before_ready;
  return parse_next_version(version).at_least(13, 4) ? BeforeReady::hold : BeforeReady::handler_missing;
}

NextAppProfile apply_env(NextAppProfile profile, const std::map<std::string, std::string>& env) {
  auto it = env.find("KEEP_ALIVE_TIMEOUT");
  if (it == env.end() || !parse_next_version(profile.version).at_least(13, 0)) return profile;
  std::string_view text = it->second;
  int ms = 0;
  if (take_number(text, ms) && ms > 0) profile.keep_alive_timeout = std::chrono::milliseconds(ms);
  return profile;
}

}  // namespace bg::fakes
