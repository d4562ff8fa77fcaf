#pragma once
// ProxyLayer holds the proxy_* directives written at one level of nginx.conf (http, server or
// location) and merges a level into its parent's as nginx's ngx_http_proxy_merge_loc_conf does.
// Also: the directive checks every part of the interpreter shares.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proxy/config_reader.h"
#include "proxy/nginx_config.h"

namespace bg::proxy {

[[noreturn]] void fail_at(const ConfDirective& d, const std::string& what);
// A non-negative decimal integer, as nginx's ngx_atoi; nullopt otherwise.
std::optional<int> parse_nginx_int(std::string_view s);
void expect_args(const ConfDirective& d, size_t min, size_t max);
void expect_block(const ConfDirective& d, bool block);

// proxy_* directives as written at one level; unset fields inherit from the enclosing level, as
// nginx's merge functions do (ngx_http_proxy_merge_loc_conf). proxy_set_header is inherited only by
// a level that has none of its own.
struct ProxyLayer {
  enum class Applied { not_proxy, applied, unsupported };
  // Takes a proxy_* directive of this level. `unsupported`: a proxy_* directive outside the subset.
  // Throws NginxConfigError for a bad value or a duplicate.
  Applied apply(const ConfDirective& d);

  std::optional<uint32_t> next_upstream;
  std::optional<int> next_upstream_tries;
  std::optional<core::Duration> next_upstream_timeout, connect_timeout, send_timeout, read_timeout;
  std::optional<std::string> http_version;
  std::optional<std::vector<std::pair<std::string, std::string>>> set_headers;

  ProxyLayer over(const ProxyLayer& parent) const {
    ProxyLayer r = *this;
    if (!r.next_upstream) r.next_upstream = parent.next_upstream;
    if (!r.next_upstream_tries) r.next_upstream_tries = parent.next_upstream_tries;
    if (!r.next_upstream_timeout) r.next_upstream_timeout = parent.next_upstream_timeout;
    if (!r.connect_timeout) r.connect_timeout = parent.connect_timeout;
    if (!r.send_timeout) r.send_timeout = parent.send_timeout;
    if (!r.read_timeout) r.read_timeout = parent.read_timeout;
    if (!r.http_version) r.http_version = parent.http_version;
    if (!r.set_headers) r.set_headers = parent.set_headers;
    return r;
  }
  ProxySettings settle() const {
    ProxySettings s;
    if (next_upstream) s.next_upstream = *next_upstream;
    if (next_upstream_tries) s.next_upstream_tries = *next_upstream_tries;
    if (next_upstream_timeout) s.next_upstream_timeout = *next_upstream_timeout;
    if (connect_timeout) s.connect_timeout = *connect_timeout;
    if (send_timeout) s.send_timeout = *send_timeout;
    if (read_timeout) s.read_timeout = *read_timeout;
    if (http_version) s.http_version = *http_version;
    if (set_headers) s.set_headers = *set_headers;
    return s;
  }
};

}  // namespace bg::proxy
