#include "sim/real_app.h"

#include <fmt/format.h>

#include <stdexcept>
#include <variant>

#include "core/install_layout.h"
#include "core/not_modelled.h"
#include "fakes/nextjs/real_next_builds.h"

namespace bg::sim {

namespace {
constexpr const char* kNode = "/usr/bin/node";
}

std::filesystem::path require_real_app(const scenarios::Scenario& scenario) {
  const auto& app = scenario.app;
  auto folder = fakes::RealNextBuilds::version_folder(app.next_version);
  if (!folder)
    throw core::NotModelled(
        fmt::format("app.engine real with app.next_version {} (real builds exist for Next.js 12.2, 13.4 and 14.1)",
                    app.next_version));
  if (!app.sigterm.empty())
    throw core::NotModelled(
        fmt::format("app.sigterm {} with app.engine real (a real Next.js server handles SIGTERM as its version does)",
                    app.sigterm));
  if (app.prepare_delay.max > core::Duration::zero())
    throw core::NotModelled(
        "app.prepare_delay with app.engine real (a real Next.js server prepares in its own time; app.listen_delay "
        "holds its listen)");
  if (!fakes::RealNextServer::node_available(kNode))
    throw std::runtime_error(fmt::format(
        "app.engine real runs node, and {} is not installed (install Node.js 18.17 or later, then tools/setup.sh)",
        kNode));
  // An installed bluegreen has the app and its build script under share/ (cmake/install.cmake).
  const auto script =
      core::installed_or_built("share/bluegreen/apps/next/build.sh", BG_SOURCE_DIR "/apps/next/build.sh");
  auto found = fakes::RealNextBuilds::find_template(fakes::RealNextBuilds::default_cache(), *folder, script);
  if (auto* message = std::get_if<std::string>(&found)) throw std::runtime_error("app.engine real: " + *message);
  return std::get<std::filesystem::path>(found);
}

fakes::RealNextSettings real_app_settings(const scenarios::Scenario& scenario, core::Duration listen_delay,
                                          double time_scale) {
  fakes::RealNextSettings s;
  s.node = kNode;
  s.version = scenario.app.next_version;
  s.time_scale = time_scale;
  s.listen_delay = listen_delay;
  s.listen_delay_drawn_from = scenario.app.listen_delay;
  s.keep_alive_timeout = scenario.app.keep_alive_timeout;
  s.api_latency_min = scenario.app.api_latency.min;
  s.api_latency_max = scenario.app.api_latency.max;
  return s;
}

}  // namespace bg::sim
