#include "fakes/docker/compose_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/not_modelled.h"
#include "fakes/docker/compose_document.h"
#include "fakes/docker/compose_schema.h"
#include "fakes/docker/compose_service_keys.h"

namespace bg::fakes {
namespace {

// One acted-on key of a service, read into `s`: the value forms compose accepts, its errors
// otherwise. `at` is the key's path ("services.web.ports").
void read_service_key(const ServiceKeyReader& r, ServiceConfig& s, const std::string& key, const YAML::Node& key_node,
                      const YAML::Node& v, const std::string& at) {
  if (key == "image")
    s.image = r.scalar(v, at);
  else if (key == "build")
    s.build = r.build(v, at);
  else if (key == "container_name")
    s.container_name = r.scalar(v, at);
  else if (key == "ports")
    s.ports = r.ports(v, at);
  else if (key == "stop_grace_period")
    s.stop_grace_period = r.duration(v, at);
  else if (key == "stop_signal")
    s.stop_signal = r.scalar(v, at);
  else if (key == "environment")
    s.environment_entries = r.environment(v, at);
  else if (key == "env_file") {
    for (const auto& f : r.strings(v, at)) s.env_files.push_back(r.host_path(v, f));
  } else if (key == "init")
    s.init = r.boolean(v, at);
  else if (key == "command")
    s.command = r.command(v, at);
  else if (key == "healthcheck")
    s.healthcheck = r.healthcheck(v, at);
  else if (key == "volumes")
    s.volumes = r.volumes(v, at);
  else if (key == "networks")
    s.networks = r.networks(v, at);
  else if (key == "labels")
    s.labels = r.mapping(v, at);
  else if (key == "restart")
    s.restart = r.scalar(v, at);
  else if (key == "hostname")
    s.hostname = r.scalar(v, at);
  else if (key == "extra_hosts")
    s.extra_hosts = r.extra_hosts(v, at);
  else if (key == "depends_on")
    s.depends_on = r.depends_on(v, at);
  else if (key == "profiles")
    s.profiles = r.strings(v, at);
  else if (key == "deploy")
    r.deploy(v, at);
  else if (key == "scale") {
    if (r.integer(v, at) != 1) r.not_modelled(key_node, at, "several containers of one service");
  } else if (key == "pull_policy") {
    // missing / if_not_present is compose's default: pull only an image that is not there.
    std::string policy = r.scalar(v, at);
    if (policy != "missing" && policy != "if_not_present")
      r.not_modelled(key_node, at + ": " + policy, "a pull policy");
    s.pull_policy = policy;
  }
}

// The keys of one service: validated against compose's schema, then read, set aside or refused.
ServiceConfig read_service(const ServiceKeyReader& r, const ComposeFileContext& context, const std::string& name,
                           const YAML::Node& node) {
  const std::string path = "services." + name;
  if (!node.IsMap()) {
    if (node.IsNull()) return ServiceConfig{name};  // `web:` alone: an override file may fill it
    r.fail(node, fmt::format("{}: expected a mapping", path));
  }
  ServiceConfig s;
  s.name = name;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    const KeyRule* rule = service_key_rule(key, context.generation);
    if (!rule) throw ComposeFileError(unknown_key_error(context.generation, context.shown, path, "service", key));
    if (rule->use == KeyUse::not_modelled) r.not_modelled(kv.first, path + "." + key, rule->why);
    if (rule->use == KeyUse::accepted) continue;
    s.written.insert(key);
    if (key == "healthcheck" && v.IsMap())
      for (const auto& sub : v) s.written.insert("healthcheck." + sub.first.Scalar());
    read_service_key(r, s, key, kv.first, v, path + "." + key);
  }
  return s;
}

// A top-level `networks:` or `volumes:` entry: external and name are acted on; a driver other than
// the default (or its options) would give the containers a different network or storage.
ProjectResource read_resource(const ServiceKeyReader& r, std::string_view object, const std::string& section,
                              const std::string& key, const YAML::Node& v) {
  ProjectResource res{key, "", false};
  if (v.IsNull()) return res;
  const std::string path = section + "." + key;
  if (!v.IsMap()) r.fail(v, path + ": expected a mapping");
  r.check_keys(v, object, path);
  for (const auto& kv : v) {
    std::string k = kv.first.Scalar();
    if (k == "name")
      res.name = r.scalar(kv.second, path + ".name");
    else if (k == "external") {
      // The legacy form `external: {name: x}` names the resource too.
      if (kv.second.IsMap()) {
        res.external = true;
        if (kv.second["name"]) res.name = r.scalar(kv.second["name"], path + ".external.name");
      } else {
        res.external = r.boolean(kv.second, path + ".external");
      }
    } else if (k == "driver") {
      std::string driver = r.scalar(kv.second, path + ".driver");
      if (driver != (object == "network" ? "bridge" : "local"))
        r.not_modelled(kv.first, path + ".driver: " + driver, "a network or volume driver");
    } else if (k == "driver_opts" || k == "internal") {
      // A local volume with driver_opts is often a bind mount in disguise; an internal network
      // cuts its containers off from the outside.
      r.not_modelled(kv.first, path + "." + k, "driver options");
    }
    // labels, ipam, enable_ipv6, attachable: how Docker builds the network, not who reaches whom.
  }
  return res;
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
  for (const auto& m : volumes) j["volumes"].push_back({m.source, m.target, m.read_only, m.named});
  for (const auto& n : networks) j["networks"].push_back({n.key, n.aliases});
  j["labels"] = labels;
  j["restart"] = restart;
  j["hostname"] = hostname;
  j["extra_hosts"] = extra_hosts;
  j["container_name"] = container_name;
  // FNV-1a 64 over the canonical dump: stable across runs and platforms (std::hash is not). Bytes
  // that are not UTF-8 (YAML may carry them in a value) are hashed as written, never a throw.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : j.dump(-1, ' ', false, nlohmann::json::error_handler_t::ignore))
    h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

const ServiceConfig* ComposeFile::find(std::string_view name) const {
  for (const auto& s : services)
    if (s.name == name) return &s;
  return nullptr;
}

ComposeFile read_compose_file(const YAML::Node& root, const ComposeFileContext& context) {
  ServiceKeyReader r(context);
  ComposeFile out;
  out.path = context.shown;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    const KeyRule* rule = top_level_key_rule(key, context.generation);
    if (!rule) throw ComposeFileError(unknown_key_error(context.generation, context.shown, "(root)", "top", key));
    if (rule->use == KeyUse::not_modelled) r.not_modelled(kv.first, key, rule->why);
    if (rule->use == KeyUse::accepted || v.IsNull()) continue;
    if (key == "name") {
      out.name = r.scalar(v, "name");
      continue;
    }
    if (!v.IsMap()) r.fail(v, fmt::format("{}: expected a mapping", key));
    for (const auto& entry : v) {
      const std::string name = entry.first.Scalar();
      if (key == "services")
        out.services.push_back(read_service(r, context, name, entry.second));
      else if (key == "networks")
        out.networks.push_back(read_resource(r, "network", key, name, entry.second));
      else if (key == "volumes")
        out.volumes.push_back(read_resource(r, "top_volume", key, name, entry.second));
    }
  }
  return out;
}

ComposeFile parse_compose_text(std::string_view text, const std::string& name) {
  std::vector<std::string> unset;
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  YAML::Node root = parse_compose_document(std::string(text), name, TemplateSyntax::go_v1_2, none, unset);
  ComposeFileContext context{TemplateSyntax::go_v1_2, name, std::filesystem::path(name).parent_path(), std::nullopt};
  ComposeFile file = read_compose_file(root, context);
  for (auto& s : file.services)
    for (const auto& [k, v] : s.environment_entries)
      if (v) s.environment[k] = *v;
  return file;
}

namespace {

// Whether any scalar under `n` may hold a variable: such a value is only known when a command
// loads the file with the script's environment, so a pre-flight check leaves it to that command.
bool may_hold_variable(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar().find('$') != std::string::npos;
  if (n.IsMap()) {
    for (const auto& kv : n)
      if (may_hold_variable(kv.first) || may_hold_variable(kv.second)) return true;
  } else if (n.IsSequence()) {
    for (const auto& e : n)
      if (may_hold_variable(e)) return true;
  }
  return false;
}

// A file's own errors, which no merge or environment can mend: keys `generation` does not know,
// keys the fakes do not model, and every value written without a variable, read as the command
// that loads it would read it. A service that lacks an image is not one of them: another file
// merged over this one (-f a -f b) may give it one, so that is the loading command's to say.
void check_compose_root(const YAML::Node& root, const ComposeFileContext& context) {
  ServiceKeyReader r(context);
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const KeyRule* rule = top_level_key_rule(key, context.generation);
    if (!rule) r.fail(kv.first, unknown_key_error(context.generation, context.shown, "(root)", "top", key));
    if (rule->use == KeyUse::not_modelled) r.not_modelled(kv.first, key, rule->why);
    if (rule->use == KeyUse::accepted || kv.second.IsNull() || key == "name") continue;
    if (!kv.second.IsMap() && !may_hold_variable(kv.second)) r.fail(kv.second, key + ": expected a mapping");
  }
  if (!root["services"] || !root["services"].IsMap()) return;
  for (const auto& service : root["services"]) {
    const std::string path = "services." + service.first.Scalar();
    if (!service.second.IsMap()) {
      if (!service.second.IsNull()) r.fail(service.second, path + ": expected a mapping");
      continue;
    }
    ServiceConfig scratch;
    for (const auto& kv : service.second) {
      const std::string key = kv.first.Scalar();
      const KeyRule* rule = service_key_rule(key, context.generation);
      if (!rule) r.fail(kv.first, unknown_key_error(context.generation, context.shown, path, "service", key));
      if (rule->use == KeyUse::not_modelled) r.not_modelled(kv.first, path + "." + key, rule->why);
      if (rule->use == KeyUse::acted && !may_hold_variable(kv.second))
        read_service_key(r, scratch, key, kv.first, kv.second, path + "." + key);
    }
  }
}

}  // namespace

void parse_compose_file(const std::filesystem::path& path, TemplateSyntax generation) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ComposeFileError(fmt::format("open {}: no such file or directory", path.string()),
                           ComposeFileError::Kind::not_found);
  std::stringstream buffer;
  buffer << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(buffer.str());
  } catch (const YAML::ParserException& e) {
    throw ComposeFileError(fmt::format("{}:{}:{}: {}", path.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) return;
  // `~` in a path is the script's HOME at run time; here any HOME will do: paths are resolved, never
  // opened, so `~/logs:/logs` is as valid before the run as during it.
  check_compose_root(apply_merge_keys(root),
                     ComposeFileContext{generation, path.string(), path.parent_path(), "/home/preflight", true});
}

}  // namespace bg::fakes
