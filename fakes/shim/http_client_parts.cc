#include "fakes/shim/http_client_parts.h"

#include <algorithm>
#include <cctype>
#include <sstream>

// Sources: curl 7.88.1 (lib/urlapi.c) and wget 1.21.3 (src/url.c, getopt), read at their release tags.
namespace bg::fakes {
namespace http_client {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string curl_help_error(const std::string& word, const std::string& what) {
  return fmt::format("curl: option {}: {}\ncurl: try 'curl --help' or 'curl --manual' for more information\n", word,
                     what);
}
bool iequal(const std::string& a, const std::string& b) { return lower(a) == lower(b); }
bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::optional<std::string> find_header(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return std::nullopt;
}

std::optional<long long> content_length(const HttpOutcome& o) {
  auto v = find_header(o.headers, "Content-Length");
  if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(*v);
}

// The response head as the client received it (rebuilt: "Name: value" lines).
std::string response_head(const HttpOutcome& o) {
  std::string s = fmt::format("{} {} {}\r\n", o.version, o.status, o.reason);
  for (const auto& [k, v] : o.headers) s += fmt::format("{}: {}\r\n", k, v);
  return s + "\r\n";
}

std::string absolute(const HttpClientWorld& w, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return w.cwd.empty() || w.cwd.back() == '/' ? w.cwd + path : w.cwd + "/" + path;
}

std::string write_error_of(const HttpClientWorld& w, const std::string& path) {
  return w.write_error ? w.write_error(path) : "No such file or directory";
}

std::string address_of(const HttpClientWorld& w, const std::string& host) {
  auto a = w.address_of ? w.address_of(host) : loopback_address_of(host);
  return a.value_or(host);
}

bool is_ip_literal(const std::string& host) {
  return host.find(':') != std::string::npos || host.find_first_not_of("0123456789.") == std::string::npos;
}

// RFC 3986 5.2.4, as curl's URL parser applies it.
std::string remove_dot_segments(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i + 1);
    std::string seg = path.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (seg == "/.") {
      if (j == std::string::npos) out.push_back("/");
    } else if (seg == "/..") {
      if (!out.empty()) out.pop_back();
      if (j == std::string::npos) out.push_back("/");
    } else {
      out.push_back(seg);
    }
    if (j == std::string::npos) break;
    i = j;
  }
  std::string s;
  for (const auto& seg : out) s += seg;
  return s.empty() ? "/" : s;
}

ParsedUrl parse_http_url(const std::string& s) {
  ParsedUrl p;
  if (s.empty() ||
      std::any_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    p.error = UrlError::malformed;
    return p;
  }
  auto t = parse_url_target(s);
  const auto scheme_end = s.find("://");
  p.scheme = scheme_end == std::string::npos ? "http" : lower(s.substr(0, scheme_end));
  if (p.scheme != "http") {
    p.error = UrlError::not_http;
    return p;
  }
  if (!t) {
    p.error = UrlError::malformed;
    return p;
  }
  const size_t auth_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t auth_end = std::min(s.find_first_of("/?#", auth_start), s.size());
  const std::string authority = s.substr(auth_start, auth_end - auth_start);
  if (authority.find('@') != std::string::npos) {
    p.error = UrlError::not_http;  // credentials in the URL: an Authorization header, not modelled
    return p;
  }
  Url u;
  u.port = t->port;
  const auto close = authority.find(']');
  const auto colon = authority.rfind(':');
  u.port_written = colon != std::string::npos && (close == std::string::npos || colon > close);
  u.host = authority.substr(0, u.port_written ? colon : authority.size());
  if (!u.host.empty() && u.host.front() == '[') u.host = u.host.substr(1, u.host.size() - 2);
  std::string rest = s.substr(auth_end);
  if (const auto hash = rest.find('#'); hash != std::string::npos) {
    u.fragment = rest.substr(hash);
    rest = rest.substr(0, hash);
  }
  const auto q = rest.find('?');
  std::string path = rest.substr(0, q);
  u.target = remove_dot_segments(path.empty() ? "/" : path) + (q == std::string::npos ? "" : rest.substr(q));
  p.url = u;
  return p;
}

// A Location header against the URL it answered.
std::string resolve_location(const Url& base, const std::string& loc) {
  if (loc.find("://") != std::string::npos) return loc;
  if (starts_with(loc, "//")) return "http:" + loc;
  if (starts_with(loc, "/")) return base.origin() + loc;
  const std::string path = base.target.substr(0, base.target.find('?'));
  if (starts_with(loc, "?")) return base.origin() + path + loc;
  return base.origin() + path.substr(0, path.rfind('/') + 1) + loc;
}

std::vector<OptName> read_names(const char* list) {
  std::vector<OptName> v;
  std::istringstream in(list);
  std::string w;
  while (in >> w) {
    OptName o;
    if (w.back() == '=')
      o.value = true, w.pop_back();
    else if (w.back() == '!')
      o.boolean = true, w.pop_back();
    o.name = w;
    v.push_back(o);
  }
  return v;
}

// getopt_long's and curl's matching: an exact name, else the one name the word begins.
Match match_name(const std::vector<OptName>& names, const std::string& word, OptName& hit) {
  int hits = 0;
  for (const auto& n : names) {
    if (n.name == word) {
      hit = n;
      return Match::found;
    }
    if (starts_with(n.name, word)) ++hits, hit = n;
  }
  return hits == 1 ? Match::found : hits == 0 ? Match::unknown : Match::ambiguous;
}

}  // namespace http_client

std::optional<std::string> loopback_address_of(const std::string& host) {
  if (host == "localhost") return "127.0.0.1";
  if (host == "ip6-localhost") return "::1";
  if (http_client::is_ip_literal(host)) return host;
  if (http_client::starts_with(host, "ip-")) {
    std::string a = host.substr(3);
    std::replace(a.begin(), a.end(), '-', '.');
    if (http_client::is_ip_literal(a) && std::count(a.begin(), a.end(), '.') == 3) return a;
  }
  return std::nullopt;
}

}  // namespace bg::fakes
