#include "fakes/docker/compose_schema.h"

#include <map>
#include <set>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

constexpr KeyUse A = KeyUse::acted, OK = KeyUse::accepted, NM = KeyUse::not_modelled;

// Reasons shared by several keys.
constexpr const char* kLimits =
    "a resource limit: the fake app's CPU and memory use is small and constant, so no limit a real app starts "
    "under can make it fail";
constexpr const char* kPrivileges = "privileges and identity: the fake app needs none and writes no files";
constexpr const char* kWindows = "Windows containers only";
constexpr const char* kNamespace = "shares a namespace with the host or another container, which the fakes do not have";

// Every service key of compose-spec.json (compose-go v1.2.4, v1.8.1; docker-compose 1.29.2's
// compose_spec.json has the same list), with what the fakes do with it.
const std::map<std::string_view, KeyRule>& service_rules() {
  static const std::map<std::string_view, KeyRule> rules = {
      {"blkio_config", {OK, kLimits}},
      {"build", {A, ""}},
      {"cap_add", {OK, kPrivileges}},
      {"cap_drop", {OK, kPrivileges}},
      {"cgroup_parent", {OK, "cgroup placement, which no fake process reads"}},
      {"command", {A, ""}},
      {"configs", {NM, "files mounted from the project's configs (the fake engine mounts volumes only)"}},
      {"container_name", {A, ""}},
      {"cpu_count", {OK, kLimits}},
      {"cpu_percent", {OK, kLimits}},
      {"cpu_period", {OK, kLimits}},
      {"cpu_quota", {OK, kLimits}},
      {"cpu_rt_period", {OK, kLimits}},
      {"cpu_rt_runtime", {OK, kLimits}},
      {"cpu_shares", {OK, kLimits}},
      {"cpus", {OK, kLimits}},
      {"cpuset", {OK, kLimits}},
      {"credential_spec", {OK, kWindows}},
      {"depends_on", {A, ""}},
      {"deploy", {A, ""}},  // resources only; the rest is refused where it is read
      {"device_cgroup_rules", {OK, "device access, which the fake app does not use"}},
      {"devices", {OK, "host devices, which the fake app does not use"}},
      {"dns", {OK, "external name resolution: the fake app resolves nothing outside the run"}},
      {"dns_opt", {OK, "external name resolution: the fake app resolves nothing outside the run"}},
      {"dns_search", {OK, "external name resolution: the fake app resolves nothing outside the run"}},
      {"domainname", {OK, "the container's own domain name, which nothing in a run asks for"}},
      // PID 1 (ENTRYPOINT + CMD) decides who receives the stop signal (R06); ContainerSpec has no
      // entrypoint override yet.
      {"entrypoint", {NM, "replaces the image's ENTRYPOINT, and so PID 1, which receives the stop signal"}},
      {"env_file", {A, ""}},
      {"environment", {A, ""}},
      {"expose", {OK, "documents ports: containers of a network reach each other's ports either way"}},
      {"extends", {NM, "inherits another service's configuration"}},
      {"external_links", {NM, "links to containers outside the project"}},
      {"extra_hosts", {A, ""}},
      {"group_add", {OK, kPrivileges}},
      {"healthcheck", {A, ""}},
      {"hostname", {A, ""}},
      {"image", {A, ""}},
      {"init", {A, ""}},
      {"ipc", {NM, kNamespace}},
      {"isolation", {OK, kWindows}},
      {"labels", {A, ""}},
      {"links", {NM, "adds aliases of other services on the default network"}},
      {"logging", {OK, "where the container's output goes, not what the app serves"}},
      {"mac_address", {OK, "an address on the Docker bridge, which the fake network does not have"}},
      {"mem_limit", {OK, kLimits}},
      {"mem_reservation", {OK, kLimits}},
      {"mem_swappiness", {OK, kLimits}},
      {"memswap_limit", {OK, kLimits}},
      {"network_mode", {NM, "host, none or another container's network: networking the fake network does not have"}},
      {"networks", {A, ""}},
      {"oom_kill_disable", {OK, kLimits}},
      {"oom_score_adj", {OK, kLimits}},
      {"pid", {NM, kNamespace}},
      {"pids_limit", {OK, kLimits}},
      {"platform", {OK, "the fake images run on any platform"}},
      {"ports", {A, ""}},
      {"privileged", {OK, kPrivileges}},
      {"profiles", {A, ""}},
      {"pull_policy", {A, ""}},  // missing/if_not_present only; the rest is refused where it is read
      {"read_only", {OK, kPrivileges}},
      {"restart", {A, ""}},
      {"runtime", {OK, "the OCI runtime: the fake engine runs every container the same way"}},
      {"scale", {A, ""}},  // 1 only
      {"secrets", {NM, "files mounted from the project's secrets (the fake engine mounts volumes only)"}},
      {"security_opt", {OK, kPrivileges}},
      {"shm_size", {OK, kLimits}},
      {"stdin_open", {OK, "a detached server does not read its terminal"}},
      {"stop_grace_period", {A, ""}},
      {"stop_signal", {A, ""}},
      {"storage_opt", {OK, kLimits}},
      {"sysctls", {OK, "kernel settings the fake app does not read"}},
      {"tmpfs", {OK, "a scratch filesystem the fake app does not use"}},
      {"tty", {OK, "a detached server does not read its terminal"}},
      {"ulimits", {OK, kLimits}},
      {"user", {OK, kPrivileges}},
      {"userns_mode", {OK, kPrivileges}},
      {"volumes", {A, ""}},
      {"volumes_from", {NM, "mounts the volumes of another container"}},
      {"working_dir", {OK, "the fake app reads no files relative to its working directory"}},
  };
  return rules;
}

// Keys compose-go v1.17.0 (compose 2.20) added to the service schema.
const std::map<std::string_view, KeyRule>& newer_service_rules() {
  static const std::map<std::string_view, KeyRule> rules = {
      {"annotations", {OK, "metadata, as labels"}},
      {"attach", {OK, "whether `up` without -d streams its logs, which the fakes refuse anyway"}},
      {"cgroup", {NM, kNamespace}},
      {"uts", {NM, kNamespace}},
  };
  return rules;
}

const std::map<std::string_view, KeyRule>& top_rules() {
  static const std::map<std::string_view, KeyRule> rules = {
      {"version", {OK, "informative: compose v2 ignores it, and every version modelled reads the same keys"}},
      {"name", {A, ""}},
      {"services", {A, ""}},
      {"networks", {A, ""}},
      {"volumes", {A, ""}},
      // Used only through a service's `secrets:` / `configs:`, which are refused there.
      {"secrets", {OK, "definitions only; a service that uses one is refused"}},
      {"configs", {OK, "definitions only; a service that uses one is refused"}},
  };
  return rules;
}

// The properties of the nested objects (compose-go v1.17.0's schema, a superset of the older ones:
// an older compose would refuse the newest keys, the fakes read them all).
const std::map<std::string_view, std::set<std::string_view>>& nested_keys() {
  static const std::map<std::string_view, std::set<std::string_view>> keys = {
      {"healthcheck", {"disable", "interval", "retries", "test", "timeout", "start_period", "start_interval"}},
      {"build", {"context",     "dockerfile", "dockerfile_inline",   "args",    "ssh",  "labels",   "cache_from",
                 "cache_to",    "no_cache",   "additional_contexts", "network", "pull", "target",   "shm_size",
                 "extra_hosts", "isolation",  "privileged",          "secrets", "tags", "platforms"}},
      {"depends_on", {"condition", "restart", "required"}},
      {"service_network", {"aliases", "ipv4_address", "ipv6_address", "link_local_ips", "priority"}},
      {"volume", {"type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs"}},
      {"port", {"mode", "host_ip", "target", "published", "protocol"}},
      {"network",
       {"name", "driver", "driver_opts", "ipam", "external", "internal", "enable_ipv6", "attachable", "labels"}},
      {"top_volume", {"name", "driver", "driver_opts", "external", "labels"}},
      {"deploy",
       {"mode", "endpoint_mode", "replicas", "labels", "rollback_config", "update_config", "resources",
        "restart_policy", "placement"}},
  };
  return keys;
}

// docker-compose 1.x's hints for common misspellings (validation.py DOCKER_CONFIG_HINTS).
const std::map<std::string_view, std::string_view>& v1_hints() {
  static const std::map<std::string_view, std::string_view> hints = {
      {"cpu_share", "cpu_shares"},      {"add_host", "extra_hosts"}, {"hosts", "extra_hosts"},
      {"extra_host", "extra_hosts"},    {"device", "devices"},       {"link", "links"},
      {"memory_swap", "memswap_limit"}, {"port", "ports"},           {"privilege", "privileged"},
      {"priviliged", "privileged"},     {"privilige", "privileged"}, {"volume", "volumes"},
      {"workdir", "working_dir"}};
  return hints;
}

// Objects whose schema is a oneOf (string or list or object): docker-compose 1.x words their
// errors through _parse_oneof_validator.
bool v1_oneof(std::string_view object) {
  return object == "build" || object == "depends_on" || object == "service_network" || object == "volume" ||
         object == "port";
}

}  // namespace

const KeyRule* service_key_rule(std::string_view key, TemplateSyntax generation) {
  if (key.substr(0, 2) == "x-") {
    static const KeyRule extension{OK, "an extension field, which compose ignores"};
    return &extension;
  }
  if (auto it = service_rules().find(key); it != service_rules().end()) return &it->second;
  if (generation == TemplateSyntax::go_v1_17)
    if (auto it = newer_service_rules().find(key); it != newer_service_rules().end()) return &it->second;
  return nullptr;
}

const KeyRule* top_level_key_rule(std::string_view key, TemplateSyntax generation) {
  if (key.substr(0, 2) == "x-") {
    static const KeyRule extension{OK, "an extension field (often a YAML anchor), which compose ignores"};
    return &extension;
  }
  if (key == "name" && generation == TemplateSyntax::python_v1) return nullptr;  // not in 1.29's schema
  if (key == "include" && generation == TemplateSyntax::go_v1_17) {
    static const KeyRule include{NM, "loads other compose projects into this one"};
    return &include;
  }
  auto it = top_rules().find(key);
  return it == top_rules().end() ? nullptr : &it->second;
}

bool nested_key_known(std::string_view object, std::string_view key) {
  if (key.substr(0, 2) == "x-") return true;
  auto it = nested_keys().find(object);
  return it != nested_keys().end() && it->second.count(key) > 0;
}

std::string unknown_key_error(TemplateSyntax generation, const std::string& shown_file, const std::string& path,
                              std::string_view object, const std::string& key) {
  if (generation != TemplateSyntax::python_v1)
    return fmt::format("{} Additional property {} is not allowed", path, key);  // gojsonschema, via schema.go
  std::string problem;
  if (object == "top") {
    problem = fmt::format(
        "Invalid top-level property \"{}\". Valid top-level sections for this Compose file are: version, services, "
        "networks, volumes, secrets, configs, and extensions starting with \"x-\".\n\n"
        "You might be seeing this error because you're using the wrong Compose file version. Either specify a "
        "supported version (e.g \"2.2\" or \"3.3\") and place your service definitions under the `services` key, or "
        "omit the `version` key and place your service definitions at the root of the file to use version 1.\n"
        "For more on the Compose file format versions, see https://docs.docker.com/compose/compose-file/",
        key);
  } else if (object == "service") {
    problem = fmt::format("Unsupported config option for {}: '{}'", path, key);
    if (auto hint = v1_hints().find(key); hint != v1_hints().end())
      problem += fmt::format(" (did you mean '{}'?)", hint->second);
  } else if (v1_oneof(object)) {
    problem = fmt::format("{} contains unsupported option: '{}'", path, key);
  } else {
    problem = fmt::format("{} value Additional properties are not allowed ('{}' was unexpected)", path, key);
  }
  return fmt::format("The Compose file '{}' is invalid because:\n{}", shown_file, problem);
}

}  // namespace bg::fakes
