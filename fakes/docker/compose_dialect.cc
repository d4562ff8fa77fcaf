#include "fakes/docker/compose_dialect.h"

#include <stdexcept>

#include <fmt/format.h>

#include "fakes/docker/tab_writer.h"

namespace bg::fakes {

std::string ComposeV2Dialect::container_name(const std::string& project, const std::string& service, int number) const {
  return ContainerRuntime::compose_name(project, service, number);
}

// Non-TTY progress as compose v2 prints it: " Container blue-blue-1  Started".
std::string ComposeV2Dialect::progress(const std::string& kind, const std::string& id, const std::string& verb) const {
  return fmt::format(" {}{}  {}\n", kind.empty() ? "" : kind + " ", id, verb);
}

std::string ComposeV2Dialect::status(const ContainerRecord& c) {
  std::string state = state_name(c.state);
  if (c.state == ContainerState::running && !c.health.empty()) return fmt::format("{} ({})", state, c.health);
  if (c.state == ContainerState::exited || c.state == ContainerState::dead)
    return fmt::format("{} ({})", state, c.exit_code);
  return state;
}

// Only a running container has its ports in ContainerList; Docker 20.10 would also list the IPv6
// binding (":::3000->3000/tcp"): left out, as semantics.md §3 shows the IPv4 form only.
std::string ComposeV2Dialect::ports(const ContainerRecord& c) {
  if (c.state != ContainerState::running && c.state != ContainerState::paused) return "";
  std::vector<std::string> out;
  for (const auto& p : c.ports) {
    if (p.published == 0) out.push_back(fmt::format("{}/{}", p.target, p.protocol));
    else out.push_back(fmt::format("{}:{}->{}/{}", p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.published, p.target, p.protocol));
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

// cmd/compose/ps.go (v2.0.0–v2.14.x): tabwriter minwidth 20, padding 3; COMMAND quoted and cut to
// 20; stopped containers listed; no containers: the header line only.
std::string ComposeV2Dialect::ps_table(const std::vector<ContainerRecord>& containers, core::Time) const {
  TabWriter table(20, 3);
  table.row({"NAME", "COMMAND", "SERVICE", "STATUS", "PORTS"});
  for (const auto& c : containers)
    table.row({c.name, go_quote(ellipsis(c.command, 20)), c.service, status(c), ports(c)});
  return table.str();
}

std::string ComposeV2Dialect::nothing_to_remove(const std::string&) const {
  return "Warning: No resource found to remove\n";
}

std::string ComposeV2Dialect::daemon_error(const std::string& message) const {
  return "Error response from daemon: " + message + "\n";
}

std::unique_ptr<ComposeDialect> make_compose_dialect(std::string_view version) {
  if (!version.empty() && version.front() == 'v') version.remove_prefix(1);
  int major = 0, minor = 0;
  if (std::sscanf(std::string(version).c_str(), "%d.%d", &major, &minor) == 2 && major == 2 && minor < 15)
    return std::make_unique<ComposeV2Dialect>(std::string(version));
  throw std::invalid_argument(fmt::format("compose version {} is not modelled yet (supported: 2.0.0 to 2.14.x)", version));
}

}  // namespace bg::fakes
