#include "proxy/request_router.h"

#include <regex>

#include <fmt/format.h>

#include "proxy/request_scope.h"
#include "proxy/static_content.h"

namespace bg::proxy {
namespace {

constexpr int kMaxInternalRedirects = 10;  // NGX_HTTP_MAX_URI_CHANGES

bool is_regex(const Location& l) { return l.match == LocationMatch::regex || l.match == LocationMatch::regex_caseless; }

bool is_static(const Location& l) {
  return l.match == LocationMatch::prefix || l.match == LocationMatch::prefix_noregex ||
         l.match == LocationMatch::exact;
}

// ngx_http_core_find_static_location over one level: an exact match, an inclusive (prefix)
// location named as the URI, the 301 of an auto_redirect location named URI + "/", else the
// longest prefix. Returns 0 none, 1 exact, 2 prefix (look deeper), 3 redirect.
int find_static(const std::vector<Location>& ls, const std::string& uri, const Location*& found) {
  const Location* longest = nullptr;
  const Location* redirect = nullptr;
  for (const auto& l : ls) {
    if (!is_static(l)) continue;
    if (l.prefix == uri && l.match == LocationMatch::exact) return found = &l, 1;
    if (l.match != LocationMatch::exact && uri.compare(0, l.prefix.size(), l.prefix) == 0 &&
        (!longest || l.prefix.size() > longest->prefix.size()))
      longest = &l;
    if (l.auto_redirect && l.prefix.size() == uri.size() + 1 && l.prefix.compare(0, uri.size(), uri) == 0)
      redirect = &l;
  }
  if (longest && longest->prefix == uri) return found = longest, 2;
  if (redirect) return found = redirect, 3;
  if (longest) return found = longest, 2;
  return 0;
}

bool regex_match(const Location& l, const std::string& uri, std::vector<std::string>& captures) {
  if (!l.regex) return false;
  std::smatch m;
  if (!std::regex_search(uri, m, *l.regex)) return false;
  captures.clear();
  for (const auto& sub : m) captures.push_back(sub.str());
  return true;
}

// Whether `host` matches server_name entry `name` as a wildcard; `length` gets how much matched.
bool wildcard_match(const std::string& name, const std::string& host, bool leading, size_t& length) {
  if (leading) {
    std::string suffix = name[0] == '*' ? name.substr(1) : name;  // "*.a.com" or ".a.com"
    if (name[0] == '.' && host == name.substr(1)) return length = name.size(), true;
    if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0)
      return length = suffix.size(), true;
    return false;
  }
  std::string prefix = name.substr(0, name.size() - 1);  // "www.a." of "www.a.*"
  if (host.size() > prefix.size() && host.compare(0, prefix.size(), prefix) == 0) return length = prefix.size(), true;
  return false;
}

}  // namespace

namespace {

enum class Found { declined, ok, again, done };

// ngx_http_core_find_location, one level: the static locations, then (unless the prefix found is
// ^~) the regexes in order; a location found is looked into for nested ones.
Found find_in(const std::vector<Location>& ls, const std::string& uri, const Location*& loc,
              std::vector<std::string>& captures) {
  const Location* found = nullptr;
  int s = find_static(ls, uri, found);
  if (s == 1) return loc = found, Found::ok;
  if (s == 3) return loc = found, Found::done;
  Found rc = Found::declined;
  bool noregex = false;
  if (s == 2) {
    loc = found;
    noregex = found->match == LocationMatch::prefix_noregex;
    rc = find_in(found->nested, uri, loc, captures);
  }
  if (rc == Found::ok || rc == Found::done) return rc;
  if (!noregex)
    for (const auto& l : ls)
      if (is_regex(l) && regex_match(l, uri, captures)) {
        loc = &l;
        find_in(l.nested, uri, loc, captures);
        return Found::ok;
      }
  return rc;
}

}  // namespace

const Location* find_location(const std::vector<Location>& ls, const std::string& uri, bool& redirect,
                              std::vector<std::string>& captures) {
  const Location* loc = nullptr;
  redirect = find_in(ls, uri, loc, captures) == Found::done;
  return loc;
}

// ngx_http_find_virtual_server within the listen group of the port: exact name, the longest
// leading wildcard, the longest trailing wildcard, the first regex; else the default server
// (default_server, or the first listing the port). A port with loopback-specific listens is served
// by those servers only, as nginx serves an address:port pair by the servers listing it.
const ServerBlock* RequestRouter::select_server(uint16_t port, const std::string& host_header) const {
  std::vector<const ServerBlock*> group, specific;
  for (const auto& s : config_.servers)
    for (const auto& l : s.listens)
      if (l.port == port) {
        (l.wildcard ? group : specific).push_back(&s);
        break;
      }
  if (!specific.empty()) group = specific;
  if (group.empty()) return nullptr;
  // The run's clients connect over IPv4: an IPv4 default_server wins over an IPv6 one.
  const ServerBlock* chosen = group.front();
  for (bool ipv6 : {true, false})
    for (const auto* s : group)
      for (const auto& l : s->listens)
        if (l.port == port && l.default_server && l.ipv6 == ipv6) chosen = s;
  std::string host = normalize_host(host_header);
  if (host.empty()) return chosen;
  for (const auto* s : group)
    for (const auto& n : s->server_names)
      if (n == host) return s;
  for (bool leading : {true, false}) {
    const ServerBlock* best = nullptr;
    size_t best_length = 0;
    for (const auto* s : group)
      for (const auto& n : s->server_names) {
        size_t length = 0;
        bool candidate = leading ? (!n.empty() && (n[0] == '*' || n[0] == '.')) : (n.size() > 1 && n.back() == '*');
        if (candidate && wildcard_match(n, host, leading, length) && length > best_length)
          best = s, best_length = length;
      }
    if (best) return best;
  }
  for (const auto* s : group)
    for (const auto& r : s->name_regexes)
      if (std::regex_search(host, *r)) return s;
  return chosen;
}

RouteResult RequestRouter::route(const RouteRequest& request) const {
  RouteResult out;
  out.server = select_server(request.declared_port, request.host);
  if (!out.server) return out.status = 404, out;
  RequestScope scope(config_, request, out.server);
  auto normalized = normalize_uri(scope.uri);
  if (!normalized) return out.status = 400, out;
  scope.uri = *normalized;
  // The rewrite phases: set runs, return answers (server level once, then the location's).
  auto rewrite = [&](const std::vector<RewriteStep>& steps) {
    for (const auto& s : steps) {
      if (s.kind == RewriteStep::Kind::set) {
        scope.set(s.variable, scope.evaluate(s.value));
        continue;
      }
      out.status = s.code;
      if (s.has_value) {
        std::string v = scope.evaluate(s.value);
        bool redirect = s.code == 301 || s.code == 302 || s.code == 303 || s.code == 307 || s.code == 308;
        if (redirect)
          out.location_header = v;
        else
          out.body = v, out.has_body = true;
      }
      return true;
    }
    return false;
  };
  if (rewrite(out.server->rewrite)) return out;
  bool internal = false;
  for (int changes = 0; changes <= kMaxInternalRedirects; ++changes) {
    bool redirect = false;
    const Location* loc = find_location(out.server->locations, scope.uri, redirect, scope.captures);
    if (!loc) loc = &out.server->fallback;
    out.location = loc;
    if (loc->internal && !internal) return out.status = 404, out;
    if (loc->client_max_body_size && request.content_length > loc->client_max_body_size) return out.status = 413, out;
    if (redirect) {
      out.status = 301;
      out.location_header = loc->prefix + (scope.args.empty() ? "" : "?" + scope.args);
      return out;
    }
    if (rewrite(loc->rewrite)) return out;
    if (!loc->proxy_pass.empty() || loc->proxy_pass_dynamic) return proxy(scope, *loc, internal, out), out;
    bool tried = false;
    ContentStep step = run_try_files(scope, *loc, paths_, out, tried);
    if (!step.redirect_uri && out.status == 0) step = serve_static(scope, *loc, request, paths_, out);
    if (!step.redirect_uri) return out;
    internal = true;
    scope.uri = *step.redirect_uri;
  }
  out.error = fmt::format("rewrite or internal redirection cycle while internally redirecting to \"{}\"", scope.uri);
  out.status = 500;
  return out;
}

// What the request is proxied to, and the URI sent (ngx_http_proxy_create_request): without a URI
// part the client's URI as it came (the normalized one after an internal redirect); with one, the
// location's prefix replaced by it.
void RequestRouter::proxy(RequestScope& scope, const Location& loc, bool changed_uri, RouteResult& out) const {
  out.kind = RouteResult::Kind::proxy;
  if (loc.proxy_pass_dynamic) return proxy_dynamic(scope, loc, changed_uri, out);
  out.upstream = loc.proxy_pass;
  out.proxy_host = loc.proxy_pass;
  std::string args = scope.args.empty() ? "" : "?" + scope.args;
  if (loc.proxy_has_uri) {
    std::string tail = scope.uri.size() >= loc.prefix.size() ? scope.uri.substr(loc.prefix.size()) : "";
    out.upstream_uri = loc.proxy_uri + (loc.match == LocationMatch::exact ? "" : tail) + args;
  } else if (changed_uri) {
    out.upstream_uri = scope.uri + args;
  }
}

// proxy_pass with variables (ngx_http_proxy_eval, ngx_http_upstream_init_request): the value is a
// URL; its host names an upstream block (without a port) or an implicit one (host and port), else
// it is an address: an IPv4 literal as is, a name through the resolver, which must be configured
// ("no resolver defined to resolve x", 502).
void RequestRouter::proxy_dynamic(RequestScope& scope, const Location& loc, bool changed_uri, RouteResult& out) const {
  std::string url = scope.evaluate(*loc.proxy_pass_dynamic);
  auto fail = [&](int status, std::string error) {
    out.kind = RouteResult::Kind::respond;
    out.status = status;
    out.error = std::move(error);
  };
  if (url.rfind("https://", 0) == 0)
    return fail(502, fmt::format("proxy_pass to \"{}\": https upstreams are not modelled by bluegreen", url));
  if (url.rfind("http://", 0) != 0) return fail(500, fmt::format("invalid URL prefix in \"{}\"", url));
  std::string rest = url.substr(7);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos)
    out.upstream_uri = rest.substr(slash);  // passed as is, without args
  else if (changed_uri)
    out.upstream_uri = scope.uri + (scope.args.empty() ? "" : "?" + scope.args);
  auto colon = authority.rfind(':');
  bool no_port = colon == std::string::npos;
  std::string host = no_port ? authority : authority.substr(0, colon);
  uint16_t port = 80;
  if (!no_port) {
    std::string p = authority.substr(colon + 1);
    int value = p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ? 0 : std::stoi(p);
    if (value < 1 || value > 65535) return fail(500, fmt::format("invalid port in upstream \"{}\"", authority));
    port = static_cast<uint16_t>(value);
  }
  if (host.empty()) return fail(500, fmt::format("no host in upstream \"{}\"", authority));
  out.proxy_host = authority;
  std::string lower_host = normalize_host(host);
  for (const auto& u : config_.upstreams) {
    if (!u.implicit) {
      if (no_port && normalize_host(u.name) == lower_host) return void(out.upstream = u.name);
      continue;
    }
    auto c = u.name.rfind(':');
    std::string uhost = c == std::string::npos ? u.name : u.name.substr(0, c);
    uint16_t uport = c == std::string::npos ? 80 : static_cast<uint16_t>(std::atoi(u.name.c_str() + c + 1));
    if (normalize_host(uhost) == lower_host && uport == port) return void(out.upstream = u.name);
  }
  if (is_address_literal(host) && host != "localhost") {
    out.addresses.push_back({host, port, false, authority});
    return;
  }
  if (!config_.has_resolver) return fail(502, fmt::format("no resolver defined to resolve {}", host));
  std::vector<uint16_t> ports = resolve_ ? resolve_(host, port) : std::vector<uint16_t>{};
  if (ports.empty()) return fail(502, fmt::format("{} could not be resolved (3: Host not found)", host));
  for (uint16_t actual : ports) out.addresses.push_back({"127.0.0.1", actual, true, authority});
}

}  // namespace bg::proxy
