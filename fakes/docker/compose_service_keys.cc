#include "fakes/docker/compose_service_keys.h"

#include <cctype>
#include <sstream>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/compose_schema.h"

namespace bg::fakes {
namespace fs = std::filesystem;

std::vector<std::string> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < text.size())
        word += text[++i];
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c, in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i], in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(word), word.clear(), in_word = false;
    } else {
      word += c, in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

void ServiceKeyReader::fail(const YAML::Node& at, const std::string& what) const {
  const YAML::Mark mark = at.Mark();
  if (mark.is_null()) throw ComposeFileError(fmt::format("{}: {}", context_.shown, what));
  throw ComposeFileError(fmt::format("{}:{}:{}: {}", context_.shown, mark.line + 1, mark.column + 1, what));
}

void ServiceKeyReader::not_modelled(const YAML::Node& at, const std::string& key_path, const std::string& why) const {
  throw core::NotModelled(
      fmt::format("compose key {} in {}:{} ({})", key_path, context_.shown, at.Mark().line + 1, why));
}

void ServiceKeyReader::check_keys(const YAML::Node& map, std::string_view object, const std::string& path) const {
  for (const auto& kv : map)
    if (!nested_key_known(object, kv.first.Scalar())) {
      std::string error = unknown_key_error(context_.generation, context_.shown, path, object, kv.first.Scalar());
      if (context_.place_every_error) fail(kv.first, error);
      throw ComposeFileError(error);
    }
}

std::string ServiceKeyReader::scalar(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar()) fail(n, path + ": expected a string");
  return n.Scalar();
}

bool ServiceKeyReader::boolean(const YAML::Node& n, const std::string& path) const {
  std::string s = scalar(n, path);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "true" || s == "yes" || s == "on" || s == "y") return true;
  if (s == "false" || s == "no" || s == "off" || s == "n") return false;
  fail(n, path + ": expected true or false");
}

core::Duration ServiceKeyReader::duration(const YAML::Node& n, const std::string& path) const {
  auto d = parse_go_duration(scalar(n, path));
  if (!d) fail(n, fmt::format("{}: expected a duration like 10s or 1m30s, got \"{}\"", path, n.Scalar()));
  return *d;
}

int ServiceKeyReader::integer(const YAML::Node& n, const std::string& path) const {
  std::string s = scalar(n, path);
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    fail(n, fmt::format("{}: expected a number, got \"{}\"", path, s));
  // Compose reads it into a Go int; past nine digits it is no count anyone means (and no int here).
  if (s.size() > 9) fail(n, fmt::format("{}: {} is out of range", path, s));
  return std::stoi(s);
}

uint16_t ServiceKeyReader::port_number(const YAML::Node& at, std::string_view text, const std::string&) const {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string_view::npos)
    fail(at, fmt::format("ports: expected a port number, got \"{}\"", text));
  int n = std::stoi(std::string(text));
  if (n < 1 || n > 65535) fail(at, fmt::format("ports: port {} is out of range", n));
  return static_cast<uint16_t>(n);
}

// Short syntax: "3000", "3000:3000", "127.0.0.1:3000:3000", each optionally "/udp".
PortMapping ServiceKeyReader::short_port(const YAML::Node& n, const std::string& path) const {
  std::string text = n.Scalar();
  PortMapping p;
  if (auto slash = text.rfind('/'); slash != std::string::npos) {
    p.protocol = text.substr(slash + 1);
    text.resize(slash);
  }
  // Ranges publish several ports at once; the engine publishes one per mapping.
  if (text.find('-') != std::string::npos) not_modelled(n, path, "a port range");
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  if (parts.size() == 1) {
    p.target = port_number(n, parts[0], path);
  } else if (parts.size() == 2) {
    if (!parts[0].empty()) p.published = port_number(n, parts[0], path);
    p.target = port_number(n, parts[1], path);
  } else if (parts.size() == 3) {
    p.host_ip = parts[0];
    if (!parts[1].empty()) p.published = port_number(n, parts[1], path);
    p.target = port_number(n, parts[2], path);
  } else {
    fail(n, fmt::format("ports: expected \"HOST:CONTAINER\", got \"{}\"", n.Scalar()));
  }
  return p;
}

std::vector<PortMapping> ServiceKeyReader::ports(const YAML::Node& n, const std::string& path) const {
  if (!n.IsSequence()) fail(n, "ports: expected a list");
  std::vector<PortMapping> out;
  for (const auto& item : n) {
    if (!item.IsMap()) {
      out.push_back(short_port(item, path));
      continue;
    }
    check_keys(item, "port", path);
    PortMapping p;
    if (!item["target"]) fail(item, "ports: the long form needs a target");
    p.target = port_number(item["target"], item["target"].Scalar(), path);
    if (item["published"]) {
      if (item["published"].Scalar().find('-') != std::string::npos) not_modelled(item, path, "a port range");
      p.published = port_number(item["published"], item["published"].Scalar(), path);
    }
    if (item["host_ip"]) p.host_ip = item["host_ip"].Scalar();
    if (item["protocol"]) p.protocol = item["protocol"].Scalar();
    // mode: host publishes on the node running the task; ingress is swarm's routing mesh.
    if (item["mode"] && item["mode"].Scalar() != "host" && item["mode"].Scalar() != "ingress")
      fail(item["mode"], "ports: mode must be host or ingress");
    out.push_back(p);
  }
  return out;
}

std::string ServiceKeyReader::host_path(const YAML::Node& at, const std::string& path) const {
  if (path.empty() || path.front() != '~') return (context_.working_dir / path).lexically_normal().string();
  // compose-go expandUser / os.path.expanduser: `~` is the caller's HOME.
  if (!context_.home) not_modelled(at, "~", "a path under HOME, with HOME unset");
  return (fs::path(*context_.home) / path.substr(path.size() > 1 && path[1] == '/' ? 2 : 1))
      .lexically_normal()
      .string();
}

// compose-go loader/volume.go ParseVolume and docker-compose's VolumeSpec: [SOURCE:]TARGET[:MODE];
// a SOURCE starting with `.`, `/` or `~` is a host path, anything else a named volume.
BindMount ServiceKeyReader::short_volume(const YAML::Node& n, const std::string& path) const {
  std::vector<std::string> parts;
  std::stringstream in(n.Scalar());
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  if (parts.empty() || parts.size() > 3 || parts.back().empty()) fail(n, fmt::format("invalid spec: {}", n.Scalar()));
  BindMount m;
  if (parts.size() == 1) {  // an anonymous volume
    m.target = parts[0];
    m.named = true;
    return m;
  }
  m.target = parts[1];
  if (parts.size() == 3) {
    std::stringstream modes(parts[2]);
    for (std::string mode; std::getline(modes, mode, ',');) {
      if (mode == "ro")
        m.read_only = true;
      else if (mode == "rw" || mode == "z" || mode == "Z" || mode == "cached" || mode == "delegated" ||
               mode == "consistent" || mode == "nocopy" || mode.find("shared") != std::string::npos ||
               mode.find("slave") != std::string::npos || mode.find("private") != std::string::npos)
        continue;  // SELinux labels, macOS consistency, propagation: no effect on what the app reads
      else
        fail(n, fmt::format("invalid mode: {}", mode));
    }
  }
  const std::string& source = parts[0];
  if (source.empty()) fail(n, fmt::format("invalid spec: {}: empty section between colons", n.Scalar()));
  m.named = source.front() != '.' && source.front() != '/' && source.front() != '~';
  m.source = m.named ? source : host_path(n, source);
  return m;
}

std::optional<BindMount> ServiceKeyReader::long_volume(const YAML::Node& n, const std::string& path) const {
  check_keys(n, "volume", path);
  std::string type = n["type"] ? scalar(n["type"], path + ".type") : "";
  if (type == "tmpfs") return std::nullopt;  // a scratch filesystem the fake app does not use
  if (type != "bind" && type != "volume") not_modelled(n, path, fmt::format("a volume of type \"{}\"", type));
  if (!n["target"]) fail(n, "volumes: the long form needs a target");
  BindMount m;
  m.target = scalar(n["target"], path + ".target");
  m.named = type == "volume";
  if (n["source"]) {
    std::string source = scalar(n["source"], path + ".source");
    m.source = m.named ? source : host_path(n["source"], source);
  } else if (!m.named) {
    fail(n, "invalid mount config for type \"bind\": field Source must not be empty");
  }
  if (n["read_only"]) m.read_only = boolean(n["read_only"], path + ".read_only");
  return m;
}

std::vector<BindMount> ServiceKeyReader::volumes(const YAML::Node& n, const std::string& path) const {
  if (!n.IsSequence()) fail(n, "volumes: expected a list");
  std::vector<BindMount> out;
  for (const auto& item : n) {
    if (!item.IsMap())
      out.push_back(short_volume(item, path));
    else if (auto m = long_volume(item, path))
      out.push_back(*m);
  }
  return out;
}

std::vector<ServiceNetwork> ServiceKeyReader::networks(const YAML::Node& n, const std::string& path) const {
  std::vector<ServiceNetwork> out;
  if (n.IsSequence()) {
    for (const auto& item : n) out.push_back({scalar(item, path), {}});
    return out;
  }
  if (!n.IsMap()) fail(n, "networks: expected a list or a mapping");
  for (const auto& kv : n) {
    ServiceNetwork net{kv.first.Scalar(), {}};
    const YAML::Node& v = kv.second;
    if (v.IsMap()) {
      check_keys(v, "service_network", path + "." + net.key);
      for (const auto& opt : v) {
        std::string key = opt.first.Scalar();
        if (key == "aliases")
          net.aliases = strings(opt.second, path + ".aliases");
        else if (key == "priority" || key.substr(0, 2) == "x-")
          continue;  // the order of attachment only
        else
          not_modelled(opt.first, path + "." + net.key + "." + key, "a fixed address on the network");
      }
    }
    out.push_back(net);
  }
  return out;
}

std::vector<Dependency> ServiceKeyReader::depends_on(const YAML::Node& n, const std::string& path) const {
  std::vector<Dependency> out;
  if (n.IsSequence()) {
    for (const auto& item : n) out.push_back({scalar(item, path), "service_started"});
    return out;
  }
  if (!n.IsMap()) fail(n, "depends_on: expected a list or a mapping");
  for (const auto& kv : n) {
    Dependency d{kv.first.Scalar(), "service_started"};
    std::string at = path + "." + d.service;
    if (!kv.second.IsMap()) fail(kv.second, at + ": expected a mapping with a condition");
    check_keys(kv.second, "depends_on", at);
    if (!kv.second["condition"]) fail(kv.second, at + ": condition is required");
    d.condition = scalar(kv.second["condition"], at + ".condition");
    if (d.condition != "service_started" && d.condition != "service_healthy" &&
        d.condition != "service_completed_successfully")
      fail(kv.second["condition"],
           fmt::format("{}.condition must be one of the following: \"service_started\", \"service_healthy\", "
                       "\"service_completed_successfully\"",
                       at));
    if (kv.second["required"] && !boolean(kv.second["required"], at + ".required"))
      not_modelled(kv.second["required"], at + ".required", "an optional dependency");
    out.push_back(d);
  }
  return out;
}

BuildConfig ServiceKeyReader::build(const YAML::Node& n, const std::string& path) const {
  BuildConfig b;
  std::string context = ".";
  if (n.IsScalar()) {
    context = n.Scalar();
  } else {
    if (!n.IsMap()) fail(n, "build: expected a string or a mapping");
    check_keys(n, "build", path);
    for (const auto& kv : n) {
      std::string key = kv.first.Scalar();
      if (key == "context")
        context = scalar(kv.second, path + ".context");
      else if (key == "dockerfile")
        b.dockerfile = scalar(kv.second, path + ".dockerfile");
      else if (key == "args")
        b.args = mapping(kv.second, path + ".args");
      else if (key == "target" || key == "dockerfile_inline" || key == "additional_contexts" || key == "ssh" ||
               key == "secrets")
        not_modelled(kv.first, path + "." + key, "the fake builder reads the Dockerfile's final stage only");
      // labels, cache_from/to, network, shm_size, extra_hosts, no_cache, pull, tags, platforms,
      // isolation, privileged: how the builder runs, not what the image runs.
    }
  }
  // A git or http context is fetched by the builder; the fake builder reads local folders.
  if (context.find("://") != std::string::npos || context.rfind("git@", 0) == 0 || context.rfind("github.com/", 0) == 0)
    not_modelled(n, path, "a remote build context");
  b.context = host_path(n, context);
  return b;
}

Healthcheck ServiceKeyReader::healthcheck(const YAML::Node& n, const std::string& path) const {
  if (!n.IsMap()) fail(n, "healthcheck: expected a mapping");
  check_keys(n, "healthcheck", path);
  Healthcheck h;
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    // A string test runs in a shell (compose-go HealthCheckTest, docker-compose process_healthcheck).
    if (key == "test")
      h.test = v.IsScalar() ? std::vector<std::string>{"CMD-SHELL", v.Scalar()} : strings(v, path);
    else if (key == "interval")
      h.interval = duration(v, path + ".interval");
    else if (key == "timeout")
      h.timeout = duration(v, path + ".timeout");
    else if (key == "start_period")
      h.start_period = duration(v, path + ".start_period");
    else if (key == "retries")
      h.retries = integer(v, path + ".retries");
    else if (key == "disable")
      h.disable = boolean(v, path + ".disable");
    else if (key == "start_interval")
      not_modelled(kv.first, path + ".start_interval", "probes faster while starting");
  }
  return h;
}

std::map<std::string, std::optional<std::string>> ServiceKeyReader::environment(const YAML::Node& n,
                                                                                const std::string& path) const {
  std::map<std::string, std::optional<std::string>> env;
  if (n.IsMap()) {
    for (const auto& kv : n)
      env[kv.first.Scalar()] = kv.second.IsNull() ? std::nullopt : std::optional<std::string>(scalar(kv.second, path));
  } else if (n.IsSequence()) {
    for (const auto& item : n) {
      std::string entry = scalar(item, path);
      auto eq = entry.find('=');
      if (eq == std::string::npos)
        env[entry] = std::nullopt;
      else
        env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  } else {
    fail(n, "environment: expected a mapping or a list");
  }
  return env;
}

std::map<std::string, std::string> ServiceKeyReader::mapping(const YAML::Node& n, const std::string& path) const {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : environment(n, path)) out[k] = v.value_or("");
  return out;
}

std::vector<std::string> ServiceKeyReader::strings(const YAML::Node& n, const std::string& path) const {
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence()) fail(n, path + ": expected a string or a list");
  std::vector<std::string> out;
  for (const auto& item : n) out.push_back(scalar(item, path));
  return out;
}

std::vector<std::string> ServiceKeyReader::command(const YAML::Node& n, const std::string& path) const {
  if (n.IsScalar()) return split_shell_words(n.Scalar());
  return strings(n, path);
}

std::vector<std::string> ServiceKeyReader::extra_hosts(const YAML::Node& n, const std::string& path) const {
  if (!n.IsMap()) return strings(n, path);
  std::vector<std::string> out;
  for (const auto& kv : n) out.push_back(kv.first.Scalar() + ":" + scalar(kv.second, path));
  return out;
}

void ServiceKeyReader::deploy(const YAML::Node& n, const std::string& path) const {
  if (!n.IsMap()) fail(n, "deploy: expected a mapping");
  check_keys(n, "deploy", path);
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    if (key == "replicas") {
      if (integer(kv.second, path + ".replicas") != 1) not_modelled(kv.first, path + ".replicas", "several containers");
    } else if (key == "restart_policy") {
      // compose v2 uses it as the container's restart policy when `restart:` is not set.
      not_modelled(kv.first, path + ".restart_policy", "a restart policy the engine would apply");
    }
    // resources: limits (see compose_schema.cc); mode, labels, placement, update_config,
    // rollback_config, endpoint_mode: swarm settings compose does not apply to containers.
  }
}

}  // namespace bg::fakes
