// ConfigInterpreter's server part: `server` blocks of http (listen, server_name), their locations
// (ngx_http_core_module.c), and the directives of server and location level that decide what
// happens to a request: set/return (ngx_http_rewrite_module.c), root/index/try_files, internal,
// client_max_body_size, keepalive_*, and the proxy_* settings.
#include <algorithm>

#include <fmt/format.h>

#include "proxy/config_interpreter.h"
#include "proxy/nginx_values.h"
#include "proxy/user_regex.h"

namespace bg::proxy {
namespace ctx = conf_contexts;
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void ConfigInterpreter::server_block(const ConfDirective& d) {
  PendingServer p;
  p.server.file = d.file;
  p.server.line = d.line;
  ssl_listen_ = false;
  ssl_certificate_ = http_ssl_certificate_;
  std::set<std::string> seen;
  for (const auto& s : d.block) {
    if (s.name == "ssl_certificate") ssl_certificate_ = true;
    if (check(s, ctx::kServer, seen) == Verdict::skip) continue;
    if (s.name == "listen")
      listen(s, p.server);
    else if (s.name == "server_name")
      server_name(s, p.server);
    else if (s.name == "location")
      p.locations.push_back(location_block(s, nullptr, ctx::kServer));
    else
      level_directive(s, p.own, p.server.fallback, p.server.rewrite, seen);
  }
  if (p.server.listens.empty()) {
    // ngx_http_core_merge_srv_conf: `listen *:80` when run as root (the run's nginx is).
    ListenAddress any;
    any.text = "*:80";
    p.server.listens.push_back(any);
    p.server.listen.push_back(80);
  }
  if (p.server.server_names.empty()) p.server.server_names.push_back("");  // nginx's default server_name ""
  // ngx_http_ssl_merge_srv_conf, once the server is read: it names the server's own line.
  if (ssl_listen_ && !ssl_certificate_)
    fail_at(d, "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive");
  servers_.push_back(std::move(p));
}

// listen [address:]port [default_server] [params]: the run serves on loopback only, so a wildcard
// or loopback address is modelled and another address is not (traffic would never reach it here).
void ConfigInterpreter::listen(const ConfDirective& d, ServerBlock& server) {
  ListenAddress l;
  l.text = d.args[0];
  std::string host, port_text = l.text;
  if (l.text.rfind("unix:", 0) == 0) return not_modelled(d, "listen on a unix socket");
  if (l.text.front() == '[') {
    auto close = l.text.find(']');
    host = l.text.substr(0, close == std::string::npos ? l.text.size() : close + 1);
    port_text = close != std::string::npos && close + 1 < l.text.size() && l.text[close + 1] == ':'
                    ? l.text.substr(close + 2)
                    : "80";
  } else if (auto colon = l.text.rfind(':'); colon != std::string::npos) {
    host = l.text.substr(0, colon);
    port_text = l.text.substr(colon + 1);
  } else if (l.text.find('.') != std::string::npos || !nginx_atoi(l.text)) {
    host = l.text;
    port_text = "80";
  }
  auto p = nginx_atoi(port_text);
  if (!p || *p < 1 || *p > 65535) fail_at(d, fmt::format("invalid port in \"{}\" of the \"listen\" directive", l.text));
  l.port = static_cast<uint16_t>(*p);
  l.wildcard = host.empty() || host == "*" || host == "0.0.0.0" || host == "[::]";
  bool loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
  if (!l.wildcard && !loopback)
    not_modelled(d, fmt::format("listen on address {} (the run serves loopback only)", host));
  for (size_t i = 1; i < d.args.size(); ++i) {
    const std::string& a = d.args[i];
    if (a == "default_server" || a == "default")
      l.default_server = true;
    else if (a == "ssl")
      ssl_listen_ = true, not_modelled(d, "listen parameter \"ssl\"");
    else if (a == "http2" || a == "proxy_protocol")
      not_modelled(d, fmt::format("listen parameter \"{}\"", a));
    else if (a == "reuseport" || a == "deferred" || a == "bind" || a.rfind("backlog=", 0) == 0 ||
             a.rfind("rcvbuf=", 0) == 0 || a.rfind("sndbuf=", 0) == 0 || a.rfind("ipv6only=", 0) == 0 ||
             a.rfind("so_keepalive=", 0) == 0 || a.rfind("fastopen=", 0) == 0)
      continue;  // socket options: how the port is opened, not what it answers
    else
      fail_at(d, fmt::format("invalid parameter \"{}\"", a));
  }
  l.ipv6 = host.rfind("[", 0) == 0;
  // ngx_http_add_server, as the listen is read: the same address twice in one server block.
  // (nginx resolves localhost as it reads the listen, so `localhost:80` is 127.0.0.1:80.)
  l.address = fmt::format("{}:{}",
                          l.wildcard            ? (l.ipv6 ? "[::]" : "0.0.0.0")
                          : host == "localhost" ? "127.0.0.1"
                                                : host,
                          l.port);
  for (const auto& earlier : server.listens)
    if (earlier.address == l.address) fail_at(d, "a duplicate listen " + l.address);
  // ngx_http_add_addresses, as the listen is read: a second default_server for the same port.
  auto is_default = [&](const ListenAddress& a) {
    return a.port == l.port && a.ipv6 == l.ipv6 && a.wildcard == l.wildcard && a.default_server;
  };
  bool taken = std::any_of(server.listens.begin(), server.listens.end(), is_default);
  for (const auto& other : servers_)
    taken = taken || std::any_of(other.server.listens.begin(), other.server.listens.end(), is_default);
  if (l.default_server && taken)
    fail_at(d, fmt::format("a duplicate default server for {}:{}", l.ipv6 ? "[::]" : "0.0.0.0", l.port));
  server.listens.push_back(l);
  server.listen.push_back(l.port);
}

void ConfigInterpreter::server_name(const ConfDirective& d, ServerBlock& server) {
  for (const auto& n : d.args) {
    if (!n.empty() && n[0] == '~') {
      auto compiled = compile_user_regex(n.substr(1), true);  // names compare caseless
      if (!compiled.nginx_error.empty()) fail_at(d, compiled.nginx_error);
      if (!compiled.not_modelled.empty()) not_modelled(d, compiled.not_modelled);
      if (compiled.regex) server.name_regexes.push_back(std::move(compiled.regex));
      continue;
    }
    server.server_names.push_back(lower(n));
  }
}

// location [=|~|~*|^~] name { ... } and its nesting rules (ngx_http_core_location).
void ConfigInterpreter::location_name(const ConfDirective& d, const Location* parent, Location& l) {
  std::string name = d.args.back();
  std::string mod = d.args.size() == 2 ? d.args[0] : "";
  if (mod.empty()) {
    if (name.rfind("=", 0) == 0)
      mod = "=", name = name.substr(1);
    else if (name.rfind("^~", 0) == 0)
      mod = "^~", name = name.substr(2);
    else if (name.rfind("~*", 0) == 0)
      mod = "~*", name = name.substr(2);
    else if (name.rfind("~", 0) == 0)
      mod = "~", name = name.substr(1);
  }
  if (mod == "=")
    l.match = LocationMatch::exact, l.exact = true;
  else if (mod == "^~")
    l.match = LocationMatch::prefix_noregex;
  else if (mod == "~" || mod == "~*")
    l.match = mod == "~" ? LocationMatch::regex : LocationMatch::regex_caseless;
  else if (!mod.empty())
    fail_at(d, fmt::format("invalid location modifier \"{}\"", mod));
  else if (!name.empty() && name[0] == '@')
    l.match = LocationMatch::named;
  l.prefix = name;
  if (parent) {
    if (parent->match == LocationMatch::exact)
      fail_at(d, fmt::format("location \"{}\" cannot be inside the exact location \"{}\"", name, parent->prefix));
    if (parent->match == LocationMatch::named)
      fail_at(d, fmt::format("location \"{}\" cannot be inside the named location \"{}\"", name, parent->prefix));
    if (l.match == LocationMatch::named)
      fail_at(d, fmt::format("named location \"{}\" can be on the server level only", name));
    bool parent_regex = parent->match == LocationMatch::regex || parent->match == LocationMatch::regex_caseless;
    bool regex = l.match == LocationMatch::regex || l.match == LocationMatch::regex_caseless;
    if (!parent_regex && !regex && name.compare(0, parent->prefix.size(), parent->prefix) != 0)
      fail_at(d, fmt::format("location \"{}\" is outside location \"{}\"", name, parent->prefix));
  }
  if (l.match == LocationMatch::regex || l.match == LocationMatch::regex_caseless) {
    auto compiled = compile_user_regex(name, l.match == LocationMatch::regex_caseless);
    if (!compiled.nginx_error.empty()) fail_at(d, compiled.nginx_error);
    if (!compiled.not_modelled.empty()) not_modelled(d, compiled.not_modelled);
    l.regex = std::move(compiled.regex);
  }
}

ConfigInterpreter::PendingLocation ConfigInterpreter::location_block(const ConfDirective& d, const Location* parent,
                                                                     ConfContext) {
  PendingLocation p;
  p.location.file = d.file;
  p.location.line = d.line;
  location_name(d, parent, p.location);
  if (p.location.match == LocationMatch::named)
    not_modelled(d, "named location (reached only by try_files/error_page)");
  std::set<std::string> seen;
  for (const auto& s : d.block) {
    if (check(s, ctx::kLocation, seen) == Verdict::skip) continue;
    if (s.name == "location") {
      p.nested.push_back(location_block(s, &p.location, ctx::kLocation));
    } else if (s.name == "proxy_pass") {
      if (p.proxy_pass) fail_at(s, "\"proxy_pass\" directive is duplicate");
      proxy_pass(s, p.location);
      p.proxy_pass = &s;
    } else if (s.name == "internal") {
      p.location.internal = true;
    } else {
      level_directive(s, p.own, p.location, p.location.rewrite, seen);
    }
  }
  return p;
}

bool ConfigInterpreter::level_directive(const ConfDirective& d, LevelSettings& own, Location& content,
                                        std::vector<RewriteStep>& rewrite, std::set<std::string>&) {
  const std::string& n = d.name;
  if (own.proxy.apply(d) != ProxyLayer::Applied::not_proxy) return true;
  if (n == "set")
    rewrite.push_back(set_step(d));
  else if (n == "return")
    rewrite.push_back(return_step(d));
  else if (n == "root") {
    if (own.root) fail_at(d, "\"root\" directive is duplicate");
    compile(d, d.args[0], true);
    own.root = d.args[0];
  } else if (n == "index") {
    if (!own.index) own.index.emplace();
    for (const auto& a : d.args) own.index->push_back(compile(d, a, true));
  } else if (n == "try_files") {
    if (!content.try_files.empty()) fail_at(d, "\"try_files\" directive is duplicate");
    for (const auto& a : d.args) content.try_files.push_back(compile(d, a, true));
    const std::string& last = d.args.back();
    if (last[0] == '=' && (!nginx_atoi(last.substr(1)) || *nginx_atoi(last.substr(1)) > 999))
      fail_at(d, fmt::format("invalid code \"{}\"", last));
  } else if (n == "client_max_body_size") {
    own.client_max_body_size = nginx_parse_offset(d.args[0]).value_or(0);
  } else if (n == "keepalive_timeout") {
    auto t = nginx_parse_time(d.args[0], false);
    if (!t) fail_at(d, "\"keepalive_timeout\" directive invalid value");
    own.keepalive_timeout = std::chrono::milliseconds(*t);
  } else if (n == "keepalive_requests") {
    own.keepalive_requests = static_cast<int>(std::min<int64_t>(nginx_atoi(d.args[0]).value_or(0), 1 << 30));
  } else if (n == "error_page") {
    // error_page CODE... URI keeps the status and only replaces nginx's page with that URI's (the
    // stock nginx:alpine site has one for 50x): modelled as the status alone. A response code
    // (=200), a named location or a redirect changes what the client gets: not modelled.
    const std::string& target = d.args.back();
    bool changes_status = target[0] == '@' || target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0;
    for (const auto& a : d.args) changes_status = changes_status || a[0] == '=';
    if (changes_status) not_modelled(d, "error_page with a response code, a named location or a redirect");
  } else if (n == "resolver") {
    config_.has_resolver = true;  // Simplification: a resolver anywhere serves every location
  } else {
    return false;  // keepalive_time: only when a connection has lived an hour
  }
  return true;
}

RewriteStep ConfigInterpreter::set_step(const ConfDirective& d) {
  RewriteStep s;
  s.file = d.file;
  s.line = d.line;
  if (d.args[0].size() < 2 || d.args[0][0] != '$') fail_at(d, fmt::format("invalid variable name \"{}\"", d.args[0]));
  s.variable = d.args[0].substr(1);
  s.value = compile(d, d.args[1], true);
  s.has_value = true;
  defined_variables_.insert(s.variable);
  return s;
}

// return code [text] | return code URL | return URL (302), as ngx_http_rewrite_return reads it.
RewriteStep ConfigInterpreter::return_step(const ConfDirective& d) {
  RewriteStep s;
  s.kind = RewriteStep::Kind::return_;
  s.file = d.file;
  s.line = d.line;
  const std::string& first = d.args[0];
  auto code = nginx_atoi(first);
  if (!code) {
    bool url = first.rfind("http://", 0) == 0 || first.rfind("https://", 0) == 0 || first.rfind("$scheme", 0) == 0;
    if (d.args.size() != 1 || !url) fail_at(d, fmt::format("invalid return code \"{}\"", first));
    s.code = 302;
    s.value = compile(d, first, true);
    s.has_value = true;
    return s;
  }
  if (*code > 999) fail_at(d, fmt::format("invalid return code \"{}\"", first));
  s.code = static_cast<int>(*code);
  if (s.code == 444) not_modelled(d, "return 444 (close the connection without a response)");
  if (d.args.size() == 2) {
    s.value = compile(d, d.args[1], true);
    s.has_value = true;
  }
  return s;
}

}  // namespace bg::proxy
