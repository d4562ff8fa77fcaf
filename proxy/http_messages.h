#pragma once
// The HTTP messages nginx makes as a proxy: the request it sends upstream (proxy_set_header,
// $proxy_host, Connection: close), the response it relays (hop-by-hop headers dropped, its own
// Server header) and its built-in error pages. Pure functions, no I/O.
#include <utility>  // before Asio under C++20 (design.md)

#include <string>

#include <boost/beast/http.hpp>

#include "proxy/nginx_config.h"

namespace bg::proxy {

namespace http = boost::beast::http;

inline constexpr const char* kNginxVersion = "nginx/1.22.1";

struct RequestVars {
  std::string proxy_host;   // $proxy_host: the upstream name as in proxy_pass
  std::string remote_addr;  // $remote_addr
};

// The request sent to a peer for the client's `req`.
http::request<http::string_body> make_upstream_request(const http::request<http::string_body>& req,
                                                       const ProxySettings& settings, const RequestVars& vars);

// The upstream's response as relayed to the client. `keep_alive` is whether the client connection
// stays open; `head` keeps the upstream's Content-Length for a HEAD request.
http::response<http::string_body> make_client_response(http::response<http::string_body>&& upstream,
                                                       unsigned client_version, bool keep_alive, bool head);

// nginx's own page for `status` ("502 Bad Gateway" with the nginx/1.22.1 footer).
http::response<http::string_body> make_error_page(int status, unsigned client_version, bool keep_alive);

// The whole message as bytes, so it leaves in one write (reference/semantics.md §7, Nagle).
std::string serialize(const http::response<http::string_body>& res);
// Only the head (status line and fields): for a response whose body was cut short upstream.
std::string serialize_head(const http::response<http::string_body>& res);

}  // namespace bg::proxy
