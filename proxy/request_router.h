#pragma once
// RequestRouter decides, for one request, what nginx's phases up to content would do with it
// (ngx_http_core_module.c, ngx_http_rewrite_module.c, ngx_http_index_module.c,
// ngx_http_try_files, ngx_http_static_module.c, ngx_http_proxy_module.c): the server block (by
// listen port and Host, with nginx's server_name precedence), the location (=, ^~, longest
// prefix, regexes in order, nested), the rewrite phases (set, return), then either an answer of
// its own (a return, a file from the host, 301/403/404/405/413/500) or where to proxy (an
// upstream block, or an address a variable named). Pure apart from reading the host's files
// through the PathMap and names through the resolver.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "proxy/nginx_config.h"
#include "proxy/route_request.h"

namespace bg::proxy {

class RequestScope;

class RequestRouter {
 public:
  RequestRouter(const NginxConfig& config, const core::PathMap& paths, HostResolver resolve = {})
      : config_(config), paths_(paths), resolve_(std::move(resolve)) {}

  RouteResult route(const RouteRequest& request) const;
  // nginx's choice of server block for a connection to `declared_port` with this Host.
  const ServerBlock* select_server(uint16_t declared_port, const std::string& host) const;

 private:
  void proxy(RequestScope& scope, const Location& location, bool changed_uri, RouteResult& out) const;
  void proxy_dynamic(RequestScope& scope, const Location& location, bool changed_uri, RouteResult& out) const;

  const NginxConfig& config_;
  const core::PathMap& paths_;
  HostResolver resolve_;
};

// nginx's location lookup (ngx_http_core_find_location) among `locations` for `uri`; sets
// `redirect` when the answer is the 301 of an auto_redirect location; captures of a matching
// regex go to `captures` ($1..$9).
const Location* find_location(const std::vector<Location>& locations, const std::string& uri, bool& redirect,
                              std::vector<std::string>& captures);

}  // namespace bg::proxy
