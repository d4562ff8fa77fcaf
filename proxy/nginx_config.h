#pragma once
// The nginx.conf subset the proxy understands, as a value: what `nginx -t` would accept and what the
// proxy runs. Ground truth for defaults and meanings: reference/semantics.md §1.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/path_map.h"
#include "core/time.h"

namespace bg::proxy {

// A configuration that nginx would reject. what() reads like nginx's own line without the
// "nginx: " prefix, e.g. `[emerg] unexpected "}" in /etc/nginx/nginx.conf:12`.
class NginxConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// proxy_next_upstream flags (nginx's NGX_HTTP_UPSTREAM_FT_* bits, by name).
enum NextUpstream : uint32_t {
  kNextError = 1u << 1,
  kNextTimeout = 1u << 2,
  kNextInvalidHeader = 1u << 3,
  kNextHttp500 = 1u << 4,
  kNextHttp502 = 1u << 5,
  kNextHttp503 = 1u << 6,
  kNextHttp504 = 1u << 7,
  kNextHttp403 = 1u << 8,
  kNextHttp404 = 1u << 9,
  kNextHttp429 = 1u << 10,
  kNextNonIdempotent = 1u << 13,
  kNextOff = 1u << 30,
};

// One `server` line of an upstream block. Defaults per §1: weight=1, max_fails=1, fail_timeout=10s.
struct UpstreamServer {
  std::string address;  // as written: "localhost:3000"
  std::string host;     // "localhost"; "127.0.0.1" once a name is resolved
  uint16_t port = 80;   // declared port (nginx's default is 80); once resolved, the address's own port
  // `host` was a name (a container's) that the config load resolved (HostResolver): host and port
  // are now the address it resolved to, kept until the next reload.
  bool resolved = false;
  int weight = 1;
  int max_fails = 1;
  core::Duration fail_timeout = std::chrono::seconds(10);
  bool down = false;
  bool backup = false;
  int max_conns = 0;  // 0 = unlimited
};

struct Upstream {
  std::string name;
  std::vector<UpstreamServer> servers;
  std::string zone;     // shared-memory zone name ("" = per-worker state)
  // ngx_http_upstream_keepalive_module: idle connections cached per worker (0 = none), and
  // keepalive_timeout / keepalive_requests / keepalive_time with nginx 1.22's defaults.
  int keepalive = 0;
  core::Duration keepalive_timeout = std::chrono::seconds(60);
  int keepalive_requests = 1000;
  core::Duration keepalive_time = std::chrono::hours(1);
  bool implicit = false;  // made by `proxy_pass http://host:port` without an upstream block
};

// The proxy_* settings of one location after nginx's http -> server -> location inheritance.
struct ProxySettings {
  uint32_t next_upstream = kNextError | kNextTimeout;
  int next_upstream_tries = 0;                 // 0 = no limit
  core::Duration next_upstream_timeout{0};     // 0 = no limit
  core::Duration connect_timeout = std::chrono::seconds(60);
  core::Duration send_timeout = std::chrono::seconds(60);
  core::Duration read_timeout = std::chrono::seconds(60);
  std::string http_version = "1.0";
  std::vector<std::pair<std::string, std::string>> set_headers;  // in order; values may hold $vars
};

struct Location {
  std::string prefix;
  bool exact = false;         // `location = /x`
  std::string proxy_pass;     // upstream name ("" = no proxy_pass: nginx would serve files)
  ProxySettings proxy;
};

struct ServerBlock {
  std::vector<uint16_t> listen;  // declared ports
  std::vector<std::string> server_names;
  std::vector<Location> locations;
};

struct NginxConfig {
  std::string path;  // the main file as the user names it (virtual when mapped)
  int worker_processes = 1;
  std::vector<Upstream> upstreams;
  std::vector<ServerBlock> servers;
  // Directives nginx accepts but the simulation ignores, once per name, with file:line.
  std::vector<std::string> warnings;

  const Upstream* find_upstream(const std::string& name) const;
  // The server block for a declared listen port (nginx's default server: the first listing it).
  const ServerBlock* server_for_port(uint16_t declared_port) const;
  // nginx's prefix match: an exact location first, else the longest matching prefix.
  static const Location* match_location(const ServerBlock& server, const std::string& uri);
};

// Resolves a host name of an upstream server when the config is loaded: the loopback ports that
// `host:port` reaches, one per address the name has (each is a port core::PortMap maps to itself);
// empty when the name does not resolve. The run's container network answers (races.md R18).
using HostResolver = std::function<std::vector<uint16_t>(const std::string& host, uint16_t port)>;

// Whether `host` needs no resolving: localhost or an IPv4 literal.
bool is_address_literal(const std::string& host);

// Reads `path` (virtual like /etc/nginx/nginx.conf, or real) and every file it includes; relative
// includes resolve against the main file's folder, absolute ones through `paths`. A `server` or
// `proxy_pass` host that is not localhost or an IPv4 literal goes to `resolve` (none: it does not
// resolve), as nginx resolves names at load; one that does not resolve fails the load with
// `host not found in upstream "NAME:PORT"`. Throws NginxConfigError.
NginxConfig parse_nginx_config(const std::filesystem::path& path, const core::PathMap& paths,
                               const HostResolver& resolve = {});

// nginx's time syntax ("10s", "1m30s", "500ms", bare seconds); nullopt when invalid.
std::optional<core::Duration> parse_nginx_time(const std::string& text);

}  // namespace bg::proxy
