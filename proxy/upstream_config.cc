// ConfigInterpreter's upstream part: `upstream` blocks and their `server` lines
// (ngx_http_upstream.c), and what a location's proxy_pass names (ngx_http_proxy_module.c).
#include <fmt/format.h>

#include "proxy/config_interpreter.h"
#include "proxy/nginx_values.h"

namespace bg::proxy {
namespace {

// "host:port" or "host" (port 80); false when the port is not a number in 1..65535.
bool split_host_port(const std::string& address, std::string& host, uint16_t& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    host = address;
    port = 80;
    return true;
  }
  host = address.substr(0, colon);
  auto p = nginx_atoi(address.substr(colon + 1));
  if (!p || *p < 1 || *p > 65535) return false;
  port = static_cast<uint16_t>(*p);
  return true;
}

}  // namespace

// ngx_inet_addr (src/core/ngx_inet.c), as nginx 1.22 reads an address: digits and exactly three
// dots, each octet's value at most 255 (an empty octet is 0, leading zeros are decimal). Anything
// else (999.999.999.999) is a name to nginx, which then fails to resolve: "host not found".
// Simplification: the forms only getaddrinfo accepts (127.1, 0x7f.0.0.1) are names here too.
bool is_address_literal(const std::string& host) {
  if (host == "localhost") return true;
  int dots = 0, octet = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots, octet = 0;
    } else if (c >= '0' && c <= '9') {
      octet = octet * 10 + (c - '0');
      if (octet > 255) return false;
    } else {
      return false;
    }
  }
  return dots == 3;
}

void ConfigInterpreter::upstream_block(const ConfDirective& d) {
  if (config_.find_upstream(d.args[0])) fail_at(d, fmt::format("duplicate upstream \"{}\"", d.args[0]));
  Upstream up;
  up.name = d.args[0];
  std::set<std::string> seen;
  for (const auto& s : d.block) {
    if (check(s, conf_contexts::kUpstream, seen) == Verdict::skip) continue;
    if (s.name == "server") {
      for (auto& srv : upstream_servers(s)) up.servers.push_back(std::move(srv));
    } else if (s.name == "zone") {
      up.zone = s.args[0];
    } else if (s.name == "keepalive") {
      auto n = nginx_atoi(s.args[0]);
      if (!n || *n < 1) fail_at(s, fmt::format("invalid value \"{}\" in \"keepalive\" directive", s.args[0]));
      up.keepalive = static_cast<int>(std::min<int64_t>(*n, 1 << 20));
    } else if (s.name == "keepalive_timeout" || s.name == "keepalive_time") {
      auto t = parse_nginx_time(s.args[0]);
      if (!t) fail_at(s, fmt::format("\"{}\" directive invalid value", s.name));
      (s.name == "keepalive_time" ? up.keepalive_time : up.keepalive_timeout) = *t;
    } else if (s.name == "keepalive_requests") {
      auto n = nginx_atoi(s.args[0]);
      if (!n) fail_at(s, fmt::format("\"{}\" directive invalid number", s.name));
      up.keepalive_requests = static_cast<int>(std::min<int64_t>(*n, 1 << 30));
    }
  }
  if (up.servers.empty())  // checked once the block is read: nginx names its closing line
    throw NginxConfigError(emerg_at("no servers are inside upstream", d.file, d.end_line));
  config_.upstreams.push_back(std::move(up));
}

// One `server` line: its parameters, then its address (nginx's ngx_http_upstream_server parses
// them in that order), one peer per address a name resolves to.
std::vector<UpstreamServer> ConfigInterpreter::upstream_servers(const ConfDirective& s) {
  UpstreamServer srv;
  srv.address = s.args[0];
  for (size_t i = 1; i < s.args.size(); ++i) {
    const std::string& a = s.args[i];
    auto value = [&](const char* key) -> std::optional<std::string> {
      std::string k = std::string(key) + "=";
      if (a.rfind(k, 0) != 0) return std::nullopt;
      return a.substr(k.size());
    };
    std::optional<int64_t> n;
    bool ok = true;
    auto as_int = [&](int& slot) {
      ok = n.has_value() && *n <= 1 << 30;
      slot = static_cast<int>(n.value_or(0));
    };
    if (auto v = value("weight"))
      n = nginx_atoi(*v), as_int(srv.weight), ok = ok && srv.weight >= 1;
    else if (auto v = value("max_fails"))
      n = nginx_atoi(*v), as_int(srv.max_fails);
    else if (auto v = value("max_conns"))
      n = nginx_atoi(*v), as_int(srv.max_conns);
    else if (auto v = value("fail_timeout")) {
      auto t = nginx_parse_time(*v, true);  // ngx_parse_time(.., 1): whole seconds, "500ms" is invalid
      ok = t.has_value();
      if (ok) srv.fail_timeout = std::chrono::seconds(*t);
    } else if (a == "down")
      srv.down = true;
    else if (a == "backup")
      srv.backup = true;
    else
      ok = false;
    if (!ok) fail_at(s, fmt::format("invalid parameter \"{}\"", a));
  }
  if (srv.address.rfind("unix:", 0) == 0) {
    not_modelled(s, "upstream server on a unix socket");
    return {};
  }
  if (!split_host_port(srv.address, srv.host, srv.port))
    fail_at(s, fmt::format("invalid port in upstream \"{}\"", srv.address));
  return addresses_of(s, srv);
}

// nginx resolves a name when it loads the config and adds a peer per address it gets
// (ngx_parse_url -> ngx_inet_resolve_host); the addresses stay until the next reload (R18).
std::vector<UpstreamServer> ConfigInterpreter::addresses_of(const ConfDirective& d, const UpstreamServer& srv) {
  // Simplification: every localhost or IPv4 address is reached on loopback (a run's addresses
  // are loopback); other names go to the HostResolver.
  if (is_address_literal(srv.host)) return {srv};
  std::vector<uint16_t> ports;
  if (resolve_) ports = resolve_(srv.host, srv.port);
  if (ports.empty()) fail_at(d, fmt::format("host not found in upstream \"{}\"", srv.address));
  std::vector<UpstreamServer> out;
  for (uint16_t port : ports) {
    UpstreamServer a = srv;
    a.host = "127.0.0.1";
    a.port = port;
    a.resolved = true;
    out.push_back(std::move(a));
  }
  return out;
}

// proxy_pass as ngx_http_proxy_pass reads it when it meets it: with variables, a value evaluated
// per request; else http://host[:port][uri], the host an upstream's name or an address.
void ConfigInterpreter::proxy_pass(const ConfDirective& d, Location& loc) {
  const std::string& url = d.args[0];
  if (url.find('$') != std::string::npos) {
    Script s = compile(d, url, true);
    if (s.has_variables()) {
      loc.proxy_pass_dynamic = std::move(s);
      return;
    }
  }
  if (url.rfind("https://", 0) == 0) return not_modelled(d, "proxy_pass to https://");
  if (url.rfind("http://", 0) != 0) fail_at(d, "invalid URL prefix");
  std::string rest = url.substr(7);
  auto slash = rest.find('/');
  if (slash != std::string::npos) {
    bool regex = loc.match == LocationMatch::regex || loc.match == LocationMatch::regex_caseless ||
                 loc.match == LocationMatch::named;
    if (regex)
      fail_at(d,
              "\"proxy_pass\" cannot have URI part in location given by regular expression, or inside named "
              "location, or inside \"if\" statement, or inside \"limit_except\" block");
    loc.proxy_uri = rest.substr(slash);
    loc.proxy_has_uri = true;
  }
  std::string authority = rest.substr(0, slash);
  if (authority.empty()) fail_at(d, fmt::format("no host in upstream \"{}\"", url.substr(7)));
  std::string host;
  uint16_t port = 0;
  if (!split_host_port(authority, host, port)) fail_at(d, fmt::format("invalid port in upstream \"{}\"", authority));
  loc.proxy_pass = authority;  // linked to its upstream once every upstream block is known
  if ((loc.match == LocationMatch::prefix || loc.match == LocationMatch::prefix_noregex ||
       loc.match == LocationMatch::exact) &&
      !loc.prefix.empty() && loc.prefix.back() == '/')
    loc.auto_redirect = true;
}

// The upstream a literal proxy_pass names: an upstream block of that name (which may come later
// in the file), else an implicit one for host[:port], resolved once the file is read
// (ngx_http_upstream_init_round_robin: "host not found in upstream" names the proxy_pass line).
std::string ConfigInterpreter::upstream_for(const ConfDirective& d, const Location&) {
  std::string authority = d.args[0].substr(7);
  authority = authority.substr(0, authority.find('/'));
  if (config_.find_upstream(authority)) return authority;
  Upstream up;
  up.name = authority;
  up.implicit = true;
  UpstreamServer srv;
  srv.address = authority;
  if (!split_host_port(authority, srv.host, srv.port))
    fail_at(d, fmt::format("invalid port in upstream \"{}\"", authority));
  up.servers = addresses_of(d, srv);
  config_.upstreams.push_back(std::move(up));
  return authority;
}

}  // namespace bg::proxy
