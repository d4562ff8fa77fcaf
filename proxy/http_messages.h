#pragma once
// The HTTP messages nginx makes as a proxy: the request it sends upstream (proxy_set_header,
// $proxy_host, Connection: close), the response it relays (hop-by-hop headers dropped, its own
// Server header) and its built-in error pages. Pure functions, no I/O.
#include <utility>  // before Asio under C++20 (design.md)

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "proxy/nginx_config.h"

namespace bg::proxy {

namespace http = boost::beast::http;

inline constexpr const char* kNginxVersion = "nginx/1.22.1";

struct RequestVars {
  std::string proxy_host;   // $proxy_host: the upstream name as in proxy_pass
  std::string remote_addr;  // $remote_addr
  std::string uri;          // the URI sent upstream when proxy_pass changes it ("" = the request's)
};

inline constexpr size_t kClientMaxBodySize = 1024 * 1024;  // nginx's client_max_body_size 1m

// How the proxy reads a client's request: Beast's parser, the body limited as nginx limits it.
void prepare_client_parser(http::request_parser<http::string_body>& parser);

// The client-bytes half of the proxy's request path without sockets (ClientSession reads with the
// same parser): one request parsed from the front of `bytes`, or the status the proxy answers
// instead (400 malformed, 413 body too large), or neither when more bytes are needed.
struct ClientRequestParse {
  std::optional<http::request<http::string_body>> request;
  int error_status = 0;
  size_t consumed = 0;
};
ClientRequestParse parse_client_request(std::string_view bytes);

// The request sent to a peer for the client's `req`.
http::request<http::string_body> make_upstream_request(const http::request<http::string_body>& req,
                                                       const ProxySettings& settings, const RequestVars& vars);

// The upstream's response as relayed to the client. `keep_alive` is whether the client connection
// stays open; `head` keeps the upstream's Content-Length for a HEAD request.
http::response<http::string_body> make_client_response(http::response<http::string_body>&& upstream,
                                                       unsigned client_version, bool keep_alive, bool head);

// The bytes of serialize(make_upstream_request(req, settings, vars)) and of
// serialize(make_client_response(upstream, ...)), written straight from the message they come from:
// one is made per request each way, and building the intermediate message (every field allocated,
// kept in a tree and a list) cost a fifth of the proxy's own instructions. Where Beast has rules of
// its own (a chunked request, a 1xx/204/304 response) they go through the message.
std::string upstream_request_bytes(const http::request<http::string_body>& req, const ProxySettings& settings,
                                   const RequestVars& vars);
std::string client_response_bytes(http::response<http::string_body>&& upstream, unsigned client_version,
                                  bool keep_alive, bool head);

// nginx's own page for `status` ("502 Bad Gateway" with the nginx/1.22.1 footer).
http::response<http::string_body> make_error_page(int status, unsigned client_version, bool keep_alive);

// An answer nginx makes itself (return, a static file, a redirect): `body` when it has one (a
// return's text, a file), else nginx's page for an error or redirect status and an empty body
// below 300; `location` for a redirect; no body bytes for HEAD.
http::response<http::string_body> make_answer(int status, const std::string* body, const std::string& content_type,
                                              const std::string& location, unsigned client_version, bool keep_alive,
                                              bool head);

// The whole message as bytes, so it leaves in one write (semantics.md §7, Nagle).
std::string serialize(const http::response<http::string_body>& res);
std::string serialize(const http::request<http::string_body>& req);
// Only the head (status line and fields): for a response whose body was cut short upstream.
std::string serialize_head(const http::response<http::string_body>& res);
// The same bytes through Beast's own serializer (the reference serialize() is tested against).
std::string serialize_by_beast(const http::response<http::string_body>& res);
std::string serialize_by_beast(const http::request<http::string_body>& req);

}  // namespace bg::proxy
