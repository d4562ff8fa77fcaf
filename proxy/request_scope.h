#pragma once
// RequestScope holds one request's variables while RequestRouter runs it: the built-in ones
// bluegreen evaluates ($host, $uri, $args, $http_*, $arg_*, $cookie_*, ... see evaluable_variable),
// `set` variables, `map` variables (evaluated when first read, as nginx does), and the captures
// of the last regex that matched ($1..$9).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/nginx_config.h"

namespace bg::proxy {

struct RouteRequest;

class RequestScope {
 public:
  RequestScope(const NginxConfig& config, const RouteRequest& request, const ServerBlock* server);

  std::optional<std::string> get(std::string_view name);
  std::string evaluate(const Script& s);
  void set(const std::string& name, std::string value) { user_[name] = std::move(value); }

  std::string uri;   // the current URI (changes with internal redirects)
  std::string args;  // the current arguments, without '?'
  std::vector<std::string> captures;

 private:
  std::optional<std::string> builtin(std::string_view name) const;
  std::optional<std::string> map_value(const MapBlock& m);

  const NginxConfig& config_;
  const RouteRequest& request_;
  const ServerBlock* server_;
  std::map<std::string, std::string, std::less<>> user_;
  std::map<std::string, std::string, std::less<>> maps_done_;
  int map_depth_ = 0;
};

// The Host header as nginx keeps it for $host and server selection (ngx_http_validate_host):
// lower case, without the port and a trailing dot.
std::string normalize_host(std::string_view host);

}  // namespace bg::proxy
