// The app's side of the survey: its port, where its colors are published, the health path the
// scripts check, its Next.js version, and the images a run's registry must hold.
#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>

#include "scenarios/survey/folder_reading.h"

namespace bg::survey {
namespace {

void decide_port(const FolderReading& in, FolderSurvey& s) {
  const AppFacts& app = in.app;
  if (!app.exposed.empty() || !app.env_port.empty()) {
    const Named& first = app.exposed.empty() ? app.env_port.front() : app.exposed.front();
    std::vector<Source> from{first.at};
    if (!app.exposed.empty() && !app.env_port.empty()) from.push_back(app.env_port.front().at);
    s.app_port = {first.value, Basis::read, from,
                  app.exposed.empty() ? "ENV PORT of the image" : "EXPOSE of the image"};
    if (!app.exposed.empty() && !app.env_port.empty() && app.exposed.front().value != app.env_port.front().value)
      s.checks.push_back(fmt::format("the Dockerfile exposes {} ({}) but sets PORT={} ({}): Next.js listens on PORT",
                                     app.exposed.front().value, app.exposed.front().at.str(),
                                     app.env_port.front().value, app.env_port.front().at.str()));
    return;
  }
  for (const auto& file : in.compose)
    for (const auto& svc : file.services)
      for (const auto& p : svc.ports)
        if (!is_nginx_image(svc.image.value) && !s.app_port.known())
          s.app_port = {port_parts(p.value).second, Basis::read, {p.at}, "the container port the colors publish"};
  if (!s.app_port.known())
    s.app_port = {"3000", Basis::assumed, {}, "Next.js listens on 3000 unless PORT says otherwise"};
}

void list_host_ports(const FolderReading& in, FolderSurvey& s) {
  auto add = [&](const std::string& published, const Source& at) {
    const std::string host = port_parts(published).first;
    if (!host.empty()) s.host_ports.push_back(fmt::format("{} ({})", host, at.str()));
  };
  for (const auto& file : in.compose)
    for (const auto& svc : file.services)
      if (!is_nginx_image(svc.image.value))
        for (const auto& p : svc.ports) add(p.value, p.at);
  for (const auto& f : in.facts)
    for (const auto& run : f.runs)
      if (!is_nginx_image(run.image))
        for (const auto& p : run.publish) add(p, run.at);
}

// The paths the scripts and healthchecks ask the app for. bluegreen's Next.js app serves GET / and
// GET /api/health (fakes/nextjs/next_routes.cc); another path is a 404 in a run.
void decide_health(const FolderReading& in, FolderSurvey& s) {
  std::vector<Named> paths;
  for (const auto& f : in.facts)
    for (const auto& u : f.urls)
      if (!u.path.empty()) paths.push_back({u.path, u.at});
  static const std::regex url(R"(https?://[^/\s"']+(/[^\s"']*))");
  for (const auto& file : in.compose)
    for (const auto& svc : file.services) {
      std::smatch m;
      // Services sharing an anchored healthcheck read it from the same line: one source is enough.
      const bool seen =
          std::any_of(paths.begin(), paths.end(), [&](auto& p) { return p.at.str() == svc.healthcheck.at.str(); });
      if (!seen && std::regex_search(svc.healthcheck.value, m, url)) paths.push_back({m[1], svc.healthcheck.at});
    }
  if (paths.empty()) {
    s.health_path = {"", Basis::read, {}, "no script or healthcheck asks the app for a URL"};
    return;
  }
  for (const auto& p : paths) {
    const std::string path = p.value.substr(0, p.value.find('?'));
    if (path == "/" || path == "/api/health") continue;
    s.health_path = {path, Basis::read, {p.at}, "a path bluegreen's app does not serve"};
    s.checks.push_back(
        fmt::format("{} checks {}: bluegreen's Next.js app answers only GET / and GET /api/health "
                    "({{\"status\":\"ok\"}}), so this check gets a 404 in a run",
                    p.at.str(), path));
    return;
  }
  std::vector<Source> from;
  for (const auto& p : paths)
    if (from.size() < 3 && p.value == paths.front().value) from.push_back(p.at);
  s.health_path = {paths.front().value, Basis::read, from, "the URL the scripts check"};
}

void decide_next(const FolderReading& in, FolderSurvey& s) {
  const AppFacts& app = in.app;
  if (!app.next_dependency.value.empty()) {
    const std::string mm = next_major_minor(app.next_dependency.value);
    if (!mm.empty()) {
      s.next_version = {
          mm, Basis::read, {app.next_dependency.at}, fmt::format("\"next\": \"{}\"", app.next_dependency.value)};
      return;
    }
  }
  if (!app.next_config_hint.value.empty()) {
    s.next_version = {"12.2",
                      Basis::assumed,
                      {app.next_config_hint.at},
                      "no version in package.json; experimental.outputStandalone is a Next.js 12 option"};
    s.checks.push_back(
        fmt::format("app.next_version: 12.2 assumed from {} (experimental.outputStandalone, Next.js "
                    "12); the version decides how the app stops on SIGTERM",
                    app.next_config_hint.at.str()));
    return;
  }
  s.next_version = {"", Basis::unknown, {}, "no package.json naming next"};
  s.checks.push_back(
      "app.next_version: no package.json names next: 12.2 (the default), 13.4 or 14.1 decide how "
      "the app stops on SIGTERM and answers before it is ready");
}

}  // namespace

void survey_app(const FolderReading& in, FolderSurvey& s) {
  decide_port(in, s);
  list_host_ports(in, s);
  decide_health(in, s);
  decide_next(in, s);
}

// Images a `docker pull`, `compose pull` or `up` must find: every image the compose files and
// `docker run`s name that the host does not build itself (`docker build -t`, compose `build:`).
void survey_registry(const FolderReading& in, FolderSurvey& s) {
  std::set<std::string> built, pushed;
  for (const auto& f : in.facts)
    for (const auto& b : f.built_images) built.insert(b.value);
  for (const auto& w : in.deploy.workflows)
    for (const auto& p : w.pushed_images) pushed.insert(image_repository(p.value));
  auto add = [&](std::string image, const Source& at, const std::map<std::string, std::string>& env, bool builds,
                 const std::string& user) {
    const std::string written = image;
    const bool complete = interpolate(image, env);
    if (image.empty() || builds || built.count(image_repository(image))) return;
    if (!complete) {
      s.checks.push_back(
          fmt::format("{} names the image {} through a variable without a default: add the image it "
                      "becomes to docker.registry",
                      at.str(), written));
      return;
    }
    if (image_repository(image) == image) image += ":latest";
    if (std::any_of(s.registry.begin(), s.registry.end(), [&](auto& r) { return r.image == image; })) return;
    if (is_nginx_image(image)) {
      s.registry.push_back({image, "nginx", Basis::read, at, "an nginx image the host pulls"});
    } else if (pushed.count(image_repository(image))) {
      s.registry.push_back({image, "app", Basis::read, at, "the app's image, which the workflow builds and pushes"});
    } else if (user.find("blue") != std::string::npos || user.find("green") != std::string::npos) {
      s.registry.push_back({image, "app", Basis::assumed, at, fmt::format("pulled, not built; {} is a color", user)});
    } else {
      s.checks.push_back(
          fmt::format("{} runs {}, which the host does not build and which is neither nginx nor a "
                      "color of the app: bluegreen runs only those",
                      at.str(), image));
    }
  };
  for (const auto& file : in.compose)
    for (const auto& svc : file.services)
      add(svc.image.value, svc.image.at, file.dotenv, svc.build, svc.name + " " + svc.container_name);
  for (const auto& f : in.facts)
    for (const auto& run : f.runs)
      if (run.image.find('$') == std::string::npos) add(run.image, run.at, {}, false, run.name);
}

}  // namespace bg::survey
