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

namespace bg::proxy {

class RequestScope;

struct RouteRequest {
  std::string method;          // GET
  std::string target;          // /path?args as received
  std::string host;            // the Host header ("" when absent)
  uint16_t declared_port = 80;
  int64_t content_length = -1;  // -1: none
  std::function<std::optional<std::string>(std::string_view field)> header;  // other header fields
};

// A peer that a proxy_pass with variables named by address (ngx_http_upstream_create_round_robin_peer).
struct RoutedAddress {
  std::string host;          // "127.0.0.1", or an address a name resolved to
  uint16_t port = 80;        // declared port; the actual port when `resolved`
  bool resolved = false;     // the run's resolver gave it (a container's address)
  std::string written;       // host:port as the value named it
};

struct RouteResult {
  enum class Kind { respond, file, proxy };
  Kind kind = Kind::respond;
  const ServerBlock* server = nullptr;
  const Location* location = nullptr;  // the location the request ended in (or the server's own)
  // respond / file
  int status = 0;
  std::string body;                    // file: its bytes; respond: return's text
  bool has_body = false;               // false: nginx's own page for `status`
  std::string location_header;         // a redirect's Location
  std::string content_type;
  // proxy
  std::string upstream;                // an upstream block's name, or
  std::vector<RoutedAddress> addresses;  // the addresses a variable named
  std::string upstream_uri;            // the URI (and args) sent upstream
  std::string proxy_host;              // $proxy_host
  // An error_log line nginx writes on the way (level error), e.g. "no resolver defined to resolve x".
  std::string error;
};

class RequestRouter {
 public:
  RequestRouter(const NginxConfig& config, const core::PathMap& paths, HostResolver resolve = {})
      : config_(config), paths_(paths), resolve_(std::move(resolve)) {}

  RouteResult route(const RouteRequest& request) const;
  // nginx's choice of server block for a connection to `declared_port` with this Host.
  const ServerBlock* select_server(uint16_t declared_port, const std::string& host) const;

  // The prefix relative roots resolve against: Debian's nginx is built --prefix=/usr/share/nginx.
  static constexpr const char* kPrefix = "/usr/share/nginx/";

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
