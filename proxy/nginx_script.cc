#include "proxy/nginx_script.h"

#include <set>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

namespace bg::proxy {
namespace {

struct VariableSpec {
  const char* name;
  const char* shared_object;
};

const VariableSpec kVariables[] = {
#include "proxy/nginx_variable_table.inc"
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

// ngx_http_script_compile's reading of variables: `$` then `{name}` or name characters, or one
// digit for a regex capture.
std::optional<Script> Script::compile(std::string_view source, std::string& error) {
  Script s;
  s.source_ = std::string(source);
  std::string literal;
  for (size_t i = 0; i < source.size();) {
    if (source[i] != '$') {
      literal += source[i++];
      continue;
    }
    ++i;
    std::string name;
    if (i < source.size() && source[i] >= '1' && source[i] <= '9') {
      name = source[i++];
    } else if (i < source.size() && source[i] == '{') {
      size_t close = source.find('}', i);
      if (close == std::string_view::npos) {
        error = fmt::format("the closing bracket in \"{}\" variable is missing", source.substr(i + 1));
        return std::nullopt;
      }
      name = std::string(source.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      while (i < source.size() && is_name_char(source[i])) name += source[i++];
    }
    if (name.empty()) {
      error = fmt::format("invalid variable name in \"{}\"", source);
      return std::nullopt;
    }
    if (!literal.empty()) s.parts_.push_back({false, std::move(literal)}), literal.clear();
    s.parts_.push_back({true, std::move(name)});
  }
  if (!literal.empty()) s.parts_.push_back({false, std::move(literal)});
  return s;
}

Script Script::literal(std::string text) {
  Script s;
  s.source_ = text;
  if (!text.empty()) s.parts_.push_back({false, std::move(text)});
  return s;
}

bool Script::has_variables() const {
  for (const auto& p : parts_)
    if (p.variable) return true;
  return false;
}

std::string Script::evaluate(const std::function<std::optional<std::string>(std::string_view)>& get) const {
  std::string out;
  for (const auto& p : parts_) {
    if (!p.variable)
      out += p.text;
    else if (auto v = get(p.text))
      out += *v;
  }
  return out;
}

bool nginx_knows_variable(std::string_view name, const std::function<bool(const std::string&)>& loaded) {
  if (name.size() == 1 && name[0] >= '1' && name[0] <= '9') return true;
  for (const auto& v : kVariables) {
    std::string_view n = v.name;
    bool prefix = !n.empty() && n.back() == '_';  // $http_*, $arg_*, $cookie_*, ...
    if (prefix ? name.rfind(n, 0) == 0 : name == n) return !*v.shared_object || loaded(v.shared_object);
  }
  return false;
}

bool evaluable_variable(std::string_view name) {
  static const std::set<std::string_view> kExact = {"host",
                                                    "request_uri",
                                                    "uri",
                                                    "document_uri",
                                                    "args",
                                                    "query_string",
                                                    "is_args",
                                                    "scheme",
                                                    "https",
                                                    "server_name",
                                                    "server_port",
                                                    "server_addr",
                                                    "server_protocol",
                                                    "remote_addr",
                                                    "remote_port",
                                                    "request_method",
                                                    "request",
                                                    "content_length",
                                                    "content_type",
                                                    "nginx_version",
                                                    "proxy_host",
                                                    "proxy_port",
                                                    "proxy_add_x_forwarded_for"};
  if (kExact.count(name)) return true;
  if (name.size() == 1 && name[0] >= '1' && name[0] <= '9') return true;
  for (std::string_view p : {"http_", "arg_", "cookie_"})
    if (name.rfind(p, 0) == 0) return true;
  return false;
}

}  // namespace bg::proxy
