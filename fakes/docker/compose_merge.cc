#include "fakes/docker/compose_merge.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace bg::fakes {
namespace {

bool is_v1(TemplateSyntax g) { return g == TemplateSyntax::python_v1; }

// A scalar: docker-compose 1.x takes the override's whenever it writes the key; compose-go's mergo
// only a non-empty one.
void scalar(std::string& base, const std::string& over, const ServiceConfig& o, const char* key, TemplateSyntax g) {
  if (is_v1(g) ? o.written.count(key) > 0 : !over.empty()) base = over;
}

template <typename T>
void append(std::vector<T>& base, const std::vector<T>& over) {
  base.insert(base.end(), over.begin(), over.end());
}

// docker-compose 1.x merge_unique_items_lists: sorted(set(base + override)).
void sorted_set(std::vector<std::string>& base, const std::vector<std::string>& over) {
  std::set<std::string> all(base.begin(), base.end());
  all.insert(over.begin(), over.end());
  base.assign(all.begin(), all.end());
}

void merge_ports(std::vector<PortMapping>& base, const std::vector<PortMapping>& over, TemplateSyntax g) {
  for (const auto& p : over)
    if (std::find(base.begin(), base.end(), p) == base.end()) base.push_back(p);
  if (is_v1(g)) {
    std::stable_sort(base.begin(), base.end(), [](const auto& a, const auto& b) { return a.target < b.target; });
    return;
  }
  // toServicePortConfigsSlice: target, then published, then host_ip, then protocol.
  std::sort(base.begin(), base.end(), [](const PortMapping& a, const PortMapping& b) {
    return std::tie(a.target, a.published, a.host_ip, a.protocol) <
           std::tie(b.target, b.published, b.host_ip, b.protocol);
  });
}

void merge_volumes(std::vector<BindMount>& base, const std::vector<BindMount>& over, TemplateSyntax g) {
  for (const auto& m : over) {
    auto it = std::find_if(base.begin(), base.end(), [&](const BindMount& b) { return b.target == m.target; });
    if (it != base.end())
      *it = m;
    else
      base.push_back(m);
  }
  if (!is_v1(g))  // toServiceVolumeConfigsSlice sorts by target; v1 keeps the dict's order
    std::sort(base.begin(), base.end(), [](const auto& a, const auto& b) { return a.target < b.target; });
}

void merge_networks(std::vector<ServiceNetwork>& base, const std::vector<ServiceNetwork>& over, TemplateSyntax g) {
  for (const auto& n : over) {
    auto it = std::find_if(base.begin(), base.end(), [&](const ServiceNetwork& b) { return b.key == n.key; });
    if (it == base.end()) {
      base.push_back(n);
    } else if (is_v1(g)) {
      sorted_set(it->aliases, n.aliases);
    } else if (g == TemplateSyntax::go_v1_17) {
      append(it->aliases, n.aliases);
    } else if (!n.aliases.empty()) {
      it->aliases = n.aliases;  // mergeServiceNetworkConfig (removed in v1.17)
    }
  }
}

void merge_healthcheck(ServiceConfig& b, const ServiceConfig& o, TemplateSyntax g) {
  if (!o.healthcheck) return;
  if (!b.healthcheck) {
    b.healthcheck = o.healthcheck;
    return;
  }
  Healthcheck& h = *b.healthcheck;
  const Healthcheck& oh = *o.healthcheck;
  if (!oh.test.empty()) {
    if (g == TemplateSyntax::go_v1_2 || g == TemplateSyntax::go_v1_8)
      append(h.test, oh.test);
    else
      h.test = oh.test;
  }
  if (oh.interval) h.interval = oh.interval;
  if (oh.timeout) h.timeout = oh.timeout;
  if (oh.start_period) h.start_period = oh.start_period;
  if (o.written.count("healthcheck.retries")) h.retries = oh.retries;
  if (o.written.count("healthcheck.disable") && (is_v1(g) || oh.disable)) h.disable = oh.disable;
}

}  // namespace

ServiceConfig merge_services(ServiceConfig b, const ServiceConfig& o, TemplateSyntax g) {
  scalar(b.image, o.image, o, "image", g);
  scalar(b.container_name, o.container_name, o, "container_name", g);
  scalar(b.stop_signal, o.stop_signal, o, "stop_signal", g);
  scalar(b.restart, o.restart, o, "restart", g);
  scalar(b.hostname, o.hostname, o, "hostname", g);
  scalar(b.pull_policy, o.pull_policy, o, "pull_policy", g);
  if (o.build) {
    if (!b.build) {
      b.build = o.build;
    } else {
      b.build->context = o.build->context;
      if (o.build->dockerfile != "Dockerfile") b.build->dockerfile = o.build->dockerfile;
      for (const auto& [k, v] : o.build->args) b.build->args[k] = v;
    }
  }
  if (o.stop_grace_period) b.stop_grace_period = o.stop_grace_period;
  // Init is a *bool: mergo took only `true` over the base until compose-go v1.17's bool-pointer
  // transformer; docker-compose 1.x takes whatever the override writes.
  if (o.written.count("init") && (o.init || is_v1(g) || g == TemplateSyntax::go_v1_17)) b.init = o.init;
  if (o.written.count("command")) b.command = o.command;
  for (const auto& [k, v] : o.environment_entries) b.environment_entries[k] = v;
  append(b.env_files, o.env_files);
  for (const auto& [k, v] : o.labels) b.labels[k] = v;
  merge_ports(b.ports, o.ports, g);
  merge_volumes(b.volumes, o.volumes, g);
  merge_networks(b.networks, o.networks, g);
  merge_healthcheck(b, o, g);
  for (const auto& d : o.depends_on) {
    auto it =
        std::find_if(b.depends_on.begin(), b.depends_on.end(), [&](const auto& x) { return x.service == d.service; });
    if (it != b.depends_on.end())
      *it = d;
    else
      b.depends_on.push_back(d);
  }
  if (is_v1(g)) {
    // parse_extra_hosts: a mapping by host name, the override's address winning.
    for (const auto& h : o.extra_hosts) {
      std::string host = h.substr(0, h.find(':'));
      auto it = std::find_if(b.extra_hosts.begin(), b.extra_hosts.end(),
                             [&](const std::string& x) { return x.substr(0, x.find(':')) == host; });
      if (it != b.extra_hosts.end())
        *it = h;
      else
        b.extra_hosts.push_back(h);
    }
    sorted_set(b.profiles, o.profiles);
  } else {
    append(b.extra_hosts, o.extra_hosts);
    append(b.profiles, o.profiles);
  }
  b.written.insert(o.written.begin(), o.written.end());
  return b;
}

ComposeFile merge_compose_files(std::vector<ComposeFile> files, TemplateSyntax g) {
  if (files.empty()) return {};
  ComposeFile out = std::move(files.front());
  for (size_t i = 1; i < files.size(); ++i) {
    const ComposeFile& f = files[i];
    if (!f.name.empty()) out.name = f.name;
    for (const auto& s : f.services) {
      auto it = std::find_if(out.services.begin(), out.services.end(), [&](const auto& x) { return x.name == s.name; });
      if (it != out.services.end())
        *it = merge_services(*it, s, g);
      else
        out.services.push_back(s);
    }
    for (auto* section : {&out.networks, &out.volumes}) {
      const auto& over = section == &out.networks ? f.networks : f.volumes;
      for (const auto& r : over) {
        auto it = std::find_if(section->begin(), section->end(), [&](const auto& x) { return x.key == r.key; });
        if (it != section->end())
          *it = r;
        else
          section->push_back(r);
      }
    }
    if (!is_v1(g))  // mergeServices rebuilds the list from a map and sorts it by name
      std::sort(out.services.begin(), out.services.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  return out;
}

}  // namespace bg::fakes
