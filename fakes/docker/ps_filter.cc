#include "fakes/docker/ps_filter.h"

#include <algorithm>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

// filters.Args.Match: an exact match, else any value as a regular expression (bad ones skipped).
bool match(const std::vector<std::string>& values, const std::string& source) {
  if (values.empty()) return true;
  for (const auto& v : values) {
    if (v == source) return true;
    try {
      if (std::regex_search(source, std::regex(v))) return true;
    } catch (const std::regex_error&) {
    }
  }
  return false;
}

// "8080", "8080/tcp" -> "8080/tcp" (nat.SplitProtoPort); a range is not modelled.
std::string port_key(const std::string& key, const std::string& value) {
  if (value.find(':') != std::string::npos)
    throw CliFailure{failed(daemon_error(fmt::format("filter for '{}' should not contain ':': {}", key, value)))};
  if (value.find('-') != std::string::npos)
    throw CliFailure{core::not_modelled_result("docker ps --filter " + key + " with a port range")};
  return value.find('/') == std::string::npos ? value + "/tcp" : value;
}

}  // namespace

PsFilter PsFilter::parse(const std::vector<std::string>& values) {
  static const std::set<std::string> accepted = {"ancestor",  "before",  "exited", "health", "id",
                                                 "isolation", "is-task", "label",  "name",   "network",
                                                 "publish",   "expose",  "since",  "status", "volume"};
  static const std::set<std::string> unmodelled = {"before", "since", "volume", "isolation", "is-task"};
  static const std::set<std::string> states = {"created",  "running", "paused", "restarting",
                                               "removing", "exited",  "dead"};
  PsFilter f;
  for (const auto& v : values) {
    size_t eq = v.find('=');
    if (eq == std::string::npos)
      throw CliFailure{failed(fmt::format("invalid argument {} for \"-f, --filter\" flag: bad format of filter "
                                          "(expected name=value)\nSee 'docker ps --help'.",
                                          go_quote(v)),
                              125)};
    std::string key = v.substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = v.substr(eq + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    f.fields_[key].push_back(value);
  }
  for (const auto& [key, vals] : f.fields_) {
    if (!accepted.count(key)) throw CliFailure{failed(daemon_error(fmt::format("Invalid filter '{}'", key)))};
    if (unmodelled.count(key)) throw CliFailure{core::not_modelled_result("docker ps --filter " + key)};
    for (const auto& value : vals) {
      if (key == "status" && !states.count(value))
        throw CliFailure{failed(daemon_error(fmt::format("Invalid filter 'status={}'", value)))};
      if (key == "health" && value != "starting" && value != "healthy" && value != "unhealthy" && value != "none")
        throw CliFailure{failed(daemon_error("Unrecognised filter value for health: " + value))};
      if (key == "exited" && (value.empty() || value.find_first_not_of("0123456789-") != std::string::npos))
        throw CliFailure{
            failed(daemon_error(fmt::format("strconv.Atoi: parsing {}: invalid syntax", go_quote(value))))};
      if (key == "publish" || key == "expose") port_key(key, value);
    }
  }
  return f;
}

std::vector<std::string> PsFilter::values(const std::string& key) const {
  auto it = fields_.find(key);
  return it == fields_.end() ? std::vector<std::string>{} : it->second;
}

bool PsFilter::matches(const ContainerInfo& c, const std::vector<std::string>& ancestor_ids) const {
  const ContainerRecord& r = c.record;
  if (!match(values("name"), "/" + r.name) && !match(values("name"), r.name)) return false;
  if (!match(values("id"), r.id)) return false;
  for (const auto& l : values("label")) {
    size_t eq = l.find('=');
    auto it = c.spec.labels.find(l.substr(0, eq));
    if (it == c.spec.labels.end() || (eq != std::string::npos && it->second != l.substr(eq + 1))) return false;
  }
  if (auto exited = values("exited"); !exited.empty()) {
    bool ran = r.state != ContainerState::running && r.state != ContainerState::created;
    if (!ran || std::find(exited.begin(), exited.end(), std::to_string(r.exit_code)) == exited.end()) return false;
  }
  if (!match(values("status"), state_name(r.state))) return false;
  if (auto health = values("health"); !health.empty()) {
    std::string h = r.health.empty() ? "none" : r.health;
    if (std::find(health.begin(), health.end(), h) == health.end()) return false;
  }
  if (fields_.count("ancestor") &&
      std::find(ancestor_ids.begin(), ancestor_ids.end(), r.image_id) == ancestor_ids.end())
    return false;
  if (auto networks = values("network"); !networks.empty()) {
    bool found = false;
    for (const auto& n : networks)
      for (const auto& [name, e] : c.networks) found = found || name == n;
    if (!found) return false;
  }
  auto publish = values("publish");
  auto expose = values("expose");
  if (!publish.empty() || !expose.empty()) {
    bool found = false;
    if (r.state == ContainerState::running)
      for (const auto& p : r.ports) {
        std::string proto = "/" + p.protocol;
        for (const auto& v : publish)
          found = found || (p.published && port_key("publish", v) == std::to_string(p.published) + proto);
        for (const auto& v : expose) found = found || port_key("expose", v) == std::to_string(p.target) + proto;
      }
    if (!found) return false;
  }
  return true;
}

}  // namespace bg::fakes
