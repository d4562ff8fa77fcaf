#pragma once
// What nginx's content phase does for a location without proxy_pass: try_files
// (ngx_http_core_try_files_phase), then the index module for a URI ending in '/'
// (ngx_http_index_module.c), then the static module (ngx_http_static_module.c), reading the
// host's files through the PathMap. Simplifications: no open_file_cache, no ranges, no
// If-Modified-Since, and a Content-Type from a few extensions rather than the `types` table.
#include <optional>
#include <string>

#include "core/path_map.h"
#include "proxy/nginx_config.h"
#include "proxy/route_request.h"
#include "proxy/request_scope.h"

namespace bg::proxy {

// The outcome of one pass: an answer in `out`, or an internal redirect to a new URI (and args).
struct ContentStep {
  std::optional<std::string> redirect_uri;  // set: look the location up again for this URI
};

ContentStep run_try_files(RequestScope& scope, const Location& location, const core::PathMap& paths, RouteResult& out,
                          bool& matched);
ContentStep serve_static(RequestScope& scope, const Location& location, const RouteRequest& request,
                         const core::PathMap& paths, RouteResult& out);

// nginx's reading of a request path (ngx_http_parse_complex_uri): %XX decoded, "//" merged, "."
// and ".." resolved; nullopt when ".." climbs above "/" (nginx answers 400).
std::optional<std::string> normalize_uri(const std::string& path);

}  // namespace bg::proxy
