#pragma once
// The fake app's routes and what they answer: pure functions of the request line and the build id,
// shared by the live server and any later in-memory engine.
//
// Routes (the seed app's shape, reduced to what the races need):
//   GET|HEAD /                          200 HTML naming the build and referencing its asset
//   GET|HEAD /_next/static/<build>/...  200 for this build's id only, else 404 (version skew, R08)
//   GET|HEAD /api/health                200 {"status":"ok","buildId":...} once ready
//   POST     /api/echo                  200 echoing the body (the live server adds X-Execution-Id)
//   anything else                       404 (Next's default 404 page)
#include <set>
#include <string>
#include <string_view>

#include "fakes/nextjs/next_app_profile.h"

namespace bg::fakes {

enum class Route { page, static_asset, health, echo, not_found };
const char* to_string(Route route);

// Where a request goes. `target` is the request target; its query string is ignored. With
// `shared`, when given, the other builds whose /_next/static/ files the server listed (see
// NextAppProfile::shared_static).
Route route_of(std::string_view method, std::string_view target, std::string_view build_id,
               const std::set<std::string>* shared = nullptr);
// API routes (/api/*) pay the profile's api_latency.
bool is_api_route(Route route);

// The build-scoped assets a build's page references: /_next/static/<buildId>/_buildManifest.js and
// _ssgManifest.js, as a real `next build` of 12.2.5, 13.4.19 and 14.1.0 names them (the build
// manifest's lowPriorityFiles; apps/next/README.md), so a browser fetches as many of a build's own
// files after the page from the fake as from the real app. A real page also names content-hashed
// /_next/static/chunks/ files, which are not under the build id; the fake leaves them out, and the
// traffic's browser does not fetch them (sim/traffic_generator.h referenced_assets).
std::string asset_path(std::string_view build_id);
std::string ssg_manifest_path(std::string_view build_id);

struct AppResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

// The answer of a route once the app is prepared.
AppResponse render_route(Route route, std::string_view build_id, std::string_view request_body,
                         std::string_view request_content_type);
// 503 {"status":"starting"} for a health check on an app that is not prepared (readiness probe).
AppResponse render_unavailable(std::string_view build_id);
// 500 "internal server error": the 12.x standalone template's catch block, reached when a request
// arrives before `handler` is assigned in the listen callback.
AppResponse render_handler_missing();

}  // namespace bg::fakes
