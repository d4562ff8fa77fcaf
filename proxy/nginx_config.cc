#include "proxy/nginx_config.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "proxy/config_reader.h"
#include "proxy/proxy_layer.h"

namespace bg::proxy {
namespace {

struct PendingLocation {
  Location location;
  ProxyLayer layer;
  const ConfDirective* proxy_pass = nullptr;
};

// "host:port" or "host" (port 80); false when the port is not a number in 1..65535.
bool split_host_port(const std::string& address, std::string& host, uint16_t& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    host = address;
    port = 80;
    return true;
  }
  host = address.substr(0, colon);
  auto p = parse_nginx_int(address.substr(colon + 1));
  if (!p || *p < 1 || *p > 65535) return false;
  port = static_cast<uint16_t>(*p);
  return true;
}

}  // namespace

bool is_address_literal(const std::string& host) {
  if (host == "localhost") return true;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

namespace {

class Interpreter {
 public:
  Interpreter(NginxConfig& config, const HostResolver& resolve) : config_(config), resolve_(resolve) {}

  void main_block(const std::vector<ConfDirective>& ds) {
    bool events = false;
    for (const auto& d : ds) {
      if (d.name == "events") {
        expect_args(d, 0, 0);
        expect_block(d, true);
        if (events) fail_at(d, "\"events\" directive is duplicate");
        events = true;
        for (const auto& e : d.block) warn(e);
      } else if (d.name == "http") {
        expect_args(d, 0, 0);
        expect_block(d, true);
        http_block(d.block);
      } else if (d.name == "worker_processes") {
        worker_processes(d);
      } else if (is_http_only(d.name)) {
        fail_at(d, fmt::format("\"{}\" directive is not allowed here", d.name));
      } else {
        warn(d);
      }
    }
    if (!events) throw NginxConfigError("[emerg] no \"events\" section in configuration");
    resolve_proxy_passes();
  }

 private:
  static bool is_http_only(const std::string& name) {
    return name == "upstream" || name == "server" || name == "location" || name == "listen" ||
           name == "proxy_pass" || name.rfind("proxy_", 0) == 0;
  }

  void warn(const ConfDirective& d) {
    if (!warned_.insert(d.name).second) return;
    config_.warnings.push_back(
        fmt::format("\"{}\" directive is not simulated, ignored in {}:{}", d.name, d.file, d.line));
  }

  void worker_processes(const ConfDirective& d) {
    expect_args(d, 1, 1);
    expect_block(d, false);
    if (d.args[0] == "auto") {
      // Simplification: nginx starts one worker per CPU; the simulation starts one.
      config_.worker_processes = 1;
      config_.warnings.push_back(fmt::format("\"worker_processes auto\" simulated as 1 in {}:{}", d.file, d.line));
      return;
    }
    auto n = parse_nginx_int(d.args[0]);
    if (!n || *n < 1) fail_at(d, fmt::format("invalid value \"{}\" in \"worker_processes\" directive", d.args[0]));
    config_.worker_processes = *n;
  }

  void http_block(const std::vector<ConfDirective>& ds) {
    for (const auto& d : ds) {
      if (d.name == "upstream") upstream_block(d);
      else if (d.name == "server") server_block(d, http_layer_);
      else if (!proxy_directive(d, http_layer_)) not_here_or_warn(d, {"location", "listen", "proxy_pass"});
    }
    // http-level settings written after a server block still apply to it, as in nginx's merge.
    for (auto& p : pending_) p.layer = p.layer.over(http_layer_);
  }

  void not_here_or_warn(const ConfDirective& d, std::initializer_list<const char*> misplaced) {
    for (const char* m : misplaced)
      if (d.name == m) fail_at(d, fmt::format("\"{}\" directive is not allowed here", d.name));
    warn(d);
  }

  void upstream_block(const ConfDirective& d) {
    expect_args(d, 1, 1);
    expect_block(d, true);
    if (config_.find_upstream(d.args[0])) fail_at(d, fmt::format("duplicate upstream \"{}\"", d.args[0]));
    Upstream up;
    up.name = d.args[0];
    for (const auto& s : d.block) {
      if (s.name == "server") {
        expect_block(s, false);
        expect_args(s, 1, 8);
        for (auto& srv : upstream_servers(s, up.name)) up.servers.push_back(std::move(srv));
      } else if (s.name == "zone") {
        expect_args(s, 1, 2);
        up.zone = s.args[0];
      } else if (s.name == "keepalive") {
        expect_args(s, 1, 1);
        auto n = parse_nginx_int(s.args[0]);
        if (!n || *n < 1) fail_at(s, fmt::format("invalid value \"{}\" in \"keepalive\" directive", s.args[0]));
        up.keepalive = *n;
      } else if (s.name == "keepalive_timeout" || s.name == "keepalive_time") {
        expect_args(s, 1, 1);
        auto t = parse_nginx_time(s.args[0]);
        if (!t) fail_at(s, fmt::format("\"{}\" directive invalid value", s.name));
        (s.name == "keepalive_time" ? up.keepalive_time : up.keepalive_timeout) = *t;
      } else if (s.name == "keepalive_requests") {
        expect_args(s, 1, 1);
        auto n = parse_nginx_int(s.args[0]);
        if (!n) fail_at(s, "invalid number");
        up.keepalive_requests = *n;
      } else {
        not_here_or_warn(s, {"upstream", "location", "listen", "proxy_pass"});
      }
    }
    if (up.servers.empty()) fail_at(d, "no servers are inside upstream");
    config_.upstreams.push_back(std::move(up));
  }

  // One `server` line: its parameters, then its address (nginx's ngx_http_upstream_server parses
  // them in that order), one peer per address a name resolves to.
  std::vector<UpstreamServer> upstream_servers(const ConfDirective& s, const std::string& upstream) {
    UpstreamServer srv;
    srv.address = s.args[0];
    if (srv.address.rfind("unix:", 0) == 0) fail_at(s, "unix sockets in upstream are not simulated");
    if (!split_host_port(srv.address, srv.host, srv.port))
      fail_at(s, fmt::format("invalid port in upstream \"{}\"", srv.address));
    for (size_t i = 1; i < s.args.size(); ++i) {
      const std::string& a = s.args[i];
      auto value = [&](const char* key) -> std::optional<std::string> {
        std::string k = std::string(key) + "=";
        if (a.rfind(k, 0) != 0) return std::nullopt;
        return a.substr(k.size());
      };
      std::optional<int> n;
      bool ok = true;
      if (auto v = value("weight")) ok = (n = parse_nginx_int(*v)) && *n >= 1, srv.weight = n.value_or(0);
      else if (auto v = value("max_fails")) ok = (n = parse_nginx_int(*v)).has_value(), srv.max_fails = n.value_or(0);
      else if (auto v = value("max_conns")) ok = (n = parse_nginx_int(*v)).has_value(), srv.max_conns = n.value_or(0);
      else if (auto v = value("fail_timeout")) {
        // nginx keeps fail_timeout in whole seconds (ngx_parse_time(.., 1)): "500ms" is invalid.
        auto t = parse_nginx_time(*v);
        ok = t && t->count() % 1000000 == 0;
        if (ok) srv.fail_timeout = *t;
      } else if (a == "down") srv.down = true;
      else if (a == "backup") srv.backup = true;
      else ok = false;
      if (!ok) fail_at(s, fmt::format("invalid parameter \"{}\"", a));
    }
    return addresses_of(s, srv);
  }

  // nginx resolves a name when it loads the config and adds a peer per address it gets
  // (ngx_parse_url -> ngx_inet_resolve_host); the addresses stay until the next reload (R18).
  std::vector<UpstreamServer> addresses_of(const ConfDirective& d, const UpstreamServer& srv) {
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

  void server_block(const ConfDirective& d, const ProxyLayer& parent) {
    expect_args(d, 0, 0);
    expect_block(d, true);
    ServerBlock server;
    ProxyLayer layer;
    std::vector<PendingLocation> locations;
    for (const auto& s : d.block) {
      if (s.name == "listen") server.listen.push_back(listen_port(s));
      else if (s.name == "server_name") {
        expect_args(s, 1, 64);
        for (const auto& n : s.args) server.server_names.push_back(n);
      } else if (s.name == "location") locations.push_back(location_block(s));
      else if (!proxy_directive(s, layer)) not_here_or_warn(s, {"upstream", "server", "proxy_pass"});
    }
    if (server.listen.empty()) server.listen.push_back(80);  // nginx's default when run as root
    size_t server_index = config_.servers.size();
    for (auto& p : locations) {
      p.layer = p.layer.over(layer);
      pending_.push_back(std::move(p));
      pending_server_.push_back(server_index);
    }
    config_.servers.push_back(std::move(server));
  }

  uint16_t listen_port(const ConfDirective& s) {
    expect_args(s, 1, 16);
    expect_block(s, false);
    std::string a = s.args[0];
    auto colon = a.rfind(':');
    std::string port_text = colon == std::string::npos || a.back() == ']' ? a : a.substr(colon + 1);
    auto p = parse_nginx_int(port_text);
    if (!p || *p < 1 || *p > 65535) fail_at(s, fmt::format("invalid port in \"{}\" of the \"listen\" directive", a));
    return static_cast<uint16_t>(*p);
  }

  PendingLocation location_block(const ConfDirective& d) {
    expect_args(d, 1, 2);
    expect_block(d, true);
    PendingLocation p;
    if (d.args.size() == 2) {
      if (d.args[0] == "=") p.location.exact = true;
      else if (d.args[0] != "^~") fail_at(d, fmt::format("invalid location modifier \"{}\"", d.args[0]));
      p.location.prefix = d.args[1];
    } else {
      p.location.prefix = d.args[0];
    }
    if (p.location.prefix.rfind("~", 0) == 0 || p.location.prefix.rfind("@", 0) == 0 ||
        (d.args.size() == 2 && d.args[0].rfind("~", 0) == 0)) {
      warn(d);  // regex and named locations are not simulated
    }
    for (const auto& s : d.block) {
      if (s.name == "proxy_pass") {
        expect_args(s, 1, 1);
        expect_block(s, false);
        p.proxy_pass = &s;
      } else if (!proxy_directive(s, p.layer)) {
        not_here_or_warn(s, {"upstream", "server", "listen"});
      }
    }
    return p;
  }

  // A proxy_* directive at any level; false when `d` is not one.
  bool proxy_directive(const ConfDirective& d, ProxyLayer& layer) {
    auto applied = layer.apply(d);
    if (applied == ProxyLayer::Applied::unsupported) warn(d);
    return applied != ProxyLayer::Applied::not_proxy;
  }

  // proxy_pass names an upstream block (which may come later in the file) or host[:port].
  void resolve_proxy_passes() {
    for (size_t i = 0; i < pending_.size(); ++i) {
      PendingLocation& p = pending_[i];
      p.location.proxy = p.layer.settle();
      if (p.proxy_pass) p.location.proxy_pass = upstream_for(*p.proxy_pass, p.location);
      config_.servers[pending_server_[i]].locations.push_back(std::move(p.location));
    }
  }

  std::string upstream_for(const ConfDirective& d, const Location& loc) {
    const std::string& url = d.args[0];
    if (url.rfind("http://", 0) != 0) fail_at(d, fmt::format("invalid URL prefix in \"{}\"", url));
    std::string rest = url.substr(7);
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos && !(rest.substr(slash) == "/" && loc.prefix == "/"))
      config_.warnings.push_back(fmt::format("URI part of \"proxy_pass {}\" is not simulated (the request URI is "
                                             "passed unchanged) in {}:{}", url, d.file, d.line));
    if (config_.find_upstream(authority)) return authority;
    Upstream up;
    up.name = authority;
    up.implicit = true;
    UpstreamServer srv;
    srv.address = authority;
    if (!split_host_port(authority, srv.host, srv.port)) fail_at(d, fmt::format("invalid port in upstream \"{}\"", authority));
    up.servers = addresses_of(d, srv);
    config_.upstreams.push_back(std::move(up));
    return authority;
  }

  NginxConfig& config_;
  const HostResolver& resolve_;
  ProxyLayer http_layer_;
  std::vector<PendingLocation> pending_;
  std::vector<size_t> pending_server_;
  std::set<std::string> warned_;
};

}  // namespace

const Upstream* NginxConfig::find_upstream(const std::string& name) const {
  for (const auto& u : upstreams)
    if (u.name == name) return &u;
  return nullptr;
}

const ServerBlock* NginxConfig::server_for_port(uint16_t declared_port) const {
  for (const auto& s : servers)
    for (uint16_t p : s.listen)
      if (p == declared_port) return &s;
  return nullptr;
}

const Location* NginxConfig::match_location(const ServerBlock& server, const std::string& uri) {
  const Location* best = nullptr;
  for (const auto& loc : server.locations) {
    if (loc.exact) {
      if (uri == loc.prefix) return &loc;
      continue;
    }
    if (uri.compare(0, loc.prefix.size(), loc.prefix) == 0 && (!best || loc.prefix.size() > best->prefix.size()))
      best = &loc;
  }
  return best;
}

std::optional<core::Duration> parse_nginx_time(const std::string& text) {
  if (text.find('.') != std::string::npos) return std::nullopt;  // nginx has no fractions
  return core::parse_duration(text);
}

NginxConfig parse_nginx_config(const std::filesystem::path& path, const core::PathMap& paths,
                               const HostResolver& resolve) {
  std::filesystem::path real = paths.resolve(path);
  std::filesystem::path display = paths.to_virtual(real).value_or(path);
  ConfigReader reader(paths);
  std::vector<ConfDirective> tree = reader.read_main(display);
  NginxConfig config;
  config.path = display.string();
  Interpreter(config, resolve).main_block(tree);
  return config;
}

}  // namespace bg::proxy
