#include "fakes/nextjs/next_routes.h"

#include <fmt/format.h>

namespace bg::fakes {

const char* to_string(Route route) {
  switch (route) {
    case Route::page:
      return "page";
    case Route::static_asset:
      return "static_asset";
    case Route::health:
      return "health";
    case Route::echo:
      return "echo";
    case Route::not_found:
      return "not_found";
  }
  return "?";
}

Route route_of(std::string_view method, std::string_view target, std::string_view build_id,
               const std::set<std::string>* shared) {
  std::string_view path = target.substr(0, target.find('?'));
  bool get = method == "GET" || method == "HEAD";
  if (get && path == "/") return Route::page;
  if (get && path == "/api/health") return Route::health;
  if (method == "POST" && path == "/api/echo") return Route::echo;
  constexpr std::string_view static_prefix = "/_next/static/";
  if (get && path.starts_with(static_prefix)) {
    std::string_view rest = path.substr(static_prefix.size());
    if (shared) {
      const auto slash = rest.find('/');
      if (slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size() &&
          shared->count(std::string(rest.substr(0, slash))))
        return Route::static_asset;
    }
    // Only this build's own assets exist in its image: another build's id is a 404 (R08).
    if (rest.size() > build_id.size() + 1 && rest.starts_with(build_id) && rest[build_id.size()] == '/')
      return Route::static_asset;
  }
  return Route::not_found;
}

bool is_api_route(Route route) { return route == Route::health || route == Route::echo; }

std::string asset_path(std::string_view build_id) {
  return fmt::format("/_next/static/{}/_buildManifest.js", build_id);
}

std::string ssg_manifest_path(std::string_view build_id) {
  return fmt::format("/_next/static/{}/_ssgManifest.js", build_id);
}

AppResponse render_route(Route route, std::string_view build_id, std::string_view request_body,
                         std::string_view request_content_type) {
  switch (route) {
    case Route::page:
      return {200, "text/html; charset=utf-8",
              fmt::format("<!DOCTYPE html><html><head><meta charSet=\"utf-8\"/><title>bluegreen</title>"
                          "<script src=\"{0}\" defer=\"\"></script><script src=\"{2}\" defer=\"\"></script>"
                          "</head><body><div id=\"__next\"><p>build {1}</p></div><script id=\"__NEXT_DATA__\" "
                          "type=\"application/json\">{{\"page\":\"/\",\"buildId\":\"{1}\"}}</script></body></html>",
                          asset_path(build_id), build_id, ssg_manifest_path(build_id))};
    case Route::static_asset:
      return {200, "application/javascript; charset=UTF-8",
              // A real manifest maps pages to their chunks; this one names its build instead.
              fmt::format(
                  "self.__BUILD_MANIFEST={{\"buildId\":\"{}\"}},self.__BUILD_MANIFEST_CB&&self.__BUILD_MANIFEST_CB();",
                  build_id)};
    case Route::health:
      return {200, "application/json; charset=utf-8",
              fmt::format("{{\"status\":\"ok\",\"buildId\":\"{}\"}}", build_id)};
    case Route::echo:
      return {200, request_content_type.empty() ? "text/plain; charset=utf-8" : std::string(request_content_type),
              std::string(request_body)};
    case Route::not_found:
      break;
  }
  return {404, "text/html; charset=utf-8",
          "<!DOCTYPE html><html><head><title>404: This page could not be found</title></head><body>"
          "<h1>404</h1><h2>This page could not be found.</h2></body></html>"};
}

AppResponse render_unavailable(std::string_view build_id) {
  return {503, "application/json; charset=utf-8",
          fmt::format("{{\"status\":\"starting\",\"buildId\":\"{}\"}}", build_id)};
}

AppResponse render_handler_missing() { return {500, "text/plain", "internal server error"}; }

}  // namespace bg::fakes
