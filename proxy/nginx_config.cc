#include "proxy/nginx_config.h"

#include "proxy/nginx_values.h"

namespace bg::proxy {

const Upstream* NginxConfig::find_upstream(const std::string& name) const {
  for (const auto& u : upstreams)
    if (u.name == name) return &u;
  return nullptr;
}

const ServerBlock* NginxConfig::server_for_port(uint16_t declared_port) const {
  const ServerBlock* first = nullptr;
  for (const auto& s : servers)
    for (const auto& l : s.listens)
      if (l.port == declared_port) {
        if (l.default_server) return &s;
        if (!first) first = &s;
      }
  return first;
}

const Location* NginxConfig::match_location(const ServerBlock& server, const std::string& uri) {
  const Location* best = nullptr;
  for (const auto& loc : server.locations) {
    if (loc.match == LocationMatch::exact) {
      if (uri == loc.prefix) return &loc;
      continue;
    }
    if (loc.match != LocationMatch::prefix && loc.match != LocationMatch::prefix_noregex) continue;
    if (uri.compare(0, loc.prefix.size(), loc.prefix) == 0 && (!best || loc.prefix.size() > best->prefix.size()))
      best = &loc;
  }
  return best;
}

std::optional<core::Duration> parse_nginx_time(const std::string& text) {
  auto ms = nginx_parse_time(text, false);
  if (!ms) return std::nullopt;
  return std::chrono::duration_cast<core::Duration>(std::chrono::milliseconds(*ms));
}

}  // namespace bg::proxy
