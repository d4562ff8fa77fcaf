#include "fakes/nextjs/next_log_lines.h"

#include <algorithm>

#include <fmt/format.h>

namespace bg::fakes {

NextLogLines next_start_lines(const NextAppProfile& profile, int port, const std::string& hostname, long ready_ms) {
  NextVersion v = parse_next_version(profile.version);
  std::string host = hostname.empty() ? "0.0.0.0" : hostname;
  NextLogLines lines;
  if (!v.at_least(12, 2)) {
    lines.on_listen = {fmt::format("Listening on port {}", port)};
  } else if (!v.at_least(13, 4)) {
    lines.on_listen = {fmt::format("Listening on port {} url: http://localhost:{}", port, port)};
  } else if (!v.at_least(14, 0)) {
    lines.on_listen = {fmt::format("- ready started server on {}:{}, url: http://localhost:{}", host, port, port)};
  } else {
    std::string version = profile.version;
    if (std::count(version.begin(), version.end(), '.') == 1) version += ".0";
    lines.on_listen = {fmt::format("  \xE2\x96\xB2 Next.js {}", version),
                       fmt::format("  - Local:        http://localhost:{}", port),
                       fmt::format("  - Network:      http://{}:{}", host, port), "", " \xE2\x9C\x93 Starting..."};
    lines.on_ready = {fmt::format(" \xE2\x9C\x93 Ready in {}ms", ready_ms)};
  }
  return lines;
}

}  // namespace bg::fakes
