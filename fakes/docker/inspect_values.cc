#include "fakes/docker/inspect_values.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fakes/docker/docker_cli_support.h"

namespace bg::fakes {
namespace {

using V = gotmpl::Value;

V str(const std::string& s) { return V::string(s); }
V strings(const std::vector<std::string>& v, bool nil_when_empty = false) {
  if (v.empty() && nil_when_empty) return V::nil("[]string");
  std::vector<V> items;
  for (const auto& s : v) items.push_back(str(s));
  return V::slice(std::move(items), "[]string");
}
V string_map(const std::map<std::string, std::string>& m, const std::string& type = "map[string]string") {
  std::vector<std::pair<std::string, V>> entries;
  for (const auto& [k, v] : m) entries.emplace_back(k, str(v));
  return V::map(std::move(entries), type, str(""));
}
V when(core::Time t, bool happened) { return str(happened ? docker_time(t) : kZeroTime); }

V state_value(const ContainerInfo& c) {
  const ContainerRecord& r = c.record;
  using S = ContainerState;
  bool running = r.state == S::running || r.state == S::paused || r.state == S::restarting;
  V s = V::structure("*types.ContainerState");
  s.field("Status", str(state_name(r.state)))
      .field("Running", V::boolean(running))
      .field("Paused", V::boolean(r.state == S::paused))
      .field("Restarting", V::boolean(r.state == S::restarting))
      .field("OOMKilled", V::boolean(false))
      .field("Dead", V::boolean(r.state == S::dead))
      .field("Pid", V::integer(r.state == S::running ? 4000 + static_cast<int>(r.id[0]) : 0))
      .field("ExitCode", V::integer(r.exit_code))
      .field("Error", str(""))
      .field("StartedAt", when(r.started, r.state != S::created || r.started != core::Time{}))
      .field("FinishedAt", when(r.finished, r.finished != core::Time{}));
  if (r.health.empty()) {
    s.field("Health", V::nil("*types.Health"), "Health", true);
  } else {
    V h = V::structure("*types.Health");
    h.field("Status", str(r.health))
        .field("FailingStreak", V::integer(r.health == "unhealthy" ? 3 : 0))
        .field("Log", V::slice({}, "[]*types.HealthcheckResult"));
    s.field("Health", h, "Health", true);
  }
  return s;
}

V port_map(const std::vector<PortMapping>& ports, bool host_config, const std::vector<std::string>& exposed) {
  std::vector<std::pair<std::string, V>> entries;
  for (const auto& p : ports) {
    V binding = V::structure("nat.PortBinding");
    std::string ip = host_config ? p.host_ip : (p.host_ip.empty() ? "0.0.0.0" : p.host_ip);
    binding.field("HostIp", str(ip)).field("HostPort", str(p.published ? std::to_string(p.published) : ""));
    entries.emplace_back(fmt::format("{}/{}", p.target, p.protocol), V::slice({binding}, "[]nat.PortBinding"));
  }
  if (!host_config)
    for (const auto& e : exposed) {
      bool bound = false;
      for (const auto& [k, v] : entries) bound = bound || k == e;
      if (!bound) entries.emplace_back(e, V::nil("[]nat.PortBinding"));
    }
  return V::map(std::move(entries), "nat.PortMap");
}

V host_config_value(const ContainerInfo& c) {
  const ContainerSpec& s = c.spec;
  std::vector<std::string> binds;
  for (const auto& m : s.mounts)
    if (!m.source.empty()) binds.push_back(m.source + ":" + m.target + (m.read_only ? ":ro" : ""));
  V log = V::structure("container.LogConfig");
  log.field("Type", str(s.log_driver.empty() ? "json-file" : s.log_driver)).field("Config", string_map({}));
  V restart = V::structure("container.RestartPolicy");
  ParsedRestartPolicy policy = parse_restart_policy(s.restart);
  restart.field("Name", str(policy.policy.display_name()))
      .field("MaximumRetryCount", V::integer(policy.policy.maximum_retry_count));
  std::string network_mode = s.networks.empty() || s.networks[0].empty() ? "default" : s.networks[0];
  V h = V::structure("*container.HostConfig");
  h.field("Binds", strings(binds, true))
      .field("ContainerIDFile", str(""))
      .field("LogConfig", log)
      .field("NetworkMode", str(network_mode))
      .field("PortBindings", port_map(s.ports, true, {}))
      .field("RestartPolicy", restart)
      .field("AutoRemove", V::boolean(s.auto_remove))
      .field("VolumeDriver", str(""))
      .field("VolumesFrom", V::nil("[]string"))
      .field("ExtraHosts", strings(s.extra_hosts, true))
      .field("Privileged", V::boolean(false))
      .field("PublishAllPorts", V::boolean(false))
      .field("ReadonlyRootfs", V::boolean(false));
  if (s.init)
    h.field("Init", V::boolean(true), "Init", true);
  else
    h.field("Init", V::nil("*bool"), "Init", true);
  return h;
}

V config_value(const ContainerInfo& c) {
  const ContainerSpec& s = c.spec;
  std::map<std::string, std::string> env = c.image.dockerfile.env;
  for (const auto& [k, v] : s.env) env[k] = v;
  std::vector<std::string> env_list = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  for (const auto& [k, v] : env) env_list.push_back(k + "=" + v);
  std::vector<std::string> cmd = s.command.empty() && !s.entrypoint ? c.image.dockerfile.cmd : s.command;
  std::vector<std::pair<std::string, V>> exposed;
  for (const auto& e : c.image.exposed) exposed.emplace_back(e, V::structure("struct {}"));
  for (const auto& e : s.expose) exposed.emplace_back(e, V::structure("struct {}"));
  for (const auto& p : s.ports)
    exposed.emplace_back(fmt::format("{}/{}", p.target, p.protocol), V::structure("struct {}"));
  std::map<std::string, std::string> labels = s.labels;
  V cfg = V::structure("*container.Config");
  cfg.field("Hostname", str(c.hostname))
      .field("Domainname", str(""))
      .field("User", str(s.user))
      .field("AttachStdin", V::boolean(false))
      .field("AttachStdout", V::boolean(false))
      .field("AttachStderr", V::boolean(false))
      .field("ExposedPorts", V::map(std::move(exposed), "nat.PortSet"), "ExposedPorts", true)
      .field("Tty", V::boolean(s.tty))
      .field("OpenStdin", V::boolean(s.interactive))
      .field("StdinOnce", V::boolean(false))
      .field("Env", strings(env_list))
      .field("Cmd", strings(cmd, true));
  if (s.healthcheck) {
    V hc = V::structure("*container.HealthConfig");
    hc.field("Test", strings(s.healthcheck->test), "Test", true);
    cfg.field("Healthcheck", hc, "Healthcheck", true);
  } else {
    cfg.field("Healthcheck", V::nil("*container.HealthConfig"), "Healthcheck", true);
  }
  cfg.field("Image", str(c.record.image))
      .field("Volumes", V::nil("map[string]struct {}"))
      .field("WorkingDir", str(s.workdir.empty() ? c.image.workdir : s.workdir))
      .field("Entrypoint", strings(s.entrypoint.value_or(c.image.dockerfile.entrypoint), true))
      .field("OnBuild", V::nil("[]string"))
      .field("Labels", string_map(labels))
      .field("StopSignal", str(s.stop_signal.empty() ? c.image.stop_signal : s.stop_signal), "StopSignal", true);
  if (s.stop_grace_period && c.spec.project.empty())
    cfg.field("StopTimeout", V::integer(std::chrono::duration_cast<std::chrono::seconds>(*s.stop_grace_period).count()),
              "StopTimeout", true);
  return cfg;
}

V endpoint_value(const std::string& network, const NetworkEndpoint& e, const ContainerInfo& c) {
  V ep = V::structure("*network.EndpointSettings");
  bool up = !e.ip.empty();
  // The network's gateway: its /16 with .0.1 (NetworkStore).
  std::string net_gateway = up ? e.ip.substr(0, e.ip.find('.', e.ip.find('.') + 1)) + ".0.1" : "";
  ep.field("IPAMConfig", V::nil("*network.EndpointIPAMConfig"))
      .field("Links", V::nil("[]string"))
      .field("Aliases", network == "bridge" ? V::nil("[]string") : strings([&] {
               std::vector<std::string> a = e.aliases;
               if (!c.record.service.empty()) a.insert(a.begin(), c.record.service);
               a.push_back(c.record.id.substr(0, 12));
               return a;
             }()))
      .field("NetworkID", str(""))
      .field("EndpointID", str(e.endpoint_id))
      .field("Gateway", str(net_gateway))
      .field("IPAddress", str(e.ip))
      .field("IPPrefixLen", V::integer(up ? 16 : 0))
      .field("IPv6Gateway", str(""))
      .field("GlobalIPv6Address", str(""))
      .field("GlobalIPv6PrefixLen", V::integer(0))
      .field("MacAddress", str(e.mac))
      .field("DriverOpts", V::nil("map[string]string"));
  return ep;
}

V network_settings_value(const ContainerInfo& c) {
  bool running = c.record.state == ContainerState::running;
  std::vector<std::pair<std::string, V>> networks;
  NetworkEndpoint bridge;
  for (const auto& [name, e] : c.networks) {
    networks.emplace_back(name, endpoint_value(name, e, c));
    if (name == "bridge") bridge = e;
  }
  std::vector<std::string> exposed = c.image.exposed;
  exposed.insert(exposed.end(), c.spec.expose.begin(), c.spec.expose.end());
  V ns = V::structure("*types.NetworkSettings");
  ns.field("Bridge", str(""))
      .field("SandboxID", str(running ? c.record.id.substr(0, 12) + c.record.id.substr(0, 52) : ""))
      .field("HairpinMode", V::boolean(false))
      .field("Ports", running ? port_map(c.record.ports, false, exposed) : V::map({}, "nat.PortMap"))
      .field("SandboxKey", str(running ? "/var/run/docker/netns/" + c.record.id.substr(0, 12) : ""))
      .field("EndpointID", str(bridge.endpoint_id))
      .field("Gateway", str(bridge.ip.empty() ? "" : "172.17.0.1"))
      .field("IPAddress", str(bridge.ip))
      .field("IPPrefixLen", V::integer(bridge.ip.empty() ? 0 : 16))
      .field("MacAddress", str(bridge.mac))
      .field("Networks", V::map(std::move(networks), "map[string]*network.EndpointSettings"));
  return ns;
}

V mounts_value(const ContainerInfo& c) {
  std::vector<V> out;
  for (const auto& m : c.spec.mounts) {
    V mp = V::structure("types.MountPoint");
    mp.field("Type", str(m.named || m.source.empty() ? "volume" : "bind"))
        .field("Name", str(m.named ? m.source : ""), "Name", true)
        .field("Source", str(m.named ? "/var/lib/docker/volumes/" + m.source + "/_data" : m.source))
        .field("Destination", str(m.target))
        .field("Driver", str(m.named ? "local" : ""), "Driver", true)
        .field("Mode", str(m.read_only ? "ro" : ""))
        .field("RW", V::boolean(!m.read_only))
        .field("Propagation", str(m.named ? "" : "rprivate"));
    out.push_back(mp);
  }
  return V::slice(std::move(out), "[]types.MountPoint");
}

}  // namespace

gotmpl::Value container_value(const ContainerInfo& c) {
  const ContainerRecord& r = c.record;
  std::vector<std::string> argv = c.spec.entrypoint.value_or(c.image.dockerfile.entrypoint);
  const auto& cmd = c.spec.command.empty() && !c.spec.entrypoint ? c.image.dockerfile.cmd : c.spec.command;
  argv.insert(argv.end(), cmd.begin(), cmd.end());
  std::string root = "/var/lib/docker/containers/" + r.id;
  V v = V::structure("types.ContainerJSON");
  v.field("ID", str(r.id), "Id")
      .field("Created", str(docker_time(r.created)))
      .field("Path", str(argv.empty() ? "" : argv[0]))
      .field("Args", strings(argv.empty() ? argv : std::vector<std::string>(argv.begin() + 1, argv.end())))
      .field("State", state_value(c))
      .field("Image", str("sha256:" + r.image_id))
      .field("ResolvConfPath", str(root + "/resolv.conf"))
      .field("HostnamePath", str(root + "/hostname"))
      .field("HostsPath", str(root + "/hosts"))
      .field("LogPath", str(root + "/" + r.id + "-json.log"))
      .field("Name", str("/" + r.name))
      .field("RestartCount", V::integer(c.restart_count))
      .field("Driver", str("overlay2"))
      .field("Platform", str("linux"))
      .field("MountLabel", str(""))
      .field("ProcessLabel", str(""))
      .field("AppArmorProfile", str(""))
      .field("ExecIDs", V::nil("[]string"))
      .field("HostConfig", host_config_value(c))
      .field("Mounts", mounts_value(c))
      .field("Config", config_value(c))
      .field("NetworkSettings", network_settings_value(c));
  return v;
}

gotmpl::Value image_value(const Image& image, const std::vector<std::string>& tags) {
  V cfg = V::structure("*container.Config");
  std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  for (const auto& [k, v] : image.dockerfile.env) env.push_back(k + "=" + v);
  std::vector<std::pair<std::string, V>> exposed;
  for (const auto& e : image.exposed) exposed.emplace_back(e, V::structure("struct {}"));
  cfg.field("ExposedPorts", V::map(std::move(exposed), "nat.PortSet"), "ExposedPorts", true)
      .field("Env", strings(env))
      .field("Cmd", strings(image.dockerfile.cmd, true))
      .field("WorkingDir", str(image.workdir))
      .field("Entrypoint", strings(image.dockerfile.entrypoint, true))
      .field("Labels", V::nil("map[string]string"))
      .field("StopSignal", str(image.stop_signal), "StopSignal", true);
  V rootfs = V::structure("types.RootFS");
  rootfs.field("Type", str("layers")).field("Layers", strings({"sha256:" + image.id.substr(0, 64)}));
  V v = V::structure("types.ImageInspect");
  v.field("ID", str("sha256:" + image.id), "Id")
      .field("RepoTags", strings(tags))
      .field("RepoDigests", strings(image.repo_digests))
      .field("Parent", str(""))
      .field("Comment", str(""))
      .field("Created", str(docker_time(image.created)))
      .field("Container", str(""))
      .field("DockerVersion", str("20.10.17"))
      .field("Author", str(""))
      .field("Config", cfg)
      .field("Architecture", str("amd64"))
      .field("Os", str("linux"))
      .field("Size", V::integer(image.size, "int64"))
      .field("VirtualSize", V::integer(image.size, "int64"))
      .field("RootFS", rootfs);
  return v;
}

gotmpl::Value network_value(const NetworkRecord& n, const std::vector<ContainerInfo>& containers) {
  std::vector<V> configs;
  if (!n.subnet.empty()) {
    V c = V::structure("network.IPAMConfig");
    c.field("Subnet", str(n.subnet), "Subnet", true).field("Gateway", str(n.gateway), "Gateway", true);
    configs.push_back(c);
  }
  V ipam = V::structure("network.IPAM");
  ipam.field("Driver", str("default"))
      .field("Options", V::nil("map[string]string"))
      .field("Config", V::slice(std::move(configs), "[]network.IPAMConfig"));
  std::vector<std::pair<std::string, V>> attached;
  for (const auto& c : containers) {
    auto it = n.endpoints.find(c.record.id);
    if (it == n.endpoints.end() || it->second.ip.empty()) continue;  // running containers only
    V e = V::structure("types.EndpointResource");
    e.field("Name", str(c.record.name))
        .field("EndpointID", str(it->second.endpoint_id))
        .field("MacAddress", str(it->second.mac))
        .field("IPv4Address", str(it->second.ip + "/16"))
        .field("IPv6Address", str(""));
    attached.emplace_back(c.record.id, e);
  }
  V from = V::structure("network.ConfigReference");
  from.field("Network", str(""));
  V v = V::structure("types.NetworkResource");
  v.field("Name", str(n.name))
      .field("ID", str(n.id), "Id")
      .field("Created", str(docker_time(n.created)))
      .field("Scope", str(n.scope))
      .field("Driver", str(n.driver))
      .field("EnableIPv6", V::boolean(false))
      .field("IPAM", ipam)
      .field("Internal", V::boolean(n.internal))
      .field("Attachable", V::boolean(n.attachable))
      .field("Ingress", V::boolean(false))
      .field("ConfigFrom", from)
      .field("ConfigOnly", V::boolean(false))
      .field("Containers", V::map(std::move(attached), "map[string]types.EndpointResource"))
      .field("Options", string_map({}))
      .field("Labels", string_map(n.labels));
  return v;
}

std::string indented_json(const std::vector<gotmpl::Value>& values) {
  std::string array = "[";
  for (size_t i = 0; i < values.size(); ++i) array += (i ? "," : "") + values[i].json();
  array += "]";
  return nlohmann::ordered_json::parse(array).dump(4) + "\n";
}

}  // namespace bg::fakes
