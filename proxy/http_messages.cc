#include "proxy/http_messages.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace bg::proxy {
namespace {

// Hop-by-hop headers a proxy never forwards, plus those nginx sets itself.
bool skip_request_header(http::field f) {
  return f == http::field::connection || f == http::field::keep_alive || f == http::field::proxy_connection ||
         f == http::field::te || f == http::field::upgrade || f == http::field::transfer_encoding ||
         f == http::field::content_length || f == http::field::host || f == http::field::trailer;
}

// proxy_hide_header's defaults (Date, Server, X-Pad, X-Accel-*) and hop-by-hop fields.
bool skip_response_header(http::field f, std::string_view name) {
  if (f == http::field::connection || f == http::field::keep_alive || f == http::field::transfer_encoding ||
      f == http::field::server || f == http::field::date || f == http::field::content_length ||
      f == http::field::trailer || f == http::field::upgrade)
    return true;
  constexpr std::string_view accel = "x-accel-";
  return boost::beast::iequals(name, "x-pad") ||
         (name.size() >= accel.size() && boost::beast::iequals(name.substr(0, accel.size()), accel));
}

// The variables proxy_set_header values commonly use; others stay as written (not simulated).
std::string expand_vars(const std::string& value, const http::request<http::string_body>& req,
                        const RequestVars& vars) {
  if (value.find('$') == std::string::npos) return value;  // most values name no variable
  std::string host(req[http::field::host]);
  std::string host_only = host.substr(0, host.find(':'));
  std::string xff(req["X-Forwarded-For"]);
  std::string target(req.target());
  const std::pair<const char*, std::string> table[] = {
      {"$proxy_add_x_forwarded_for", xff.empty() ? vars.remote_addr : xff + ", " + vars.remote_addr},
      {"$http_host", host},
      {"$host", host_only},
      {"$remote_addr", vars.remote_addr},
      {"$scheme", "http"},
      {"$proxy_host", vars.proxy_host},
      {"$request_uri", target},
      {"$uri", target.substr(0, target.find('?'))},
  };
  std::string out;
  for (size_t i = 0; i < value.size();) {
    bool replaced = false;
    if (value[i] == '$') {
      for (const auto& [name, v] : table) {
        std::string_view n(name);
        if (value.compare(i, n.size(), n) == 0) {
          out += v;
          i += n.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += value[i++];
  }
  return out;
}

// nginx sends a Content-Length upstream for a body, and for these methods even without one.
bool has_body_framing(const http::request<http::string_body>& req) {
  return !req.body().empty() || req.method() == http::verb::post || req.method() == http::verb::put ||
         req.method() == http::verb::patch;
}

const char* reason_for(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 413:
      return "Request Entity Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Temporarily Unavailable";
    case 504:
      return "Gateway Time-out";
    default:
      return "Error";
  }
}

}  // namespace

void prepare_client_parser(http::request_parser<http::string_body>& parser) { parser.body_limit(kClientMaxBodySize); }

ClientRequestParse parse_client_request(std::string_view bytes) {
  ClientRequestParse out;
  http::request_parser<http::string_body> parser;
  prepare_client_parser(parser);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  // Beast's parser takes the bytes in pieces, as async_read feeds it from the socket buffer.
  while (used < bytes.size() && !parser.is_done()) {
    size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) {
      out.error_status = ec == http::error::body_limit ? 413 : 400;
      return out;
    }
    if (n == 0) break;
    used += n;
  }
  out.consumed = used;
  if (parser.is_done()) out.request = parser.release();
  return out;
}

http::request<http::string_body> make_upstream_request(const http::request<http::string_body>& req,
                                                       const ProxySettings& settings, const RequestVars& vars) {
  http::request<http::string_body> up;
  // Beast's method(verb::unknown) throws: a method it does not know (found by the fuzzer, e.g.
  // "FOO / HTTP/1.1") goes by its string, as nginx passes any method token on.
  if (req.method() == http::verb::unknown)
    up.method_string(req.method_string());
  else
    up.method(req.method());
  // proxy_pass without a URI part passes the request URI unchanged.
  if (vars.uri.empty())
    up.target(req.target());
  else
    up.target(vars.uri);
  up.version(settings.http_version == "1.1" ? 11 : 10);
  // nginx's defaults: proxy_set_header Host $proxy_host; proxy_set_header Connection close.
  up.set(http::field::host, vars.proxy_host);
  up.set(http::field::connection, "close");
  for (const auto& f : req)
    if (!skip_request_header(f.name())) up.insert(f.name_string(), f.value());
  for (const auto& [name, value] : settings.set_headers) {
    std::string v = expand_vars(value, req, vars);
    up.erase(name);
    if (!v.empty()) up.set(name, v);  // an empty value removes the header, as in nginx
  }
  up.body() = req.body();
  if (has_body_framing(req)) up.content_length(up.body().size());
  return up;
}

http::response<http::string_body> make_client_response(http::response<http::string_body>&& upstream,
                                                       unsigned client_version, bool keep_alive, bool head) {
  http::response<http::string_body> out;
  out.result(upstream.result_int());
  out.reason(upstream.reason());
  out.version(client_version >= 11 ? 11 : 10);
  out.set(http::field::server, kNginxVersion);
  for (const auto& f : upstream)
    if (!skip_response_header(f.name(), f.name_string())) out.insert(f.name_string(), f.value());
  if (head) {
    if (upstream.has_content_length()) out.set(http::field::content_length, upstream[http::field::content_length]);
  } else {
    out.body() = std::move(upstream.body());
    out.prepare_payload();
  }
  out.keep_alive(keep_alive);
  return out;
}

http::response<http::string_body> make_error_page(int status, unsigned client_version, bool keep_alive) {
  http::response<http::string_body> out;
  out.result(status);
  out.reason(reason_for(status));
  out.version(client_version >= 11 ? 11 : 10);
  out.set(http::field::server, kNginxVersion);
  out.set(http::field::content_type, "text/html");
  std::string title = fmt::format("{} {}", status, reason_for(status));
  out.body() = fmt::format(
      "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n"
      "<hr><center>{1}</center>\r\n</body>\r\n</html>\r\n",
      title, kNginxVersion);
  out.prepare_payload();
  out.keep_alive(keep_alive);
  return out;
}

http::response<http::string_body> make_answer(int status, const std::string* body, const std::string& content_type,
                                              const std::string& location, unsigned client_version, bool keep_alive,
                                              bool head) {
  http::response<http::string_body> out = make_error_page(status, client_version, keep_alive);
  if (body || status < 300) {
    out.body() = body ? *body : std::string();
    // ngx_http_send_response: a return's text goes out with default_type (text/plain when unset).
    out.set(http::field::content_type, content_type.empty() ? "text/plain" : content_type);
    if (!body) out.erase(http::field::content_type);
  }
  if (!location.empty()) out.set(http::field::location, location);
  out.prepare_payload();
  if (head) {
    auto length = out.body().size();
    out.body().clear();
    out.content_length(length);
  }
  out.keep_alive(keep_alive);
  return out;
}

namespace {

// Beast's own bytes for a message, through its ostream serializer: the reference the fast path
// below must match, and the path for the chunked bodies it does not handle.
template <class Message>
std::string serialize_with_beast(const Message& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

// What Beast stores of a field value it is given: without leading or trailing spaces and tabs.
std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

// The fields as Beast's serializer writes them (each stored as `Name: value\r\n`), then the
// empty line. Appended by hand: going through an ostream cost more than the rest of the response.
void append_fields(std::string& out, const http::fields& fields) {
  for (const auto& f : fields) append_field(out, f.name_string(), f.value());
  out += "\r\n";
}

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

size_t fields_size(const http::fields& fields) {
  size_t n = 2;
  for (const auto& f : fields) n += f.name_string().size() + f.value().size() + 4;
  return n;
}

void append_status_head(std::string& out, const http::response_header<>& res) {
  out.reserve(out.size() + 32 + res.reason().size() + fields_size(res));
  append_version(out, res.version());
  unsigned code = static_cast<unsigned>(res.result_int());
  out += ' ';
  out += static_cast<char>('0' + code / 100 % 10);
  out += static_cast<char>('0' + code / 10 % 10);
  out += static_cast<char>('0' + code % 10);
  out += ' ';
  out += res.reason();
  out += "\r\n";
  append_fields(out, res);
}

}  // namespace

std::string serialize(const http::response<http::string_body>& res) {
  if (res.chunked()) return serialize_with_beast(res);
  std::string out;
  out.reserve(res.body().size() + 256);
  append_status_head(out, res.base());
  out += res.body();
  return out;
}

std::string serialize(const http::request<http::string_body>& req) {
  if (req.chunked()) return serialize_with_beast(req);
  std::string out;
  out.reserve(req.method_string().size() + req.target().size() + 16 + fields_size(req) + req.body().size());
  out += req.method_string();
  // Beast writes no separator before an empty target (it stores the target with its leading space).
  if (!req.target().empty()) out += ' ';
  out += req.target();
  out += ' ';
  append_version(out, req.version());
  out += "\r\n";
  append_fields(out, req);
  out += req.body();
  return out;
}

// make_upstream_request's steps on a plain list of fields (Beast's set() and erase() append at the
// end and remove every field of that name, case-insensitively), then serialize()'s bytes.
std::string upstream_request_bytes(const http::request<http::string_body>& req, const ProxySettings& settings,
                                   const RequestVars& vars) {
  for (const auto& header : settings.set_headers)
    if (boost::beast::iequals(header.first, "Transfer-Encoding"))
      return serialize(make_upstream_request(req, settings, vars));  // may make it chunked: Beast's bytes
  using Field = std::pair<std::string_view, std::string_view>;
  std::vector<Field> fields;
  std::vector<std::string> values;  // expanded proxy_set_header values, which `fields` points into
  values.reserve(settings.set_headers.size());
  fields.reserve(8 + settings.set_headers.size());
  fields.emplace_back("Host", vars.proxy_host);
  fields.emplace_back("Connection", "close");
  for (const auto& f : req)
    if (!skip_request_header(f.name())) fields.emplace_back(f.name_string(), f.value());
  for (const auto& [name, value] : settings.set_headers) {
    values.push_back(expand_vars(value, req, vars));
    std::erase_if(fields, [&name = name](const Field& f) { return boost::beast::iequals(f.first, name); });
    if (!values.back().empty()) fields.emplace_back(name, values.back());
  }
  std::string length;
  if (has_body_framing(req)) {
    length = std::to_string(req.body().size());
    std::erase_if(fields, [](const Field& f) { return boost::beast::iequals(f.first, "Content-Length"); });
    fields.emplace_back("Content-Length", length);
  }
  std::string_view target = vars.uri.empty() ? req.target() : std::string_view(vars.uri);
  size_t size = req.method_string().size() + target.size() + 16 + req.body().size();
  for (const auto& [name, value] : fields) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  out += req.method_string();
  if (!target.empty()) out += ' ';  // as serialize(): Beast writes none before an empty target
  out += target;
  out += ' ';
  append_version(out, settings.http_version == "1.1" ? 11 : 10);
  out += "\r\n";
  for (const auto& [name, value] : fields) append_field(out, name, trim_ows(value));
  out += "\r\n";
  out += req.body();
  return out;
}

// make_client_response's fields in its order (Server, the upstream's kept fields, Content-Length,
// then the Connection that Beast's keep_alive() adds to a message without one), then serialize()'s bytes.
std::string client_response_bytes(http::response<http::string_body>&& upstream, unsigned client_version,
                                  bool keep_alive, bool head) {
  unsigned code = upstream.result_int();
  if (!head && (code < 200 || code == 204 || code == 304))  // prepare_payload's own rules (it may throw)
    return serialize(make_client_response(std::move(upstream), client_version, keep_alive, head));
  unsigned version = client_version >= 11 ? 11 : 10;
  std::string_view reason = upstream.reason();
  std::string out;
  out.reserve(96 + reason.size() + fields_size(upstream) + (head ? 0 : upstream.body().size()));
  append_version(out, version);
  out += ' ';
  out += static_cast<char>('0' + code / 100 % 10);
  out += static_cast<char>('0' + code / 10 % 10);
  out += static_cast<char>('0' + code % 10);
  out += ' ';
  out += reason;
  out += "\r\n";
  append_field(out, "Server", kNginxVersion);
  for (const auto& f : upstream)
    if (!skip_response_header(f.name(), f.name_string())) append_field(out, f.name_string(), f.value());
  if (!head)
    append_field(out, "Content-Length", std::to_string(upstream.body().size()));
  else if (upstream.has_content_length())
    append_field(out, "Content-Length", upstream[http::field::content_length]);
  if (version == 10 && keep_alive) append_field(out, "Connection", "keep-alive");
  if (version == 11 && !keep_alive) append_field(out, "Connection", "close");
  out += "\r\n";
  if (!head) out += upstream.body();
  return out;
}

std::string serialize_head(const http::response<http::string_body>& res) {
  std::string out;
  append_status_head(out, res.base());
  return out;
}

std::string serialize_by_beast(const http::response<http::string_body>& res) { return serialize_with_beast(res); }
std::string serialize_by_beast(const http::request<http::string_body>& req) { return serialize_with_beast(req); }

}  // namespace bg::proxy
