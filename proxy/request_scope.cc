#include "proxy/request_scope.h"

#include <regex>

#include "proxy/http_messages.h"
#include "proxy/route_request.h"

namespace bg::proxy {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of `key` in "a=1&b=2" ($arg_*), or in a Cookie header "a=1; b=2" ($cookie_*), by name
// compared ignoring case as nginx does.
std::optional<std::string> find_pair(std::string_view list, std::string_view key, char separator) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(separator, pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && lower(item.substr(0, eq)) == lower(key))
      return std::string(item.substr(eq + 1));
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string normalize_host(std::string_view host) {
  std::string h = lower(host);
  if (!h.empty() && h.front() != '[') h = h.substr(0, h.find(':'));
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

RequestScope::RequestScope(const NginxConfig& config, const RouteRequest& request, const ServerBlock* server)
    : config_(config), request_(request), server_(server) {
  auto q = request.target.find('?');
  uri = request.target.substr(0, q);
  if (q != std::string::npos) args = request.target.substr(q + 1);
}

std::string RequestScope::evaluate(const Script& s) {
  return s.evaluate([this](std::string_view name) { return get(name); });
}

std::optional<std::string> RequestScope::get(std::string_view name) {
  if (name.size() == 1 && name[0] >= '1' && name[0] <= '9') {
    size_t i = static_cast<size_t>(name[0] - '0');
    return i < captures.size() ? std::optional<std::string>(captures[i]) : std::nullopt;
  }
  if (auto it = user_.find(name); it != user_.end()) return it->second;
  for (const auto& m : config_.maps)
    if (m.variable == name) return map_value(m);
  return builtin(name);
}

// ngx_http_map_variable: the source value, then exact keys ignoring case, then regexes in order,
// else the default. A map read while being evaluated (a cycle) is empty, and nginx logs it.
std::optional<std::string> RequestScope::map_value(const MapBlock& m) {
  if (auto it = maps_done_.find(m.variable); it != maps_done_.end()) return it->second;
  if (map_depth_ > 16) return std::string();
  ++map_depth_;
  std::string source = evaluate(m.source);
  std::string key = lower(source);
  std::optional<Script> chosen;
  for (const auto& e : m.entries)
    if (!e.regex && e.key == key) chosen = e.value;
  std::vector<std::string> saved = captures;
  for (size_t i = 0; !chosen && i < m.entries.size(); ++i) {
    std::smatch match;
    if (m.entries[i].regex && std::regex_search(source, match, *m.entries[i].regex)) {
      captures.clear();
      for (const auto& sub : match) captures.push_back(sub.str());
      chosen = m.entries[i].value;
    }
  }
  if (!chosen && m.default_value) chosen = m.default_value;
  std::string value = chosen ? evaluate(*chosen) : std::string();
  captures = std::move(saved);
  --map_depth_;
  maps_done_[m.variable] = value;
  return value;
}

std::optional<std::string> RequestScope::builtin(std::string_view name) const {
  auto header = [&](std::string_view field) -> std::optional<std::string> {
    if (lower(field) == "host") return request_.host.empty() ? std::nullopt : std::optional<std::string>(request_.host);
    return request_.header ? request_.header(field) : std::nullopt;
  };
  std::string first_name = server_ && !server_->server_names.empty() ? server_->server_names.front() : "";
  if (name == "host") return request_.host.empty() ? first_name : normalize_host(request_.host);
  if (name == "uri" || name == "document_uri") return uri;
  if (name == "args" || name == "query_string") return args;
  if (name == "is_args") return args.empty() ? "" : "?";
  if (name == "request_uri") return request_.target;
  if (name == "request_method") return request_.method;
  if (name == "request") return request_.method + " " + request_.target + " HTTP/1.1";
  if (name == "scheme") return std::string("http");
  if (name == "https") return std::string();
  if (name == "server_name") return first_name;
  if (name == "server_port") return std::to_string(request_.declared_port);
  if (name == "server_addr" || name == "remote_addr") return std::string("127.0.0.1");
  if (name == "server_protocol") return std::string("HTTP/1.1");
  if (name == "nginx_version") return std::string("1.22.1");
  if (name == "content_length") return header("Content-Length");
  if (name == "content_type") return header("Content-Type");
  if (name.rfind("http_", 0) == 0) {
    std::string field(name.substr(5));
    for (char& c : field) c = c == '_' ? '-' : c;
    return header(field);
  }
  if (name.rfind("arg_", 0) == 0) return find_pair(args, name.substr(4), '&');
  if (name.rfind("cookie_", 0) == 0) {
    auto cookie = header("Cookie");
    return cookie ? find_pair(*cookie, name.substr(7), ';') : std::nullopt;
  }
  return std::nullopt;  // $proxy_* and the like: empty outside proxy_set_header
}

}  // namespace bg::proxy
