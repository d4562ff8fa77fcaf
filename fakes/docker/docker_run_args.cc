#include "fakes/docker/docker_run_args.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

// docker/cli opts.go@v20.10.17 addFlags (every container flag), plus run.go/create.go's own.
std::vector<FlagSpec> container_flags(bool create) {
  std::vector<FlagSpec> f = {{'a', "attach", true},
                             {0, "device-cgroup-rule", true},
                             {0, "device", true},
                             {0, "gpus", true},
                             {'e', "env", true},
                             {0, "env-file", true},
                             {0, "entrypoint", true},
                             {0, "group-add", true},
                             {'h', "hostname", true},
                             {0, "domainname", true},
                             {'i', "interactive", false},
                             {'l', "label", true},
                             {0, "label-file", true},
                             {0, "read-only", false},
                             {0, "restart", true},
                             {0, "stop-signal", true},
                             {0, "stop-timeout", true},
                             {0, "sysctl", true},
                             {'t', "tty", false},
                             {0, "ulimit", true},
                             {'u', "user", true},
                             {'w', "workdir", true},
                             {0, "rm", false},
                             {0, "cap-add", true},
                             {0, "cap-drop", true},
                             {0, "privileged", false},
                             {0, "security-opt", true},
                             {0, "userns", true},
                             {0, "cgroupns", true},
                             {0, "add-host", true},
                             {0, "dns", true},
                             {0, "dns-opt", true},
                             {0, "dns-option", true},
                             {0, "dns-search", true},
                             {0, "expose", true},
                             {0, "ip", true},
                             {0, "ip6", true},
                             {0, "link", true},
                             {0, "link-local-ip", true},
                             {0, "mac-address", true},
                             {'p', "publish", true},
                             {'P', "publish-all", false},
                             {0, "net", true},
                             {0, "network", true},
                             {0, "net-alias", true},
                             {0, "network-alias", true},
                             {0, "log-driver", true},
                             {0, "volume-driver", true},
                             {0, "log-opt", true},
                             {0, "storage-opt", true},
                             {0, "tmpfs", true},
                             {0, "volumes-from", true},
                             {'v', "volume", true},
                             {0, "mount", true},
                             {0, "health-cmd", true},
                             {0, "health-interval", true},
                             {0, "health-retries", true},
                             {0, "health-timeout", true},
                             {0, "health-start-period", true},
                             {0, "no-healthcheck", false},
                             {0, "blkio-weight", true},
                             {0, "blkio-weight-device", true},
                             {0, "cidfile", true},
                             {0, "cpuset-cpus", true},
                             {0, "cpuset-mems", true},
                             {0, "cpu-count", true},
                             {0, "cpu-percent", true},
                             {0, "cpu-period", true},
                             {0, "cpu-quota", true},
                             {0, "cpu-rt-period", true},
                             {0, "cpu-rt-runtime", true},
                             {'c', "cpu-shares", true},
                             {0, "cpus", true},
                             {0, "device-read-bps", true},
                             {0, "device-read-iops", true},
                             {0, "device-write-bps", true},
                             {0, "device-write-iops", true},
                             {0, "io-maxbandwidth", true},
                             {0, "io-maxiops", true},
                             {0, "kernel-memory", true},
                             {'m', "memory", true},
                             {0, "memory-reservation", true},
                             {0, "memory-swap", true},
                             {0, "memory-swappiness", true},
                             {0, "oom-kill-disable", false},
                             {0, "oom-score-adj", true},
                             {0, "cgroup-parent", true},
                             {0, "ipc", true},
                             {0, "isolation", true},
                             {0, "pid", true},
                             {0, "shm-size", true},
                             {0, "uts", true},
                             {0, "runtime", true},
                             {0, "init", false},
                             {0, "pids-limit", true},
                             {0, "name", true},
                             {0, "pull", true},
                             {0, "platform", true},
                             {0, "disable-content-trust", false}};
  if (!create) {
    f.push_back({'d', "detach", false});
    f.push_back({0, "sig-proxy", false});
    f.push_back({0, "detach-keys", true});
  }
  return f;
}

// Flags that change what the simulation would have to model to judge the deployment (a second
// network stack, devices, files written on the host, the process namespace...). The rest of the
// flags that are neither modelled nor listed here are accepted as harmless: resource limits,
// capabilities, DNS options, log options, platform, content trust (the fake app models none of
// them, and none changes when a port listens or a process exits).
const std::vector<std::string> kUnmodelled = {
    "attach",      "device", "gpus",          "label-file",    "userns",    "cgroupns",     "ip",
    "ip6",         "link",   "link-local-ip", "volume-driver", "tmpfs",     "volumes-from", "cidfile",
    "ipc",         "pid",    "uts",           "runtime",       "read-only", "publish-all",  "device-cgroup-rule",
    "storage-opt", "sysctl"};

[[noreturn]] void run_failure(bool create, const std::string& error) {
  throw CliFailure{report_error(create ? "create" : "run", error, true)};
}

std::string host_path(const RunContext& c, const std::string& p) {
  return (fs::path(p).is_absolute() ? fs::path(p) : c.cwd / p).lexically_normal().string();
}

// opts.ValidateEnv: KEY=VALUE, or KEY taken from the caller's environment (dropped when unset).
void add_env(ContainerSpec& spec, const std::string& item, const RunContext& c, bool create) {
  size_t eq = item.find('=');
  if (eq == 0 || item.empty()) run_failure(create, "invalid environment variable: " + item);
  if (eq != std::string::npos) {
    spec.env[item.substr(0, eq)] = item.substr(eq + 1);
  } else if (c.env && c.env->count(item)) {
    spec.env[item] = c.env->at(item);
  }
}

// opts/file.go parseKeyValueFile: comments and blank lines skipped, values kept as written.
void read_env_file(ContainerSpec& spec, const std::string& file, const RunContext& c, bool create) {
  fs::path real = c.paths ? c.paths->resolve(host_path(c, file)) : fs::path(host_path(c, file));
  std::ifstream in(real);
  if (!in) run_failure(create, fmt::format("open {}: no such file or directory", file));
  for (std::string line; std::getline(in, line);) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    size_t eq = line.find('=');
    std::string key = line.substr(0, eq);
    if (key.find_first_of(" \t") != std::string::npos)
      run_failure(create, fmt::format("poorly formatted environment: variable '{}' contains whitespaces", key));
    if (eq != std::string::npos)
      spec.env[key] = line.substr(eq + 1);
    else if (c.env && c.env->count(key))
      spec.env[key] = c.env->at(key);
  }
}

uint16_t port_number(const std::string& text, const std::string& what, bool create) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(text) > 65535)
    run_failure(create, fmt::format("Invalid {}: {}", what, text));
  return static_cast<uint16_t>(std::stoi(text));
}

// go-connections nat.ParsePortSpec: [ip:][hostPort:]containerPort[/proto].
PortMapping parse_publish(const std::string& spec, bool create) {
  std::string rest = spec, proto = "tcp";
  if (size_t slash = rest.rfind('/'); slash != std::string::npos) {
    proto = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (proto != "tcp") {
    if (proto == "udp" || proto == "sctp") throw CliFailure{core::not_modelled_result("docker run -p .../" + proto)};
    run_failure(create, "Invalid proto: " + proto);
  }
  std::vector<std::string> parts;
  std::stringstream ss(rest);
  for (std::string p; std::getline(ss, p, ':');) parts.push_back(p);
  if (!rest.empty() && rest.back() == ':') parts.push_back("");
  if (parts.empty() || parts.size() > 3) run_failure(create, "Invalid port format: " + spec);
  if (rest.find('-') != std::string::npos)
    throw CliFailure{core::not_modelled_result("docker run -p with a port range")};
  PortMapping m;
  m.target = port_number(parts.back(), "containerPort", create);
  if (parts.size() >= 2 && !parts[parts.size() - 2].empty())
    m.published = port_number(parts[parts.size() - 2], "hostPort", create);
  if (parts.size() == 3) m.host_ip = parts[0];
  return m;
}

// -v src:dst[:opts] (moby volume/mounts parser, linux): absolute or ./relative host paths are
// binds, other sources are named volumes, a lone path an anonymous volume.
BindMount parse_volume(const std::string& text, const RunContext& c, bool create) {
  std::vector<std::string> parts;
  std::stringstream ss(text);
  for (std::string p; std::getline(ss, p, ':');) parts.push_back(p);
  BindMount m;
  if (parts.size() == 1) {
    m.target = parts[0];
  } else if (parts.size() == 2 || parts.size() == 3) {
    m.source = parts[0];
    m.target = parts[1];
    if (parts.size() == 3) m.read_only = parts[2].find("ro") != std::string::npos;
  } else {
    run_failure(create, fmt::format("invalid spec: {}: too many colons", text));
  }
  if (!fs::path(m.target).is_absolute())
    run_failure(
        create,
        fmt::format("invalid mount config for type \"volume\": invalid mount path: '{}' mount path must be absolute",
                    m.target));
  if (!m.source.empty()) {
    bool path_like = m.source[0] == '/' || m.source[0] == '.' || m.source[0] == '~';
    if (path_like)
      m.source = host_path(c, m.source);
    else
      m.named = true;
  }
  return m;
}

// --mount type=bind,source=/x,target=/y[,readonly] (docker/cli opts/mount.go).
BindMount parse_mount(const std::string& text, const RunContext& c, bool create, std::vector<std::string>& must_exist) {
  BindMount m;
  std::string type = "volume";
  std::stringstream ss(text);
  for (std::string field; std::getline(ss, field, ',');) {
    size_t eq = field.find('=');
    std::string key = field.substr(0, eq), value = eq == std::string::npos ? "" : field.substr(eq + 1);
    if (key == "type")
      type = value;
    else if (key == "source" || key == "src")
      m.source = value;
    else if (key == "target" || key == "destination" || key == "dst")
      m.target = value;
    else if (key == "readonly" || key == "ro")
      m.read_only = value.empty() || value == "true" || value == "1";
    else if (key != "consistency" && key != "bind-propagation")
      throw CliFailure{core::not_modelled_result("docker run --mount " + key)};
  }
  if (type != "bind" && type != "volume")
    throw CliFailure{core::not_modelled_result("docker run --mount type=" + type)};
  if (m.target.empty())
    throw CliFailure{failed(fmt::format("invalid argument \"{}\" for \"--mount\" flag: target is required\nSee 'docker "
                                        "{} --help'.",
                                        text, create ? "create" : "run"),
                            125)};
  if (type == "bind") {
    m.source = host_path(c, m.source);
    must_exist.push_back(m.source);
  } else {
    m.named = !m.source.empty();
  }
  return m;
}

void parse_health(RunArgs& r, const CliArgs& a, const CommandSpec& spec, bool create) {
  bool any = a.has("health-cmd") || a.has("health-interval") || a.has("health-timeout") || a.has("health-retries") ||
             a.has("health-start-period");
  if (a.has("no-healthcheck")) {
    if (any) run_failure(create, "--no-healthcheck conflicts with --health-* options");
    r.spec.healthcheck = Healthcheck{{"NONE"}, {}, {}, {}, 3, true};
    return;
  }
  if (!any) return;
  Healthcheck h;
  if (a.has("health-cmd")) h.test = {"CMD-SHELL", a.value("health-cmd")};
  auto positive = [&](const std::string& name) -> std::optional<core::Duration> {
    if (!a.has(name)) return std::nullopt;
    core::Duration d = duration_flag(spec, a, name);
    if (d < core::Duration{}) run_failure(create, "--" + name + " cannot be negative");
    return d == core::Duration{} ? std::nullopt : std::optional<core::Duration>(d);
  };
  h.interval = positive("health-interval");
  h.timeout = positive("health-timeout");
  h.start_period = positive("health-start-period");
  int retries = int_flag(spec, a, "health-retries", 0);
  if (retries < 0) run_failure(create, "--health-retries cannot be negative");
  if (retries > 0) h.retries = retries;
  // Without --health-cmd the image's HEALTHCHECK test stays (simplification: built images have none).
  if (h.test.empty()) h.test = {"NONE"};
  r.spec.healthcheck = h;
}

}  // namespace

core::CommandResult report_error(const std::string& command, std::string error, bool with_help, int code) {
  while (!error.empty() && error.back() == '.') error.pop_back();
  std::string text = "docker: " + error + ".";
  if (with_help) text += "\nSee 'docker " + command + " --help'.";
  return failed(text, code);
}

const CommandSpec& run_command_spec(bool create) {
  static const CommandSpec run{"docker run",
                               "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
                               "Run a command in a new container",
                               container_flags(false),
                               false,
                               kUnmodelled};
  static const CommandSpec make{"docker create",
                                "docker create [OPTIONS] IMAGE [COMMAND] [ARG...]",
                                "Create a new container",
                                container_flags(true),
                                false,
                                kUnmodelled};
  return create ? make : run;
}

RunArgs parse_run_args(const std::vector<std::string>& args, bool create, const RunContext& c) {
  const CommandSpec& spec = run_command_spec(create);
  CliArgs a = parse_command(spec, args);
  require_min(spec, a, 1);
  RunArgs r;
  ContainerSpec& s = r.spec;
  s.image = a.positional[0];
  s.command.assign(a.positional.begin() + 1, a.positional.end());
  r.detach = a.has("detach");
  s.name = a.value("name");
  for (const auto& f : a.values["env-file"]) read_env_file(s, f, c, create);
  for (const auto& e : a.values["env"]) add_env(s, e, c, create);
  for (const auto& p : a.values["publish"]) s.ports.push_back(parse_publish(p, create));
  for (const auto& l : a.values["label"]) {
    size_t eq = l.find('=');
    s.labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
  }
  for (const auto& h : a.values["add-host"]) {
    size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      throw CliFailure{failed(fmt::format("invalid argument \"{}\" for \"--add-host\" flag: bad format for add-host: "
                                          "{}\nSee '{} --help'.",
                                          h, go_quote(h), spec.path),
                              125)};
    s.extra_hosts.push_back(h);
  }
  std::vector<std::string> networks = a.values["network"];
  for (const auto& n : a.values["net"]) networks.push_back(n);
  if (networks.size() > 1) throw CliFailure{core::not_modelled_result("docker run with several --network")};
  if (!networks.empty() && (networks[0] == "host" || networks[0].rfind("container:", 0) == 0))
    throw CliFailure{core::not_modelled_result("docker run --network " + networks[0])};
  s.networks = networks.empty() ? std::vector<std::string>{"bridge"} : networks;
  s.aliases = a.values["network-alias"];
  for (const auto& n : a.values["net-alias"]) s.aliases.push_back(n);
  ParsedRestartPolicy restart = parse_restart_policy(a.value("restart"));
  if (!restart.error.empty()) run_failure(create, restart.error);
  s.restart = a.value("restart");
  s.auto_remove = a.has("rm");
  if (s.auto_remove && !restart.policy.none()) run_failure(create, "Conflicting options: --restart and --rm");
  parse_health(r, a, spec, create);
  for (const auto& v : a.values["volume"]) s.mounts.push_back(parse_volume(v, c, create));
  for (const auto& m : a.values["mount"]) s.mounts.push_back(parse_mount(m, c, create, s.bind_must_exist));
  s.hostname = a.value("hostname");
  s.init = a.has("init");
  s.stop_signal = a.value("stop-signal");
  if (a.has("stop-timeout")) s.stop_grace_period = std::chrono::seconds(int_flag(spec, a, "stop-timeout", 10));
  s.workdir = a.value("workdir");
  s.user = a.value("user");
  if (a.has("entrypoint"))
    s.entrypoint =
        a.value("entrypoint").empty() ? std::vector<std::string>{} : std::vector<std::string>{a.value("entrypoint")};
  s.tty = a.has("tty");
  s.interactive = a.has("interactive");
  for (const auto& e : a.values["expose"]) s.expose.push_back(e.find('/') == std::string::npos ? e + "/tcp" : e);
  s.log_driver = a.value("log-driver");
  if (!s.log_driver.empty() && s.log_driver != "json-file" && s.log_driver != "local")
    throw CliFailure{core::not_modelled_result("docker run --log-driver " + s.log_driver)};
  r.pull = a.value("pull", "missing");
  if (r.pull != "missing" && r.pull != "always" && r.pull != "never")
    run_failure(create,
                fmt::format("invalid pull option: '{}': must be one of \"always\", \"missing\" or \"never\"", r.pull));
  return r;
}

}  // namespace bg::fakes
