#include "fakes/docker/compose_v215_dialect.h"

#include <fmt/format.h>

#include "fakes/docker/ps_formatter.h"

namespace bg::fakes {

// The table is docker/cli's formatter with compose's default format (cmd/compose/ps.go, v2.15+).
std::string ComposeV215Dialect::ps_table(const std::vector<ContainerRecord>& containers, core::Time now) const {
  return PsFormatter::render(
      "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}", containers,
      now);
}

// `json` printed one array until v2.21.0, which changed it to one object per line (compose issue
// #10958 on the change); `table` and Go templates go through docker/cli's formatter.
std::string ComposeV215Dialect::ps_format(const std::vector<ContainerRecord>& containers, core::Time now,
                                          const std::string& format) const {
  if (format == "table" || format.empty()) return ps_table(containers, now);
  if (format == "json") {
    if (minor_ >= 21) {
      std::string out;
      for (const auto& c : containers) out += PsFormatter::json(c, now, false).dump() + "\n";
      return out;
    }
    nlohmann::json all = nlohmann::json::array();
    for (const auto& c : containers) all.push_back(PsFormatter::json(c, now, false));
    return all.dump() + "\n";
  }
  return PsFormatter::render(format, containers, now);
}

// Later v2 releases name the project in the warning ([inference]: the exact release that added
// "for project" was not checked; it is taken to be 2.15's line).
std::string ComposeV215Dialect::nothing_to_remove(const std::string& project) const {
  return fmt::format("Warning: No resource found to remove for project \"{}\".\n", project);
}

// pkg/compose/pull.go from v2.15: the reason is in the event.
std::string ComposeV215Dialect::pull_skipped(const std::string& service, bool exists) const {
  return event(service, exists ? "Skipped - Image is already present locally" : "Skipped - No image to be pulled", "");
}

// v2.20.2 convergence.go: the container is named and the error wrapped "dependency failed to
// start"; "didn't complete" lost its typo. ([inference]: taken to hold from 2.19, the release that
// took compose-go 1.15; 2.15 to 2.18 word it as 2.5.0 does.)
std::string ComposeV215Dialect::dependency_error(const std::string& dependent, const std::string& dependency,
                                                 const ContainerRecord& container, DependencyFailure why,
                                                 int exit_code) const {
  if (minor_ < 19) return ComposeDialect::dependency_error(dependent, dependency, container, why, exit_code);
  switch (why) {
    case DependencyFailure::no_healthcheck:
      return fmt::format("dependency failed to start: container {} has no healthcheck configured\n", container.name);
    case DependencyFailure::unhealthy:
      return fmt::format("dependency failed to start: container {} is unhealthy\n", container.name);
    case DependencyFailure::exited:
      return fmt::format("service \"{}\" didn't complete successfully: exit {}\n", dependency, exit_code);
  }
  return "";
}

}  // namespace bg::fakes
