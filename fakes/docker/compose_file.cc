#include "fakes/docker/compose_file.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace bg::fakes {
namespace {

// Reports a problem at a node, as "file:line:column: message" (yaml-cpp marks are 0-based).
[[noreturn]] void fail_at(const std::string& file, const YAML::Mark& mark, const std::string& what) {
  if (mark.is_null()) throw ComposeFileError(fmt::format("{}: {}", file, what));
  throw ComposeFileError(fmt::format("{}:{}:{}: {}", file, mark.line + 1, mark.column + 1, what));
}

std::string where(const std::string& file, const YAML::Mark& mark) {
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

std::string scalar(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) fail_at(file, node.Mark(), key + ": expected a string");
  return node.Scalar();
}

// Go's time.ParseDuration, which compose uses for stop_grace_period and healthcheck times:
// "10s", "1m30s", "500ms", "1.5s", "2h"; units ns, us, µs, ms, s, m, h.
std::optional<core::Duration> parse_go_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return core::Duration(0);
  double total_us = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double value = std::stod(std::string(text.substr(start, i - start)));
    size_t unit_start = i;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ns") scale = 0.001;
    else if (unit == "us" || unit == "\xC2\xB5s") scale = 1;
    else if (unit == "ms") scale = 1e3;
    else if (unit == "s") scale = 1e6;
    else if (unit == "m") scale = 60e6;
    else if (unit == "h") scale = 3600e6;
    else return std::nullopt;
    total_us += value * scale;
  }
  return core::Duration(static_cast<int64_t>(total_us));
}

core::Duration duration(const std::string& file, const YAML::Node& node, const std::string& key) {
  auto d = parse_go_duration(scalar(file, node, key));
  if (!d) fail_at(file, node.Mark(), fmt::format("{}: expected a duration like 10s or 1m30s, got \"{}\"", key, node.Scalar()));
  return *d;
}

uint16_t port_number(const std::string& file, const YAML::Node& node, std::string_view text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string_view::npos)
    fail_at(file, node.Mark(), fmt::format("ports: expected a port number, got \"{}\"", text));
  int n = std::stoi(std::string(text));
  if (n < 1 || n > 65535) fail_at(file, node.Mark(), fmt::format("ports: port {} is out of range", n));
  return static_cast<uint16_t>(n);
}

// Short syntax: "3000", "3000:3000", "127.0.0.1:3000:3000", each optionally "/udp". Ranges are not
// modelled (simplification: the seed and the races use single ports).
PortMapping short_port(const std::string& file, const YAML::Node& node) {
  std::string text = node.Scalar();
  PortMapping p;
  if (auto slash = text.rfind('/'); slash != std::string::npos) {
    p.protocol = text.substr(slash + 1);
    text.resize(slash);
  }
  if (text.find('-') != std::string::npos) fail_at(file, node.Mark(), "ports: port ranges are not supported by the simulation");
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  if (parts.size() == 1) {
    p.target = port_number(file, node, parts[0]);
  } else if (parts.size() == 2) {
    p.published = port_number(file, node, parts[0]);
    p.target = port_number(file, node, parts[1]);
  } else if (parts.size() == 3) {
    p.host_ip = parts[0];
    if (!parts[1].empty()) p.published = port_number(file, node, parts[1]);
    p.target = port_number(file, node, parts[2]);
  } else {
    fail_at(file, node.Mark(), fmt::format("ports: expected \"HOST:CONTAINER\", got \"{}\"", node.Scalar()));
  }
  return p;
}

PortMapping long_port(const std::string& file, const YAML::Node& node) {
  PortMapping p;
  if (!node["target"]) fail_at(file, node.Mark(), "ports: the long form needs a target");
  p.target = port_number(file, node["target"], node["target"].Scalar());
  if (node["published"]) p.published = port_number(file, node["published"], node["published"].Scalar());
  if (node["host_ip"]) p.host_ip = node["host_ip"].Scalar();
  if (node["protocol"]) p.protocol = node["protocol"].Scalar();
  return p;
}

std::vector<PortMapping> ports(const std::string& file, const YAML::Node& node) {
  if (!node.IsSequence()) fail_at(file, node.Mark(), "ports: expected a list");
  std::vector<PortMapping> out;
  for (const auto& item : node) out.push_back(item.IsMap() ? long_port(file, item) : short_port(file, item));
  return out;
}

// `environment:` as a map (KEY: value) or a list ("KEY=value"). A bare "KEY" would take the value
// from compose's own environment; the simulation has none, so it is left out.
std::map<std::string, std::string> environment(const std::string& file, const YAML::Node& node) {
  std::map<std::string, std::string> env;
  if (node.IsMap()) {
    for (const auto& kv : node) env[kv.first.Scalar()] = kv.second.IsNull() ? "" : scalar(file, kv.second, "environment");
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      std::string entry = scalar(file, item, "environment");
      if (auto eq = entry.find('='); eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  } else {
    fail_at(file, node.Mark(), "environment: expected a mapping or a list");
  }
  return env;
}

std::vector<std::string> string_list(const std::string& file, const YAML::Node& node, const std::string& key) {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(scalar(file, item, key));
  } else {
    // A string command is split on whitespace (compose uses shell quoting; simplified here).
    std::stringstream in(scalar(file, node, key));
    for (std::string word; in >> word;) out.push_back(word);
  }
  return out;
}

Healthcheck healthcheck(const std::string& file, const YAML::Node& node) {
  if (!node.IsMap()) fail_at(file, node.Mark(), "healthcheck: expected a mapping");
  Healthcheck h;
  if (node["test"]) h.test = string_list(file, node["test"], "healthcheck.test");
  if (node["interval"]) h.interval = duration(file, node["interval"], "healthcheck.interval");
  if (node["timeout"]) h.timeout = duration(file, node["timeout"], "healthcheck.timeout");
  if (node["start_period"]) h.start_period = duration(file, node["start_period"], "healthcheck.start_period");
  if (node["retries"]) h.retries = node["retries"].as<int>(3);
  if (node["disable"]) h.disable = node["disable"].as<bool>(false);
  return h;
}

bool boolean(const std::string& file, const YAML::Node& node, const std::string& key) {
  std::string s = scalar(file, node, key);
  if (s == "true" || s == "True" || s == "yes") return true;
  if (s == "false" || s == "False" || s == "no") return false;
  fail_at(file, node.Mark(), key + ": expected true or false");
}

ServiceConfig service(const std::string& file, const std::string& name, const YAML::Node& node,
                      std::vector<std::string>& warnings) {
  if (!node.IsMap()) fail_at(file, node.Mark(), fmt::format("services.{}: expected a mapping", name));
  ServiceConfig s;
  s.name = name;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "image") s.image = scalar(file, v, "image");
    else if (key == "ports") s.ports = ports(file, v);
    else if (key == "stop_grace_period") s.stop_grace_period = duration(file, v, "stop_grace_period");
    else if (key == "stop_signal") s.stop_signal = scalar(file, v, "stop_signal");
    else if (key == "environment") s.environment = environment(file, v);
    else if (key == "init") s.init = boolean(file, v, "init");
    else if (key == "command") s.command = string_list(file, v, "command");
    else if (key == "healthcheck") s.healthcheck = healthcheck(file, v);
    else warnings.push_back(fmt::format("{}: services.{}.{} is not modelled by the simulation (ignored)",
                                        where(file, kv.first.Mark()), name, key));
  }
  // compose-go's own wording for a service it cannot run.
  if (s.image.empty())
    fail_at(file, node.Mark(),
            fmt::format("service \"{}\" has neither an image nor a build context specified: invalid compose project", name));
  return s;
}

}  // namespace

std::string ServiceConfig::config_hash() const {
  nlohmann::json j;
  j["image"] = image;
  for (const auto& p : ports) j["ports"].push_back({p.host_ip, p.published, p.target, p.protocol});
  j["stop_grace_period"] = stop_grace_period ? stop_grace_period->count() : -1;
  j["stop_signal"] = stop_signal;
  j["environment"] = environment;  // std::map: sorted keys, so the dump is stable
  j["init"] = init;
  j["command"] = command;
  if (healthcheck) j["healthcheck"] = {healthcheck->test, healthcheck->retries, healthcheck->disable};
  // FNV-1a 64 over the canonical dump: stable across runs and platforms (std::hash is not).
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : j.dump()) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

const ServiceConfig* ComposeFile::find(std::string_view name) const {
  for (const auto& s : services)
    if (s.name == name) return &s;
  return nullptr;
}

ComposeFile parse_compose_text(std::string_view text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    fail_at(name, e.mark, e.msg);
  }
  ComposeFile out;
  out.path = name;
  if (root.IsNull()) return out;  // an empty file is an empty project
  if (!root.IsMap()) fail_at(name, root.Mark(), "expected a mapping at the top level (services: ...)");
  for (const auto& kv : root) {
    std::string key = kv.first.Scalar();
    if (key == "services") {
      const YAML::Node& services = kv.second;
      if (services.IsNull()) continue;
      if (!services.IsMap()) fail_at(name, services.Mark(), "services: expected a mapping of service names");
      for (const auto& s : services) out.services.push_back(service(name, s.first.Scalar(), s.second, out.warnings));
    } else if (key != "version" && key.rfind("x-", 0) != 0) {
      out.warnings.push_back(fmt::format("{}: top-level {} is not modelled by the simulation (ignored)",
                                         where(name, kv.first.Mark()), key));
    }
  }
  return out;
}

ComposeFile parse_compose_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  // compose's own message for a -f file that does not exist.
  if (!in) throw ComposeFileError(fmt::format("open {}: no such file or directory", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_compose_text(buffer.str(), path.string());
}

}  // namespace bg::fakes
