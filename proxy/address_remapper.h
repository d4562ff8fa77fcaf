#pragma once
// For the real nginx's copy of a config (NginxConfigScaler): the addresses a proxy_pass with
// variables can reach, through `set` and `map` values, moved to the run's ports. The values each
// variable can take are enumerated from the config; a variable whose values come from the request
// ($host, $http_*), an address off loopback, or a name that needs DNS cannot be remapped, and the
// copy is refused with core::NotModelled rather than let real nginx connect to a port of the
// machine it runs on.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "proxy/config_reader.h"

namespace bg::proxy {

struct RemapOptions {
  std::function<uint16_t(uint16_t)> map_port;  // declared port -> actual loopback port
  std::set<std::string> upstreams;             // upstream block names (a host naming one stays)
};

// Rewrites `tree` (includes already expanded) in place; returns actual port -> the address as written.
std::map<uint16_t, std::string> remap_variable_addresses(std::vector<ConfDirective>& tree, const RemapOptions& options);

}  // namespace bg::proxy
