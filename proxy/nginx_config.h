#pragma once
// The nginx.conf subset the proxy understands, as a value: what `nginx -t` would accept and what the
// proxy runs. Ground truth for defaults and meanings: semantics.md §1.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/path_map.h"
#include "core/time.h"
#include "proxy/nginx_config_error.h"
#include "proxy/nginx_script.h"

namespace bg::proxy {

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
  std::string zone;  // shared-memory zone name ("" = per-worker state)
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
  int next_upstream_tries = 0;              // 0 = no limit
  core::Duration next_upstream_timeout{0};  // 0 = no limit
  core::Duration connect_timeout = std::chrono::seconds(60);
  core::Duration send_timeout = std::chrono::seconds(60);
  core::Duration read_timeout = std::chrono::seconds(60);
  std::string http_version = "1.0";
  std::vector<std::pair<std::string, std::string>> set_headers;  // in order; values may hold $vars
};

// A `set $name value;` or a `return` of the rewrite module, in the order written: nginx runs a
// server's in its server rewrite phase and a location's in its rewrite phase
// (ngx_http_rewrite_module).
struct RewriteStep {
  enum class Kind { set, return_ } kind = Kind::set;
  std::string variable;  // set: the name without '$'
  Script value;          // set: the value; return: the text or URL ("" none)
  int code = 0;          // return
  bool has_value = false;
  std::string file;
  int line = 0;
};

// How a location's name matches the URI (ngx_http_core_location).
enum class LocationMatch { prefix, exact, prefix_noregex, regex, regex_caseless, named };

struct Location {
  std::string prefix;  // the location's name (a regex's pattern)
  bool exact = false;  // `location = /x`
  LocationMatch match = LocationMatch::prefix;
  std::shared_ptr<const std::regex> regex;
  std::string proxy_pass;                    // upstream name of a literal proxy_pass ("" = none, or dynamic)
  std::optional<Script> proxy_pass_dynamic;  // proxy_pass with variables: evaluated per request
  std::string proxy_uri;                     // URI part of a literal proxy_pass ("" none)
  bool proxy_has_uri = false;
  ProxySettings proxy;
  std::vector<RewriteStep> rewrite;  // this location's own set/return
  // Content when nothing proxies: root (inherited), index (inherited), try_files (its own).
  std::string root = "html";  // nginx's default: relative to the prefix
  std::vector<Script> index{Script::literal("index.html")};
  std::vector<Script> try_files;  // empty: none; the last is the fallback (=404, a URI or @name)
  bool internal = false;
  bool auto_redirect = false;  // a name ending in '/' with proxy_pass: "/api" answers 301 to "/api/"
  int64_t client_max_body_size = 1024 * 1024;
  core::Duration keepalive_timeout = std::chrono::seconds(75);
  int keepalive_requests = 1000;
  std::vector<Location> nested;
  std::string file;
  int line = 0;
};

// One `listen` of a server block. Simplification: the run serves loopback IPv4 only, so an IPv6
// listen ([::]:80, [::1]:80) counts as the same port as its IPv4 twin.
struct ListenAddress {
  uint16_t port = 80;
  bool default_server = false;
  bool wildcard = true;  // *:80, [::]:80; false for 127.0.0.1, localhost, [::1]
  bool ipv6 = false;     // nginx keeps [::]:80 apart from *:80 (its own default server)
  std::string text;      // as written
  std::string address;   // as nginx names it in messages: "0.0.0.0:80", "127.0.0.1:8080", "[::]:80"
};

struct ServerBlock {
  std::vector<uint16_t> listen;  // declared ports, in order (one per listen)
  std::vector<ListenAddress> listens;
  std::vector<std::string> server_names;                        // as written, lower-cased
  std::vector<std::shared_ptr<const std::regex>> name_regexes;  // `~` names, in order
  std::vector<Location> locations;                              // the server's own, in order
  std::vector<RewriteStep> rewrite;                             // server-level set/return
  Location fallback;  // the server's own settings, used when no location matches
  std::string file;
  int line = 0;
};

// `map $source $variable { ... }` at http level (ngx_http_map_module): strings match ignoring
// case, then regexes in order, else the default.
struct MapBlock {
  Script source;
  std::string variable;
  struct Entry {
    std::string key;  // lower-cased string key
    std::shared_ptr<const std::regex> regex;
    Script value;
  };
  std::vector<Entry> entries;
  std::optional<Script> default_value;
  bool hostnames = false;
};

// The prefix relative roots and paths resolve against: Debian's nginx is built
// --prefix=/usr/share/nginx.
inline constexpr const char* kNginxPrefix = "/usr/share/nginx/";

struct NginxConfig {
  std::string path;  // the main file as the user names it (virtual when mapped)
  int worker_processes = 1;
  std::vector<Upstream> upstreams;
  std::vector<ServerBlock> servers;
  std::vector<MapBlock> maps;
  bool has_resolver = false;  // a `resolver` at http level (names in variables resolve per request)
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

// nginx's time syntax ("10s", "1m30s", "500ms", bare seconds); nullopt when invalid.
std::optional<core::Duration> parse_nginx_time(const std::string& text);

}  // namespace bg::proxy
