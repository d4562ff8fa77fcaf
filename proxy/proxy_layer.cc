#include "proxy/proxy_layer.h"

#include <charconv>
#include <map>

#include <fmt/format.h>

namespace bg::proxy {

[[noreturn]] void fail_at(const ConfDirective& d, const std::string& what) {
  throw NginxConfigError(emerg_at(what, d.file, d.line));
}

std::optional<int> parse_nginx_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

void expect_args(const ConfDirective& d, size_t min, size_t max) {
  if (d.args.size() < min || d.args.size() > max)
    fail_at(d, fmt::format("invalid number of arguments in \"{}\" directive", d.name));
}

void expect_block(const ConfDirective& d, bool block) {
  if (block && !d.has_block) fail_at(d, fmt::format("directive \"{}\" has no opening \"{{\"", d.name));
  if (!block && d.has_block) fail_at(d, fmt::format("directive \"{}\" is not terminated by \";\"", d.name));
}

namespace {

uint32_t next_upstream_mask(const ConfDirective& d) {
  static const std::map<std::string, uint32_t> names = {{"error", kNextError},
                                                        {"timeout", kNextTimeout},
                                                        {"invalid_header", kNextInvalidHeader},
                                                        {"http_500", kNextHttp500},
                                                        {"http_502", kNextHttp502},
                                                        {"http_503", kNextHttp503},
                                                        {"http_504", kNextHttp504},
                                                        {"http_403", kNextHttp403},
                                                        {"http_404", kNextHttp404},
                                                        {"http_429", kNextHttp429},
                                                        {"non_idempotent", kNextNonIdempotent},
                                                        {"denied", 0},
                                                        {"updating", 0},
                                                        {"off", kNextOff}};
  uint32_t mask = 0;
  for (const auto& a : d.args) {
    auto it = names.find(a);
    // ngx_conf_set_bitmask_slot: "invalid value" at emerg, and the configuration fails.
    if (it == names.end()) throw NginxConfigError(emerg_at(fmt::format("invalid value \"{}\"", a), d.file, d.line));
    mask |= it->second;
  }
  return (mask & kNextOff) ? kNextOff : mask;
}

}  // namespace

ProxyLayer::Applied ProxyLayer::apply(const ConfDirective& d) {
  ProxyLayer& layer = *this;
  auto duplicate = [&](bool set) {
    if (set) fail_at(d, fmt::format("\"{}\" directive is duplicate", d.name));
  };
  auto time_value = [&](std::optional<core::Duration>& slot) {
    expect_args(d, 1, 1);
    expect_block(d, false);
    duplicate(slot.has_value());
    auto t = parse_nginx_time(d.args[0]);
    if (!t) fail_at(d, fmt::format("\"{}\" directive invalid value", d.name));
    slot = *t;
  };
  if (d.name == "proxy_connect_timeout")
    time_value(layer.connect_timeout);
  else if (d.name == "proxy_send_timeout")
    time_value(layer.send_timeout);
  else if (d.name == "proxy_read_timeout")
    time_value(layer.read_timeout);
  else if (d.name == "proxy_next_upstream_timeout")
    time_value(layer.next_upstream_timeout);
  else if (d.name == "proxy_next_upstream_tries") {
    expect_args(d, 1, 1);
    duplicate(layer.next_upstream_tries.has_value());
    auto n = parse_nginx_int(d.args[0]);
    if (!n) fail_at(d, "invalid number");
    layer.next_upstream_tries = *n;
  } else if (d.name == "proxy_next_upstream") {
    expect_args(d, 1, 16);
    duplicate(layer.next_upstream.has_value());
    layer.next_upstream = next_upstream_mask(d);
  } else if (d.name == "proxy_http_version") {
    expect_args(d, 1, 1);
    duplicate(layer.http_version.has_value());
    if (d.args[0] != "1.0" && d.args[0] != "1.1") fail_at(d, fmt::format("invalid value \"{}\"", d.args[0]));
    layer.http_version = d.args[0];
  } else if (d.name == "proxy_set_header") {
    expect_args(d, 2, 2);
    if (!layer.set_headers) layer.set_headers.emplace();
    layer.set_headers->emplace_back(d.args[0], d.args[1]);
  } else if (d.name.rfind("proxy_", 0) == 0 && d.name != "proxy_pass") {
    return Applied::unsupported;
  } else {
    return Applied::not_proxy;
  }
  return Applied::applied;
}

}  // namespace bg::proxy
