#include "scenarios/survey/survey_summary.h"

#include <fmt/format.h>

#include <vector>

namespace bg::survey {
namespace {

std::string with_sources(const Fact& f) {
  const std::string at = sources_text(f.from);
  return at.empty() ? f.why : f.why + " (" + at + ")";
}

std::string nginx_line(const FolderSurvey& s) {
  if (s.proxy_container.known())
    return fmt::format("in the container {} ({})", s.proxy_container.value, with_sources(s.proxy_container));
  if (s.proxy_config.known()) return fmt::format("on the host, all of it in {} (proxy.config)", s.proxy_config.value);
  if (s.host_nginx.value == "stock")
    return fmt::format("on the host, the nginx package's layout with {} file(s) and {} link(s) of this folder",
                       s.host_files.size(), s.host_links.size());
  return s.host_nginx.known() ? s.host_nginx.value + ": " + s.host_nginx.why : "unknown";
}

std::string value_or(const Fact& f, const std::string& unknown) {
  return f.known() ? f.value + ": " + with_sources(f) : unknown;
}

}  // namespace

std::string survey_summary(const FolderSurvey& s) {
  std::string out = "read:\n";
  for (const auto& r : s.read) out += "  " + r + "\n";
  out += "inferred:\n";
  auto row = [&](const char* what, const std::string& text) { out += fmt::format("  {:<14}{}\n", what, text); };
  row("deploys", value_or(s.delivery, "unknown: " + s.delivery.why));
  row("host", value_or(s.host_os, "unknown: " + s.host_os.why));
  row("nginx", nginx_line(s));
  row("compose", s.compose_generation.value.empty() ? s.compose_generation.why : with_sources(s.compose_generation));
  row("app port", value_or(s.app_port, "unknown"));
  if (!s.host_ports.empty()) row("published on", fmt::format("{}", fmt::join(s.host_ports, ", ")));
  row("health check",
      s.health_path.known() ? s.health_path.value + " (" + sources_text(s.health_path.from) + ")" : s.health_path.why);
  row("Next.js", value_or(s.next_version, "unknown: " + s.next_version.why));
  row("clients",
      fmt::format("Host {}, port {}", s.traffic_host.known() ? s.traffic_host.value : "localhost (the default)",
                  s.traffic_port.known() ? s.traffic_port.value : "of nginx's first listen (the default)"));
  std::vector<std::string> assumed;
  auto note = [&](const std::string& what, Basis b, const std::string& why) {
    if (b == Basis::assumed) assumed.push_back(what + ": " + why);
  };
  note("docker.compose " + s.compose_version.value, s.compose_version.basis, s.compose_version.why);
  note("app.next_version " + s.next_version.value, s.next_version.basis, s.next_version.why);
  note("app port " + s.app_port.value, s.app_port.basis, s.app_port.why);
  for (const auto& f : s.host_files) note(f.host_path + " <- " + f.folder_path, f.basis, f.why);
  for (const auto& l : s.host_links) note(l.link + " -> " + l.target, l.basis, l.why);
  for (const auto& r : s.registry) note("registry " + r.image, r.basis, r.why);
  if (!assumed.empty()) {
    out += "assumed (marked CHECK in scenario.yaml):\n";
    for (const auto& a : assumed) out += "  - " + a + "\n";
  }
  out += "check:\n";
  for (const auto& c : s.checks) out += "  - " + c + "\n";
  out +=
      "  - app.listen_delay, docker.build_duration, traffic and run are bluegreen's defaults: the app's start time "
      "and the build's length decide most verdicts\n";
  return out;
}

}  // namespace bg::survey
