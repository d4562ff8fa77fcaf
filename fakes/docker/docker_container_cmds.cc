// The container verbs of `docker`: rm, stop, start, restart, kill, logs, rename, wait, port, each as
// docker/cli cli/command/container/<verb>.go@v20.10.17 prints it: the name given on success, the
// errors joined on stderr with exit 1. Commands that inspect first (logs, port) say "Error: No such
// container: x" (the API client's wording), the others "Error response from daemon: No such
// container: x".
#include <algorithm>
#include <csignal>

#include <fmt/format.h>

#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_cli_support.h"

namespace bg::fakes {
namespace {

const CommandSpec kRm{"docker rm",
                      "docker rm [OPTIONS] CONTAINER [CONTAINER...]",
                      "Remove one or more containers",
                      {{'f', "force", false}, {'v', "volumes", false}, {'l', "link", false}},
                      true,
                      {"link"}};
const CommandSpec kStop{"docker stop",
                        "docker stop [OPTIONS] CONTAINER [CONTAINER...]",
                        "Stop one or more running containers",
                        {{'t', "time", true}}};
const CommandSpec kStart{"docker start",
                         "docker start [OPTIONS] CONTAINER [CONTAINER...]",
                         "Start one or more stopped containers",
                         {{'a', "attach", false},
                          {'i', "interactive", false},
                          {0, "detach-keys", true},
                          {0, "checkpoint", true},
                          {0, "checkpoint-dir", true}},
                         true,
                         {"attach", "interactive", "checkpoint", "checkpoint-dir"}};
const CommandSpec kRestart{"docker restart",
                           "docker restart [OPTIONS] CONTAINER [CONTAINER...]",
                           "Restart one or more containers",
                           {{'t', "time", true}}};
const CommandSpec kKill{"docker kill",
                        "docker kill [OPTIONS] CONTAINER [CONTAINER...]",
                        "Kill one or more running containers",
                        {{'s', "signal", true}}};
const CommandSpec kLogs{"docker logs",
                        "docker logs [OPTIONS] CONTAINER",
                        "Fetch the logs of a container",
                        {{0, "details", false},
                         {'f', "follow", false},
                         {0, "since", true},
                         {0, "tail", true},
                         {'t', "timestamps", false},
                         {0, "until", true}},
                        true,
                        {"since", "until", "details"}};
const CommandSpec kRename{"docker rename", "docker rename CONTAINER NEW_NAME", "Rename a container", {}};
const CommandSpec kWait{"docker wait",
                        "docker wait CONTAINER [CONTAINER...]",
                        "Block until one or more containers stop, then print their exit codes",
                        {}};
const CommandSpec kPort{"docker port",
                        "docker port CONTAINER [PRIVATE_PORT[/PROTO]]",
                        "List port mappings or a specific mapping for the container",
                        {}};

// Runs `op` on each container argument, printing the name given; the errors together (exit 1).
template <typename Op>
core::CommandResult each(const std::vector<std::string>& names, Op op) {
  core::CommandResult r;
  std::vector<std::string> errors;
  for (const auto& name : names) {
    try {
      op(name);
      r.out += name + "\n";
    } catch (const DockerError& e) {
      errors.push_back(daemon_error(e.what()));
    }
  }
  if (!errors.empty()) {
    r.exit_code = 1;
    for (const auto& e : errors) r.err += e + "\n";
  }
  return r;
}

std::optional<core::Duration> time_flag(const CommandSpec& spec, const CliArgs& a) {
  if (!a.has("time")) return std::nullopt;
  return std::chrono::seconds(int_flag(spec, a, "time", 10));
}

}  // namespace

core::CommandResult DockerCli::rm(const Args& args, std::stop_token stop) {
  CliArgs a = parse_command(kRm, args);
  require_min(kRm, a, 1);
  core::CommandResult r;
  std::vector<std::string> errors;
  for (const auto& given : a.positional) {
    std::string name = given;
    name.erase(0, name.find_first_not_of('/'));
    try {
      if (name.empty()) throw std::invalid_argument("Container name cannot be empty");
      std::string resolved = engine_.resolve(name);
      if (a.has("force"))
        engine_.remove_forced(resolved, stop);
      else
        engine_.remove(resolved, stop);
      r.out += given + "\n";
    } catch (const DockerError& e) {
      // rm.go: with -f a missing container is reported but is not a failure.
      if (a.has("force") && std::string(e.what()).rfind("No such container", 0) == 0)
        r.err += daemon_error(e.what()) + "\n";
      else
        errors.push_back(daemon_error(e.what()));
    } catch (const std::invalid_argument& e) {
      errors.push_back(e.what());
    }
  }
  for (const auto& e : errors) r.err += e + "\n";
  if (!errors.empty()) r.exit_code = 1;
  return r;
}

core::CommandResult DockerCli::stop(const Args& args, std::stop_token stop) {
  CliArgs a = parse_command(kStop, args);
  require_min(kStop, a, 1);
  auto timeout = time_flag(kStop, a);
  return each(a.positional, [&](const std::string& n) { engine_.stop(engine_.resolve(n), timeout, stop); });
}

core::CommandResult DockerCli::start(const Args& args) {
  CliArgs a = parse_command(kStart, args);
  require_min(kStart, a, 1);
  core::CommandResult r;
  std::vector<std::string> failed_names;
  for (const auto& n : a.positional) {
    try {
      engine_.start(engine_.resolve(n));
      r.out += n + "\n";
    } catch (const DockerError& e) {
      r.err += daemon_error(e.what()) + "\n";
      failed_names.push_back(n);
    }
  }
  if (!failed_names.empty()) {
    r.err += fmt::format("Error: failed to start containers: {}\n", fmt::join(failed_names, ", "));
    r.exit_code = 1;
  }
  return r;
}

core::CommandResult DockerCli::restart(const Args& args, std::stop_token stop) {
  CliArgs a = parse_command(kRestart, args);
  require_min(kRestart, a, 1);
  auto timeout = time_flag(kRestart, a);
  return each(a.positional, [&](const std::string& n) { engine_.restart(engine_.resolve(n), timeout, stop); });
}

core::CommandResult DockerCli::kill(const Args& args) {
  CliArgs a = parse_command(kKill, args);
  require_min(kKill, a, 1);
  std::string signal = a.value("signal", "KILL");
  return each(a.positional, [&](const std::string& n) {
    std::string name = engine_.resolve(n);
    int signo = signal_number(signal);
    if (signo <= 0) throw DockerError("Invalid signal: " + signal);
    try {
      engine_.kill_signal(name, signo);
    } catch (const DockerError& e) {
      // The API router's wrapping (api/server/router/container/container_routes.go postContainersKill).
      throw DockerError(fmt::format("Cannot kill container: {}: {}", n, e.what()));
    }
  });
}

core::CommandResult DockerCli::logs(const Args& args) {
  CliArgs a = parse_command(kLogs, args);
  require_exact(kLogs, a, 1);
  std::optional<ContainerInfo> c = engine_.info(a.positional[0]);
  if (!c) return failed("Error: No such container: " + a.positional[0]);
  // Following a running container would block the script until it stops.
  if (a.has("follow") && c->record.state == ContainerState::running)
    return core::not_modelled_result("docker logs -f of a running container");
  std::vector<LogLine> lines = engine_.logs(c->record.name);
  std::string tail = a.value("tail", "all");
  if (tail != "all") {
    int n = int_flag(kLogs, a, "tail", -1);
    if (n >= 0 && static_cast<size_t>(n) < lines.size()) lines.erase(lines.begin(), lines.end() - n);
  }
  core::CommandResult r;
  for (const auto& l : lines) {
    std::string text = (a.has("timestamps") ? docker_time(l.time) + " " : "") + l.text + "\n";
    (l.is_stderr ? r.err : r.out) += text;
  }
  return r;
}

core::CommandResult DockerCli::rename(const Args& args) {
  CliArgs a = parse_command(kRename, args);
  require_exact(kRename, a, 2);
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  std::string from = trim(a.positional[0]), to = trim(a.positional[1]);
  if (from.empty() || to.empty()) return failed("Error: Neither old nor new names may be empty");
  try {
    engine_.rename(engine_.resolve(from), to);
  } catch (const DockerError& e) {
    return failed(daemon_error(e.what()) + "\nError: failed to rename container named " + from);
  }
  return {};
}

core::CommandResult DockerCli::wait(const Args& args, std::stop_token stop) {
  CliArgs a = parse_command(kWait, args);
  require_min(kWait, a, 1);
  core::CommandResult r;
  std::vector<std::string> errors;
  for (const auto& n : a.positional) {
    try {
      r.out += std::to_string(engine_.wait(engine_.resolve(n), stop)) + "\n";
    } catch (const DockerError& e) {
      errors.push_back(daemon_error(e.what()));
    }
  }
  for (const auto& e : errors) r.err += e + "\n";
  if (!errors.empty()) r.exit_code = 1;
  return r;
}

// NetworkSettings.Ports of a running container: each published port (simplification: IPv4 only).
core::CommandResult DockerCli::port(const Args& args) {
  CliArgs a = parse_command(kPort, args);
  require_range(kPort, a, 1, 2);
  std::optional<ContainerInfo> c = engine_.info(a.positional[0]);
  if (!c) return failed("Error: No such container: " + a.positional[0]);
  std::vector<PortMapping> ports;
  if (c->record.state == ContainerState::running)
    for (const auto& p : c->record.ports)
      if (p.published != 0) ports.push_back(p);
  std::sort(ports.begin(), ports.end(), [](const PortMapping& x, const PortMapping& y) { return x.target < y.target; });
  auto host = [](const PortMapping& p) {
    return (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) + ":" + std::to_string(p.published);
  };
  core::CommandResult r;
  if (a.positional.size() == 1) {
    for (const auto& p : ports) r.out += fmt::format("{}/{} -> {}\n", p.target, p.protocol, host(p));
    return r;
  }
  std::string wanted = a.positional[1];
  if (wanted.find('/') == std::string::npos) wanted += "/tcp";
  for (const auto& p : ports)
    if (fmt::format("{}/{}", p.target, p.protocol) == wanted) r.out += host(p) + "\n";
  if (r.out.empty()) return failed(fmt::format("Error: No public port '{}' published for {}", wanted, a.positional[0]));
  return r;
}

}  // namespace bg::fakes
