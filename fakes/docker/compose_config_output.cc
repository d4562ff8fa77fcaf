#include "fakes/docker/compose_config_output.h"

#include <algorithm>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

// A scalar as YAML needs it: quoted when it would read as something else (empty, a number, a
// boolean, or with characters YAML reserves).
std::string yaml_scalar(const std::string& s) {
  bool plain = !s.empty() && s.find_first_of(":#{}[],&*!|>'\"%@`\n") == std::string::npos && s.front() != ' ' &&
               s.back() != ' ' && s.front() != '-' && s.front() != '?';
  static const char* kReserved[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
  std::string lower = s;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* r : kReserved) plain &= lower != r;
  plain &= s.find_first_not_of("0123456789.") != std::string::npos;
  if (plain) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + "\"";
}

std::string seconds(core::Duration d) {
  auto us = d.count();
  if (us % 1000000 == 0) return fmt::format("{}s", us / 1000000);
  return fmt::format("{}ms", us / 1000);
}

// One service, its keys sorted.
void service(std::string& out, const ServiceConfig& s, bool v1, const std::string& ind) {
  out += fmt::format("{}{}:\n", ind, s.name);
  std::string i2 = ind + "  ", i3 = i2 + "  ";
  std::string dash = v1 ? i3 + "- " : i2 + "- ";  // PyYAML indents sequences, go-yaml v2 does not
  std::string item = v1 ? i3 + "  " : i2 + "  ";
  if (s.build) {
    out += fmt::format("{}build:\n{}context: {}\n", i2, i3, yaml_scalar(s.build->context));
    out += fmt::format("{}dockerfile: {}\n", i3, yaml_scalar(s.build->dockerfile));
  }
  if (!s.command.empty()) {
    out += i2 + "command:\n";
    for (const auto& w : s.command) out += dash + yaml_scalar(w) + "\n";
  }
  if (!s.container_name.empty()) out += fmt::format("{}container_name: {}\n", i2, yaml_scalar(s.container_name));
  if (!s.depends_on.empty()) {
    out += i2 + "depends_on:\n";
    for (const auto& d : s.depends_on) out += fmt::format("{}{}:\n{}  condition: {}\n", i3, d.service, i3, d.condition);
  }
  if (!s.environment.empty()) {
    out += i2 + "environment:\n";
    for (const auto& [k, v] : s.environment) out += fmt::format("{}{}: {}\n", i3, k, yaml_scalar(v));
  }
  if (!s.extra_hosts.empty()) {
    out += i2 + "extra_hosts:\n";
    for (const auto& h : s.extra_hosts) out += dash + yaml_scalar(h) + "\n";
  }
  if (s.healthcheck) {
    const Healthcheck& h = *s.healthcheck;
    out += i2 + "healthcheck:\n";
    if (h.disable) out += i3 + "disable: true\n";
    if (h.interval) out += fmt::format("{}interval: {}\n", i3, seconds(*h.interval));
    out += fmt::format("{}retries: {}\n", i3, h.retries);
    if (h.start_period) out += fmt::format("{}start_period: {}\n", i3, seconds(*h.start_period));
    out += i3 + "test:\n";
    for (const auto& t : h.test) out += (v1 ? i3 + "  - " : i3 + "- ") + yaml_scalar(t) + "\n";
    if (h.timeout) out += fmt::format("{}timeout: {}\n", i3, seconds(*h.timeout));
  }
  if (!s.hostname.empty()) out += fmt::format("{}hostname: {}\n", i2, yaml_scalar(s.hostname));
  if (!s.image.empty()) out += fmt::format("{}image: {}\n", i2, yaml_scalar(s.image));
  if (s.init) out += i2 + "init: true\n";
  if (!s.labels.empty()) {
    out += i2 + "labels:\n";
    for (const auto& [k, v] : s.labels) out += fmt::format("{}{}: {}\n", i3, k, yaml_scalar(v));
  }
  if (!v1 || !s.networks.empty()) {
    out += i2 + "networks:\n";
    if (s.networks.empty()) out += i3 + "default: null\n";
    for (const auto& n : s.networks) {
      if (n.aliases.empty()) {
        out += fmt::format("{}{}: null\n", i3, n.key);
        continue;
      }
      out += fmt::format("{}{}:\n{}  aliases:\n", i3, n.key, i3);
      for (const auto& a : n.aliases) out += fmt::format("{}  {}{}\n", i3, v1 ? "  - " : "- ", yaml_scalar(a));
    }
  }
  if (!s.ports.empty()) {
    out += i2 + "ports:\n";
    for (const auto& p : s.ports) {
      // compose-go ServicePortConfig's field order (published is a string since v1.1); v1's
      // ServicePort.repr dumped with sorted keys.
      std::vector<std::string> fields;
      if (v1) {
        if (p.protocol != "tcp") fields.push_back("protocol: " + p.protocol);
        if (p.published) fields.push_back(fmt::format("published: {}", p.published));
        fields.push_back(fmt::format("target: {}", p.target));
      } else {
        fields.push_back("mode: ingress");
        if (!p.host_ip.empty()) fields.push_back("host_ip: " + p.host_ip);
        fields.push_back(fmt::format("target: {}", p.target));
        if (p.published) fields.push_back(fmt::format("published: \"{}\"", p.published));
        fields.push_back("protocol: " + p.protocol);
      }
      for (size_t i = 0; i < fields.size(); ++i) out += (i == 0 ? dash : item) + fields[i] + "\n";
    }
  }
  if (!s.profiles.empty()) {
    out += i2 + "profiles:\n";
    for (const auto& p : s.profiles) out += dash + yaml_scalar(p) + "\n";
  }
  if (!s.restart.empty()) out += fmt::format("{}restart: {}\n", i2, yaml_scalar(s.restart));
  if (s.stop_grace_period) out += fmt::format("{}stop_grace_period: {}\n", i2, seconds(*s.stop_grace_period));
  if (!s.stop_signal.empty()) out += fmt::format("{}stop_signal: {}\n", i2, s.stop_signal);
  if (!s.volumes.empty()) {
    out += i2 + "volumes:\n";
    for (const auto& m : s.volumes) {
      if (v1) {
        out += dash +
               yaml_scalar(fmt::format("{}{}{}:{}", m.source, m.source.empty() ? "" : ":", m.target,
                                       m.read_only ? "ro" : "rw")) +
               "\n";
        continue;
      }
      out += fmt::format("{}type: {}\n", dash, m.named ? "volume" : "bind");
      if (!m.source.empty()) out += fmt::format("{}source: {}\n", item, yaml_scalar(m.source));
      out += fmt::format("{}target: {}\n", item, yaml_scalar(m.target));
      if (m.read_only) out += item + "read_only: true\n";
      if (!m.named) out += fmt::format("{}bind:\n{}  create_host_path: true\n", item, item);
    }
  }
}

void resources(std::string& out, const char* section, const std::vector<ProjectResource>& list) {
  if (list.empty()) return;
  out += fmt::format("{}:\n", section);
  for (const auto& r : list) {
    out += fmt::format("  {}:\n", r.key);
    if (!r.name.empty()) out += fmt::format("    name: {}\n", yaml_scalar(r.name));
    if (r.external) out += "    external: true\n";
    if (r.name.empty() && !r.external) out.back() = ' ', out += "{}\n";
  }
}

}  // namespace

std::string render_compose_config(const ComposeProject& project, bool v1, const std::string& default_network) {
  std::string out;
  if (!v1) out += fmt::format("name: {}\n", yaml_scalar(project.name));
  out += "services:\n";
  std::vector<const ServiceConfig*> sorted;
  for (const auto& s : project.config.services) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const ServiceConfig* s : sorted) service(out, *s, v1, "  ");
  std::vector<ProjectResource> networks = project.config.networks;
  bool uses_default = std::any_of(project.config.services.begin(), project.config.services.end(),
                                  [](const ServiceConfig& s) { return s.networks.empty(); });
  if (!v1 && uses_default && std::none_of(networks.begin(), networks.end(), [](auto& n) { return n.key == "default"; }))
    networks.insert(networks.begin(), ProjectResource{"default", default_network, false});
  resources(out, "networks", networks);
  resources(out, "volumes", project.config.volumes);
  return out;
}

}  // namespace bg::fakes
