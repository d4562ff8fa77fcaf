#pragma once
// app.engine real (or --app real): each container's app is a real Next.js server (apps/next) instead
// of the fake. What a scenario asks of the app that a real server decides for itself is refused here,
// by name, before anything starts: the run would otherwise judge settings it silently ignored.
#include <filesystem>

#include "core/time.h"
#include "fakes/nextjs/real_next_server.h"
#include "scenarios/scenario.h"

namespace bg::sim {

// The template build (RealNextBuilds::find_template) of the scenario's app.next_version. Throws
// core::NotModelled for a version with no pinned build, app.sigterm or app.prepare_delay (the
// fake's knobs: a real server handles SIGTERM and prepares as its version does), and
// std::runtime_error when node or the build is missing, saying how to get them.
std::filesystem::path require_real_app(const scenarios::Scenario& scenario);

// The settings of one container's real server: the scenario's app.* and the drawn listen delay
// (the build folder and the sandbox are the caller's to fill in).
fakes::RealNextSettings real_app_settings(const scenarios::Scenario& scenario, core::Duration listen_delay,
                                          double time_scale);

}  // namespace bg::sim
