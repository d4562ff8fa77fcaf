#pragma once
// A request as the router sees it and what routing decided for it: values shared by the router and
// the phases it runs (RequestScope's variables, static content), kept apart so that those phases
// need not include the router that includes them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/nginx_config.h"

namespace bg::proxy {

struct RouteRequest {
  std::string method;  // GET
  std::string target;  // /path?args as received
  std::string host;    // the Host header ("" when absent)
  uint16_t declared_port = 80;
  int64_t content_length = -1;                                               // -1: none
  std::function<std::optional<std::string>(std::string_view field)> header;  // other header fields
};

// A peer that a proxy_pass with variables named by address (ngx_http_upstream_create_round_robin_peer).
struct RoutedAddress {
  std::string host;       // "127.0.0.1", or an address a name resolved to
  uint16_t port = 80;     // declared port; the actual port when `resolved`
  bool resolved = false;  // the run's resolver gave it (a container's address)
  std::string written;    // host:port as the value named it
};

struct RouteResult {
  enum class Kind { respond, file, proxy };
  Kind kind = Kind::respond;
  const ServerBlock* server = nullptr;
  const Location* location = nullptr;  // the location the request ended in (or the server's own)
  // respond / file
  int status = 0;
  std::string body;             // file: its bytes; respond: return's text
  bool has_body = false;        // false: nginx's own page for `status`
  std::string location_header;  // a redirect's Location
  std::string content_type;
  // proxy
  std::string upstream;                  // an upstream block's name, or
  std::vector<RoutedAddress> addresses;  // the addresses a variable named
  std::string upstream_uri;              // the URI (and args) sent upstream
  std::string proxy_host;                // $proxy_host
  // An error_log line nginx writes on the way (level error), e.g. "no resolver defined to resolve x".
  std::string error;
};

}  // namespace bg::proxy
